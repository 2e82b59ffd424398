"""Contract services at their edges: the supplier is fixed once pledged to, saves that race, and the supplier's emails."""
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

import app.services.contracts as contract_service
from app.extensions import db
from app.models import Contract, LedgerEntry, User
from app.services import ledger, pledges
from tests import factories_ledger as fl
from tests.test_contract_pages import _fields, submit

TODAY = date.today()


@pytest.fixture
def world(app, make):
    """A council's contract manager, a supplier's contract with a 100-hour commitment, and a VCSE's open need."""
    return fl.ledger_world(app, make)


def _html(response) -> str:
    """The page's text with whitespace squashed."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _supplier_of(ctx, contract_id: int) -> int:
    """A contract's saved supplier."""
    with ctx():
        return db.session.get(Contract, contract_id).supplier_id


def test_the_supplier_cannot_change_once_any_pledge_exists_even_a_declined_one(app, client, login, ctx, make, world):
    pledge_id = fl.offered_pledge(app, world.need, world.commitment, world.supplier_user, "5")
    with ctx():
        pledges.decline_pledge(pledge_id, db.session.get(User, world.vcse_user), reason="Found help elsewhere")
    other = make.organisation(kind="supplier", name="Other Supplier Ltd")
    login(world.manager)
    response = submit(client, f"/contracts/{world.contract}/edit",
                      _fields(world, reference="REF-KEPT", supplier_id=str(other)))
    assert response.status_code == 422
    html = _html(response)
    assert "The supplier cannot change once it has pledged against this contract" in html
    assert 'href="#supplier_id"' in html
    with ctx():
        contract = db.session.get(Contract, world.contract)
        assert (contract.supplier_id, contract.reference) != (other, "REF-KEPT")
        assert contract.supplier_id == world.supplier
    # A contract nobody has pledged against can still move to another supplier.
    fresh = fl.contract(app, world.council, world.supplier, world.manager, reference="REF-FRESH")
    assert submit(client, f"/contracts/{fresh}/edit",
                  _fields(world, reference="REF-FRESH", supplier_id=str(other))).status_code == 303
    assert _supplier_of(ctx, fresh) == other


def test_a_duplicate_reference_saved_at_the_same_moment_is_a_field_error_not_a_500(app, client, login, ctx, world,
                                                                                    monkeypatch):
    check = contract_service._check_contract

    def check_then_lose_the_race(data, buyer_id, contract_id):
        """Pass the check, then let another request save the same reference before this one commits."""
        check(data, buyer_id, contract_id)
        with db.engine.begin() as connection:
            connection.execute(insert(Contract.__table__).values(
                buyer_id=buyer_id, supplier_id=data.supplier_id, reference=data.reference, title="Saved first",
                value_pence=100, starts_on=data.starts_on, ends_on=data.ends_on,
                contract_manager_id=data.contract_manager_id, target_kind="percent", target_percent=Decimal("10"),
                status="active", end_reason="", created_by_id=data.contract_manager_id))

    monkeypatch.setattr(contract_service, "_check_contract", check_then_lose_the_race)
    login(world.manager)
    response = submit(client, "/contracts/new", _fields(world, reference="WCC-RACE"))
    assert response.status_code == 422
    html = _html(response)
    assert "Another contract already has this reference" in html and 'href="#reference"' in html
    with ctx():
        assert db.session.scalars(select(Contract.title).where(Contract.reference == "WCC-RACE")).all() == ["Saved first"]


def test_the_supplier_is_emailed_when_an_entry_on_its_contract_is_reversed(app, ctx, outbox, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    with ctx():
        ledger.reverse_entry(entry_id, db.session.get(User, world.manager), reason="Counted under another contract")
        supplier_email = db.session.get(User, world.supplier_user).email
        reference = db.session.get(Contract, world.contract).reference
    sent = [(subject, body) for to, subject, body in outbox() if to == supplier_email and "reversed" in subject]
    assert len(sent) == 1
    subject, body = sent[0]
    assert subject == f"A confirmed delivery on contract {reference} was reversed"
    assert "Counted under another contract" in body and "£122.10" in body and "10 hours" in body
    assert "http://marketplace.test/supplier/contracts" in body


def test_the_supplier_is_emailed_when_its_contract_is_ended_early(app, client, login, ctx, outbox, world):
    login(world.manager)
    assert submit(client, f"/contracts/{world.contract}/end",
                  {"reason": "The service is being brought in house"}).status_code == 303
    with ctx():
        supplier_email = db.session.get(User, world.supplier_user).email
        reference = db.session.get(Contract, world.contract).reference
    sent = [(subject, body) for to, subject, body in outbox() if to == supplier_email]
    assert [subject for subject, _ in sent] == [f"Contract {reference} has ended early"]
    body = sent[0][1]
    assert "The service is being brought in house" in body and f"on {TODAY.day} {TODAY:%B %Y}" in body
    assert "take no new pledges" in body and "http://marketplace.test/supplier/contracts" in body


def test_a_reversed_pledge_says_it_no_longer_counts_to_both_sides_and_in_the_supplier_list(app, client, login, ctx,
                                                                                           world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user)
    with ctx():
        pledge_id = db.session.get(LedgerEntry, entry_id).pledge_id
        ledger.reverse_entry(entry_id, db.session.get(User, world.manager), reason="Counted under another contract")

    login(world.supplier_user)
    supplier_page = _html(client.get(f"/supplier/pledges/{pledge_id}"))
    supplier_list = _html(client.get("/supplier/pledges"))
    login(world.vcse_user)
    vcse_page = _html(client.get(f"/vcse/pledges/{pledge_id}"))

    assert "no longer counts towards your contract" in supplier_page
    assert "Confirmed and counted" not in supplier_page
    assert "no longer counts" in vcse_page and "Confirmed and counted" not in vcse_page
    assert "Reversed" in supplier_list and "Confirmed and counted" not in supplier_list


def test_a_confirmed_pledge_that_was_not_reversed_still_says_it_counts(app, client, login, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user)
    with app.app_context():
        pledge_id = db.session.get(LedgerEntry, entry_id).pledge_id
        db.session.remove()
    login(world.supplier_user)
    assert "Confirmed and counted towards your contract" in _html(client.get(f"/supplier/pledges/{pledge_id}"))
