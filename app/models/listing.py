"""What needs and offers share: moderated listings a member writes and the public browses once approved."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, utcnow
from app.models.lifecycle import Move
from app.models.user import Role


class ListingStatus(LabelledEnum):
    """The labels of a moderated listing's statuses (the members are on NeedStatus and OfferStatus)."""

    @property
    def label(self) -> str:
        """The status in plain English."""
        return {"pending_review": "Waiting for review", "changes_requested": "Changes requested"}.get(
            self.value, self.value.capitalize())


def link_table(name: str, owner: str, other: str) -> Table:
    """A many-to-many table linking a listing (`owner`, e.g. "offer") to a reference row (`other`, e.g. "area").

    Named `<name>` with columns `<owner>_id` and `<other>_id`, and an index led by the reference side for filters.
    """
    owner_key, other_key = f"{owner}_id", f"{other}_id"
    return Table(
        name,
        db.metadata,
        Column(owner_key, ForeignKey(f"{owner}s.id", ondelete="CASCADE"), primary_key=True),
        Column(other_key, ForeignKey(f"{other}s.id", ondelete="CASCADE"), primary_key=True),
        Index(f"ix_{name}_{other_key}_{owner_key}", other_key, owner_key),
    )


def council_moderator(user, listing=None) -> bool:
    """A council moderator."""
    return permissions.is_council(user, Role.MODERATOR)


def moderation_moves(status) -> dict[str, Move]:
    """A moderator's moves on a listing whose statuses are `status`: decide on one waiting for review, hide an open one."""
    waiting = frozenset({status.PENDING_REVIEW})
    return {
        "approve": Move(waiting, council_moderator, "approve"),
        "request_changes": Move(waiting, council_moderator, "request changes to"),
        "reject": Move(waiting, council_moderator, "reject"),
        "hide": Move(frozenset({status.OPEN}), council_moderator, "hide"),
    }


class Listing:
    """The columns and checks a need and an offer share: the words written, the moderator's note, the dates."""

    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300), default="")
    # What the person typed (simple Markdown), kept for editing; the clean HTML is what is shown.
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Title, summary and description as plain words, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def can_moderate(self, user) -> bool:
        """Whether the user is a council moderator, who may review, approve and hide listings."""
        return council_moderator(user, self)
