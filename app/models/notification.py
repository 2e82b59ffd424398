"""What each user wants to be emailed about and how often, the items kept for their digests, used unsubscribe
links, and the reminders already sent."""
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.user import Role


class EmailKind(LabelledEnum):
    """A kind of email a user may choose how often to get (account emails have no kind and always go)."""

    ACTION_NEEDED = "action_needed"
    SUGGESTIONS = "suggestions"
    NEW_LISTINGS = "new_listings"
    MODERATION_QUEUE = "moderation_queue"

    @property
    def label(self) -> str:
        """The kind in plain English."""
        return {
            "action_needed": "Action needed on your pledges, needs, offers and commitments",
            "suggestions": "New suggestions for your commitments",
            "new_listings": "New needs or offers in your areas and themes",
            "moderation_queue": "Submissions waiting for moderation",
        }[self.value]

    @property
    def hint(self) -> str:
        """What emails of this kind are about."""
        return {
            "action_needed": "For example, a pledge to answer, a delivery to confirm or a commitment coming due.",
            "suggestions": "Open needs that would close the gaps in your commitments.",
            "new_listings": "Published needs or offers in the areas your organisation serves or themes it works on.",
            "moderation_queue": "New needs and organisation registrations for moderators to review.",
        }[self.value]


class Frequency(LabelledEnum):
    """How often a user gets emails of one kind."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def label(self) -> str:
        """The frequency in plain English."""
        return {"immediately": "Straight away", "daily": "In a daily summary", "weekly": "In a weekly summary",
                "off": "Never"}[self.value]

    @property
    def period(self) -> timedelta | None:
        """How long a digest of this frequency gathers items (None: not a digest)."""
        return {"daily": timedelta(days=1), "weekly": timedelta(days=7)}.get(self.value)


# What a user gets with no choice stored.
DEFAULT_FREQUENCIES = {
    EmailKind.ACTION_NEEDED: Frequency.IMMEDIATELY,
    EmailKind.SUGGESTIONS: Frequency.WEEKLY,
    EmailKind.NEW_LISTINGS: Frequency.WEEKLY,
    EmailKind.MODERATION_QUEUE: Frequency.DAILY,
}


def kinds_for(user) -> list[EmailKind]:
    """The kinds of email that can reach this user, in the order the settings page lists them."""
    kinds = [EmailKind.ACTION_NEEDED]
    if permissions.is_supplier(user):
        kinds.append(EmailKind.SUGGESTIONS)
    if permissions.is_supplier(user) or permissions.is_vcse(user):
        kinds.append(EmailKind.NEW_LISTINGS)
    if permissions.is_council(user, Role.MODERATOR):
        kinds.append(EmailKind.MODERATION_QUEUE)
    return kinds


class NotificationSetting(db.Model):
    """A user's choice of how often to get one kind of email; no row means the default."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[EmailKind] = mapped_column(enum_type(EmailKind, 30), primary_key=True)
    frequency: Mapped[Frequency] = mapped_column(enum_type(Frequency))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DigestItem(db.Model):
    """An email held back for a user's next daily or weekly digest of its kind."""

    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EmailKind] = mapped_column(enum_type(EmailKind, 30))
    subject: Mapped[str] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a digest took the item (or it was dropped because the user turned its kind off).
    sent_at: Mapped[datetime | None] = mapped_column(index=True)


class UnsubscribeUse(db.Model):
    """An unsubscribe link already followed: only its SHA-256 hash is kept, so a second use changes nothing."""

    __tablename__ = "unsubscribe_uses"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EmailKind] = mapped_column(enum_type(EmailKind, 30))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderStage(LabelledEnum):
    """A reminder and the stage it is sent at; each goes once per object."""

    PLEDGE_NOT_DELIVERED = "pledge_not_delivered"
    DELIVERY_UNCONFIRMED = "delivery_unconfirmed"
    DELIVERY_UNCONFIRMED_MODERATORS = "delivery_unconfirmed_moderators"
    COMMITMENT_DUE = "commitment_due"
    NEED_EXPIRING = "need_expiring"


class ReminderSent(db.Model):
    """A reminder already sent about one object at one stage; the unique key stops a second one, even from a
    second worker running at the same moment."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("stage", "object_id", name="uq_reminders_sent_stage_object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[ReminderStage] = mapped_column(enum_type(ReminderStage, 40))
    object_id: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
