"""Council contracts with suppliers and the social value commitments in them."""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    BigInteger, Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint, case, false, func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import permissions
from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.lifecycle import HasLifecycle, Move
from app.models.organisation import Organisation
from app.models.reference import Area, Measure, Theme, hundredths_sql
from app.models.user import Role


class ContractStatus(LabelledEnum):
    """Whether a contract is running or was ended early."""

    ACTIVE = "active"
    ENDED = "ended"


class TargetKind(LabelledEnum):
    """How a contract's social value target is set."""

    POUNDS = "pounds"
    PERCENT = "percent"


def _manager(user, contract: "Contract") -> bool:
    """A contract manager of the council that holds the contract."""
    return permissions.is_council(user, Role.CONTRACT_MANAGER, council_id=contract.buyer_id)


def _holder(user, commitment: "Commitment") -> bool:
    """A member of the supplier that holds the commitment's contract."""
    return permissions.is_supplier(user, commitment.contract.supplier_id)


def _in_term(commitment: "Commitment") -> bool:
    """Its contract has started and not yet run its term."""
    today = date.today()
    return commitment.contract.has_started_by(today) and not commitment.contract.has_ended_by(today)


ACTIVE_ONLY = frozenset({ContractStatus.ACTIVE})


def target_in_pence(kind: TargetKind, value_pence: int, pence: int | None, percent: Decimal | None) -> int:
    """A social value target in pence, set either in pounds or as a percentage of the contract value."""
    if kind is TargetKind.PERCENT:
        exact = Decimal(value_pence) * (percent or Decimal(0)) / 100
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return pence or 0


def ended_or_ends_on(status: ContractStatus, ended_on: date | None, ends_on: date) -> date:
    """The last day of a contract's term: the day it was ended early, or its end date."""
    return ended_on if status is ContractStatus.ENDED and ended_on is not None else ends_on


def target_in_pence_sql(contract):
    """`target_in_pence` as SQL over the contracts table (or an alias): exact whole numbers on both databases."""
    percent = hundredths_sql(func.coalesce(contract.target_percent, 0))
    return case((contract.target_kind == TargetKind.PERCENT, (contract.value_pence * percent + 5000) // 10000),
                else_=func.coalesce(contract.target_pence, 0))


def ended_or_ends_on_sql(contract):
    """`ended_or_ends_on` as SQL over the contracts table (or an alias)."""
    return case(((contract.status == ContractStatus.ENDED) & contract.ended_on.is_not(None), contract.ended_on),
                else_=contract.ends_on)


class Contract(HasLifecycle, db.Model):
    """A council contract held by a supplier, with a social value target."""

    __tablename__ = "contracts"
    NOUN = "contract"
    MOVES = {
        "edit": Move(ACTIVE_ONLY, _manager, "edit"),
        "end": Move(ACTIVE_ONLY, _manager, "end"),
        "add_commitment": Move(ACTIVE_ONLY, _manager, "add a commitment to"),
        # KPIs are rated at least every 12 months and at the end, so they are managed whatever the contract's status.
        "manage_kpis": Move(frozenset(ContractStatus), _manager, "manage the KPIs of"),
    }
    __table_args__ = (UniqueConstraint("buyer_id", "reference", name="uq_contracts_buyer_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    # Where it is published as open contracting data: its OCID and its Find a Tender notice, if it has them.
    ocid: Mapped[str | None] = mapped_column(String(80))
    notice_id: Mapped[str | None] = mapped_column(String(20))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    contract_manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    target_kind: Mapped[TargetKind] = mapped_column(
        enum_type(TargetKind, 10))
    target_pence: Mapped[int | None] = mapped_column(BigInteger)
    target_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    status: Mapped[ContractStatus] = mapped_column(
        enum_type(ContractStatus, 10),
        default=ContractStatus.ACTIVE)
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")
    # Why a contract over the KPI threshold has fewer than three published KPIs (Procurement Act 2023 exemptions).
    kpi_exemption_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_id])
    contract_manager: Mapped["User"] = relationship(foreign_keys=[contract_manager_id])  # noqa: F821
    commitments: Mapped[list["Commitment"]] = relationship(back_populates="contract", order_by="Commitment.id")

    @property
    def target_in_pence(self) -> int:
        """The social value target in pence, whichever way it was set."""
        return target_in_pence(self.target_kind, self.value_pence, self.target_pence, self.target_percent)

    @property
    def term_ends_on(self) -> date:
        """The last day of its term: the day it was ended early, or its end date."""
        return ended_or_ends_on(self.status, self.ended_on, self.ends_on)

    @property
    def is_ended_early(self) -> bool:
        """Whether a contract manager ended it before its term ran out."""
        return self.status is ContractStatus.ENDED

    def has_ended_by(self, day: date) -> bool:
        """Whether the contract was ended early or had run its term before a day."""
        return self.status is ContractStatus.ENDED or self.ends_on < day

    def has_started_by(self, day: date) -> bool:
        """Whether the contract's term has begun on a day."""
        return self.starts_on <= day


commitment_themes = Table(
    "commitment_themes",
    db.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

commitment_areas = Table(
    "commitment_areas",
    db.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Commitment(HasLifecycle, db.Model):
    """A contract's promise of social value: a quantity of one measure by a date."""

    __tablename__ = "commitments"
    NOUN = "commitment on a contract"
    # A commitment follows its contract: it is edited while the contract is on record, pledged to while it runs.
    MOVES = {
        "edit": Move(frozenset(ContractStatus), lambda user, c: _manager(user, c.contract), "edit"),
        "pledge": Move(ACTIVE_ONLY, _holder, "pledge against", when=_in_term),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    due_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    # Published as a KPI in the contract's notices, and rated at least every 12 months (Procurement Act 2023).
    is_kpi: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="commitments")
    measure: Mapped[Measure] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=commitment_themes, order_by="Theme.name")
    areas: Mapped[list[Area]] = relationship(secondary=commitment_areas, order_by="Area.name")

    def lifecycle_state(self) -> ContractStatus:
        """A commitment's moves start from its contract's status."""
        return self.contract.status
