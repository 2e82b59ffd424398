"""The portfolio: every contract of a council with its pounds committed, pledged, delivered and confirmed, and RAG."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.formatting import pounds_decimal
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, CommitmentLedgerTotal, Contract, ContractStatus, Measure,
    Organisation, Pledge, PolicyTerms, User, commitment_themes,
)
from app.models.contract import ended_or_ends_on, target_in_pence
from app.models.progress import Rag, rag_status, term_gone_percent
from app.models.reference import value_in_pence
from app.queries.contracts import percent_of
from app.queries.policy import council_policy

SORTS = {
    "reference": ("Reference", lambda row: (row.reference.lower(), row.id)),
    "supplier": ("Supplier", lambda row: (row.supplier_name.lower(), row.reference.lower(), row.id)),
    "value": ("Contract value", lambda row: (row.value_pence, row.id)),
    "confirmed": ("Confirmed", lambda row: (row.confirmed_pence, row.id)),
    "percent": ("% of target", lambda row: (row.percent_of_target if row.percent_of_target is not None
                                            else Decimal(-1), row.id)),
    "rag": ("RAG status", lambda row: (list(Rag).index(row.rag), row.reference.lower(), row.id)),
    "ends": ("End date", lambda row: (row.ends_on, row.id)),
}


@dataclass
class PortfolioFilters:
    """What the portfolio is narrowed to, and how it is sorted."""

    supplier_id: int | None = None
    status: ContractStatus | None = None
    theme_id: int | None = None
    manager_id: int | None = None
    rag: Rag | None = None
    sort: str = "rag"
    descending: bool = False

    def as_args(self) -> dict:
        """The filters as query-string arguments, for links that keep them."""
        args = {"supplier": self.supplier_id, "status": self.status.value if self.status else None,
                "theme": self.theme_id, "manager": self.manager_id, "rag": self.rag.value if self.rag else None,
                "sort": None if self.sort == "rag" else self.sort, "order": "desc" if self.descending else None}
        return {key: value for key, value in args.items() if value}


@dataclass
class PortfolioRow:
    """One contract's line: its figures in pence, % of target, overdue commitments and RAG status."""

    id: int
    reference: str
    title: str
    supplier_name: str
    manager_name: str
    status: ContractStatus
    value_pence: int
    target_pence: int
    starts_on: date
    ends_on: date
    term_gone_percent: int
    commitments: int = 0
    committed_pence: int = 0
    pledged_pence: int = 0
    delivered_pence: int = 0
    confirmed_pence: int = 0
    overdue: int = 0
    units_only: int = 0  # commitments whose measure has no proxy value: counted in units, not pounds
    rag: Rag = Rag.GREY
    policy_flags: list[str] = field(default_factory=list)

    @property
    def percent_of_target(self) -> Decimal | None:
        """Confirmed pounds as a percentage of the target."""
        return percent_of(self.confirmed_pence, self.target_pence)

    @property
    def is_ended_early(self) -> bool:
        """Whether a contract manager ended the contract before its term ran out."""
        return self.status is ContractStatus.ENDED


class Portfolio(Pagination):
    """A page of portfolio rows from the whole filtered, sorted list (kept for totals and the CSV)."""

    def __init__(self, rows: list[PortfolioRow], page: int, per_page: int, policy: PolicyTerms):
        self.rows, self.policy = rows, policy
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _query_items(self) -> list[PortfolioRow]:
        """The rows on this page."""
        return self.rows[(self.page - 1) * self.per_page:self.page * self.per_page]

    def _query_count(self) -> int:
        """How many contracts match."""
        return len(self.rows)

    @property
    def totals(self) -> dict[str, int]:
        """Each pounds column added up over every matching contract (not only this page)."""
        names = ("value_pence", "target_pence", "committed_pence", "pledged_pence", "delivered_pence",
                 "confirmed_pence", "overdue")
        return {name: sum(getattr(row, name) for row in self.rows) for name in names}


def _contract_rows(buyer_id: int, filters: PortfolioFilters, today: date) -> dict[int, PortfolioRow]:
    """The council's contracts that match the filters (all but RAG), as rows without their figures yet."""
    manager = aliased(User)
    query = (select(Contract.id, Contract.reference, Contract.title, Organisation.name, manager.name, Contract.status,
                    Contract.value_pence, Contract.target_kind, Contract.target_pence, Contract.target_percent,
                    Contract.starts_on, Contract.ends_on, Contract.ended_on)
             .join(Organisation, Organisation.id == Contract.supplier_id)
             .join(manager, manager.id == Contract.contract_manager_id)
             .where(Contract.buyer_id == buyer_id))
    if filters.supplier_id:
        query = query.where(Contract.supplier_id == filters.supplier_id)
    if filters.status:
        query = query.where(Contract.status == filters.status)
    if filters.manager_id:
        query = query.where(Contract.contract_manager_id == filters.manager_id)
    if filters.theme_id:
        query = query.where(Contract.id.in_(
            select(Commitment.contract_id).join(commitment_themes, commitment_themes.c.commitment_id == Commitment.id)
            .where(commitment_themes.c.theme_id == filters.theme_id)))
    rows = {}
    for (cid, reference, title, supplier, manager_name, status, value, kind, pence, percent, starts, ends,
         ended) in db.session.execute(query):
        ends = ended_or_ends_on(status, ended, ends)
        rows[cid] = PortfolioRow(cid, reference, title, supplier, manager_name, status, value,
                                 target_in_pence(kind, value, pence, percent), starts, ends,
                                 term_gone_percent(starts, ends, today))
    return rows


