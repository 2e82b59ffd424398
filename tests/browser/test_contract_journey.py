"""A contract's life through the real pages, with axe on every page: set up, disputes settled, a correction, ended early.

A contract manager records a contract and a commitment (meeting the error summary on the way) and cannot cut the
commitment below what is pledged; a group disputes a delivery; a moderator settles one dispute by confirming a
quantity and another by cancelling; the contract manager reverses the entry that wrote and ends the contract early.
The contract forms and the dispute pages are also checked at 320px wide.
"""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Commitment, Measure, User
from app.services import pledges
from tests import factories_contracts, factories_ledger
from tests.browser.conftest import NARROW
from tests.browser.test_pledge_loop import cells, fill_date, main_menu, summary_value

TODAY = date.today()
STARTS, ENDS, DUE = TODAY - timedelta(days=30), TODAY + timedelta(days=730), TODAY + timedelta(days=180)
REFERENCE = "WCC-2026-050"
TITLE = "Volunteers to run the community fridge"


@pytest.fixture
def world(app, make):
    """A council's contract manager and moderator, an approved supplier, and a VCSE's open need for 60 hours."""
    area = make.area("Riverside")
    theme = make.theme("Reduce inequality")
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    supplier = make.organisation(kind="supplier", name="Acme Highways Ltd")
    vcse = make.organisation(kind="vcse", name="Riverside Community Fridge", area_ids=[area])
    measure = make.measure(categories=("volunteers",), pence=1221, unit="hour")
    need = make.need(vcse, title=TITLE, measure_id=measure, area_id=area, theme_ids=[theme], quantity="60")
    return SimpleNamespace(
        council=council, supplier=supplier, need=need, measure=make.get(Measure, measure),
        manager=make.get(User, make.council_user("contract_manager", organisation_id=council)),
        moderator=make.get(User, make.council_user("moderator", organisation_id=council)),
        supplier_user=make.get(User, make.user(supplier)), vcse_user=make.get(User, make.user(vcse)))


def _delivered(app, world, commitment: int, quantity: str, *, disputed: bool = False) -> int:
    """A pledge walked to delivered (or disputed) through the services, as the other pages would."""
    pledge_id = factories_ledger.delivered_pledge(app, world.need, commitment, world.supplier_user.id,
                                                  world.vcse_user.id, quantity)
    if disputed:
        with app.app_context():
            pledges.dispute_delivery(pledge_id, db.session.get(User, world.vcse_user.id), reason="Nobody came.")
            db.session.remove()
    return pledge_id


def _newest_commitment(app, contract_id: int) -> int:
    """The id of the contract's latest commitment."""
    with app.app_context():
        commitment_id = db.session.scalar(select(Commitment.id).where(Commitment.contract_id == contract_id)
                                          .order_by(Commitment.id.desc()))
        db.session.remove()
        return commitment_id


