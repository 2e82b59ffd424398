"""Needs posted by VCSE organisations."""
from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import enum_type
from app.models.lifecycle import HasLifecycle, Move
from app.models.listing import Listing, ListingStatus, link_table, moderation_moves
from app.models.organisation import Organisation
from app.models.reference import Area, Measure, NeedCategory, Theme


class NeedStatus(ListingStatus):
    """Where a need is in its lifecycle."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    OPEN = "open"
    HIDDEN = "hidden"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def is_public(self) -> bool:
        """Whether anyone may see a need in this status."""
        return self in PUBLIC_STATUSES


# Search objects created by the migrations for one database only; model comparisons skip them.
SEARCH_OBJECTS = frozenset({"ix_needs_search", "needs_fts", "search_vector", "ix_needs_open_search",
                            "ix_offers_open_search", "offers_fts", "offers_fts_data", "offers_fts_idx",
                            "offers_fts_docsize", "offers_fts_config"})

# The public list reads only open needs: its indexes are partial, and its queries must say
# `status = 'open'` as a literal (not a bound parameter) for the database to use them.
OPEN_LITERAL = "'open'"


def _open_index(name: str, *columns: str) -> Index:
    """A partial index over open needs only, ending in the columns the list filters on."""
    where = text(f"status = {OPEN_LITERAL}")
    return Index(name, *columns, "category", "area_id", "measure_id", sqlite_where=where, postgresql_where=where)

PUBLIC_STATUSES = frozenset({NeedStatus.OPEN, NeedStatus.FULFILLED, NeedStatus.CLOSED, NeedStatus.EXPIRED})
EDITABLE_STATUSES = frozenset({NeedStatus.DRAFT, NeedStatus.CHANGES_REQUESTED})

need_themes = link_table("need_themes", "need", "theme")


def _own_vcse(user, need: "Need") -> bool:
    """A member of the VCSE that posted the need."""
    return permissions.is_vcse(user, need.organisation_id)


def _supplier(user, need: "Need") -> bool:
    """A member of an approved supplier."""
    return permissions.is_supplier(user)


def _still_wanted(need: "Need") -> bool:
    """Its needed-by date has not passed."""
    return need.needed_by >= date.today()


class Need(Listing, HasLifecycle, db.Model):
    """Something a VCSE group needs: space, volunteers, advice, equipment or other help."""

    __tablename__ = "needs"
    NOUN = "need"
    MOVES = {
        "edit": Move(EDITABLE_STATUSES, _own_vcse, "edit"),
        "submit": Move(EDITABLE_STATUSES, _own_vcse, "submit"),
        "withdraw": Move(frozenset({NeedStatus.DRAFT, NeedStatus.PENDING_REVIEW, NeedStatus.CHANGES_REQUESTED,
                                    NeedStatus.OPEN}), _own_vcse, "withdraw"),
        "close": Move(frozenset({NeedStatus.OPEN}), _own_vcse, "close"),
        **moderation_moves(NeedStatus),
        "pledge": Move(frozenset({NeedStatus.OPEN}), _supplier, "pledge to", when=_still_wanted),
    }
    __table_args__ = (
        Index("ix_needs_status_needed_by", "status", "needed_by"),
        # The council overview counts needs published in a period by kind, area and outcome from this index alone.
        Index("ix_needs_published", "opened_at", "id", "status", "category", "area_id"),
        _open_index("ix_needs_open_newest", "opened_at", "id"),
        _open_index("ix_needs_open_soonest", "needed_by", "id"),
        _open_index("ix_needs_open_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[NeedCategory] = mapped_column(
        enum_type(NeedCategory), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    needed_by: Mapped[date]
    contact: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[NeedStatus] = mapped_column(
        enum_type(NeedStatus),
        default=NeedStatus.DRAFT)

    organisation: Mapped[Organisation] = relationship()
    measure: Mapped[Measure] = relationship()
    area: Mapped[Area] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=need_themes, order_by="Theme.name")

    @property
    def is_open(self) -> bool:
        """Whether it is published and taking pledges."""
        return self.status is NeedStatus.OPEN

    def is_owned_by(self, user) -> bool:
        """Whether the user belongs to the organisation that posted this need."""
        return user.is_authenticated and user.organisation_id == self.organisation_id

    def can_view(self, user) -> bool:
        """Public needs are for everyone; others only for their organisation and moderators."""
        return self.status.is_public or permissions.is_vcse(user, self.organisation_id) or self.can_moderate(user)

    def can_see_contact(self, user) -> bool:
        """The contact details: for approved suppliers, moderators and the need's own organisation."""
        return _supplier(user, self) or _own_vcse(user, self) or self.can_moderate(user)
