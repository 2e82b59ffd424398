"""Needs posted by VCSE organisations."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Numeric, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.lifecycle import HasLifecycle, Move
from app.models.organisation import Organisation
from app.models.reference import Area, Measure, NeedCategory, Theme
from app.models.user import Role


class NeedStatus(LabelledEnum):
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
    def label(self) -> str:
        """The status in plain English."""
        return {"pending_review": "Waiting for review", "changes_requested": "Changes requested"}.get(
            self.value, self.value.capitalize())

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

need_themes = Table(
    "need_themes",
    db.metadata,
    Column("need_id", ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_need_themes_theme_id_need_id", "theme_id", "need_id"),
)


def _own_vcse(user, need: "Need") -> bool:
    """A member of the VCSE that posted the need."""
    return permissions.is_vcse(user, need.organisation_id)


def _moderator(user, need: "Need") -> bool:
    """A council moderator."""
    return permissions.is_council(user, Role.MODERATOR)


def _supplier(user, need: "Need") -> bool:
    """A member of an approved supplier."""
    return permissions.is_supplier(user)


def _still_wanted(need: "Need") -> bool:
    """Its needed-by date has not passed."""
    return need.needed_by >= date.today()


class Need(HasLifecycle, db.Model):
    """Something a VCSE group needs: space, volunteers, advice, equipment or other help."""

    __tablename__ = "needs"
    NOUN = "need"
    MOVES = {
        "edit": Move(EDITABLE_STATUSES, _own_vcse, "edit"),
        "submit": Move(EDITABLE_STATUSES, _own_vcse, "submit"),
        "withdraw": Move(frozenset({NeedStatus.DRAFT, NeedStatus.PENDING_REVIEW, NeedStatus.CHANGES_REQUESTED,
                                    NeedStatus.OPEN}), _own_vcse, "withdraw"),
        "close": Move(frozenset({NeedStatus.OPEN}), _own_vcse, "close"),
        "approve": Move(frozenset({NeedStatus.PENDING_REVIEW}), _moderator, "approve"),
        "request_changes": Move(frozenset({NeedStatus.PENDING_REVIEW}), _moderator, "request changes to"),
        "reject": Move(frozenset({NeedStatus.PENDING_REVIEW}), _moderator, "reject"),
        "hide": Move(frozenset({NeedStatus.OPEN}), _moderator, "hide"),
        "pledge": Move(frozenset({NeedStatus.OPEN}), _supplier, "pledge to", when=_still_wanted),
    }
    __table_args__ = (
        Index("ix_needs_status_needed_by", "status", "needed_by"),
        _open_index("ix_needs_open_newest", "opened_at", "id"),
        _open_index("ix_needs_open_soonest", "needed_by", "id"),
        _open_index("ix_needs_open_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300), default="")
    # What the person typed (simple Markdown), kept for editing; the clean HTML is what is shown.
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Title, summary and description as plain words, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
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
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

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

    def can_moderate(self, user) -> bool:
        """Whether the user is an approved council moderator, who may review, approve and hide needs."""
        return _moderator(user, self)

    def can_see_contact(self, user) -> bool:
        """The contact details: for approved suppliers, moderators and the need's own organisation."""
        return _supplier(user, self) or _own_vcse(user, self) or self.can_moderate(user)
