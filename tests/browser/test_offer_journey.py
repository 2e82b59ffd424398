"""Standing offers through the real pages, with axe on every page at 1280px and 320px.

A supplier's offer of volunteering hours is open; a group finds it and requests some; the supplier accepts and
marks it delivered; the group confirms; the contract manager sees the pounds on the offer's commitment.
"""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.models import Measure, User
from tests import factories_contracts, factories_offers
from tests.browser.conftest import DESKTOP, NARROW
from tests.browser.test_pledge_loop import cells, fill_date, main_menu, summary_value

widths = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
TODAY = date.today()
WANTED = TODAY + timedelta(days=10)
TITLE = "Staff volunteers for a garden day"
PENCE_PER_HOUR = 1221  # £12.21 an hour: 6 hours confirmed is £73.26


@pytest.fixture
def world(app, make):
    """A council's manager and moderator, a supplier with a commitment and an open offer on it, and a VCSE."""
    area, theme = make.area("Riverside"), make.theme("Healthy, safe and resilient communities")
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    moderator = make.council_user("moderator", organisation_id=council)
    supplier = make.organisation(kind="supplier", name="Acme Highways Ltd")
    vcse = make.organisation(kind="vcse", name="Riverside Community Garden", area_ids=[area])
    measure = make.measure(categories=("volunteers",), pence=PENCE_PER_HOUR, unit="hour")
    contract = factories_contracts.contract(app, supplier, council, manager, reference="WCC-2026-021",
                                            title="Highways maintenance")
    commitment = factories_contracts.commitment(app, contract, measure, "100")
    supplier_user = make.user(supplier)
    offer = factories_offers.offer(app, commitment, title=TITLE, quantity="30", most_per_request="8",
                                   area_ids=[area], theme_ids=[theme], summary="Ten staff for a day of digging")
    return SimpleNamespace(
        offer=offer, commitment=commitment, contract=contract, area=area, theme=theme,
        measure=make.get(Measure, measure), manager=make.get(User, manager), moderator=make.get(User, moderator),
        supplier_user=make.get(User, supplier_user), vcse_user=make.get(User, make.user(vcse)))


def test_a_group_requests_an_offer_and_its_confirmed_delivery_counts_on_the_contract(site, world):
    page = site.page

    # The group finds the offer and asks for 6 of its hours.
    site.sign_in(world.vcse_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Offers"))
    search = page.get_by_role("search", name="Search and filter offers")
    search.get_by_label("Search").fill("garden")
    site.follow(search.get_by_role("button", name="Apply"))
    assert page.get_by_text("1 open offer matches your search").is_visible()
    site.follow(page.get_by_role("link", name=TITLE))
    assert summary_value(page, "Still available") == "30 hours"
    site.follow(page.get_by_role("button", name="Request this offer"))
    page.get_by_label("How much would you like?").fill("9")
    fill_date(page, "When would you like it?", WANTED)
    page.get_by_label("Message to the supplier").fill("We are digging new beds. Ask for Gus on 01234 567890.")
    site.follow(page.get_by_role("button", name="Send request"), status=422)
    errors = page.locator(".govuk-error-summary")
    assert errors.get_by_role("link", name="You can request at most 8 hours at a time").is_visible()
    page.get_by_label("How much would you like?").fill("6")
    site.follow(page.get_by_role("button", name="Send request"))
    assert page.get_by_text("Your request has been sent to Acme Highways Ltd.").is_visible()
    assert summary_value(page, "Status") == "Waiting for the supplier"
    site.sign_out()

    # The supplier accepts it, delivers and says so.
    site.sign_in(world.supplier_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Your offers"))
    requests = page.get_by_role("table", name="Requests for your offers, waiting ones first")
    site.follow(requests.get_by_role("link", name="Riverside Community Garden"))
    assert page.get_by_text("We are digging new beds. Ask for Gus on 01234 567890.").is_visible()
    site.follow(page.get_by_role("button", name="Accept request"))
    assert page.get_by_text("You have accepted the request. The group has been emailed.").is_visible()
    assert summary_value(page, "Status") == "Accepted"
    assert summary_value(page, "Pledged") == "6 hours"
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    fill_date(page, "When was it delivered?", TODAY)
    page.get_by_label("What was done?").fill("Ten staff dug four new beds.")
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    assert page.get_by_text("Marked as delivered. Riverside Community Garden has been asked to confirm it.").is_visible()
    site.sign_out()

    # The group confirms what it received.
    site.sign_in(world.vcse_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Your requests"))
    site.follow(page.get_by_role("link", name=TITLE))
    site.follow(page.get_by_role("link", name="Follow the delivery, and confirm it when you have received it"))
    assert page.get_by_text("Ten staff dug four new beds.").is_visible()
    assert page.get_by_label("How much did you receive?").input_value() == "6"
    site.follow(page.get_by_role("button", name="Confirm delivery"))
    assert page.get_by_text("Delivery confirmed and counted. Thank you. The supplier has been emailed.").is_visible()
    assert summary_value(page, "Value counted") == "£73.26 (6 hours at £12.21 each)"
    site.sign_out()

    # The contract manager sees the pounds on the offer's commitment, and the entry behind them.
    site.sign_in(world.manager.email)
    site.follow(main_menu(page).get_by_role("link", name="Contracts"))
    site.follow(page.get_by_role("link", name="WCC-2026-021"))
    assert summary_value(page, "Confirmed so far") == "£73.26 of £100,000.00 (0.1%)"
    progress = page.get_by_role("table", name=re.compile("^Commitments ")).get_by_role("row").filter(
        has_text=world.measure.name)
    assert cells(progress)[4:6] == ["6 hours\n6.0% of committed", "£73.26\n0.1% of target"]
    entry = page.get_by_role("table", name=re.compile("^Ledger entries")).get_by_role("row").nth(1)
    assert f"For “{TITLE}”, Riverside Community Garden" in entry.inner_text()
    assert f"{world.vcse_user.name}, Riverside Community Garden" in entry.inner_text()
    site.finish(at_least=24)


@widths
def test_offer_pages_are_accessible(site, app, world, viewport):
    """The offer pages of every side, including forms with errors."""
    factories_offers.offer(app, world.commitment, status="pending_review", title="Saplings for a community site",
                           area_ids=[world.area], theme_ids=[world.theme])
    request = factories_offers.request(app, world.offer, world.vcse_user.id, "3")
    page = site.page

    site.visit("/offers")
    site.visit(f"/offers/{world.offer}")
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    site.sign_in(world.supplier_user.email)
    site.visit("/supplier/offers")
    site.follow(page.get_by_role("button", name="Post an offer"))
    site.follow(page.get_by_role("button", name="Save and submit for review"), status=422)
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter a title").is_visible()
    site.visit(f"/supplier/offers/{world.offer}")
    assert page.get_by_role("button", name="Close offer").is_visible()
    site.visit(f"/supplier/offer-requests/{request}")
    site.follow(page.get_by_role("button", name="Decline request"), status=422)
    site.sign_out()

    site.sign_in(world.moderator.email)
    site.visit("/moderation/offers")
    site.follow(page.get_by_role("link", name="Saplings for a community site"))
    assert page.get_by_role("button", name="Approve and publish").is_visible()
    site.sign_out()

    site.sign_in(world.vcse_user.email)
    site.visit(f"/vcse/offers/{world.offer}/request")
    site.visit("/vcse/offer-requests")
    site.visit(f"/vcse/offer-requests/{request}")
    site.finish(at_least=16)
