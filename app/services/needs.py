"""The need lifecycle: drafting, review, publication and ending."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.email import email_link, queue_email
from app import permissions
from app.extensions import db
from app.formatting import long_date
from app.models import (
    Area, EmailKind, Measure, Need, NeedCategory, NeedStatus, Theme, User, utcnow,
)
from app.models.lifecycle import require_move
from app.sanitise import render_rich_text, strip_tags, to_plain_text
from app.services import notifications
from app.services.audit import record_audit
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.transactions import locked
from app.services.pledges import NEED_ENDED_REASONS, decline_pledges_to_ended_need



@dataclass
class NeedInput:
    """What a VCSE member types into the need form."""

    title: str
    summary: str
    description: str
    category: NeedCategory
    measure_id: int
    quantity: Decimal
    area_id: int
    needed_by: date
    contact: str
    theme_ids: list[int] = field(default_factory=list)


def _require_vcse_member(user: User) -> None:
    """Only members of approved VCSE organisations post needs."""
    if not permissions.is_vcse(user):
        raise NotAllowed("Only members of approved charities and community groups can post needs.")


def _owned_need(need_id: int, user: User) -> Need:
    """The user's organisation's need, locked; 404 for anyone else's."""
    need = locked(Need, need_id)
    if need is None or need.organisation_id != user.organisation_id:
        raise NotFound("No such need.")
    return need


def _need_for_moderation(need_id: int) -> Need:
    """Any need, locked, for a moderator."""
    need = locked(Need, need_id)
    if need is None:
        raise NotFound("No such need.")
    return need


def _apply(need: Need, data: NeedInput, today: date) -> None:
    """Check the input against the rules only the service knows, then copy it onto the need."""
    measure = db.session.get(Measure, data.measure_id)
    if measure is None or not measure.is_active or data.category not in measure.categories:
        raise Invalid(f"Select a measure that counts {data.category.label.lower()}", "measure_id")
    area = db.session.get(Area, data.area_id)
    if area is None or not area.is_active:
        raise Invalid("Select the area the need is in", "area_id")
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids), Theme.is_active)))
    if not themes or len(themes) != len(set(data.theme_ids)):
        raise Invalid("Select at least one priority theme", "theme_ids")
    if data.quantity is None or data.quantity <= 0:
        raise Invalid("Quantity must be more than 0", "quantity")
    if data.needed_by <= today:
        raise Invalid("The date it is needed by must be in the future", "needed_by")
    need.title, need.summary, need.contact = data.title.strip(), data.summary.strip(), data.contact.strip()
    # Only Markdown is kept: typed HTML tags (and any javascript: link in them) are never stored.
    need.description_source = strip_tags(data.description or "")
    need.description_html = render_rich_text(need.description_source)
    need.search_text = " ".join(filter(None, [need.title, need.summary, to_plain_text(need.description_html)]))
    need.category, need.measure_id, need.quantity = data.category, measure.id, data.quantity
    need.area_id, need.needed_by, need.themes = area.id, data.needed_by, themes


def create_need(user: User, data: NeedInput, *, today: date | None = None) -> Need:
    """Save a new need as a draft for the user's organisation."""
    _require_vcse_member(user)
    need = Need(organisation_id=user.organisation_id, created_by_id=user.id, status=NeedStatus.DRAFT)
    _apply(need, data, today or date.today())
    db.session.add(need)
    db.session.flush()
    record_audit(user, "need.created", need)
    db.session.commit()
    return need


def update_need(need_id: int, user: User, data: NeedInput, *, today: date | None = None) -> Need:
    """Change a draft, or a need sent back for changes."""
    _require_vcse_member(user)
    need = _owned_need(need_id, user)
    require_move(need, "edit", user)
    _apply(need, data, today or date.today())
    record_audit(user, "need.updated", need)
    db.session.commit()
    return need


def submit_need(need_id: int, user: User, *, today: date | None = None) -> Need:
    """Send a draft (or a changed need) to the moderators."""
    _require_vcse_member(user)
    need = _owned_need(need_id, user)
    require_move(need, "submit", user)
    if need.needed_by <= (today or date.today()):
        raise Conflict("The date it is needed by has passed. Edit the need and choose a later date.")
    need.status, need.submitted_at = NeedStatus.PENDING_REVIEW, utcnow()
    record_audit(user, "need.submitted", need)
    notifications.tell_moderators("moderation_need_submitted", f"Need waiting for review: {need.title}", need=need,
                                  link=email_link("moderation_need", need_id=need.id))
    db.session.commit()
    return need


def save_need(user: User, data: NeedInput, *, need_id: int | None = None, submit: bool = False,
              today: date | None = None) -> Need:
    """Save a new or changed need, and send it to the moderators if asked."""
    need = create_need(user, data, today=today) if need_id is None else update_need(need_id, user, data, today=today)
    return submit_need(need.id, user, today=today) if submit else need


