"""Edges of the pledge rules: reversals release capacity, delivery dates, the moderator's council, contract start."""
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, Need, Pledge, PledgeStatus
from app.queries.capacity import commitment_held, need_held
from app.queries.pledges import eligible_commitments
from app.services import ledger, pledges
from app.errors import NotFound, Invalid
from app.errors import Conflict
from tests import factories_contracts as fc
from tests.conftest import login_as, post_form
from tests.loop_world import build_loop_world, user

TODAY = date.today()


def long_date(day: date) -> str:
    """A date as the messages say it."""
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def world(app, make):
    """A commitment of 10 hours (its contract started 30 days ago) and an open need for 50 hours."""
    return build_loop_world(app, make, commitment_qty="10", need_qty="50")


def _accepted(w, quantity: str = "10", *, made_on: date | None = None) -> int:
    """An accepted pledge, optionally made on an earlier day; in the caller's app context."""
    pledge = pledges.make_pledge(user(w.supplier_user), need_id=w.need, commitment_id=w.commitment,
                                 quantity=Decimal(quantity), message="", proposed_on=TODAY)
    if made_on:
        pledge.created_at = datetime.combine(made_on, time(12))
        db.session.commit()
    pledges.accept_pledge(pledge.id, user(w.vcse_user))
    return pledge.id


def _client(app, user_id: int):
    """A test client signed in as a user."""
    client = app.test_client()
    login_as(client, app, user_id)
    return client


def _row_cells(html: str) -> list[str]:
    """The numeric cells of the first commitment row on Your contracts."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r'<td [^>]*class="govuk-table__cell[^"]*">(.*?)</td>', body, re.S)]


# A reversal releases the capacity a confirmed delivery held

def test_a_reversed_delivery_releases_its_hold_on_the_commitment_and_the_need(app, ctx, count_queries, world):
    with ctx():
        pledge_id = _accepted(world)
        pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"), delivered_on=TODAY,
                               note="Done")
        entry_id = pledges.confirm_delivery(pledge_id, user(world.vcse_user), quantity=Decimal("10")).id
        assert (commitment_held(world.commitment), need_held(world.need)) == (Decimal("10"), Decimal("10"))
        with pytest.raises(Invalid, match="Only 0 hours left on that commitment"):
            pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                quantity=Decimal("1"), message="", proposed_on=TODAY)
    supplier = _client(app, world.supplier_user)
    with count_queries() as before:
        html = supplier.get("/supplier/contracts").get_data(as_text=True)
    assert _row_cells(html)[:5] == ["10", "0", "0", "10", "0"]

    with ctx():
        ledger.reverse_entry(entry_id, user(world.manager), reason="Counted under another contract")
        assert (commitment_held(world.commitment), need_held(world.need)) == (Decimal("0"), Decimal("0"))
    with count_queries() as after:
        html = supplier.get("/supplier/contracts").get_data(as_text=True)
    # Committed 10, nothing pledged, delivered or confirmed (after the correction), so all 10 are left.
    assert _row_cells(html)[:5] == ["10", "0", "0", "0", "10"]
    assert after["n"] == before["n"]
    with ctx():
        again = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                    quantity=Decimal("10"), message="", proposed_on=TODAY)
        assert again.status is PledgeStatus.OFFERED


# Delivery dates cannot reach back before the pledge or the contract

def test_a_delivery_cannot_be_dated_before_the_pledge_was_made(ctx, world):
    with ctx():
        pledge_id = _accepted(world)
        with pytest.raises(Invalid) as refused:
            pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"),
                                   delivered_on=TODAY - timedelta(days=1), note="Done")
        made_on = db.session.get(Pledge, pledge_id).created_at.replace(tzinfo=timezone.utc).astimezone().date()
        assert refused.value.field == "delivered_on"
        assert refused.value.message == f"The delivery date must be on or after {long_date(made_on)}, when you made the pledge"
        db.session.rollback()
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.ACCEPTED
        pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"), delivered_on=made_on,
                               note="Done")


def test_a_delivery_cannot_be_dated_before_the_contract_started(ctx, world):
    starts_on = TODAY - timedelta(days=30)  # the loop world's contract
    with ctx():
        pledge_id = _accepted(world, made_on=starts_on - timedelta(days=10))  # made before the rule existed
        with pytest.raises(Invalid) as refused:
            pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"),
                                   delivered_on=starts_on - timedelta(days=1), note="Done")
        assert (refused.value.field, refused.value.message) == (
            "delivered_on", f"The delivery date must be on or after {long_date(starts_on)}, when the contract started")
        db.session.rollback()
        pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"), delivered_on=starts_on,
                               note="Done")
        assert db.session.get(Pledge, pledge_id).delivered_on == starts_on


def test_the_delivered_form_shows_a_backdated_delivery_error_next_to_the_date(app, ctx, world):
    with ctx():
        pledge_id = _accepted(world)
    earlier = TODAY - timedelta(days=3)
    response = post_form(_client(app, world.supplier_user), f"/supplier/pledges/{pledge_id}/delivered", {
        "quantity": "10", "delivered_on": [str(earlier.day), str(earlier.month), str(earlier.year)], "note": "Done"},
        page="/")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "when you made the pledge" in html and 'href="#delivered_on-day"' in html
    with ctx():
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.ACCEPTED


# Disputes are resolved only by the contract's own council

def test_a_moderator_of_another_council_cannot_resolve_a_dispute_through_the_services(ctx, make, world):
    stranger = make.council_user("moderator")
    with ctx():
        pledge_id = _accepted(world)
        pledges.mark_delivered(pledge_id, user(world.supplier_user), quantity=Decimal("10"), delivered_on=TODAY,
                               note="Done")
        pledges.dispute_delivery(pledge_id, user(world.vcse_user), reason="Nobody came")
    with ctx():
        with pytest.raises(NotFound):
            pledges.resolve_dispute_by_confirming(pledge_id, user(stranger), quantity=Decimal("10"), note="Fine")
        db.session.rollback()
        with pytest.raises(NotFound):
            pledges.resolve_dispute_by_cancelling(pledge_id, user(stranger), note="Not fine")
        db.session.rollback()
    with ctx():
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.DISPUTED
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
        pledges.resolve_dispute_by_cancelling(pledge_id, user(world.moderator), note="Nothing was delivered")
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.CANCELLED


# A contract takes pledges only from its start date

@pytest.fixture
def future(app, make, world):
    """A second supplier whose only contract, committing the need's measure, starts next week; (user, commitment)."""
    supplier = make.organisation(kind="supplier", name="Late Start Ltd")
    supplier_user = make.user(supplier)
    contract = fc.contract(app, supplier, world.council, world.manager, reference="WCC-LATER", title="Libraries",
                           starts_on=TODAY + timedelta(days=7), ends_on=TODAY + timedelta(days=400))
    return supplier_user, fc.commitment(app, contract, world.measure, "50")


