"""Pledges: a supplier's offer to meet a need, drawn against one commitment."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, utcnow
from app.models.contract import Commitment
from app.models.need import Need
from app.models.organisation import Organisation


class PledgeStatus(LabelledEnum):
    """Where a pledge is in its lifecycle."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    DELIVERED = "delivered"
    DISPUTED = "disputed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The status in plain English."""
        return {"delivered": "Delivered, waiting for confirmation"}.get(self.value, self.value.capitalize())


# Statuses in which a pledge holds its pledged quantity of the commitment and the need.
HOLDS_PLEDGED = frozenset({PledgeStatus.OFFERED, PledgeStatus.ACCEPTED})
# Statuses in which a pledge holds what the supplier says it delivered.
HOLDS_DELIVERED = frozenset({PledgeStatus.DELIVERED, PledgeStatus.DISPUTED})


class Pledge(db.Model):
    """A supplier's pledge to a need, against one commitment of its own contract."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    message: Mapped[str] = mapped_column(Text, default="")
    proposed_on: Mapped[date]
    status: Mapped[PledgeStatus] = mapped_column(
        Enum(PledgeStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=PledgeStatus.OFFERED, index=True)
    # The latest reason given for declining, cancelling or disputing.
    reason: Mapped[str] = mapped_column(Text, default="")
    delivered_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    delivered_on: Mapped[date | None]
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    confirmed_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    story: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship()
    commitment: Mapped[Commitment] = relationship()
    supplier: Mapped[Organisation] = relationship()
