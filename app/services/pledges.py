"""The pledge lifecycle, from offer to confirmed delivery and its ledger entry."""
from datetime import date, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.email import email_link, queue_email
from app.formatting import long_date, quantity as _fmt, with_unit
from app import permissions
from app.extensions import db
from app.models.lifecycle import require_move
from app.models import (
    Commitment, EmailKind, EvidenceStage, LedgerEntry, Need, NeedStatus, OrganisationKind, Pledge, PledgeStatus, Role, User, utcnow,
)
from app.queries.capacity import commitment_held, need_confirmed, need_held
from app.services import case_studies, evidence, notifications
from app.services.audit import record_audit
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.ledger import add_delivery_entry, entry_for_pledge
from app.services.transactions import begin_write, locked



NEED_NOT_OPEN = "This need is no longer open, so it cannot take pledges."
# A need that stopped taking pledges can still be met by deliveries already under way; these can become fulfilled.
FULFILLABLE = frozenset({NeedStatus.OPEN, NeedStatus.CLOSED, NeedStatus.EXPIRED})
# Why offered pledges were declined when their need ended, as the supplier is told.
NEED_ENDED_REASONS = {
    NeedStatus.WITHDRAWN: "The group withdrew this need.",
    NeedStatus.CLOSED: "The group closed this need.",
    NeedStatus.HIDDEN: "A moderator took this need down.",
    NeedStatus.EXPIRED: "This need passed its needed-by date.",
}


def _require_member(user: User, kind: OrganisationKind, doing: str) -> None:
    """Only members of approved organisations of one kind may do this."""
    if not permissions.is_member(user, kind):
        raise NotAllowed(f"Only members of approved {'suppliers' if kind is OrganisationKind.SUPPLIER else 'charities and community groups'} can {doing}.")


def _require_positive(quantity: Decimal | None, field: str = "quantity") -> None:
    """Quantities must be more than zero."""
    if quantity is None or quantity <= 0:
        raise Invalid("Quantity must be more than 0", field)


def _supplier_pledge(pledge_id: int, user: User, doing: str) -> Pledge:
    """A pledge of the user's supplier, locked; 403 for anyone not a supplier, 404 for anyone else's pledge."""
    _require_member(user, OrganisationKind.SUPPLIER, doing)
    pledge = locked(Pledge, pledge_id)
    if pledge is None or pledge.supplier_id != user.organisation_id:
        raise NotFound("No such pledge.")
    return pledge


def _vcse_pledge(pledge_id: int, user: User, doing: str) -> Pledge:
    """A pledge for the user's group, locked; 403 for anyone not in a VCSE, 404 for anyone else's."""
    _require_member(user, OrganisationKind.VCSE, doing)
    pledge = locked(Pledge, pledge_id)
    if pledge is None or pledge.vcse_id != user.organisation_id:
        raise NotFound("No such pledge.")
    return pledge


def _tell(users, pledge: Pledge, headline: str, page: str, reason: str = "") -> None:
    """Email one side of a pledge about a step the other side took."""
    queue_email(users, "pledge_update", f"{headline}: {pledge.title}", pledge=pledge, headline=headline,
                reason=reason, link=email_link(page, pledge_id=pledge.id), kind=EmailKind.ACTION_NEEDED)


def _tell_vcse(pledge: Pledge, headline: str, reason: str = "") -> None:
    """Email the VCSE the pledge is for."""
    _tell(pledge.vcse.users, pledge, headline, "vcse_pledge", reason)


def _tell_supplier(pledge: Pledge, headline: str, reason: str = "") -> None:
    """Email the pledging supplier."""
    _tell(pledge.supplier.users, pledge, headline, "supplier_pledge", reason)


def _step(pledge: Pledge, move: str, user: User, status: PledgeStatus, tell, headline: str, reason: str = "",
          **changes) -> Pledge:
    """Make one step of a pledge's lifecycle: check it is allowed, record it, tell the other side, commit."""
    require_move(pledge, move, user)
    pledge.status = status
    if reason:
        pledge.reason = reason
    for name, value in changes.items():
        setattr(pledge, name, value)
    record_audit(user, f"pledge.{status.value}", pledge, **({"reason": reason} if reason else {}))
    tell(pledge, headline, reason)
    db.session.commit()
    return pledge


