"""A supplier goes from its home page of tasks to a suggestion to a sent pledge, with axe on every page.

Two clicks and the form: "Suggested for you" on the home page, "Pledge" on the suggestion, then the form arrives
filled in with the commitment and the quantity, so only the message and the date are left to type.
"""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import Area, Commitment, User
from app.services.suggestions import rebuild_all
from tests import factories_contracts as contracts
from tests.browser.conftest import DESKTOP, NARROW

SOON = date.today() + timedelta(days=30)


@pytest.fixture
def world(app, make):
    """A supplier with a commitment in Castlemere and a VCSE's open need there that fits it."""
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    supplier = make.organisation(kind="supplier", name="Wyvern Highways")
    member = make.user(supplier)
    vcse = make.organisation(kind="vcse", name="Castlemere Community Hall")
    castlemere = make.area("Castlemere")
    measure = make.measure(unit="hour")
    contract = contracts.contract(app, supplier, council, manager, reference="WCC-HW-01",
                                  starts_on=date.today() - timedelta(days=100))
    commitment = contracts.commitment(app, contract, measure, "100", due_on=date.today() + timedelta(days=100))
    with app.app_context():
        db.session.get(Commitment, commitment).areas = [db.session.get(Area, castlemere)]
        db.session.commit()
    need = make.need(vcse, title="Volunteers to paint the hall", measure_id=measure, area_id=castlemere,
                     quantity="24", needed_by=SOON)
    with app.app_context():
        rebuild_all()
    return SimpleNamespace(member=make.get(User, member), need=need, commitment=commitment)


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
def test_supplier_pledges_from_a_suggestion_in_two_clicks(site, world, viewport):
    page = site.page
    site.sign_in(world.member.email)
    assert site.path() == "/home"
    assert page.get_by_role("heading", level=1).inner_text() == "Your tasks"

    site.follow(page.get_by_role("link", name="Suggested for you"))                        # click 1
    card = page.locator(".app-suggestion").filter(has_text="Volunteers to paint the hall")
    for reason in ("In Castlemere, an area this commitment serves", "Needed by",
                   "This commitment is 0% delivered with 50% of its time gone"):
        assert reason in card.inner_text()
    site.follow(card.get_by_role("link", name="Pledge to Volunteers to paint the hall"))   # click 2

    assert page.get_by_role("radio", name="WCC-HW-01: Highways maintenance").is_checked()
    assert page.get_by_label("How much are you pledging?").input_value() == "24"
    page.get_by_label("Message to the group").fill("Six of our team can paint on two Saturdays.")
    group = page.get_by_role("group", name="When can you provide it?", exact=True)
    group.get_by_label("Day", exact=True).fill(str(SOON.day))
    group.get_by_label("Month", exact=True).fill(str(SOON.month))
    group.get_by_label("Year", exact=True).fill(str(SOON.year))
    site.follow(page.get_by_role("button", name="Send pledge"))
    assert page.get_by_text("Your pledge has been sent to Castlemere Community Hall.").is_visible()
    site.finish(at_least=5)
