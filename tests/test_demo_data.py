"""The demo data keeps the rules: every pound traces to a confirmed pledge, its commitment, contract and confirmer."""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Commitment, Contract, LedgerEntry, Need, NeedStatus, Organisation, OrganisationKind, Pledge, PledgeStatus,
    ProxyValue, Role, User,
)
from app.queries.capacity import commitment_held, need_confirmed, need_held
from app.queries.pledges import supplier_contracts_with_figures
from tests.test_cli import invoke


def _load_demo(ctx, runner) -> None:
    """Run the real `flask demo load`."""
    result = invoke(ctx, runner, "demo", "load")
    assert result.exit_code == 0, result.output


def _check_delivery(entry: LedgerEntry) -> None:
    """A delivery entry: one confirmed pledge, its commitment, contract, need and confirmer, valued exactly."""
    pledge = db.session.get(Pledge, entry.pledge_id)
    commitment = db.session.get(Commitment, entry.commitment_id)
    contract = db.session.get(Contract, entry.contract_id)
    need = db.session.get(Need, entry.need_id)
    confirmer = db.session.get(User, entry.confirmed_by_id)
    where = f"entry #{entry.id}"
    assert pledge.status is PledgeStatus.CONFIRMED, where
    assert pledge.commitment_id == entry.commitment_id, where
    assert commitment.contract_id == entry.contract_id, where
    assert pledge.need_id == entry.need_id, where
    assert (entry.measure_id, entry.supplier_id, entry.vcse_id) == (
        commitment.measure_id, contract.supplier_id, need.organisation_id), where
    assert pledge.supplier_id == contract.supplier_id, where
    assert confirmer is not None, where
    # The group itself confirmed it, or a moderator of the contract's council settled a dispute.
    assert confirmer.organisation_id == need.organisation_id or (
        confirmer.organisation_id == contract.buyer_id and confirmer.has_role(Role.MODERATOR)), where
    assert entry.quantity == pledge.confirmed_quantity, where
    assert entry.delivered_on == pledge.delivered_on, where
    assert entry.delivered_on >= max(pledge.created_at.date(), contract.starts_on), where
    if entry.pence_per_unit is None:
        assert (entry.value_pence, entry.proxy_value_id) == (0, None), where
    else:
        proxy = db.session.get(ProxyValue, entry.proxy_value_id)
        assert (proxy.measure_id, proxy.pence_per_unit) == (entry.measure_id, entry.pence_per_unit), where
        assert proxy.effective_from <= entry.delivered_on, where
        exact = (entry.quantity * entry.pence_per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert entry.value_pence == int(exact), where


def _check_reversal(entry: LedgerEntry) -> None:
    """A reversal: points at a delivery entry on the same pledge, and is its exact negative."""
    original = db.session.get(LedgerEntry, entry.reverses_id)
    where = f"reversal #{entry.id}"
    assert original is not None and original.reverses_id is None, where
    assert (entry.quantity, entry.value_pence) == (-original.quantity, -original.value_pence), where
    assert (entry.pledge_id, entry.commitment_id, entry.contract_id, entry.need_id, entry.measure_id) == (
        original.pledge_id, original.commitment_id, original.contract_id, original.need_id, original.measure_id), where
    assert (entry.pence_per_unit, entry.proxy_value_id, entry.delivered_on) == (
        original.pence_per_unit, original.proxy_value_id, original.delivered_on), where
    assert db.session.get(User, entry.confirmed_by_id) is not None and entry.reason.strip(), where


def test_every_demo_ledger_entry_traces_to_a_confirmed_pledge_commitment_contract_and_confirmer(runner, ctx):
    _load_demo(ctx, runner)
    with ctx():
        entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        deliveries = [e for e in entries if e.reverses_id is None]
        reversals = [e for e in entries if e.reverses_id is not None]
        assert len(deliveries) >= 5 and reversals, "the demo shows confirmed deliveries and a correction"
        for entry in deliveries:
            _check_delivery(entry)
        for entry in reversals:
            _check_reversal(entry)
        assert len({e.pledge_id for e in deliveries}) == len(deliveries), "one delivery entry per pledge"


def test_demo_pledges_exist_in_every_status_and_never_over_allocate(runner, ctx):
    _load_demo(ctx, runner)
    with ctx():
        assert set(db.session.scalars(select(Pledge.status).distinct())) == set(PledgeStatus)
        for commitment in db.session.scalars(select(Commitment)):
            assert commitment_held(commitment.id) <= commitment.quantity, commitment.id
        for need in db.session.scalars(select(Need).where(Need.id.in_(select(Pledge.need_id)))):
            assert need_held(need.id) <= need.quantity, need.title
            met = need_confirmed(need.id) >= need.quantity
            assert met == (need.status is NeedStatus.FULFILLED), need.title


def test_left_on_every_demo_commitment_adds_up_after_the_demo_reversal(runner, ctx):
    """Left = committed - pledged - delivered - confirmed, so a reversed delivery gives its capacity back."""
    _load_demo(ctx, runner)
    with ctx():
        suppliers = db.session.scalars(select(Organisation.id).where(Organisation.kind == OrganisationKind.SUPPLIER))
        rows = [f for s in suppliers for c in supplier_contracts_with_figures(s) for f in c.commitments]
        assert rows
        for f in rows:
            assert f.left == max(f.committed - f.pledged - f.delivered - f.confirmed, Decimal(0)), f.commitment.id
