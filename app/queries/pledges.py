"""Reads of pledges and of a supplier's contracts: lists, one pledge, and figures per commitment."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, Contract, ContractStatus, LedgerEntry, Need, OfferRequest, Pledge,
    PledgeStatus,
)
from app.queries.capacity import held_quantity_expression, need_held, requested_by_commitment
from app.models.reference import value_in_pence

# The VCSE acts on offered pledges (accept or decline) and delivered ones (confirm or dispute).
VCSE_ACTION_STATUSES = frozenset({PledgeStatus.OFFERED, PledgeStatus.DELIVERED})
ZERO = Decimal(0)


@dataclass
class CommitmentFigures:
    """One commitment with what its pledges and the ledger say about it."""

    commitment: Commitment
    pledged: Decimal
    delivered: Decimal
    confirmed: Decimal
    held: Decimal
    pence_per_unit: int | None

    @property
    def committed(self) -> Decimal:
        """The quantity the contract promises."""
        return self.commitment.quantity

    @property
    def left(self) -> Decimal:
        """What is left to pledge: the commitment less what pledges hold (never below zero)."""
        return max(self.commitment.quantity - self.held, ZERO)

    @property
    def value_pence(self) -> int | None:
        """The committed quantity valued at today's proxy value; None for a measure without one."""
        if self.pence_per_unit is None:
            return None
        return value_in_pence(self.commitment.quantity, self.pence_per_unit)


@dataclass
class ContractFigures:
    """A contract with figures for each of its commitments."""

    contract: Contract
    is_ended: bool
    commitments: list[CommitmentFigures]
    # Commitments take pledges only from the contract's start date.
    not_started: bool = False