def _proxies_today(today: date) -> dict[int, int | None]:
    """Each measure's proxy value in pence per unit today (None for a measure counted in units only)."""
    return {m.id: m.pence_per_unit_on(today) for m in db.session.scalars(select(Measure))}


def _add_figures(rows: dict[int, PortfolioRow], buyer_id: int, today: date) -> None:
    """Add each contract's commitments, pledges and ledger totals to its row, in two queries over the council."""
    pledged = func.sum(case((Pledge.status.in_(HOLDS_PLEDGED), Pledge.quantity), else_=0))
    delivered = func.sum(case((Pledge.status.in_(HOLDS_DELIVERED), func.coalesce(Pledge.delivered_quantity, 0)),
                              else_=0))
    pledges = (select(Pledge.commitment_id, pledged.label("pledged"), delivered.label("delivered"))
               .where(Pledge.status.in_(HOLDS_PLEDGED | HOLDS_DELIVERED)).group_by(Pledge.commitment_id).subquery())
    query = (select(Commitment.contract_id, Commitment.measure_id, Commitment.quantity, Commitment.due_on,
                    pledges.c.pledged, pledges.c.delivered, CommitmentLedgerTotal.quantity,
                    CommitmentLedgerTotal.value_pence)
             .join(Contract, Contract.id == Commitment.contract_id)
             .outerjoin(pledges, pledges.c.commitment_id == Commitment.id)
             .outerjoin(CommitmentLedgerTotal, CommitmentLedgerTotal.commitment_id == Commitment.id)
             .where(Contract.buyer_id == buyer_id))
    proxies = _proxies_today(today)
    for contract_id, measure_id, quantity, due_on, pledged_units, delivered_units, confirmed, pence in (
            db.session.execute(query)):
        row = rows.get(contract_id)
        if row is None:
            continue
        proxy, confirmed = proxies.get(measure_id), Decimal(confirmed or 0)
        row.commitments += 1
        row.units_only += proxy is None
        row.committed_pence += value_in_pence(quantity, proxy)
        row.pledged_pence += value_in_pence(Decimal(pledged_units or 0), proxy)
        row.delivered_pence += value_in_pence(Decimal(delivered_units or 0), proxy)
        row.confirmed_pence += int(pence or 0)
        row.overdue += due_on < today and confirmed < quantity


def _policy_flags(row: PortfolioRow, policy: PolicyTerms) -> list[str]:
    """What the council's policy asks of this contract that it lacks."""
    if not policy.applies_to(row.value_pence):
        return []
    flags = [] if row.commitments else ["Over the policy threshold with no commitments"]
    expected = policy.expected_pence(row.value_pence)
    if expected is not None and row.target_pence < expected:
        flags.append("Target below the policy level")
    return flags


def portfolio(buyer_id: int, filters: PortfolioFilters, page: int, per_page: int,
              today: date | None = None) -> Portfolio:
    """The council's contracts with their figures and RAG status, filtered and sorted, a page at a time."""
    today = today or date.today()
    rows = _contract_rows(buyer_id, filters, today)
    _add_figures(rows, buyer_id, today)
    policy = council_policy(buyer_id)
    for row in rows.values():
        row.rag = rag_status(row.confirmed_pence, row.target_pence, row.starts_on, row.ends_on, today)
        row.policy_flags = _policy_flags(row, policy)
    matching = [row for row in rows.values() if filters.rag is None or row.rag is filters.rag]
    matching.sort(key=SORTS.get(filters.sort, SORTS["rag"])[1], reverse=filters.descending)
    return Portfolio(matching, page, per_page, policy)


PORTFOLIO_COLUMNS = (
    "Reference", "Title", "Supplier", "Contract manager", "Status", "Starts", "Ends", "Term gone (%)",
    "Contract value (£)", "Target (£)", "Committed at today's proxy values (£)", "Pledged at today's proxy values (£)",
    "Delivered awaiting confirmation at today's proxy values (£)", "Confirmed (£)", "Confirmed (% of target)",
    "Commitments", "Overdue commitments", "Commitments counted in units only", "RAG status", "Policy flags",
)


def portfolio_csv_rows(listing: Portfolio):
    """Every matching contract as a CSV row, in the portfolio's order (pounds as exact decimals)."""
    pounds = pounds_decimal
    for row in listing.rows:
        yield (row.reference, row.title, row.supplier_name, row.manager_name, row.status.label, row.starts_on,
               row.ends_on, row.term_gone_percent, pounds(row.value_pence), pounds(row.target_pence),
               pounds(row.committed_pence), pounds(row.pledged_pence), pounds(row.delivered_pence),
               pounds(row.confirmed_pence), row.percent_of_target, row.commitments, row.overdue, row.units_only,
               row.rag.value, "; ".join(row.policy_flags))
