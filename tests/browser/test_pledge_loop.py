"""The core loop through the real pages, with axe on every page: pledge, accept, deliver, confirm, and the pounds.

A supplier pledges part of a contract commitment to an open need; the group accepts; the supplier marks it
delivered; the group confirms; the contract manager sees the confirmed pounds and the ledger entry behind them.
The loop's pages are also checked at 320px wide, each in the state where it has the most to show.
"""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import Measure, User
from app.services import pledges
from tests import factories_contracts, factories_ledger
from tests.browser.conftest import DESKTOP, NARROW

widths = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
TODAY = date.today()
PROPOSED = TODAY + timedelta(days=14)
DUE = TODAY + timedelta(days=180)
TITLE = "Volunteers to repaint the community hall"
PENCE_PER_HOUR = 1221  # £12.21 an hour: 12 hours confirmed is £146.52


@pytest.fixture
def world(app, make):
    """A council's contract manager, a supplier whose contract commits volunteering hours, and a VCSE's open need."""
    area = make.area("Riverside")
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    supplier = make.organisation(kind="supplier", name="Acme Highways Ltd")
    vcse = make.organisation(kind="vcse", name="Riverside Community Hall", area_ids=[area])
    measure = make.measure(categories=("volunteers",), pence=PENCE_PER_HOUR, unit="hour")
    need = make.need(vcse, title=TITLE, measure_id=measure, area_id=area, quantity="40")
    contract = factories_contracts.contract(app, supplier, council, manager, reference="WCC-2026-017",
                                            title="Highways maintenance")
    commitment = factories_contracts.commitment(app, contract, measure, "100", due_on=DUE)
    return SimpleNamespace(
        need=need, commitment=commitment, measure=make.get(Measure, measure), manager=make.get(User, manager),
        supplier_user=make.get(User, make.user(supplier)), vcse_user=make.get(User, make.user(vcse)))


def main_menu(page):
    """The service's main navigation."""
    return page.get_by_role("navigation", name="Main menu")


def fill_date(page, legend: str, when: date) -> None:
    """Type a date into the Day, Month and Year boxes of the date input with this legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(when.day))
    group.get_by_label("Month", exact=True).fill(str(when.month))
    group.get_by_label("Year", exact=True).fill(str(when.year))


def summary_value(page, key: str) -> str:
    """The value next to a key in the page's summary list."""
    key_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    row = page.locator(".govuk-summary-list__row").filter(has=key_cell)
    return row.locator("dd").inner_text()


