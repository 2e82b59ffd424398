"""Reads of standing offers: the public list with the needs list's search and filters, one offer, queues, requests."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import defer, joinedload, selectinload

from app.extensions import db
from app.models import (
    Commitment, Contract, ContractStatus, Offer, OfferRequest, OfferRequestStatus, OfferStatus, Pledge, offer_areas,
    offer_themes,
)
from app.queries.capacity import held_by_offer, left_for_offers
from app.queries.needs import (
    NeedFilters, OpenListingsPage, count_open, in_link_table, matching_open, open_rows,
)

ZERO = Decimal(0)
OFFER_SORTS = {"newest": "Newest first", "ending": "Ending soonest"}


class OfferFilters(NeedFilters):
    """The needs list's filters (search, kind of help, area, theme, measure), with the offers' own orders."""

    SORTS = OFFER_SORTS


def _matching(query, offers, filters: OfferFilters):
    """Narrow a select over open offers to the filters: the needs list's rules, offers' areas and themes."""
    return matching_open(
        query, offers, filters, fts_table="offers_fts",
        area_condition=lambda rows, area: in_link_table(rows, offer_areas, "offer_id", "area_id", area),
        theme_condition=lambda rows, theme: in_link_table(rows, offer_themes, "offer_id", "theme_id", theme))


def open_offer_ids(filters: OfferFilters, limit: int, offset: int = 0) -> list[int]:
    """The ids of one page of open offers matching the filters, in the chosen order."""
    offers = open_rows(Offer.__table__, "open_ending" if filters.sort == "ending" else "open_newest")
    order = ((offers.c.available_until, offers.c.id) if filters.sort == "ending"
             else (offers.c.opened_at.desc(), offers.c.id.desc()))
    query = _matching(select(offers.c.id), offers, filters).order_by(*order).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_open_offers(filters: OfferFilters, cap: int | None = None) -> int:
    """How many open offers match the filters (at most cap + 1 when capped)."""
    offers = open_rows(Offer.__table__, "open_by_id")
    return count_open(offers, lambda query: _matching(query, offers, filters), cap)


def _offer_rows(ids: list[int]):
    """The offers with these ids, with supplier, measure, areas and themes, and none of the long text."""
    return (select(Offer).where(Offer.id.in_(ids))
            .options(joinedload(Offer.supplier), joinedload(Offer.measure).lazyload("*"),
                     selectinload(Offer.areas), selectinload(Offer.themes),
                     defer(Offer.description_source), defer(Offer.description_html), defer(Offer.search_text),
                     defer(Offer.how_to_request), defer(Offer.moderation_note)))


class OpenOffersPage(OpenListingsPage):
    """A page of open offers."""

    page_ids, count, rows = staticmethod(open_offer_ids), staticmethod(count_open_offers), staticmethod(_offer_rows)


def open_offers(filters: OfferFilters, page: int, per_page: int) -> OpenOffersPage:
    """A page of open offers matching the filters."""
    return OpenOffersPage(page=page, per_page=per_page, max_per_page=None, error_out=False, filters=filters)


def offer_with_details(offer_id: int) -> Offer | None:
    """One offer with its supplier, commitment and contract, measure, areas and themes."""
    return db.session.scalars(
        select(Offer).where(Offer.id == offer_id)
        .options(joinedload(Offer.supplier), joinedload(Offer.measure),
                 joinedload(Offer.commitment).joinedload(Commitment.contract),
                 selectinload(Offer.areas), selectinload(Offer.themes))
    ).first()


def offer_left(offer: Offer) -> Decimal:
    """What is left to request of an offer: its quantity less what requests hold (never below zero)."""
    return max(offer.quantity - held_by_offer([offer.id]).get(offer.id, ZERO), ZERO)


def supplier_offers(supplier_id: int, page: int, per_page: int):
    """A page of a supplier's offers, newest first."""
    query = (select(Offer).where(Offer.supplier_id == supplier_id)
             .options(joinedload(Offer.measure), joinedload(Offer.commitment).joinedload(Commitment.contract))
             .order_by(Offer.created_at.desc(), Offer.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def review_queue(page: int, per_page: int):
    """Offers waiting for review, oldest submission first."""
    query = (select(Offer).where(Offer.status == OfferStatus.PENDING_REVIEW)
             .options(joinedload(Offer.supplier), joinedload(Offer.measure))
             .order_by(Offer.submitted_at, Offer.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def offer_counts() -> dict[str, int]:
    """How many offers are in each status, keyed by status value."""
    counts = {status.value: 0 for status in OfferStatus}
    counts.update({status.value: n for status, n in
                   db.session.execute(select(Offer.status, func.count()).group_by(Offer.status))})
    return counts


def _request_loads():
    """Eager loads for everything a list of requests shows."""
    return (joinedload(OfferRequest.offer).joinedload(Offer.measure), joinedload(OfferRequest.vcse),
            joinedload(OfferRequest.supplier), joinedload(OfferRequest.pledge))


def offer_requests(offer_id: int) -> list[OfferRequest]:
    """Every request for one offer, for its supplier: waiting ones first, then newest first."""
    waiting = case((OfferRequest.status == OfferRequestStatus.REQUESTED, 0), else_=1)
    return list(db.session.scalars(
        select(OfferRequest).where(OfferRequest.offer_id == offer_id).options(*_request_loads())
        .order_by(waiting, OfferRequest.created_at.desc(), OfferRequest.id.desc())))


def vcse_offer_requests(vcse_id: int, page: int, per_page: int):
    """A page of one VCSE's requests for offers, newest first."""
    query = (select(OfferRequest).where(OfferRequest.vcse_id == vcse_id).options(*_request_loads())
             .order_by(OfferRequest.created_at.desc(), OfferRequest.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def supplier_offer_requests(supplier_id: int, page: int, per_page: int):
    """A page of requests for one supplier's offers: waiting ones first, then newest first."""
    waiting = case((OfferRequest.status == OfferRequestStatus.REQUESTED, 0), else_=1)
    query = (select(OfferRequest).where(OfferRequest.supplier_id == supplier_id).options(*_request_loads())
             .order_by(waiting, OfferRequest.created_at.desc(), OfferRequest.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def offer_request_detail(request_id: int) -> OfferRequest | None:
    """One request with its offer, both organisations and its pledge (once accepted)."""
    return db.session.scalars(
        select(OfferRequest).where(OfferRequest.id == request_id)
        .options(*_request_loads(), joinedload(OfferRequest.offer).joinedload(Offer.supplier))
    ).first()


@dataclass
class CommitmentChoice:
    """A commitment a supplier may draw an offer on, with what is left of it."""

    commitment: Commitment
    left: Decimal


def offerable_commitments(supplier_id: int, today: date | None = None, *,
                          offer_id: int | None = None) -> list[CommitmentChoice]:
    """The supplier's commitments on running contracts, in term, with what an offer may still draw on each (for the
    offer form; editing an offer, its own reservation is not counted against it)."""
    today = today or date.today()
    commitments = list(db.session.scalars(
        select(Commitment).join(Commitment.contract)
        .where(Contract.supplier_id == supplier_id, Contract.status == ContractStatus.ACTIVE,
               Contract.starts_on <= today, Contract.ends_on >= today)
        .options(joinedload(Commitment.contract), joinedload(Commitment.measure))
        .order_by(Commitment.due_on, Commitment.id)))
    left = left_for_offers(commitments, except_offer_id=offer_id)
    return [CommitmentChoice(commitment, left[commitment.id]) for commitment in commitments]


def offer_pledge(request_id: int) -> Pledge | None:
    """The pledge an accepted request became."""
    return db.session.scalars(select(Pledge).where(Pledge.offer_request_id == request_id)).first()

