"""Reminders: each sent once per object and stage, to the people whose action is needed.

A reminder's row in `reminders_sent` is written in the same transaction as its emails; the table's unique key on
(stage, object id) means a second run, or a second worker running at the same moment, sends nothing more.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from app.email import email_link, queue_email
from app.extensions import db
from app.formatting import long_date
from app.models import Commitment, EmailKind, Need, Pledge, ReminderSent, ReminderStage, utcnow
from app.queries import notifications as due
from app.queries.capacity import commitment_held

UNCONFIRMED_AFTER = timedelta(days=7)
UNCONFIRMED_MODERATORS_AFTER = timedelta(days=14)
COMMITMENT_DUE_WITHIN_DAYS = 30
NEED_EXPIRING_WITHIN_DAYS = 7


def _record(stage: ReminderStage, object_id: int) -> bool:
    """Claim this reminder in the current transaction; False if it was already sent (or is being sent now)."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(stage=stage, object_id=object_id))
        return True
    except IntegrityError:
        return False


def _remind(stage: ReminderStage, object_id: int, send) -> bool:
    """Send one reminder at most once: claim it, queue its emails, commit together."""
    if not _record(stage, object_id):
        db.session.rollback()
        return False
    send()
    db.session.commit()
    return True


def _pledge_not_delivered(pledge: Pledge) -> None:
    """Ask the supplier to mark an accepted pledge delivered, or cancel it."""
    queue_email(pledge.supplier.users, "reminder_pledge_not_delivered",
                f"Mark your pledge delivered: {pledge.title}", kind=EmailKind.ACTION_NEEDED, pledge=pledge,
                link=email_link("supplier_pledge", pledge_id=pledge.id))


def _delivery_unconfirmed(pledge: Pledge) -> None:
    """Ask the group to confirm (or dispute) a delivery."""
    queue_email(pledge.vcse.users, "reminder_delivery_unconfirmed",
                f"Confirm a delivery: {pledge.title}", kind=EmailKind.ACTION_NEEDED, pledge=pledge,
                for_moderators=False, link=email_link("vcse_pledge", pledge_id=pledge.id))


def _delivery_unconfirmed_moderators(pledge: Pledge) -> None:
    """Tell the council's moderators that a delivery has waited two weeks for confirmation."""
    queue_email(due.council_moderators(pledge.commitment.contract.buyer_id), "reminder_delivery_unconfirmed",
                f"A delivery has waited 2 weeks for confirmation: {pledge.title}",
                kind=EmailKind.ACTION_NEEDED, pledge=pledge, for_moderators=True,
                link=email_link("contract", contract_id=pledge.commitment.contract_id))


def _commitment_due(commitment: Commitment) -> None:
    """Tell the supplier and the contract manager that a commitment is due soon with some of it unpledged."""
    contract = commitment.contract
    left = commitment.quantity - commitment_held(commitment.id)
    context = dict(kind=EmailKind.ACTION_NEEDED, commitment=commitment, contract=contract, left=left)
    subject = f"A commitment on contract {contract.reference} is due on {long_date(commitment.due_on)}"
    queue_email(contract.supplier.users, "reminder_commitment_due", subject, for_manager=False,
                link=email_link("supplier_contracts"), **context)
    queue_email(contract.contract_manager, "reminder_commitment_due", subject, for_manager=True,
                link=email_link("contract", contract_id=contract.id), **context)


def _need_expiring(need: Need) -> None:
    """Tell the group that its need expires soon with no pledge."""
    queue_email(need.organisation.users, "reminder_need_expiring", f"Your need expires soon: {need.title}",
                kind=EmailKind.ACTION_NEEDED, need=need, link=email_link("vcse_need", need_id=need.id))


@dataclass(frozen=True)
class Reminder:
    """One stage of reminder: what it is about and how it is told."""

    stage: ReminderStage
    model: type
    tell: object


REMINDERS = {
    ReminderStage.PLEDGE_NOT_DELIVERED: Reminder(ReminderStage.PLEDGE_NOT_DELIVERED, Pledge, _pledge_not_delivered),
    ReminderStage.DELIVERY_UNCONFIRMED: Reminder(ReminderStage.DELIVERY_UNCONFIRMED, Pledge, _delivery_unconfirmed),
    ReminderStage.DELIVERY_UNCONFIRMED_MODERATORS: Reminder(
        ReminderStage.DELIVERY_UNCONFIRMED_MODERATORS, Pledge, _delivery_unconfirmed_moderators),
    ReminderStage.COMMITMENT_DUE: Reminder(ReminderStage.COMMITMENT_DUE, Commitment, _commitment_due),
    ReminderStage.NEED_EXPIRING: Reminder(ReminderStage.NEED_EXPIRING, Need, _need_expiring),
}


def _candidates(today: date, now: datetime) -> dict[ReminderStage, list[int]]:
    """The objects each reminder is due about and has not been sent for."""
    return {
        ReminderStage.PLEDGE_NOT_DELIVERED: due.pledges_not_delivered(today),
        ReminderStage.DELIVERY_UNCONFIRMED: due.deliveries_unconfirmed(
            ReminderStage.DELIVERY_UNCONFIRMED, now - UNCONFIRMED_AFTER),
        ReminderStage.DELIVERY_UNCONFIRMED_MODERATORS: due.deliveries_unconfirmed(
            ReminderStage.DELIVERY_UNCONFIRMED_MODERATORS, now - UNCONFIRMED_MODERATORS_AFTER),
        ReminderStage.COMMITMENT_DUE: due.commitments_due_with_capacity(today, COMMITMENT_DUE_WITHIN_DAYS),
        ReminderStage.NEED_EXPIRING: due.needs_expiring_unpledged(today, NEED_EXPIRING_WITHIN_DAYS),
    }


def send_reminders(today: date | None = None, now: datetime | None = None) -> dict[ReminderStage, int]:
    """Send every reminder that is due and not yet sent; return how many of each went."""
    today, now = today or date.today(), now or utcnow()
    found = _candidates(today, now)
    db.session.rollback()  # end the read transaction: each reminder is its own short one
    sent = {}
    for stage, object_ids in found.items():
        reminder = REMINDERS[stage]
        sent[stage] = sum(
            _remind(stage, object_id, lambda obj_id=object_id: reminder.tell(db.session.get(reminder.model, obj_id)))
            for object_id in object_ids)
    return sent


def send_due_reminders() -> int:
    """Send every reminder that is due; return how many went in all (the worker's scheduled job)."""
    return sum(send_reminders().values())