def make_pledge(user: User, *, need_id: int, commitment_id: int, quantity: Decimal, message: str,
                proposed_on: date, today: date | None = None) -> Pledge:
    """Pledge part of a commitment to an open need, never more than either has left."""
    _require_member(user, OrganisationKind.SUPPLIER, "pledge")
    today = today or date.today()
    _require_positive(quantity)
    if proposed_on < today:
        raise Invalid("The proposed date must be today or in the future", "proposed_on")
    # Lock order everywhere: need, then commitment, then pledge (locked() also takes SQLite's write lock).
    need = locked(Need, need_id)
    if need is None or not need.status.is_public:
        raise NotFound("No such need.")
    if not need.allows("pledge"):
        raise Conflict(NEED_NOT_OPEN)
    commitment = locked(Commitment, commitment_id)
    if commitment is None or commitment.contract.supplier_id != user.organisation_id:
        raise NotFound("No such commitment.")
    if commitment.contract.has_ended_by(today):
        raise Conflict("That contract has ended, so its commitments take no new pledges.")
    if not commitment.contract.has_started_by(today):
        raise Conflict(f"That contract starts on {long_date(commitment.contract.starts_on)}, "
                          "so its commitments take pledges from then.")
    if commitment.measure_id != need.measure_id:
        raise Conflict("That commitment counts a different measure from this need.")
    commitment_left = commitment.quantity - commitment_held(commitment.id)
    need_left = need.quantity - need_held(need.id)
    if quantity > commitment_left:
        raise Invalid(f"Only {with_unit(max(commitment_left, Decimal(0)), commitment.measure.unit)} left on that commitment", "quantity")
    if quantity > need_left:
        raise Invalid(f"Only {with_unit(max(need_left, Decimal(0)), need.measure.unit)} still needed", "quantity")
    pledge = Pledge(need_id=need.id, vcse_id=need.organisation_id, commitment_id=commitment.id, supplier_id=user.organisation_id,
                    created_by_id=user.id, quantity=quantity, message=(message or "").strip(), proposed_on=proposed_on)
    db.session.add(pledge)
    db.session.flush()
    record_audit(user, "pledge.offered", pledge, quantity=str(quantity), commitment_id=commitment.id)
    _tell_vcse(pledge, f"{pledge.supplier.name} has pledged to help")
    db.session.commit()
    return pledge


def accept_pledge(pledge_id: int, user: User) -> Pledge:
    """The VCSE accepts an offered pledge."""
    pledge = _vcse_pledge(pledge_id, user, "accept pledges")
    return _step(pledge, "accept", user, PledgeStatus.ACCEPTED, _tell_supplier,
                 f"{pledge.vcse.name} accepted your pledge", responded_at=utcnow())


def _require_reason(reason: str, what: str, field: str = "reason") -> str:
    """A step that must give a reason."""
    if not (reason or "").strip():
        raise Invalid(f"Enter {what}", field)
    return reason.strip()


def decline_pledge(pledge_id: int, user: User, *, reason: str) -> Pledge:
    """The VCSE declines an offered pledge with a reason."""
    pledge = _vcse_pledge(pledge_id, user, "decline pledges")
    return _step(pledge, "decline", user, PledgeStatus.DECLINED, _tell_supplier,
                 f"{pledge.vcse.name} declined your pledge",
                 _require_reason(reason, "why you are declining this pledge"), responded_at=utcnow())


def withdraw_pledge(pledge_id: int, user: User) -> Pledge:
    """The supplier withdraws a pledge that has not been accepted yet."""
    pledge = _supplier_pledge(pledge_id, user, "withdraw pledges")
    return _step(pledge, "withdraw", user, PledgeStatus.WITHDRAWN, _tell_vcse, f"{pledge.supplier.name} withdrew its pledge")


def cancel_pledge(pledge_id: int, user: User, *, reason: str) -> Pledge:
    """The supplier cancels an accepted pledge with a reason."""
    pledge = _supplier_pledge(pledge_id, user, "cancel pledges")
    return _step(pledge, "cancel", user, PledgeStatus.CANCELLED, _tell_vcse, f"{pledge.supplier.name} cancelled its pledge",
                 _require_reason(reason, "why you are cancelling this pledge"))


