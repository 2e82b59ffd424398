"""Case studies: a group's story of a confirmed delivery, published with its consent after a moderator's edit."""
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.lifecycle import HasLifecycle, Move
from app.models.user import Role


class CaseStudyStatus(LabelledEnum):
    """Where a case study is in moderation."""

    PENDING = "pending"
    PUBLISHED = "published"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """The status in plain English."""
        return {"pending": "Waiting for review"}.get(self.value, self.value.capitalize())


def _council_moderator(user, case_study: "CaseStudy") -> bool:
    """A moderator of the council whose contract the delivery counted towards."""
    return permissions.is_council(user, Role.MODERATOR, council_id=case_study.pledge.commitment.contract.buyer_id)


class CaseStudy(HasLifecycle, db.Model):
    """A confirmation's story: as the group gave it, as a moderator edited it, and whether it is public."""

    __tablename__ = "case_studies"
    NOUN = "case study"
    MOVES = {
        "publish": Move(frozenset({CaseStudyStatus.PENDING}), _council_moderator, "publish"),
        "decline": Move(frozenset({CaseStudyStatus.PENDING}), _council_moderator, "decline"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), unique=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    # The story exactly as the group gave it, and the text a moderator published (personal details taken out).
    story: Mapped[str] = mapped_column(Text)
    edited_story: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStudyStatus] = mapped_column(enum_type(CaseStudyStatus), default=CaseStudyStatus.PENDING,
                                                    index=True)
    consent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None]
    # Why a moderator declined it (the group is not named publicly either way).
    reason: Mapped[str] = mapped_column(Text, default="")

    pledge: Mapped["Pledge"] = relationship()  # noqa: F821
    ledger_entry: Mapped["LedgerEntry"] = relationship()  # noqa: F821
    consent_by: Mapped["User"] = relationship(foreign_keys=[consent_by_id])  # noqa: F821
    moderated_by: Mapped["User | None"] = relationship(foreign_keys=[moderated_by_id])  # noqa: F821
