"""Requests for standing offers: a VCSE asks, the supplier accepts or declines, the VCSE may withdraw.

An accepted request becomes a pledge (already accepted) for the requesting VCSE against the offer's commitment, so
delivery, confirmation, disputes and the ledger entry follow the pledge path in app/services/pledges.py.

Lock order, as for pledges (need, then commitment, then pledge): offer, then commitment, then request, then pledge.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import permissions
from app.email import email_link, queue_email
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.extensions import db
from app.formatting import long_date, with_unit
from app.models import (
    Commitment, EmailKind, Offer, OfferRequest, OfferRequestStatus, Pledge, PledgeStatus, User, utcnow,
)
from app.models.lifecycle import require_move
from app.queries.capacity import commitment_held, offer_held
from app.services.audit import record_audit
from app.services.transactions import locked

OFFER_NOT_OPEN = "This offer is no longer open, so it cannot take requests."


def _tell_vcse(request: OfferRequest, headline: str, reason: str = "") -> None:
    """Email the requesting VCSE about its request."""
    queue_email(request.vcse.users, "offer_request_update", f"{headline}: {request.offer.title}",
                kind=EmailKind.ACTION_NEEDED, offer_request=request,
                headline=headline, reason=reason, link=email_link("vcse_offer_request", request_id=request.id))


def decline_waiting_requests(offer: Offer, actor: User | None, reason: str) -> int:
    """Decline the requests still waiting for an offer that has just ended, telling each VCSE; the caller commits."""
    waiting = db.session.scalars(
        select(OfferRequest).where(OfferRequest.offer_id == offer.id,
                                   OfferRequest.status == OfferRequestStatus.REQUESTED)
        .order_by(OfferRequest.id).with_for_update().execution_options(populate_existing=True)).all()
    for request in waiting:
        request.status, request.reason, request.responded_at = OfferRequestStatus.DECLINED, reason, utcnow()
        record_audit(actor, "offer_request.declined", request, reason=reason)
        _tell_vcse(request, "Your request was declined because the offer has ended", reason)
    return len(waiting)


def _check_request(offer: Offer, commitment: Commitment, quantity: Decimal, wanted_on: date, today: date) -> None:
    """A request's date within the offer's availability, and its quantity within all three limits."""
    unit = offer.measure.unit
    if wanted_on < max(offer.available_from, today) or wanted_on > offer.available_until:
        raise Invalid(f"The date must be between {long_date(max(offer.available_from, today))} and "
                      f"{long_date(offer.available_until)}", "wanted_on")
    if quantity is None or quantity <= 0:
        raise Invalid("Quantity must be more than 0", "quantity")
    if quantity > offer.most_per_request:
        raise Invalid(f"You can request at most {with_unit(offer.most_per_request, unit)} at a time", "quantity")
    left = min(offer.quantity - offer_held(offer.id), commitment.quantity - commitment_held(commitment.id))
    if quantity > left:
        raise Invalid(f"Only {with_unit(max(left, Decimal(0)), unit)} left on this offer", "quantity")


def request_offer(user: User, *, offer_id: int, quantity: Decimal, wanted_on: date, message: str,
                  today: date | None = None) -> OfferRequest:
    """A VCSE asks for part of an open offer, never more than the offer or its commitment has left."""
    if not permissions.is_vcse(user):
        raise NotAllowed("Only members of approved charities and community groups can request offers.")
    today = today or date.today()
    offer = locked(Offer, offer_id)
    if offer is None or not offer.status.is_public:
        raise NotFound("No such offer.")
    require_move(offer, "request", user, OFFER_NOT_OPEN)
    commitment = locked(Commitment, offer.commitment_id)
    _check_request(offer, commitment, quantity, wanted_on, today)
    request = OfferRequest(offer_id=offer.id, vcse_id=user.organisation_id, supplier_id=offer.supplier_id,
                           created_by_id=user.id, quantity=quantity, wanted_on=wanted_on,
                           message=(message or "").strip())
    db.session.add(request)
    db.session.flush()
    record_audit(user, "offer_request.requested", request, offer_id=offer.id, quantity=str(quantity))
    queue_email(offer.supplier.users, "offer_request_new", f"{request.vcse.name} requested your offer: {offer.title}",
                kind=EmailKind.ACTION_NEEDED, offer_request=request,
                link=email_link("supplier_offer_request", request_id=request.id))
    db.session.commit()
    return request


def _supplier_request(request_id: int, user: User) -> OfferRequest:
    """A request for one of the user's supplier's offers, locked after its offer and commitment; 404 otherwise."""
    if not permissions.is_supplier(user):
        raise NotAllowed("Only members of approved suppliers can answer requests for offers.")
    offer_id = db.session.scalar(select(OfferRequest.offer_id).where(OfferRequest.id == request_id))
    offer = locked(Offer, offer_id) if offer_id is not None else None
    if offer is None or offer.supplier_id != user.organisation_id:
        raise NotFound("No such request.")
    locked(Commitment, offer.commitment_id)
    return locked(OfferRequest, request_id)


def accept_request(request_id: int, user: User) -> Pledge:
    """The supplier accepts a request: it becomes an accepted pledge for the VCSE against the offer's commitment."""
    request = _supplier_request(request_id, user)
    require_move(request, "accept", user)
    contract = request.offer.commitment.contract
    if contract.has_ended_by(date.today()):
        raise Conflict("The contract this offer draws on has ended, so the request cannot be accepted.")
    request.status, request.responded_at = OfferRequestStatus.ACCEPTED, utcnow()
    pledge = Pledge(need_id=None, offer_request_id=request.id, vcse_id=request.vcse_id,
                    commitment_id=request.offer.commitment_id, supplier_id=request.supplier_id,
                    created_by_id=user.id, quantity=request.quantity, message=request.message,
                    proposed_on=request.wanted_on, status=PledgeStatus.ACCEPTED, responded_at=request.responded_at)
    db.session.add(pledge)
    db.session.flush()
    record_audit(user, "offer_request.accepted", request, pledge_id=pledge.id)
    record_audit(user, "pledge.accepted", pledge, offer_request_id=request.id, quantity=str(pledge.quantity))
    _tell_vcse(request, f"{request.supplier.name} accepted your request")
    db.session.commit()
    return pledge