def mark_delivered(pledge_id: int, user: User, *, quantity: Decimal, delivered_on: date, note: str,
                   files: list[evidence.Upload] = (), today: date | None = None) -> Pledge:
    """The supplier says what it actually delivered, when, and what was done, with up to 5 files of evidence."""
    _require_member(user, OrganisationKind.SUPPLIER, "mark pledges delivered")
    _require_positive(quantity)
    if delivered_on > (today or date.today()):
        raise Invalid("The delivery date must be today or in the past", "delivered_on")
    if not (note or "").strip():
        raise Invalid("Enter what was done", "note")
    checked = evidence.check_uploads(list(files), field="files")
    pledge = _supplier_pledge(pledge_id, user, "mark pledges delivered")
    require_move(pledge, "deliver", user)
    if quantity > pledge.quantity:
        raise Invalid(f"You pledged {_fmt(pledge.quantity)}. Enter no more than that; make a new pledge for more",
                               "quantity")
    _require_delivery_date_in_term(pledge, delivered_on)
    pledge.status, pledge.delivered_at = PledgeStatus.DELIVERED, utcnow()
    pledge.delivered_quantity, pledge.delivered_on, pledge.delivery_note = quantity, delivered_on, note.strip()
    attached = evidence.attach(pledge, user, EvidenceStage.DELIVERED, checked)
    record_audit(user, "pledge.delivered", pledge, quantity=str(quantity),
                 **({"evidence_files": len(attached)} if attached else {}))
    _tell_vcse(pledge, f"{pledge.supplier.name} says it has delivered")
    db.session.commit()
    return pledge


def _require_delivery_date_in_term(pledge: Pledge, delivered_on: date) -> None:
    """A delivery cannot predate its pledge or its contract (an earlier date could pick an older proxy value)."""
    # created_at is a UTC timestamp; dates here are local, as date.today() is.
    made_on = pledge.created_at.replace(tzinfo=timezone.utc).astimezone().date()
    starts_on = pledge.commitment.contract.starts_on
    if delivered_on < made_on:
        raise Invalid(f"The delivery date must be on or after {long_date(made_on)}, when you made the pledge",
                               "delivered_on")
    if delivered_on < starts_on:
        raise Invalid(f"The delivery date must be on or after {long_date(starts_on)}, when the contract "
                               "started", "delivered_on")


def _confirm(pledge: Pledge, quantity: Decimal, actor: User, story: str) -> LedgerEntry:
    """Confirm a delivered (or disputed) pledge: write its one ledger entry and fulfil its need (if any) if met."""
    _require_positive(quantity)
    if quantity > pledge.delivered_quantity:
        raise Invalid(f"The supplier says it delivered {_fmt(pledge.delivered_quantity)}. "
                               "Enter no more than that", "quantity")
    pledge.status, pledge.confirmed_quantity, pledge.confirmed_at = PledgeStatus.CONFIRMED, quantity, utcnow()
    pledge.story = (story or "").strip()
    entry = add_delivery_entry(pledge, quantity, actor, pledge.story)
    need = pledge.need
    if need is not None and need.status in FULFILLABLE and need_confirmed(need.id) >= need.quantity:
        previous = need.status
        need.status, need.ended_at = NeedStatus.FULFILLED, need.ended_at or utcnow()
        record_audit(actor, "need.fulfilled", need, previous_status=previous.value)
    return entry


def _lock_for_confirmation(pledge_id: int) -> Pledge | None:
    """Lock the pledge's need (a pledge for an offer request has none), then the pledge, in the house lock order."""
    begin_write()
    row = db.session.execute(select(Pledge.need_id).where(Pledge.id == pledge_id)).first()
    if row is None:
        return None
    if row.need_id is not None:
        locked(Need, row.need_id)
    return locked(Pledge, pledge_id)


def confirm_delivery(pledge_id: int, user: User, *, quantity: Decimal, story: str = "",
                     photos: list[evidence.Upload] = (), consent: bool = False) -> LedgerEntry:
    """The VCSE confirms what it received, optionally with photos and consent to publish its story; repeating a
    confirmation changes nothing."""
    _require_member(user, OrganisationKind.VCSE, "confirm deliveries")
    if consent and not (story or "").strip():
        raise Invalid("Write what difference it made, or untick the box to keep it private", "story")
    checked = evidence.check_uploads(list(photos), allowed=evidence.PHOTOS, field="photos")

    def confirm() -> LedgerEntry | None:
        pledge = _lock_for_confirmation(pledge_id)
        if pledge is None or pledge.vcse_id != user.organisation_id:
            raise NotFound("No such pledge.")
        if pledge.status is PledgeStatus.CONFIRMED:
            return None
        require_move(pledge, "confirm", user)
        entry = _confirm(pledge, quantity, user, story)
        attached = evidence.attach(pledge, user, EvidenceStage.CONFIRMED, checked)
        record_audit(user, "pledge.confirmed", pledge, quantity=str(quantity), ledger_entry_id=entry.id,
                     value_pence=entry.value_pence, **({"evidence_files": len(attached)} if attached else {}))
        if consent:
            case_studies.submit_case_study(pledge, entry, user)
        _tell_supplier(pledge, f"{pledge.vcse.name} confirmed your delivery")
        return entry

    return _once(pledge_id, confirm)


