"""Standing offers: a supplier drafts one on a commitment, moderators publish it, the supplier closes it.

Requests for offers are in app/services/offer_requests.py.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import permissions
from app.email import email_link, queue_email
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.extensions import db
from app.formatting import long_date, with_unit
from app.models import (
    Area, Commitment, EmailKind, NeedCategory, Offer, OfferStatus, OrganisationKind, Theme, User, utcnow,
)
from app.models.lifecycle import require_move
from app.queries.capacity import left_for_offer
from app.sanitise import render_rich_text, strip_tags, to_plain_text
from app.services import notifications
from app.services.audit import record_audit
from app.services.offer_requests import decline_waiting_requests
from app.services.transactions import locked


@dataclass
class OfferInput:
    """What a supplier member types into the offer form."""

    commitment_id: int
    title: str
    summary: str
    description: str
    category: NeedCategory
    quantity: Decimal
    most_per_request: Decimal
    available_from: date
    available_until: date
    how_to_request: str
    area_ids: list[int] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)


def _require_supplier(user: User) -> None:
    """Only members of approved suppliers post offers."""
    if not permissions.is_supplier(user):
        raise NotAllowed("Only members of approved suppliers can post offers.")


def _owned_offer(offer_id: int, user: User) -> Offer:
    """The user's supplier's offer, locked; 404 for anyone else's."""
    offer = locked(Offer, offer_id)
    if offer is None or offer.supplier_id != user.organisation_id:
        raise NotFound("No such offer.")
    return offer