def _end_by_organisation(need_id: int, user: User, move: str, status: NeedStatus) -> Need:
    """The organisation ends its own need: offered pledges are declined, accepted ones carry on."""
    _require_vcse_member(user)
    need = _owned_need(need_id, user)
    require_move(need, move, user)
    need.status, need.ended_at = status, utcnow()
    decline_pledges_to_ended_need(need, user)
    record_audit(user, f"need.{status.value}", need)
    db.session.commit()
    return need


def withdraw_need(need_id: int, user: User) -> Need:
    """Withdraw a need that has not ended yet."""
    return _end_by_organisation(need_id, user, "withdraw", NeedStatus.WITHDRAWN)


def close_need(need_id: int, user: User) -> Need:
    """Close an open need early: it stays visible but takes no more pledges."""
    return _end_by_organisation(need_id, user, "close", NeedStatus.CLOSED)


def _tell_organisation(need: Need, template: str, subject: str, **context) -> None:
    """Email the need's organisation through the outbox."""
    queue_email(need.organisation.users, template, subject, need=need, kind=EmailKind.ACTION_NEEDED,
                link=email_link("vcse_need", need_id=need.id), **context)


def approve_need(need_id: int, moderator: User, *, note: str = "", today: date | None = None) -> Need:
    """Open a pending need to the public and tell its organisation."""
    need = _need_for_moderation(need_id)
    require_move(need, "approve", moderator)
    if need.needed_by <= (today or date.today()):
        raise Conflict(f"This need cannot be published: it is needed by {long_date(need.needed_by)}, "
                        "which is not in the future. Request changes to ask the organisation for a later date.")
    need.status, need.opened_at, need.moderation_note = NeedStatus.OPEN, utcnow(), ""
    record_audit(moderator, "need.approved", need, reason=note.strip())
    _tell_organisation(need, "need_approved", f"Your need is published: {need.title}")
    notifications.need_listed(need)
    db.session.commit()
    return need


def _require_reason(reason: str, what: str) -> str:
    """A decision that must carry a message for the organisation."""
    if not (reason or "").strip():
        raise Invalid(f"Enter {what}", "reason")
    return reason.strip()


@dataclass(frozen=True)
class Decision:
    """A moderator's decision that sends a need back or ends it, with the message its organisation is sent."""

    move: str
    status: NeedStatus
    asks_for: str
    audit: str
    email: str
    subject: str
    ends: bool = True


DECISIONS = {
    "request_changes": Decision("request_changes", NeedStatus.CHANGES_REQUESTED, "what the organisation needs to change",
                                "need.changes_requested", "need_changes_requested", "Changes needed: {title}", ends=False),
    "reject": Decision("reject", NeedStatus.REJECTED, "the reason for rejecting the need", "need.rejected",
                       "need_rejected", "Your need was not published: {title}"),
    "hide": Decision("hide", NeedStatus.HIDDEN, "the reason for hiding the need", "need.hidden", "need_hidden",
                     "Your need has been taken down: {title}"),
}


def _decide(need_id: int, moderator: User, decision: Decision, reason: str) -> Need:
    """Make a decision with its reason, end the need if the decision ends it, and tell its organisation."""
    reason = _require_reason(reason, decision.asks_for)
    need = _need_for_moderation(need_id)
    require_move(need, decision.move, moderator)
    need.status, need.moderation_note = decision.status, reason
    if decision.ends:
        need.ended_at = utcnow()
    if decision.status in NEED_ENDED_REASONS:  # an open need may hold offered pledges; a pending one holds none
        decline_pledges_to_ended_need(need, moderator)
    record_audit(moderator, decision.audit, need, reason=reason)
    _tell_organisation(need, decision.email, decision.subject.format(title=need.title), message=reason)
    db.session.commit()
    return need


def request_changes(need_id: int, moderator: User, *, message: str) -> Need:
    """Send a pending need back to its organisation with what to change."""
    return _decide(need_id, moderator, DECISIONS["request_changes"], message)


def reject_need(need_id: int, moderator: User, *, reason: str) -> Need:
    """Reject a pending need with a reason."""
    return _decide(need_id, moderator, DECISIONS["reject"], reason)


def hide_need(need_id: int, moderator: User, *, reason: str) -> Need:
    """Take an open need down (abuse, duplicate) with a reason."""
    return _decide(need_id, moderator, DECISIONS["hide"], reason)


def expire_needs(today: date | None = None) -> int:
    """Mark open needs whose needed-by date has passed as expired, and tell their organisations."""
    today = today or date.today()
    ids = list(db.session.scalars(
        select(Need.id).where(Need.status == NeedStatus.OPEN, Need.needed_by < today).order_by(Need.id)))
    expired = 0
    for need_id in ids:
        need = locked(Need, need_id)
        if need.status is not NeedStatus.OPEN:  # closed or withdrawn since the list was read
            db.session.rollback()
            continue
        need.status, need.ended_at = NeedStatus.EXPIRED, utcnow()
        decline_pledges_to_ended_need(need, None)
        record_audit(None, "need.expired", need)
        _tell_organisation(need, "need_expired", f"Your need has expired: {need.title}")
        db.session.commit()
        expired += 1
    return expired