def cells(row) -> list[str]:
    """The text of a table row's header and data cells, in order."""
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_pledge_is_accepted_delivered_confirmed_and_counted_against_the_contract(site, world):
    page = site.page
    contract_name = "WCC-2026-017: Highways maintenance"

    # The supplier finds the need and pledges 12 of the 100 hours its contract commits.
    site.sign_in(world.supplier_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Your contracts"))
    row = page.get_by_role("table", name="Commitments in contract WCC-2026-017").get_by_role("row").nth(1)
    assert cells(row)[1:6] == ["100", "0", "0", "0", "100"]
    site.follow(page.get_by_role("link", name="Find needs you can help with"))
    search = page.get_by_role("search", name="Search and filter needs")
    search.get_by_label("Search").fill("repaint")
    site.follow(search.get_by_role("button", name="Apply"))
    site.follow(page.get_by_role("link", name=TITLE))
    assert page.get_by_text("Call 01234 567890").is_visible()  # signed-in suppliers see how to get in touch
    site.follow(page.get_by_role("button", name="Pledge to meet this need"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Pledge to: {TITLE}"
    commitments = page.get_by_role("group", name="Which commitment is this pledge part of?")
    commitments.get_by_label(contract_name).check()
    assert commitments.get_by_text(f"100 hours left, due by {DUE.day} {DUE:%B %Y}").is_visible()
    page.get_by_label("How much are you pledging?").fill("12")
    page.get_by_label("Message to the group").fill("Six of our staff can paint for two Saturdays. Ask for Priya.")
    fill_date(page, "When can you provide it?", PROPOSED)
    site.follow(page.get_by_role("button", name="Send pledge"))
    assert page.get_by_text("Your pledge has been sent to Riverside Community Hall. "
                            "We will email you when they reply.").is_visible()
    assert summary_value(page, "Status") == "Offered"
    assert summary_value(page, "Pledged") == "12 hours"
    assert summary_value(page, "Contract") == contract_name
    site.sign_out()

    # The group accepts it.
    site.sign_in(world.vcse_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Pledges to you"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    assert cells(row)[1:4] == ["Acme Highways Ltd", f"12 hours\nby {PROPOSED.day} {PROPOSED:%B %Y}", "Offered"]
    site.follow(row.get_by_role("link", name=TITLE))
    assert page.get_by_text("Six of our staff can paint for two Saturdays. Ask for Priya.").is_visible()
    site.follow(page.get_by_role("button", name="Accept pledge"))
    assert page.get_by_text("You have accepted the pledge. The supplier has been emailed.").is_visible()
    assert summary_value(page, "Status") == "Accepted"
    site.sign_out()

    # The supplier marks it delivered.
    site.sign_in(world.supplier_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Your pledges"))
    site.follow(page.get_by_role("link", name=TITLE))
    assert page.get_by_text("Provide what you pledged, then mark it as delivered.").is_visible()
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mark as delivered"
    assert page.get_by_label("How much did you deliver?").input_value() == "12"
    fill_date(page, "When was it delivered?", TODAY)
    page.get_by_label("What was done?").fill("Six staff painted the main hall over two Saturdays.")
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    assert page.get_by_text("Marked as delivered. Riverside Community Hall has been asked to confirm it.").is_visible()
    assert summary_value(page, "Delivered") == f"12 hours on {TODAY.day} {TODAY:%B %Y}"
    site.follow(main_menu(page).get_by_role("link", name="Your contracts"))
    row = page.get_by_role("table", name="Commitments in contract WCC-2026-017").get_by_role("row").nth(1)
    assert cells(row)[1:6] == ["100", "0", "12", "0", "88"]
    site.sign_out()

    # The group confirms what it received, with a story.
    site.sign_in(world.vcse_user.email)
    site.follow(main_menu(page).get_by_role("link", name="Pledges to you"))
    site.follow(page.get_by_role("link", name=TITLE))
    assert page.get_by_text("Six staff painted the main hall over two Saturdays.").is_visible()
    assert page.get_by_label("How much did you receive?").input_value() == "12"
    page.get_by_label("What difference did it make? (optional)").fill("The hall is bright again and bookings are up.")
    site.follow(page.get_by_role("button", name="Confirm delivery"))
    assert page.get_by_text("Delivery confirmed and counted. Thank you. The supplier has been emailed.").is_visible()
    assert summary_value(page, "Status") == "Confirmed"
    assert summary_value(page, "Value counted") == "£146.52 (12 hours at £12.21 each)"
    site.sign_out()

    # The contract manager sees the pounds, and the entry behind them.
    site.sign_in(world.manager.email)
    site.follow(main_menu(page).get_by_role("link", name="Contracts"))
    row = page.get_by_role("table", name="Contracts and their social value").get_by_role("row").filter(
        has=page.get_by_role("link", name="WCC-2026-017"))
    assert "Acme Highways Ltd" in cells(row)[0]
    assert cells(row)[1:4] == ["£1,000,000\nTarget £100,000", "Committed £1,221\nPledged £0\nDelivered £0", "£146.52"]
    site.follow(row.get_by_role("link", name="WCC-2026-017"))
    assert page.get_by_role("heading", level=1).inner_text() == contract_name
    assert summary_value(page, "Confirmed so far") == "£146.52 of £100,000.00 (0.1%)"
    progress = page.get_by_role("table", name=re.compile("^Commitments ")).get_by_role("row").filter(
        has_text=world.measure.name)
    # Committed, pledged and delivered also show their worth at today's £12.21 an hour; confirmed is the ledger's.
    assert cells(progress)[1:6] == ["100 hours\n£1,221.00 at today’s value", "0 hours",
                                    "0 hours", "12 hours\n12.0% of committed",
                                    "£146.52\n0.1% of target"]
    entry = page.get_by_role("table", name=re.compile("^Ledger entries")).get_by_role("row").nth(1)
    assert f"12 hours of {world.measure.name.lower()}" in entry.inner_text()
    assert f"For “{TITLE}”, Riverside Community Hall" in entry.inner_text()
    assert "“The hall is bright again and bookings are up.”" in entry.inner_text()
    assert "£146.52\nat £12.21 per hour" in entry.inner_text()
    assert f"{world.vcse_user.name}, Riverside Community Hall" in entry.inner_text()
    site.finish(at_least=33)


@widths
def test_pages_of_the_loop_are_accessible(site, app, world, viewport):
    """Each page of the loop, with a pledge in every state it can show."""
    supplier, vcse = world.supplier_user.id, world.vcse_user.id
    offered = factories_ledger.offered_pledge(app, world.need, world.commitment, supplier, "5")
    accepted = factories_ledger.offered_pledge(app, world.need, world.commitment, supplier, "3")
    delivered = factories_ledger.delivered_pledge(app, world.need, world.commitment, supplier, vcse, "4")
    factories_ledger.confirmed_entry(app, world.need, world.commitment, supplier, vcse, "12",
                                     story="The hall is bright again and bookings are up.")
    with app.app_context():
        pledges.accept_pledge(accepted, db.session.get(User, vcse))
        db.session.remove()
    page = site.page

    site.sign_in(world.supplier_user.email)
    site.visit(f"/needs/{world.need}")
    site.follow(page.get_by_role("button", name="Pledge to meet this need"))
    site.follow(page.get_by_role("button", name="Send pledge"), status=422)
    errors = page.locator(".govuk-error-summary")
    assert errors.get_by_role("link", name="Select the commitment this pledge is part of").is_visible()
    site.visit("/supplier/pledges")
    assert page.get_by_role("table").get_by_role("row").count() == 5
    site.visit(f"/supplier/pledges/{offered}")
    assert page.get_by_role("button", name="Withdraw pledge").is_visible()
    site.visit(f"/supplier/pledges/{accepted}")
    assert page.get_by_role("button", name="Cancel pledge").is_visible()
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    site.follow(page.get_by_role("button", name="Mark as delivered"), status=422)
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter the date it was delivered").is_visible()
    site.visit("/supplier/contracts")
    if viewport is NARROW:  # each commitment is a block of labelled figures that fits the screen
        row = page.get_by_role("table", name="Commitments in contract WCC-2026-017").get_by_role("row").nth(1)
        layout = row.evaluate("row => [...row.children].map(cell => [cell.dataset.label || cell.textContent.trim(),"
                              " getComputedStyle(cell).display, cell.getBoundingClientRect().right])")
        assert [label for label, _, _ in layout][1:] == ["Committed", "Pledged", "Delivered", "Confirmed", "Left",
                                                         "Value today"]
        assert all(display == "block" and right <= NARROW["width"] for _, display, right in layout), layout
    site.sign_out()

    site.sign_in(world.vcse_user.email)
    site.visit("/vcse/pledges")
    site.visit(f"/vcse/pledges/{offered}")
    assert page.get_by_role("button", name="Decline pledge").is_visible()
    site.visit(f"/vcse/pledges/{delivered}")
    assert page.get_by_role("button", name="Dispute delivery").is_visible()
    page.get_by_label("How much did you receive?").fill("")
    site.follow(page.get_by_role("button", name="Confirm delivery"), status=422)
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter how much you received").is_visible()
    site.visit(f"/vcse/needs/{world.need}")
    assert page.get_by_role("heading", name="Pledges").is_visible()
    site.sign_out()

    site.sign_in(world.manager.email)
    site.visit("/contracts/")
    site.follow(page.get_by_role("link", name="WCC-2026-017"))
    assert page.get_by_role("table", name=re.compile("^Ledger entries")).get_by_role("row").count() == 2
    site.finish(at_least=22)
