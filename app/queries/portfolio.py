"""The portfolio: every contract of a council with its pounds committed, pledged, delivered and confirmed, and RAG."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Date, Float, case, cast, func, literal, select
from sqlalchemy.orm import aliased, lazyload

from app.extensions import db
from app.formatting import pounds_decimal
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, CommitmentLedgerTotal, Contract, ContractStatus, Measure,
    Organisation, Pledge, PolicyTerms, User, commitment_themes,
)
from app.models.contract import ended_or_ends_on_sql, target_in_pence_sql
from app.models.progress import Rag, rag_sql, term_gone_percent_sql
from app.models.reference import hundredths_sql, value_in_pence_sql
from app.queries.contracts import percent_of
from app.queries.policy import council_policy

# Each order as (label, the sort keys over the portfolio's row columns); the last key, the id, breaks ties.
SORTS = {
    "reference": ("Reference", lambda c: (func.lower(c.reference), c.id)),
    "supplier": ("Supplier", lambda c: (func.lower(c.supplier_name), func.lower(c.reference), c.id)),
    "value": ("Contract value", lambda c: (c.value_pence, c.id)),
    "confirmed": ("Confirmed", lambda c: (c.confirmed_pence, c.id)),
    "percent": ("% of target", lambda c: (case((c.target_pence > 0, cast(c.confirmed_pence, Float) / c.target_pence),
                                               else_=-1), c.id)),
    "rag": ("RAG status", lambda c: (case({rag.value: index for index, rag in enumerate(Rag)}, value=c.rag),
                                     func.lower(c.reference), c.id)),
    "ends": ("End date", lambda c: (c.ends_on, c.id)),
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
    policy_flags: tuple[str, ...] = ()

    @property
    def percent_of_target(self) -> Decimal | None:
        """Confirmed pounds as a percentage of the target."""
        return percent_of(self.confirmed_pence, self.target_pence)

    @property
    def is_ended_early(self) -> bool:
        """Whether a contract manager ended the contract before its term ran out."""
        return self.status is ContractStatus.ENDED


class Portfolio(Pagination):
    """A page of the council's contracts, filtered, sorted and counted by the database, with totals over them all."""

    def __init__(self, buyer_id: int, filters: PortfolioFilters, page: int, per_page: int, policy: PolicyTerms,
                 today: date):
        self.buyer_id, self.filters, self.policy, self.today = buyer_id, filters, policy, today
        self.totals: dict[str, int] = {}
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _select(self):
        """The matching contracts in order, with every matching contract's count and totals beside each row."""
        rows = _contract_rows(self.buyer_id, self.filters, self.today)
        over = [func.count().over().label("matching")] + [
            func.coalesce(func.sum(rows.c[name]).over(), 0).label(f"total_{name}") for name in TOTALS]
        keys = SORTS.get(self.filters.sort, SORTS["rag"])[1](rows.c)
        return select(rows, *over).order_by(*(key.desc() if self.filters.descending else key for key in keys))

    def _query_items(self) -> list[PortfolioRow]:
        """The rows on this page, with their pounds at today's proxy values and the policy's flags."""
        found = db.session.execute(self._select().limit(self.per_page).offset(self._query_offset)).all()
        if found:
            self.totals = {name: int(getattr(found[0], f"total_{name}")) for name in TOTALS}
            self._matching = found[0].matching
        return self._finish([_row(found_row) for found_row in found])

    def _query_count(self) -> int:
        """How many contracts match (read beside the page's rows; counted afresh past the last page)."""
        if hasattr(self, "_matching"):
            return self._matching
        rows = _contract_rows(self.buyer_id, self.filters, self.today)
        return db.session.scalar(select(func.count()).select_from(rows))

    def all_rows(self) -> list[PortfolioRow]:
        """Every matching contract's row, in order (for the CSV)."""
        return self._finish([_row(found_row) for found_row in db.session.execute(self._select())])

    def _finish(self, rows: list[PortfolioRow]) -> list[PortfolioRow]:
        """Add the pounds at today's proxy values and the policy's flags to these rows."""
        add_estimates(rows, self.today)
        for row in rows:
            row.policy_flags = tuple(_policy_flags(row, self.policy))
        return rows


# The columns added up over every matching contract, for the line above the table.
TOTALS = ("value_pence", "target_pence", "confirmed_pence", "overdue")


def _ledger_figures(buyer_id: int, today: date):
    """Per contract of the council: how many commitments, confirmed pence (ledger totals) and overdue commitments."""
    confirmed_units = func.coalesce(CommitmentLedgerTotal.quantity, 0)
    overdue = case(((Commitment.due_on < today)
                    & (hundredths_sql(confirmed_units) < hundredths_sql(Commitment.quantity)), 1), else_=0)
    return (select(Commitment.contract_id.label("contract_id"), func.count().label("commitments"),
                   func.coalesce(func.sum(CommitmentLedgerTotal.value_pence), 0).label("confirmed"),
                   func.coalesce(func.sum(overdue), 0).label("overdue"))
            .join(Contract, Contract.id == Commitment.contract_id)
            .outerjoin(CommitmentLedgerTotal, CommitmentLedgerTotal.commitment_id == Commitment.id)
            .where(Contract.buyer_id == buyer_id).group_by(Commitment.contract_id).subquery())


