"""Writing and reversing ledger entries: the only way social value is counted."""
from decimal import Decimal

from sqlalchemy import select

from app.email import email_link, queue_email
from app import permissions
from app.extensions import db
from app.models import Contract, EmailKind, LedgerEntry, Pledge, Role, User
from app.models.reference import value_in_pence
from app.services.audit import record_audit
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.transactions import locked



def entry_for_pledge(pledge_id: int) -> LedgerEntry | None:
    """The delivery entry a pledge's confirmation wrote, if any."""
    return db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.pledge_id == pledge_id, LedgerEntry.reverses_id.is_(None))
    ).first()


def add_delivery_entry(pledge: Pledge, quantity: Decimal, confirmed_by: User, story: str) -> LedgerEntry:
    """Add the one entry for a confirmed delivery, valued at the proxy in force on the delivery date."""
    proxy = pledge.commitment.measure.proxy_on(pledge.delivered_on)
    pence = proxy.pence_per_unit if proxy else None
    entry = LedgerEntry(
        pledge_id=pledge.id, commitment_id=pledge.commitment_id, contract_id=pledge.commitment.contract_id,
        need_id=pledge.need_id, measure_id=pledge.commitment.measure_id, vcse_id=pledge.vcse_id,
        supplier_id=pledge.supplier_id, quantity=quantity, proxy_value_id=proxy.id if proxy else None,
        pence_per_unit=pence, value_pence=value_in_pence(quantity, pence), delivered_on=pledge.delivered_on,
        confirmed_by_id=confirmed_by.id, story=story,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse_entry(entry_id: int, user: User, *, reason: str) -> LedgerEntry:
    """Correct a wrong entry by adding its negative, pointing at it; an entry can be reversed once."""
    if not permissions.is_council(user, Role.CONTRACT_MANAGER, Role.MODERATOR):
        raise NotAllowed("Only contract managers and moderators can reverse ledger entries.")
    if not (reason or "").strip():
        raise Invalid("Enter why this entry is being reversed", "reason")
    original = locked(LedgerEntry, entry_id)
    contract = db.session.get(Contract, original.contract_id) if original is not None else None
    if contract is None or contract.buyer_id != user.organisation_id:
        raise NotFound("No such ledger entry.")
    if original.is_reversal:
        raise Conflict("This entry is itself a reversal and cannot be reversed.")
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == original.id)):
        raise Conflict("This entry has already been reversed.")
    reversal = LedgerEntry(
        pledge_id=original.pledge_id, commitment_id=original.commitment_id, contract_id=original.contract_id,
        need_id=original.need_id, measure_id=original.measure_id, vcse_id=original.vcse_id,
        supplier_id=original.supplier_id, quantity=-original.quantity, proxy_value_id=original.proxy_value_id,
        pence_per_unit=original.pence_per_unit, value_pence=-original.value_pence,
        delivered_on=original.delivered_on, confirmed_by_id=user.id, reverses_id=original.id, reason=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    record_audit(user, "ledger.reversed", original, reason=reason.strip(), reversal_id=reversal.id,
                 value_pence=original.value_pence)
    queue_email(contract.supplier.users, "ledger_reversed",
                f"A confirmed delivery on contract {contract.reference} was reversed", contract=contract,
                entry=original, reason=reversal.reason, link=email_link("supplier_contracts"),
                kind=EmailKind.ACTION_NEEDED)
    db.session.commit()
    return reversal
