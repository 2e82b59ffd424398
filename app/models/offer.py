"""Standing offers: help a supplier puts on the marketplace, drawn on one commitment, and VCSEs' requests for it."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.contract import Commitment
from app.models.lifecycle import HasLifecycle, Move
from app.models.listing import Listing, ListingStatus, link_table, moderation_moves
from app.models.organisation import Organisation
from app.models.reference import Area, Measure, NeedCategory, Theme


class OfferStatus(ListingStatus):
    """Where an offer is in its lifecycle."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    OPEN = "open"
    HIDDEN = "hidden"
    CLOSED = "closed"
    EXPIRED = "expired"

    @property
    def is_public(self) -> bool:
        """Whether anyone may see an offer in this status."""
        return self in OFFER_PUBLIC_STATUSES


OFFER_PUBLIC_STATUSES = frozenset({OfferStatus.OPEN, OfferStatus.CLOSED, OfferStatus.EXPIRED})
OFFER_EDITABLE_STATUSES = frozenset({OfferStatus.DRAFT, OfferStatus.CHANGES_REQUESTED})


class OfferRequestStatus(LabelledEnum):
    """Where a VCSE's request for an offer is: waiting for the supplier, accepted (a pledge follows) or declined."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The status in plain English."""
        return {"requested": "Waiting for the supplier"}.get(self.value, self.value.capitalize())


offer_themes = link_table("offer_themes", "offer", "theme")
offer_areas = link_table("offer_areas", "offer", "area")


def _own_supplier(user, offer: "Offer") -> bool:
    """A member of the supplier that posted the offer."""
    return permissions.is_supplier(user, offer.supplier_id)


def _any_vcse(user, offer: "Offer") -> bool:
    """A member of an approved VCSE."""
    return permissions.is_vcse(user)


def _still_available(offer: "Offer") -> bool:
    """Its available-until date has not passed, and the contract it draws on is running."""
    today = date.today()
    contract = offer.commitment.contract
    return offer.available_until >= today and contract.has_started_by(today) and not contract.has_ended_by(today)


_OPEN_WHERE = text("status = 'open'")


class Offer(Listing, HasLifecycle, db.Model):
    """A supplier's standing offer of help, drawn on one commitment of its running contracts."""

    __tablename__ = "offers"
    NOUN = "standing offer"  # "a standing offer" in refusals
    MOVES = {
        "edit": Move(OFFER_EDITABLE_STATUSES, _own_supplier, "edit"),
        "submit": Move(OFFER_EDITABLE_STATUSES, _own_supplier, "submit"),
        "close": Move(frozenset({OfferStatus.OPEN}), _own_supplier, "close"),
        **moderation_moves(OfferStatus),
        "request": Move(frozenset({OfferStatus.OPEN}), _any_vcse, "request", when=_still_available),
    }
    __table_args__ = (
        Index("ix_offers_open_newest", "opened_at", "id", "category", "measure_id",
              sqlite_where=_OPEN_WHERE, postgresql_where=_OPEN_WHERE),
        Index("ix_offers_open_ending", "available_until", "id", "category", "measure_id",
              sqlite_where=_OPEN_WHERE, postgresql_where=_OPEN_WHERE),
        # Counting open offers reads this narrow index alone, never the wide rows.
        Index("ix_offers_open_by_id", "id", "category", "measure_id",
              sqlite_where=_OPEN_WHERE, postgresql_where=_OPEN_WHERE),
        Index("ix_offers_status_available_until", "status", "available_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[NeedCategory] = mapped_column(enum_type(NeedCategory))
    # The commitment's measure, copied so the list filters on the offer's own row.
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    most_per_request: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    available_from: Mapped[date]
    available_until: Mapped[date]
    how_to_request: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus), default=OfferStatus.DRAFT)

    supplier: Mapped[Organisation] = relationship()
    commitment: Mapped[Commitment] = relationship()
    measure: Mapped[Measure] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=offer_areas, order_by="Area.name")
    themes: Mapped[list[Theme]] = relationship(secondary=offer_themes, order_by="Theme.name")

    @property
    def is_open(self) -> bool:
        """Whether it is published and taking requests."""
        return self.status is OfferStatus.OPEN

    def is_owned_by(self, user) -> bool:
        """Whether the user belongs to the supplier that posted this offer."""
        return permissions.is_supplier(user, self.supplier_id)

    def can_view(self, user) -> bool:
        """Public offers are for everyone; others only for their supplier and moderators."""
        return self.status.is_public or self.is_owned_by(user) or self.can_moderate(user)


def _offering_supplier(user, request: "OfferRequest") -> bool:
    """A member of the supplier whose offer was requested."""
    return permissions.is_supplier(user, request.supplier_id)


def _requesting_vcse(user, request: "OfferRequest") -> bool:
    """A member of the VCSE that made the request."""
    return permissions.is_vcse(user, request.vcse_id)


class OfferRequest(HasLifecycle, db.Model):
    """A VCSE's request for part of an offer; once accepted, a pledge carries it to delivery and the ledger."""

    __tablename__ = "offer_requests"
    NOUN = "request"
    MOVES = {
        "accept": Move(frozenset({OfferRequestStatus.REQUESTED}), _offering_supplier, "accept"),
        "decline": Move(frozenset({OfferRequestStatus.REQUESTED}), _offering_supplier, "decline"),
        "withdraw": Move(frozenset({OfferRequestStatus.REQUESTED}), _requesting_vcse, "withdraw"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    vcse_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The offer's supplier, copied so each side's list reads its own index.
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    wanted_on: Mapped[date]
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferRequestStatus] = mapped_column(enum_type(OfferRequestStatus),
                                                       default=OfferRequestStatus.REQUESTED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    offer: Mapped[Offer] = relationship()
    vcse: Mapped[Organisation] = relationship(foreign_keys=[vcse_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    pledge: Mapped["Pledge | None"] = relationship(viewonly=True, uselist=False)  # noqa: F821
