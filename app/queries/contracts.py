"""Reads for contract managers: the council's contracts and one contract's progress and evidence."""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, Contract, LedgerEntry, Measure, Organisation,
    OfferRequest, OrganisationKind, OrganisationStatus, Pledge, PolicyTerms, Role, User, UserRole,
)
from app.models.reference import value_in_pence
from app.queries.policy import council_policy

def percent_of(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """Part as a percentage of whole to one decimal place, or None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def council_suppliers(buyer_id: int) -> list[tuple[int, str]]:
    """(id, name) of the suppliers holding the council's contracts, for the list's filter."""
    return [(row.id, row.name) for row in db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(Contract.supplier_id).where(Contract.buyer_id == buyer_id)))
        .order_by(Organisation.name))]


def approved_supplier_choices() -> list[tuple[int, str]]:
    """(id, name) of every approved supplier, for the contract form."""
    return [(row.id, row.name) for row in db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.kind == OrganisationKind.SUPPLIER,
                                   Organisation.status == OrganisationStatus.APPROVED).order_by(Organisation.name))]


def contract_manager_choices(buyer_id: int) -> list[tuple[int, str]]:
    """(id, name) of the council's current users holding the contract manager role."""
    return [(row.id, row.name) for row in db.session.execute(
        select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == buyer_id, User.is_removed.is_(False), UserRole.role == Role.CONTRACT_MANAGER)
        .order_by(User.name))]


def measure_choices() -> list[tuple[int, str]]:
    """(id, label) of every active measure, the label saying its unit."""
    return [(m.id, f"{m.name} ({m.unit})")
            for m in db.session.scalars(select(Measure).where(Measure.is_active).order_by(Measure.name))]


def council_contract(contract_id: int, buyer_id: int) -> Contract | None:
    """One of the council's contracts with its supplier, or None (also for another council's)."""
    contract = db.session.scalars(
        select(Contract).where(Contract.id == contract_id).options(joinedload(Contract.supplier))).first()
    return contract if contract is not None and contract.buyer_id == buyer_id else None


def council_commitment(commitment_id: int, buyer_id: int) -> Commitment | None:
    """One commitment of the council's contracts with its contract, measure, themes and areas."""
    commitment = db.session.scalars(
        select(Commitment).where(Commitment.id == commitment_id)
        .options(joinedload(Commitment.contract), joinedload(Commitment.measure),
                 selectinload(Commitment.themes), selectinload(Commitment.areas))).first()
    return commitment if commitment is not None and commitment.contract.buyer_id == buyer_id else None


@dataclass
class EntryForReversal:
    """A ledger entry on one of the council's contracts, its contract, and the entry reversing it, if any."""

    entry: LedgerEntry
    contract: Contract
    reversal: LedgerEntry | None


def council_ledger_entry(entry_id: int, buyer_id: int) -> EntryForReversal | None:
    """A ledger entry with its evidence, if it is on one of the council's contracts."""
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.id == entry_id).options(*_entry_loads())).first()
    contract = council_contract(entry.contract_id, buyer_id) if entry is not None else None
    if contract is None:
        return None
    reversal = db.session.scalars(select(LedgerEntry).where(LedgerEntry.reverses_id == entry.id)).first()
    return EntryForReversal(entry, contract, reversal)


@dataclass
class CommitmentProgress:
    """One commitment's figures: units committed, pledged, delivered and confirmed, and confirmed pounds."""

    commitment: Commitment
    pledged: Decimal
    delivered: Decimal
    confirmed: Decimal
    confirmed_pence: int
    target_pence: int
    today: date
    pence_per_unit_today: int | None

    def value_today(self, quantity: Decimal) -> int | None:
        """A quantity at today's proxy value, in pence: an estimate, not ledger value (None if the measure has none)."""
        if self.pence_per_unit_today is None:
            return None
        return value_in_pence(quantity, self.pence_per_unit_today)

    @property
    def percent_of_target(self) -> Decimal | None:
        """Confirmed pounds as a percentage of the contract's target."""
        return percent_of(self.confirmed_pence, self.target_pence)

    @property
    def percent_confirmed(self) -> Decimal | None:
        """Confirmed units as a percentage of the units committed."""
        return percent_of(self.confirmed, self.commitment.quantity)

    @property
    def is_overdue(self) -> bool:
        """Past its due date with less confirmed than committed."""
        return self.commitment.due_on < self.today and self.confirmed < self.commitment.quantity


