"""Pledges: a supplier's offer to meet a need, drawn against one commitment."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.lifecycle import HasLifecycle, Move
from app.models.contract import Commitment
from app.models.need import Need
from app.models.organisation import Organisation
from app.models.user import Role


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


def _recipient(user, pledge: "Pledge") -> bool:
    """A member of the VCSE the pledge is for (whose need it meets, or who requested the offer)."""
    return permissions.is_vcse(user, pledge.vcse_id)


def _pledger(user, pledge: "Pledge") -> bool:
    """A member of the supplier that made the pledge."""
    return permissions.is_supplier(user, pledge.supplier_id)


def _council_moderator(user, pledge: "Pledge") -> bool:
    """A moderator of the council whose contract the pledge draws on."""
    return permissions.is_council(user, Role.MODERATOR, council_id=pledge.commitment.contract.buyer_id)


def _only(*statuses: PledgeStatus) -> frozenset:
    """The statuses a move may start from."""
    return frozenset(statuses)


class Pledge(HasLifecycle, db.Model):
    """A supplier's pledge to a need, against one commitment of its own contract."""

    __tablename__ = "pledges"
    NOUN = "pledge"
    MOVES = {
        "accept": Move(_only(PledgeStatus.OFFERED), _recipient, "accept"),
        "decline": Move(_only(PledgeStatus.OFFERED), _recipient, "decline"),
        "withdraw": Move(_only(PledgeStatus.OFFERED), _pledger, "withdraw"),
        "cancel": Move(_only(PledgeStatus.ACCEPTED), _pledger, "cancel"),
        "deliver": Move(_only(PledgeStatus.ACCEPTED), _pledger, "mark delivered"),
        "confirm": Move(_only(PledgeStatus.DELIVERED), _recipient, "confirm"),
        "dispute": Move(_only(PledgeStatus.DELIVERED), _recipient, "dispute"),
        "resolve": Move(_only(PledgeStatus.DISPUTED), _council_moderator, "resolve"),
    }
    # Reports find a need's first pledge from this index alone.
    __table_args__ = (Index("ix_pledges_need_first", "need_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A pledge meets a need, or answers a VCSE's request for a standing offer (then need_id is None).
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)
    offer_request_id: Mapped[int | None] = mapped_column(ForeignKey("offer_requests.id"), unique=True)
    # The VCSE the pledge is for: the need's organisation, or the one that requested the offer.
    vcse_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    message: Mapped[str] = mapped_column(Text, default="")
    proposed_on: Mapped[date]
    status: Mapped[PledgeStatus] = mapped_column(
        enum_type(PledgeStatus),
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

    need: Mapped[Need | None] = relationship()
    offer_request: Mapped["OfferRequest | None"] = relationship()  # noqa: F821
    commitment: Mapped[Commitment] = relationship()
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    vcse: Mapped[Organisation] = relationship(foreign_keys=[vcse_id])
    ledger_entries: Mapped[list["LedgerEntry"]] = relationship(  # noqa: F821
        viewonly=True, order_by="LedgerEntry.id")
    evidence_files: Mapped[list["EvidenceFile"]] = relationship(  # noqa: F821
        viewonly=True, order_by="EvidenceFile.id")

    @property
    def title(self) -> str:
        """What the pledge is for: its need's title, or the requested offer's."""
        return self.need.title if self.need is not None else self.offer_request.offer.title

    def can_view(self, user) -> bool:
        """Whether this user may see the pledge and its evidence: either side, or the council's contract staff."""
        return (_pledger(user, self) or _recipient(user, self) or permissions.is_council(
            user, Role.CONTRACT_MANAGER, Role.MODERATOR, council_id=self.commitment.contract.buyer_id))

    @property
    def is_reversed(self) -> bool:
        """Whether its confirmed delivery was later reversed, so it no longer counts."""
        return self.status is PledgeStatus.CONFIRMED and any(e.is_reversal for e in self.ledger_entries)

    @property
    def stage(self) -> str:
        """Where the pledge stands for the people following it: its status, or "reversed" once a reversal cancels it."""
        return "reversed" if self.is_reversed else self.status.value

    @property
    def stage_label(self) -> str:
        """The stage in plain English."""
        return "Reversed" if self.is_reversed else self.status.label