def _offer_for_moderation(offer_id: int) -> Offer:
    """Any offer, locked, for a moderator."""
    offer = locked(Offer, offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    return offer


def _commitment_to_draw_on(commitment_id: int | None, user: User, today: date) -> Commitment:
    """A commitment of the user's supplier on a contract that is running today."""
    # Locked: two offers saved at once on one commitment must not both take what is left of it.
    commitment = locked(Commitment, commitment_id) if commitment_id else None
    if commitment is None or commitment.contract.supplier_id != user.organisation_id:
        raise Invalid("Select a commitment of one of your contracts", "commitment_id")
    if commitment.contract.has_ended_by(today) or not commitment.contract.has_started_by(today):
        raise Invalid("Select a commitment of a contract that is running now", "commitment_id")
    return commitment


def _check_amounts(data: OfferInput) -> None:
    """The total and the most per request are positive, and one request cannot be more than the total."""
    if data.quantity is None or data.quantity <= 0:
        raise Invalid("Quantity must be more than 0", "quantity")
    if data.most_per_request is None or data.most_per_request <= 0:
        raise Invalid("The most per request must be more than 0", "most_per_request")
    if data.most_per_request > data.quantity:
        raise Invalid("The most per request cannot be more than the total on offer", "most_per_request")


def _over_commitment(offer: Offer, commitment: Commitment, quantity: Decimal) -> str | None:
    """Why the offer's total does not fit in what its commitment has left, or None when it fits."""
    left = left_for_offer(commitment, except_offer_id=offer.id)
    if quantity <= left:
        return None
    return (f"The total cannot be more than the {with_unit(left, commitment.measure.unit)} left on that commitment "
            "after its other offers and pledges")


def _check_dates(data: OfferInput, commitment: Commitment, today: date) -> None:
    """Available until a future date within the contract's term, and not before it is available from."""
    if data.available_until <= today:
        raise Invalid("The date it is available until must be in the future", "available_until")
    if data.available_until < data.available_from:
        raise Invalid("The date it is available until must be on or after the date it is available from",
                      "available_until")
    if data.available_until > commitment.contract.ends_on:
        raise Invalid(f"The date it is available until must be no later than "
                      f"{long_date(commitment.contract.ends_on)}, when the contract ends", "available_until")


def _chosen(model, ids: list[int], field_name: str, message: str) -> list:
    """Active reference rows for the ids chosen, at least one, every one of them real."""
    rows = list(db.session.scalars(select(model).where(model.id.in_(ids), model.is_active)))
    if not rows or len(rows) != len(set(ids)):
        raise Invalid(message, field_name)
    return rows


def _apply(offer: Offer, data: OfferInput, user: User, today: date) -> None:
    """Check the input against the rules only the service knows, then copy it onto the offer."""
    commitment = _commitment_to_draw_on(data.commitment_id, user, today)
    if data.category not in commitment.measure.categories:
        raise Invalid(f"That commitment's measure does not count {data.category.label.lower()}", "category")
    _check_amounts(data)
    if problem := _over_commitment(offer, commitment, data.quantity):
        raise Invalid(problem, "quantity")
    _check_dates(data, commitment, today)
    areas = _chosen(Area, data.area_ids, "area_ids", "Select at least one area")
    themes = _chosen(Theme, data.theme_ids, "theme_ids", "Select at least one priority theme")
    offer.title, offer.summary = data.title.strip(), data.summary.strip()
    offer.how_to_request = (data.how_to_request or "").strip()
    # As for needs: only Markdown is kept; typed HTML tags are never stored.
    offer.description_source = strip_tags(data.description or "")
    offer.description_html = render_rich_text(offer.description_source)
    offer.search_text = " ".join(filter(None, [offer.title, offer.summary, to_plain_text(offer.description_html)]))
    offer.commitment_id, offer.measure_id, offer.category = commitment.id, commitment.measure_id, data.category
    offer.quantity, offer.most_per_request = data.quantity, data.most_per_request
    offer.available_from, offer.available_until = data.available_from, data.available_until
    offer.areas, offer.themes = areas, themes


def create_offer(user: User, data: OfferInput, *, today: date | None = None) -> Offer:
    """Save a new offer as a draft for the user's supplier."""
    _require_supplier(user)
    offer = Offer(supplier_id=user.organisation_id, created_by_id=user.id, status=OfferStatus.DRAFT)
    _apply(offer, data, user, today or date.today())
    db.session.add(offer)
    db.session.flush()
    record_audit(user, "offer.created", offer)
    db.session.commit()
    return offer


def update_offer(offer_id: int, user: User, data: OfferInput, *, today: date | None = None) -> Offer:
    """Change a draft, or an offer sent back for changes."""
    _require_supplier(user)
    offer = _owned_offer(offer_id, user)
    require_move(offer, "edit", user)
    _apply(offer, data, user, today or date.today())
    record_audit(user, "offer.updated", offer)
    db.session.commit()
    return offer


def submit_offer(offer_id: int, user: User, *, today: date | None = None) -> Offer:
    """Send a draft (or a changed offer) to the moderators."""
    _require_supplier(user)
    offer = _owned_offer(offer_id, user)
    require_move(offer, "submit", user)
    if offer.available_until <= (today or date.today()):
        raise Conflict("The date it is available until has passed. Edit the offer and choose a later date.")
    if problem := _over_commitment(offer, locked(Commitment, offer.commitment_id), offer.quantity):
        raise Conflict(f"{problem}. Edit the offer and choose a smaller total.")
    offer.status, offer.submitted_at = OfferStatus.PENDING_REVIEW, utcnow()
    record_audit(user, "offer.submitted", offer)
    notifications.tell_moderators("moderation_offer_submitted", f"Offer waiting for review: {offer.title}",
                                  offer=offer, link=email_link("moderation_offer", offer_id=offer.id))
    db.session.commit()
    return offer


def save_offer(user: User, data: OfferInput, *, offer_id: int | None = None, submit: bool = False,
               today: date | None = None) -> Offer:
    """Save a new or changed offer, and send it to the moderators if asked."""
    offer = create_offer(user, data, today=today) if offer_id is None else update_offer(offer_id, user, data,
                                                                                         today=today)
    return submit_offer(offer.id, user, today=today) if submit else offer


def close_offer(offer_id: int, user: User) -> Offer:
    """The supplier closes its open offer: it takes no more requests; those waiting are declined."""
    _require_supplier(user)
    offer = _owned_offer(offer_id, user)
    require_move(offer, "close", user)
    offer.status, offer.ended_at = OfferStatus.CLOSED, utcnow()
    decline_waiting_requests(offer, user, "The supplier closed this offer.")
    record_audit(user, "offer.closed", offer)
    db.session.commit()
    return offer


def _tell_supplier_of_offer(offer: Offer, template: str, subject: str, **context) -> None:
    """Email the offer's supplier through the outbox."""
    queue_email(offer.supplier.users, template, subject, offer=offer, kind=EmailKind.ACTION_NEEDED,
                link=email_link("supplier_offer", offer_id=offer.id), **context)


def approve_offer(offer_id: int, moderator: User, *, note: str = "", today: date | None = None) -> Offer:
    """Open a pending offer to everyone and tell its supplier."""
    offer = _offer_for_moderation(offer_id)
    require_move(offer, "approve", moderator)
    if offer.available_until <= (today or date.today()):
        raise Conflict(f"This offer cannot be published: it is available until {long_date(offer.available_until)}, "
                       "which is not in the future. Request changes to ask the supplier for a later date.")
    if problem := _over_commitment(offer, locked(Commitment, offer.commitment_id), offer.quantity):
        raise Conflict(f"This offer cannot be published: {problem[0].lower()}{problem[1:]}. "
                       "Request changes to ask the supplier for a smaller total.")
    offer.status, offer.opened_at, offer.moderation_note = OfferStatus.OPEN, utcnow(), ""
    record_audit(moderator, "offer.approved", offer, reason=note.strip())
    _tell_supplier_of_offer(offer, "offer_decision", f"Your offer is published: {offer.title}",
                            headline="A moderator published your offer.", message="")
    # Groups in its areas hear of it, as suppliers hear of new needs.
    notifications.tell_of_new_listing(audience=OrganisationKind.VCSE, what="offer", title=offer.title,
                                      area_ids=[a.id for a in offer.areas], theme_ids=[t.id for t in offer.themes],
                                      link=email_link("public_offer", offer_id=offer.id))
    db.session.commit()
    return offer


@dataclass(frozen=True)
class Decision:
    """A moderator's decision that sends an offer back or ends it, with what its supplier is told."""

    move: str
    status: OfferStatus
    asks_for: str
    headline: str
    subject: str
    ends: bool = True


DECISIONS = {
    "request_changes": Decision("request_changes", OfferStatus.CHANGES_REQUESTED, "what the supplier needs to change",
                                "A moderator asked for changes to your offer.", "Changes needed: {title}", ends=False),
    "reject": Decision("reject", OfferStatus.REJECTED, "the reason for rejecting the offer",
                       "A moderator rejected your offer.", "Your offer was not published: {title}"),
    "hide": Decision("hide", OfferStatus.HIDDEN, "the reason for hiding the offer",
                     "A moderator took your offer down.", "Your offer has been taken down: {title}"),
}


def _decide(offer_id: int, moderator: User, decision: Decision, reason: str) -> Offer:
    """Make a decision with its reason and tell the supplier; hiding declines the requests still waiting."""
    if not (reason or "").strip():
        raise Invalid(f"Enter {decision.asks_for}", "reason")
    reason = reason.strip()
    offer = _offer_for_moderation(offer_id)
    require_move(offer, decision.move, moderator)
    offer.status, offer.moderation_note = decision.status, reason
    if decision.ends:
        offer.ended_at = utcnow()
    if decision.status is OfferStatus.HIDDEN:
        decline_waiting_requests(offer, moderator, "A moderator took this offer down.")
    record_audit(moderator, f"offer.{decision.status.value}", offer, reason=reason)
    _tell_supplier_of_offer(offer, "offer_decision", decision.subject.format(title=offer.title),
                            headline=decision.headline, message=reason)
    db.session.commit()
    return offer


def request_offer_changes(offer_id: int, moderator: User, *, message: str) -> Offer:
    """Send a pending offer back to its supplier with what to change."""
    return _decide(offer_id, moderator, DECISIONS["request_changes"], message)


def reject_offer(offer_id: int, moderator: User, *, reason: str) -> Offer:
    """Reject a pending offer with a reason."""
    return _decide(offer_id, moderator, DECISIONS["reject"], reason)


def hide_offer(offer_id: int, moderator: User, *, reason: str) -> Offer:
    """Take an open offer down with a reason."""
    return _decide(offer_id, moderator, DECISIONS["hide"], reason)


def expire_offers(today: date | None = None) -> int:
    """Mark open offers whose available-until date has passed as expired; requests still waiting are declined."""
    today = today or date.today()
    ids = list(db.session.scalars(select(Offer.id).where(Offer.status == OfferStatus.OPEN,
                                                         Offer.available_until < today).order_by(Offer.id)))
    expired = 0
    for offer_id in ids:
        offer = locked(Offer, offer_id)
        if offer.status is not OfferStatus.OPEN:  # closed or hidden since the list was read
            db.session.rollback()
            continue
        offer.status, offer.ended_at = OfferStatus.EXPIRED, utcnow()
        decline_waiting_requests(offer, None, "This offer passed its available-until date.")
        record_audit(None, "offer.expired", offer)
        db.session.commit()
        expired += 1
    return expired
