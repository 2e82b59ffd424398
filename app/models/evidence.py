"""Evidence files: checked, re-encoded files attached to a delivery or its confirmation, stored outside static/."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow


class EvidenceStage(LabelledEnum):
    """When in a pledge's life the file was added."""

    DELIVERED = "delivered"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        """Who added it, in plain English."""
        return {"delivered": "From the supplier", "confirmed": "From the group"}[self.value]


class EvidenceFile(db.Model):
    """One file of evidence for a pledge: who added it, when, and what it holds (by content, not by name)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[EvidenceStage] = mapped_column(enum_type(EvidenceStage))
    # The name it was uploaded with, cleaned, for showing and downloading; never used as a path.
    original_name: Mapped[str] = mapped_column(String(120))
    # A random name under EVIDENCE_DIR.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped["User"] = relationship()  # noqa: F821

    @property
    def is_image(self) -> bool:
        """Whether it is a photo (shown inline) rather than a document (downloaded)."""
        return self.content_type.startswith("image/")