def _pledge_sums(commitment_ids: list[int]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """(pledged, delivered, held) per commitment, in one GROUP BY query."""
    if not commitment_ids:
        return {}
    pledged = case((Pledge.status.in_(HOLDS_PLEDGED), Pledge.quantity), else_=0)
    delivered = case((Pledge.status.in_(HOLDS_DELIVERED), func.coalesce(Pledge.delivered_quantity, 0)), else_=0)
    rows = db.session.execute(
        select(Pledge.commitment_id, func.sum(pledged), func.sum(delivered), func.sum(held_quantity_expression()))
        .where(Pledge.commitment_id.in_(commitment_ids)).group_by(Pledge.commitment_id))
    return {cid: (Decimal(p or 0), Decimal(d or 0), Decimal(h or 0)) for cid, p, d, h in rows}


def _ledger_sums(commitment_ids: list[int]) -> dict[int, Decimal]:
    """Confirmed quantity per commitment: the sum of its ledger entries, reversals included."""
    if not commitment_ids:
        return {}
    rows = db.session.execute(
        select(LedgerEntry.commitment_id, func.sum(LedgerEntry.quantity))
        .where(LedgerEntry.commitment_id.in_(commitment_ids)).group_by(LedgerEntry.commitment_id))
    return {cid: Decimal(total or 0) for cid, total in rows}


def _figures(commitments: list[Commitment], today: date) -> list[CommitmentFigures]:
    """Figures for a set of commitments in two aggregate queries, whatever their number."""
    ids = [c.id for c in commitments]
    sums, confirmed, requested = _pledge_sums(ids), _ledger_sums(ids), requested_by_commitment(ids)
    figures = []
    for commitment in commitments:
        pledged, delivered, held = sums.get(commitment.id, (ZERO, ZERO, ZERO))
        # Requests for the commitment's offers that wait for an answer hold their quantity too.
        held += requested.get(commitment.id, ZERO)
        # Measures load their proxy values eagerly, so today's value costs no query per row.
        figures.append(CommitmentFigures(commitment, pledged, delivered, confirmed.get(commitment.id, ZERO), held,
                                         commitment.measure.pence_per_unit_on(today)))
    return figures


def commitment_figures(commitments: list[Commitment], today: date) -> list[CommitmentFigures]:
    """Each commitment with what is pledged, delivered, confirmed and left, in a fixed number of queries."""
    return _figures(commitments, today)


def supplier_contracts_with_figures(supplier_id: int, today: date | None = None) -> list[ContractFigures]:
    """Every contract of a supplier, running ones first, with committed, pledged, delivered, confirmed and left."""
    today = today or date.today()
    contracts = list(db.session.scalars(
        select(Contract).where(Contract.supplier_id == supplier_id)
        .options(joinedload(Contract.buyer), selectinload(Contract.commitments).joinedload(Commitment.measure))
        .order_by(Contract.reference, Contract.id)
    ).unique())
    figures = iter(_figures([c for contract in contracts for c in contract.commitments], today))
    result = [ContractFigures(contract, contract.has_ended_by(today), [next(figures) for _ in contract.commitments],
                              not contract.has_started_by(today)) for contract in contracts]
    return sorted(result, key=lambda row: row.is_ended)


def eligible_commitments(supplier_id: int, need: Need, today: date | None = None) -> list[CommitmentFigures]:
    """Commitments a supplier may pledge to a need: its running contracts', in the need's measure, with some left."""
    today = today or date.today()
    commitments = list(db.session.scalars(
        select(Commitment).join(Commitment.contract)
        .where(Contract.supplier_id == supplier_id, Contract.status == ContractStatus.ACTIVE,
               Contract.starts_on <= today, Contract.ends_on >= today, Commitment.measure_id == need.measure_id)
        .options(joinedload(Commitment.contract), joinedload(Commitment.measure))
        .order_by(Commitment.due_on, Commitment.id)
    ))
    return [row for row in _figures(commitments, today) if row.left > 0]


def contracts_not_started(supplier_id: int, need: Need, today: date | None = None) -> list[Contract]:
    """A supplier's contracts that have not started yet but commit the need's measure: they take pledges later."""
    today = today or date.today()
    return list(db.session.scalars(
        select(Contract).join(Commitment, Commitment.contract_id == Contract.id)
        .where(Contract.supplier_id == supplier_id, Contract.status == ContractStatus.ACTIVE,
               Contract.starts_on > today, Commitment.measure_id == need.measure_id)
        .order_by(Contract.starts_on, Contract.id)
    ).unique())


def _list_options():
    """Eager loads for everything a list of pledges shows."""
    return (joinedload(Pledge.need).joinedload(Need.organisation), joinedload(Pledge.vcse),
            joinedload(Pledge.offer_request).joinedload(OfferRequest.offer),
            joinedload(Pledge.commitment).joinedload(Commitment.contract),
            joinedload(Pledge.commitment).joinedload(Commitment.measure),
            joinedload(Pledge.supplier), selectinload(Pledge.ledger_entries))


def supplier_pledges(supplier_id: int, page: int, per_page: int):
    """A page of a supplier's pledges, newest first."""
    query = (select(Pledge).where(Pledge.supplier_id == supplier_id).options(*_list_options())
             .order_by(Pledge.created_at.desc(), Pledge.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def vcse_pledges(organisation_id: int, page: int, per_page: int):
    """A page of pledges to an organisation's needs: those waiting for it first, then newest first."""
    waiting = case((Pledge.status.in_(VCSE_ACTION_STATUSES), 0), else_=1)
    query = (select(Pledge).where(Pledge.vcse_id == organisation_id)
             .options(*_list_options()).order_by(waiting, Pledge.created_at.desc(), Pledge.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def need_pledges(need_id: int) -> list[Pledge]:
    """Every pledge to one need, for the need's page: waiting ones first, then newest first."""
    waiting = case((Pledge.status.in_(VCSE_ACTION_STATUSES), 0), else_=1)
    return list(db.session.scalars(
        select(Pledge).where(Pledge.need_id == need_id).options(*_list_options())
        .order_by(waiting, Pledge.created_at.desc(), Pledge.id.desc())))


def pledge_detail(pledge_id: int) -> Pledge | None:
    """One pledge with its need, commitment, contract, measure, supplier and evidence files."""
    return db.session.scalars(
        select(Pledge).where(Pledge.id == pledge_id)
        .options(*_list_options(), joinedload(Pledge.need).joinedload(Need.measure),
                 selectinload(Pledge.evidence_files))
    ).first()


def contract_has_pledges(contract_id: int) -> bool:
    """Whether any pledge, in any status, draws on one of a contract's commitments."""
    return db.session.scalar(
        select(Pledge.id).join(Commitment, Commitment.id == Pledge.commitment_id)
        .where(Commitment.contract_id == contract_id).limit(1)) is not None


def need_remaining(need: Need) -> Decimal:
    """What is still needed: the quantity wanted less what pledges hold (never below zero)."""
    return max(need.quantity - need_held(need.id), ZERO)