def _once(pledge_id: int, confirm) -> LedgerEntry:
    """Run a confirmation and commit it; a repeat, or a race lost to the unique index, returns the one entry."""
    try:
        entry = confirm()
        if entry is None:
            db.session.rollback()
            return entry_for_pledge(pledge_id)
        db.session.commit()
        return entry
    except IntegrityError:
        db.session.rollback()
        existing = entry_for_pledge(pledge_id)
        if existing is None:
            raise
        return existing


def dispute_delivery(pledge_id: int, user: User, *, reason: str) -> Pledge:
    """The VCSE says the delivery did not happen as described; a moderator will decide."""
    pledge = _vcse_pledge(pledge_id, user, "dispute deliveries")
    return _step(pledge, "dispute", user, PledgeStatus.DISPUTED, _tell_supplier_and_moderators,
                 f"{pledge.vcse.name} disputed your delivery",
                 _require_reason(reason, "what is wrong with the delivery"))


def _tell_supplier_and_moderators(pledge: Pledge, headline: str, reason: str = "") -> None:
    """Email the supplier, and put the dispute before the moderators of the council whose contract it draws on."""
    _tell_supplier(pledge, headline, reason)
    notifications.tell_moderators("moderation_dispute", f"Delivery disputed: {pledge.title}",
                                  council_id=pledge.commitment.contract.buyer_id, pledge=pledge, reason=reason,
                                  link=email_link("moderation_dispute", pledge_id=pledge.id))


def _require_moderator(user: User) -> None:
    """Only council moderators resolve disputes."""
    if not permissions.is_council(user, Role.MODERATOR):
        raise NotAllowed("Only moderators can resolve disputes.")


def _on_moderators_council(pledge: Pledge, moderator: User) -> bool:
    """Whether the pledge draws on a contract of the moderator's own council."""
    return pledge.commitment.contract.buyer_id == moderator.organisation_id


def resolve_dispute_by_confirming(pledge_id: int, moderator: User, *, quantity: Decimal, note: str) -> LedgerEntry:
    """A moderator settles a dispute by confirming a quantity, which writes the ledger entry."""
    _require_moderator(moderator)
    note = _require_reason(note, "how the dispute was resolved", "note")

    def confirm() -> LedgerEntry | None:
        pledge = _lock_for_confirmation(pledge_id)
        if pledge is None or not _on_moderators_council(pledge, moderator):
            raise NotFound("No such pledge.")
        if pledge.status is PledgeStatus.CONFIRMED:
            return None
        require_move(pledge, "resolve", moderator)
        entry = _confirm(pledge, quantity, moderator, pledge.story)
        record_audit(moderator, "pledge.dispute_confirmed", pledge, reason=note, quantity=str(quantity),
                     ledger_entry_id=entry.id, value_pence=entry.value_pence)
        _tell_vcse(pledge, "A moderator resolved the dispute", note)
        _tell_supplier(pledge, "A moderator resolved the dispute", note)
        return entry

    return _once(pledge_id, confirm)


def resolve_dispute_by_cancelling(pledge_id: int, moderator: User, *, note: str) -> Pledge:
    """A moderator settles a dispute by cancelling the pledge: nothing is counted."""
    _require_moderator(moderator)
    note = _require_reason(note, "how the dispute was resolved", "note")
    pledge = locked(Pledge, pledge_id)
    if pledge is None or not _on_moderators_council(pledge, moderator):
        raise NotFound("No such pledge.")
    require_move(pledge, "resolve", moderator)
    pledge.status, pledge.reason = PledgeStatus.CANCELLED, note
    record_audit(moderator, "pledge.dispute_cancelled", pledge, reason=note)
    _tell_vcse(pledge, "A moderator cancelled the disputed pledge", note)
    _tell_supplier(pledge, "A moderator cancelled the disputed pledge", note)
    db.session.commit()
    return pledge


def decline_pledges_to_ended_need(need: Need, actor: User | None) -> int:
    """Decline the offered pledges to a need that has just ended, telling each supplier; the caller commits."""
    # Accepted and delivered pledges carry on: they can still be delivered and confirmed.
    reason = NEED_ENDED_REASONS[need.status]
    begin_write()
    offered = db.session.scalars(
        select(Pledge).where(Pledge.need_id == need.id, Pledge.status == PledgeStatus.OFFERED).order_by(Pledge.id)
        .with_for_update().execution_options(populate_existing=True)).all()
    for pledge in offered:
        pledge.status, pledge.reason, pledge.responded_at = PledgeStatus.DECLINED, reason, utcnow()
        record_audit(actor, "pledge.declined", pledge, reason=reason, need_status=need.status.value)
        _tell_supplier(pledge, "Your pledge was declined because the need has ended", reason)
    return len(offered)