@dataclass
class ContractPage:
    """Everything the contract page shows, loaded in a fixed number of queries."""

    contract: Contract
    commitments: list[CommitmentProgress]
    entries: list[LedgerEntry]
    reversed_by: dict[int, LedgerEntry]
    policy: PolicyTerms  # the council's social value policy

    @property
    def confirmed_pence(self) -> int:
        """The contract's confirmed value: the sum of its ledger entries, reversals included."""
        return sum(row.confirmed_pence for row in self.commitments)

    @property
    def percent_of_target(self) -> Decimal | None:
        """Confirmed value as a percentage of the contract's target."""
        return percent_of(self.confirmed_pence, self.contract.target_in_pence)

    @property
    def below_policy_target(self) -> bool:
        """Whether the target is worth less than the share of contract value the council's policy expects."""
        expected = self.policy.expected_pence(self.contract.value_pence)
        return expected is not None and self.contract.target_in_pence < expected


def _entry_loads():
    """Eager loads for showing a ledger entry's evidence."""
    return (joinedload(LedgerEntry.need), joinedload(LedgerEntry.vcse), joinedload(LedgerEntry.measure),
            joinedload(LedgerEntry.pledge).joinedload(Pledge.offer_request).joinedload(OfferRequest.offer),
            joinedload(LedgerEntry.pledge).selectinload(Pledge.evidence_files),
            joinedload(LedgerEntry.confirmed_by).joinedload(User.organisation), joinedload(LedgerEntry.reverses))


def _pledge_figures(contract_id: int) -> dict[int, tuple[Decimal, Decimal]]:
    """(pledged, delivered awaiting confirmation) per commitment of a contract, in one query."""
    pledged = func.sum(case((Pledge.status.in_(HOLDS_PLEDGED), Pledge.quantity), else_=0))
    delivered = func.sum(case((Pledge.status.in_(HOLDS_DELIVERED), func.coalesce(Pledge.delivered_quantity, 0)),
                              else_=0))
    rows = db.session.execute(
        select(Pledge.commitment_id, pledged, delivered).join(Commitment, Commitment.id == Pledge.commitment_id)
        .where(Commitment.contract_id == contract_id).group_by(Pledge.commitment_id))
    return {cid: (Decimal(p or 0), Decimal(d or 0)) for cid, p, d in rows}


def _ledger_figures(contract_id: int) -> dict[int, tuple[Decimal, int]]:
    """(confirmed units, confirmed pence) per commitment: sums of ledger entries, reversals included."""
    rows = db.session.execute(
        select(LedgerEntry.commitment_id, func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.value_pence))
        .where(LedgerEntry.contract_id == contract_id).group_by(LedgerEntry.commitment_id))
    return {cid: (Decimal(q or 0), int(p or 0)) for cid, q, p in rows}


def contract_page(contract_id: int, today: date | None = None) -> ContractPage | None:
    """A contract with each commitment's progress and every ledger entry with its evidence."""
    contract = db.session.scalars(
        select(Contract).where(Contract.id == contract_id)
        .options(joinedload(Contract.supplier), joinedload(Contract.contract_manager),
                 selectinload(Contract.commitments).options(
                     joinedload(Commitment.measure), selectinload(Commitment.themes), selectinload(Commitment.areas)))
    ).first()
    if contract is None:
        return None
    today = today or date.today()
    pledge_figures, ledger_figures = _pledge_figures(contract.id), _ledger_figures(contract.id)
    target = contract.target_in_pence
    progress = []
    for commitment in contract.commitments:
        pledged, delivered = pledge_figures.get(commitment.id, (Decimal(0), Decimal(0)))
        confirmed, pence = ledger_figures.get(commitment.id, (Decimal(0), 0))
        progress.append(CommitmentProgress(commitment, pledged, delivered, confirmed, pence, target, today,
                                           commitment.measure.pence_per_unit_on(today)))
    entries = list(db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.contract_id == contract.id).options(*_entry_loads())
        .order_by(LedgerEntry.created_at, LedgerEntry.id)))
    reversed_by = {e.reverses_id: e for e in entries if e.reverses_id is not None}
    return ContractPage(contract, progress, entries, reversed_by, council_policy(contract.buyer_id))