def test_contract_set_up_disputes_settled_entry_reversed_and_contract_ended(site, app, world):
    page = site.page
    banner = page.locator(".govuk-notification-banner")

    # The contract manager records the contract, meeting the error summary first.
    site.sign_in(world.manager.email)
    site.follow(main_menu(page).get_by_role("link", name="Contracts"))
    site.follow(page.get_by_role("button", name="Add a contract"))
    page.get_by_label("Contract reference").fill(REFERENCE)
    page.get_by_label("Contract title").fill("Street lighting")
    page.get_by_label("Supplier", exact=True).select_option(label="Acme Highways Ltd")
    page.get_by_label("Contract value", exact=True).fill("2,000,000")
    fill_date(page, "Start date", STARTS)
    fill_date(page, "End date", ENDS)
    page.get_by_label("A percentage of the contract value").check()
    site.follow(page.get_by_role("button", name="Save contract"), status=422)
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter the target percentage").click()
    assert page.evaluate("document.activeElement.id") == "target_percent"
    page.get_by_label("Target percentage").fill("10")
    site.follow(page.get_by_role("button", name="Save contract"))
    assert banner.get_by_text(f"Contract {REFERENCE} saved. Now add its commitments.").is_visible()
    assert summary_value(page, "Social value target") == "£200,000.00 (10% of the contract value)"
    contract_id = int(site.path().rsplit("/", 1)[1])

    # ... and its commitment.
    site.follow(page.get_by_role("button", name="Add a commitment"))
    page.get_by_label("Measure", exact=True).select_option(label=f"{world.measure.name} (hour)")
    page.get_by_label("Quantity", exact=True).fill("100")
    fill_date(page, "Due by", DUE)
    page.get_by_label("Reduce inequality").check()
    page.get_by_label("Note (optional)").fill("From the tender: 100 volunteering hours.")
    site.follow(page.get_by_role("button", name="Save commitment"))
    assert banner.get_by_text("Commitment added.").is_visible()
    commitment = _newest_commitment(app, contract_id)

    # The supplier pledges against it and delivers twice (through the loop's own pages elsewhere).
    first = _delivered(app, world, commitment, "30")
    second = _delivered(app, world, commitment, "10", disputed=True)

    # The commitment cannot be cut below the 40 hours those deliveries hold.
    site.follow(page.get_by_role("link", name=f"Edit commitment: {world.measure.name}"))
    page.get_by_label("Quantity", exact=True).fill("20")
    site.follow(page.get_by_role("button", name="Save commitment"), status=422)
    message = "Quantity cannot be less than the 40 hours already pledged or delivered against this commitment"
    assert page.locator(".govuk-error-summary").get_by_role("link", name=message).is_visible()
    assert page.locator("#quantity-error").inner_text().endswith(message)
    page.get_by_label("Quantity", exact=True).fill("120")
    site.follow(page.get_by_role("button", name="Save commitment"))
    assert banner.get_by_text("Commitment saved.").is_visible()
    row = page.get_by_role("table", name=re.compile("^Commitments ")).get_by_role("row").nth(1)
    assert cells(row)[1:4] == ["120 hours\n£1,465.20 at today’s value", "0 hours",
                               "40 hours\n£488.40 at today’s value"]
    site.sign_out()

    # The group disputes the first delivery.
    site.sign_in(world.vcse_user.email)
    site.visit(f"/vcse/pledges/{first}")
    page.get_by_label("What is wrong with the delivery?").fill("Only 20 of the 30 hours happened.")
    site.follow(page.get_by_role("button", name="Dispute delivery"))
    assert banner.get_by_text("You have disputed the delivery.").is_visible()
    site.sign_out()

    # A moderator settles one dispute by confirming 20 hours and the other by cancelling the pledge.
    site.sign_in(world.moderator.email)
    site.follow(main_menu(page).get_by_role("link", name="Moderation"))
    site.follow(page.get_by_role("link", name="Disputed deliveries (2)"))
    disputes = page.get_by_role("table", name="Disputed deliveries")
    site.follow(disputes.get_by_role("row").filter(has_text="30 hours").get_by_role("link", name=TITLE))
    assert page.get_by_text("Only 20 of the 30 hours happened.").is_visible()
    page.get_by_label("Quantity to confirm").fill("20")
    page.get_by_label("How was the dispute resolved?").fill("Both sides agree 20 hours took place.")
    site.follow(page.get_by_role("button", name="Confirm this quantity"))
    assert banner.get_by_text("The delivery is confirmed and counted. Both sides have been emailed.").is_visible()
    site.follow(page.get_by_role("table", name="Disputed deliveries").get_by_role("link", name=TITLE))
    assert site.path() == f"/moderation/disputes/{second}"
    page.get_by_label("Why is the pledge being cancelled?").fill("The supplier accepts nobody came.")
    site.follow(page.get_by_role("button", name="Cancel the pledge"))
    assert banner.get_by_text("The pledge is cancelled and nothing is counted.").is_visible()
    assert page.get_by_text("There are no disputed deliveries.").is_visible()
    site.sign_out()

    # The contract manager reverses the entry the confirmation wrote, then ends the contract early.
    site.sign_in(world.manager.email)
    site.follow(main_menu(page).get_by_role("link", name="Contracts"))
    site.follow(page.get_by_role("link", name=REFERENCE))
    assert summary_value(page, "Confirmed so far").startswith("£244.20 of £200,000.00")
    site.follow(page.get_by_role("link", name=re.compile(r"^Reverse entry #\d+$")))
    page.get_by_label("Why is this entry being reversed?").fill("The hours were paid for under another contract.")
    site.follow(page.get_by_role("button", name="Reverse entry"))
    assert banner.get_by_text("The entry has been reversed. The contract's totals no longer count it.").is_visible()
    assert summary_value(page, "Confirmed so far").startswith("£0.00 of £200,000.00")
    assert page.get_by_role("table", name=re.compile("^Ledger entries")).get_by_role("row").count() == 3
    site.follow(page.get_by_role("button", name="End contract early"))
    page.get_by_label("Why is the contract ending early?").fill("The street lights were transferred to the town.")
    site.follow(page.get_by_role("button", name="End contract"))
    assert banner.get_by_text(f"Contract {REFERENCE} has ended. Its commitments take no new pledges.").is_visible()
    assert page.get_by_text("The street lights were transferred to the town.").is_visible()
    site.finish(at_least=34)


@pytest.mark.parametrize("viewport", [NARROW], ids=["320px"])
def test_contract_forms_and_dispute_pages_are_accessible_at_320px(site, app, world, viewport):
    """Each form with its error summary showing, where it has one, at the narrowest width."""
    contract = factories_contracts.contract(app, world.supplier, world.council, world.manager.id, reference=REFERENCE)
    commitment = factories_contracts.commitment(app, contract, world.measure.id, "100")
    disputed = _delivered(app, world, commitment, "10", disputed=True)
    entry = factories_ledger.confirmed_entry(app, world.need, commitment, world.supplier_user.id, world.vcse_user.id,
                                             "5")
    page = site.page

    site.sign_in(world.manager.email)
    site.visit("/contracts/new")
    site.follow(page.get_by_role("button", name="Save contract"), status=422)
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter the contract reference").is_visible()
    site.visit(f"/contracts/{contract}/edit")
    site.visit(f"/contracts/{contract}/commitments/new")
    site.follow(page.get_by_role("button", name="Save commitment"), status=422)
    site.visit(f"/contracts/commitments/{commitment}/edit")
    site.visit(f"/contracts/ledger/{entry}/reverse")
    site.follow(page.get_by_role("button", name="Reverse entry"), status=422)
    site.visit(f"/contracts/{contract}/end")
    site.follow(page.get_by_role("button", name="End contract"), status=422)
    site.sign_out()

    site.sign_in(world.moderator.email)
    site.visit("/moderation/disputes")
    site.visit(f"/moderation/disputes/{disputed}")
    site.follow(page.get_by_role("button", name="Confirm this quantity"), status=422)
    site.finish(at_least=16)