def _contract_rows(buyer_id: int, filters: PortfolioFilters, today: date):
    """The council's contracts that match the filters, with their ledger figures, target, term gone and RAG status
    worked out by the database (by the same rules as the contract page), as a subquery."""
    manager, figures, day = aliased(User), _ledger_figures(buyer_id, today), literal(today, Date)
    ends, target = ended_or_ends_on_sql(Contract), target_in_pence_sql(Contract)
    confirmed = func.coalesce(figures.c.confirmed, 0)
    term_gone = term_gone_percent_sql(Contract.starts_on, ends, day)
    query = (select(Contract.id, Contract.reference, Contract.title, Organisation.name.label("supplier_name"),
                    manager.name.label("manager_name"), Contract.status, Contract.value_pence,
                    target.label("target_pence"), Contract.starts_on, ends.label("ends_on"),
                    term_gone.label("term_gone_percent"), func.coalesce(figures.c.commitments, 0).label("commitments"),
                    confirmed.label("confirmed_pence"), func.coalesce(figures.c.overdue, 0).label("overdue"),
                    rag_sql(confirmed, target, term_gone, Contract.starts_on, day).label("rag"))
             .join(Organisation, Organisation.id == Contract.supplier_id)
             .join(manager, manager.id == Contract.contract_manager_id)
             .outerjoin(figures, figures.c.contract_id == Contract.id)
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
    rows = query.subquery()
    return select(rows).where(rows.c.rag == filters.rag.value).subquery() if filters.rag else rows


def _row(found) -> PortfolioRow:
    """A portfolio row from the database's row."""
    return PortfolioRow(found.id, found.reference, found.title, found.supplier_name, found.manager_name, found.status,
                        found.value_pence, int(found.target_pence), found.starts_on, found.ends_on,
                        int(found.term_gone_percent), commitments=int(found.commitments),
                        confirmed_pence=int(found.confirmed_pence), overdue=int(found.overdue), rag=Rag(found.rag))


def _proxy_today(measure_id, today: date):
    """SQL for a measure's proxy value in pence per unit today (NULL for a measure counted in units only)."""
    measures = db.session.scalars(select(Measure).options(lazyload(Measure.category_rows)))
    proxies = {measure.id: measure.pence_per_unit_on(today) for measure in measures}
    return case({mid: pence for mid, pence in proxies.items() if pence is not None}, value=measure_id, else_=None)


def _estimates_by_contract(contract_ids: list[int], today: date):
    """Each contract's committed, pledged and delivered pence at today's proxy values (each commitment's units
    valued and rounded on their own, as `value_in_pence` does) and its commitments counted in units only."""
    pledged = func.sum(case((Pledge.status.in_(HOLDS_PLEDGED), Pledge.quantity), else_=0))
    delivered = func.sum(case((Pledge.status.in_(HOLDS_DELIVERED), func.coalesce(Pledge.delivered_quantity, 0)),
                              else_=0))
    pledges = (select(Pledge.commitment_id, pledged.label("pledged"), delivered.label("delivered"))
               .join(Commitment, Commitment.id == Pledge.commitment_id)
               .where(Commitment.contract_id.in_(contract_ids), Pledge.status.in_(HOLDS_PLEDGED | HOLDS_DELIVERED))
               .group_by(Pledge.commitment_id).subquery())
    proxy = _proxy_today(Commitment.measure_id, today)
    each = (select(Commitment.contract_id.label("contract_id"),
                   value_in_pence_sql(Commitment.quantity, proxy).label("committed"),
                   value_in_pence_sql(func.coalesce(pledges.c.pledged, 0), proxy).label("pledged"),
                   value_in_pence_sql(func.coalesce(pledges.c.delivered, 0), proxy).label("delivered"),
                   case((proxy.is_(None), 1), else_=0).label("units_only"))
            .outerjoin(pledges, pledges.c.commitment_id == Commitment.id)
            .where(Commitment.contract_id.in_(contract_ids)).subquery())
    return db.session.execute(
        select(each.c.contract_id, *(func.coalesce(func.sum(each.c[name]), 0) for name in (
            "committed", "pledged", "delivered", "units_only")))
        .group_by(each.c.contract_id))


def add_estimates(rows: list[PortfolioRow], today: date) -> None:
    """Add committed, pledged and delivered pounds at today's proxy values to these rows (the database's sums)."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    for contract_id, committed, pledged, delivered, units_only in _estimates_by_contract(list(by_id), today):
        row = by_id[contract_id]
        row.committed_pence, row.pledged_pence, row.delivered_pence = int(committed), int(pledged), int(delivered)
        row.units_only = int(units_only)


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
    return Portfolio(buyer_id, filters, page, per_page, council_policy(buyer_id), today or date.today())


PORTFOLIO_COLUMNS = (
    "Reference", "Title", "Supplier", "Contract manager", "Status", "Starts", "Ends", "Term gone (%)",
    "Contract value (£)", "Target (£)", "Committed at today's proxy values (£)", "Pledged at today's proxy values (£)",
    "Delivered awaiting confirmation at today's proxy values (£)", "Confirmed (£)", "Confirmed (% of target)",
    "Commitments", "Overdue commitments", "Commitments counted in units only", "RAG status", "Policy flags",
)


def portfolio_csv_rows(listing: Portfolio):
    """Every matching contract as a CSV row, in the portfolio's order (pounds as exact decimals)."""
    pounds = pounds_decimal
    for row in listing.all_rows():
        yield (row.reference, row.title, row.supplier_name, row.manager_name, row.status.label, row.starts_on,
               row.ends_on, row.term_gone_percent, pounds(row.value_pence), pounds(row.target_pence),
               pounds(row.committed_pence), pounds(row.pledged_pence), pounds(row.delivered_pence),
               pounds(row.confirmed_pence), row.percent_of_target, row.commitments, row.overdue, row.units_only,
               row.rag.value, "; ".join(row.policy_flags))