def test_a_contract_that_has_not_started_takes_no_pledges_until_its_start_date(ctx, world, future):
    supplier_user, commitment = future
    starts_on = TODAY + timedelta(days=7)
    with ctx():
        with pytest.raises(Conflict, match=f"That contract starts on {long_date(starts_on)}, so its commitments "
                                              "take pledges from then."):
            pledges.make_pledge(user(supplier_user), need_id=world.need, commitment_id=commitment,
                                quantity=Decimal("1"), message="", proposed_on=TODAY)
        db.session.rollback()
        need = db.session.get(Need, world.need)
        assert eligible_commitments(user(supplier_user).organisation_id, need) == []
        assert [row.commitment.id for row in eligible_commitments(user(supplier_user).organisation_id, need,
                                                                  today=starts_on)] == [commitment]
        pledge = pledges.make_pledge(user(supplier_user), need_id=world.need, commitment_id=commitment,
                                     quantity=Decimal("1"), message="", proposed_on=starts_on, today=starts_on)
        assert pledge.status is PledgeStatus.OFFERED


def test_the_pledge_form_says_when_a_contract_not_started_will_take_pledges(app, world, future):
    supplier_user, _ = future
    html = _client(app, supplier_user).get(f"/supplier/needs/{world.need}/pledge").get_data(as_text=True)
    starts_on = TODAY + timedelta(days=7)
    assert "You cannot pledge to this need" in html and 'name="commitment_id"' not in html
    assert (f"Your contract WCC-LATER: Libraries starts on {long_date(starts_on)}. Its commitments take pledges "
            "from then.") in html


def test_your_contracts_marks_a_contract_not_started_rather_than_ended(app, world, future):
    supplier_user, _ = future
    html = re.sub(r"\s+", " ", _client(app, supplier_user).get("/supplier/contracts").get_data(as_text=True))
    starts_on = long_date(TODAY + timedelta(days=7))
    assert "WCC-LATER: Libraries" in html and "Not started" in html and ">Ended<" not in html
    assert f"Its commitments take pledges from {starts_on}." in html
