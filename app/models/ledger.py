"""The social value ledger: append-only entries of delivered, confirmed value."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, Text, event, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class LedgerEntry(db.Model):
    """Delivered social value in units and pence, traced to a pledge, commitment, contract and person."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # One delivery makes exactly one entry, however often confirm is clicked.
        Index("uq_ledger_entries_delivery_pledge", "pledge_id", unique=True,
              postgresql_where=text("reverses_id IS NULL"), sqlite_where=text("reverses_id IS NULL")),
        # Reports read a period's entries by delivery date.
        Index("ix_ledger_entries_delivered_on", "delivered_on"),
        # ...and a need's first confirmed delivery.
        Index("ix_ledger_entries_need_first_delivery", "need_id", "delivered_on",
              postgresql_where=text("reverses_id IS NULL"), sqlite_where=text("reverses_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    # None for a pledge that answered a request for a standing offer (it traces through pledge_id).
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    vcse_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    proxy_value_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_values.id"))
    # The proxy value used, copied so a later change to the measure never rewrites history.
    pence_per_unit: Mapped[int | None]
    value_pence: Mapped[int] = mapped_column(BigInteger)
    delivered_on: Mapped[date]
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    story: Mapped[str] = mapped_column(Text, default="")
    # A reversing entry points at the entry it cancels; an entry can be reversed once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pledge: Mapped["Pledge"] = relationship()  # noqa: F821
    need: Mapped["Need | None"] = relationship()  # noqa: F821
    measure: Mapped["Measure"] = relationship()  # noqa: F821
    vcse: Mapped["Organisation"] = relationship(foreign_keys=[vcse_id])  # noqa: F821
    confirmed_by: Mapped["User"] = relationship()  # noqa: F821
    reverses: Mapped["LedgerEntry | None"] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    @property
    def title(self) -> str:
        """What the delivery was for: the need met, or the standing offer requested."""
        return self.need.title if self.need is not None else self.pledge.offer_request.offer.title

    @property
    def is_reversal(self) -> bool:
        """Whether this entry cancels an earlier one."""
        return self.reverses_id is not None


class LedgerIsAppendOnly(Exception):
    """Ledger entries are never changed or deleted; correct one by reversing it."""


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper, connection, target):
    """Refuse any change to a written entry."""
    raise LedgerIsAppendOnly("Ledger entries cannot be changed. Reverse the entry instead.")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    """Refuse deleting a written entry."""
    raise LedgerIsAppendOnly("Ledger entries cannot be deleted. Reverse the entry instead.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """Refuse bulk UPDATE and DELETE statements on the ledger, which skip the per-row events above."""
    # Database triggers (migration 0005) refuse the same for SQL that never passes through a session.
    target = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(target, "name", None) == LedgerEntry.__tablename__:
        raise LedgerIsAppendOnly("Ledger entries cannot be changed or deleted. Reverse the entry instead.")


class CommitmentLedgerTotal(db.Model):
    """A commitment's ledger sums (units, pence, entries), added to by a database trigger on every ledger insert.

    Read-only for the app: migration 0010's trigger keeps it, and tests prove it equals the ledger's own sums.
    """

    __tablename__ = "commitment_ledger_totals"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[int]