def withdraw_request(request_id: int, user: User) -> OfferRequest:
    """The VCSE withdraws a request the supplier has not answered; what it held is free again."""
    if not permissions.is_vcse(user):
        raise NotAllowed("Only members of approved charities and community groups can withdraw requests.")
    offer_id = db.session.scalar(select(OfferRequest.offer_id).where(OfferRequest.id == request_id))
    offer = locked(Offer, offer_id) if offer_id is not None else None
    request = locked(OfferRequest, request_id) if offer is not None else None
    if request is None or request.vcse_id != user.organisation_id:
        raise NotFound("No such request.")
    require_move(request, "withdraw", user)
    request.status, request.responded_at = OfferRequestStatus.WITHDRAWN, utcnow()
    record_audit(user, "offer_request.withdrawn", request)
    queue_email(offer.supplier.users, "offer_request_update",
                f"{request.vcse.name} withdrew its request: {offer.title}", kind=EmailKind.ACTION_NEEDED,
                offer_request=request, reason="", headline=f"{request.vcse.name} withdrew its request",
                link=email_link("supplier_offer_request", request_id=request.id))
    db.session.commit()
    return request


def decline_request(request_id: int, user: User, *, reason: str) -> OfferRequest:
    """The supplier declines a request with a reason; what it held is free again."""
    if not (reason or "").strip():
        raise Invalid("Enter why you are declining this request", "reason")
    request = _supplier_request(request_id, user)
    require_move(request, "decline", user)
    request.status, request.reason, request.responded_at = OfferRequestStatus.DECLINED, reason.strip(), utcnow()
    record_audit(user, "offer_request.declined", request, reason=request.reason)
    _tell_vcse(request, f"{request.supplier.name} declined your request", request.reason)
    db.session.commit()
    return request
