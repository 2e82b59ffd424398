"""Factories for contracts, commitments and pledges; each takes the `make` fixture's app and returns an id."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Commitment, Contract, ContractStatus, Need, Pledge, PledgeStatus, TargetKind, User, utcnow

_seq = itertools.count(1)


def _save(app, obj) -> int:
    """Add, commit and return the new row's id, holding no session afterwards."""
    with app.app_context():
        db.session.add(obj)
        db.session.commit()
        obj_id = obj.id
        db.session.remove()
        return obj_id


def contract(app, supplier_org_id: int, buyer_org_id: int, manager_user_id: int, *, reference: str | None = None,
             title: str = "Highways maintenance", status: str = "active", starts_on: date | None = None,
             ends_on: date | None = None, value_pence: int = 100_000_000) -> int:
    """A contract of a supplier with a council, running for a year unless told otherwise."""
    today = date.today()
    ended = ContractStatus(status) is ContractStatus.ENDED
    return _save(app, Contract(
        buyer_id=buyer_org_id, supplier_id=supplier_org_id, reference=reference or f"C-{next(_seq):04d}",
        title=title, value_pence=value_pence, starts_on=starts_on or today - timedelta(days=30),
        ends_on=ends_on or today + timedelta(days=365), contract_manager_id=manager_user_id,
        target_kind=TargetKind.PERCENT, target_percent=Decimal("10"), status=ContractStatus(status),
        ended_on=today - timedelta(days=1) if ended else None, end_reason="Ended early" if ended else "",
        created_by_id=manager_user_id))


def commitment(app, contract_id: int, measure_id: int, quantity: str = "100", *, due_on: date | None = None,
               note: str = "") -> int:
    """A commitment of a contract to a quantity of one measure."""
    return _save(app, Commitment(contract_id=contract_id, measure_id=measure_id, quantity=Decimal(quantity),
                                 due_on=due_on or date.today() + timedelta(days=180), note=note))


def pledge(app, need_id: int, commitment_id: int, *, quantity: str = "5", status: str = "offered",
           delivered_quantity: str | None = None, message: str = "We can help",
           created_by_id: int | None = None) -> int:
    """A pledge in a status, written directly (no emails, no ledger): for list pages and figures."""
    with app.app_context():
        supplier_id = db.session.get(Commitment, commitment_id).contract.supplier_id
        created_by_id = created_by_id or db.session.scalars(
            select(User.id).where(User.organisation_id == supplier_id).order_by(User.id)).first()
        status_ = PledgeStatus(status)
        delivered = status_ in (PledgeStatus.DELIVERED, PledgeStatus.DISPUTED, PledgeStatus.CONFIRMED)
        vcse_id = db.session.get(Need, need_id).organisation_id
        row = Pledge(need_id=need_id, vcse_id=vcse_id, commitment_id=commitment_id, supplier_id=supplier_id,
                     created_by_id=created_by_id, quantity=Decimal(quantity), message=message,
                     proposed_on=date.today() + timedelta(days=7), status=status_,
                     responded_at=utcnow() if status_ not in (PledgeStatus.OFFERED, PledgeStatus.WITHDRAWN) else None,
                     delivered_quantity=Decimal(delivered_quantity or quantity) if delivered else None,
                     delivered_on=date.today() if delivered else None,
                     delivery_note="Done" if delivered else "", delivered_at=utcnow() if delivered else None)
        db.session.add(row)
        db.session.commit()
        pledge_id = row.id
        db.session.remove()
        return pledge_id
