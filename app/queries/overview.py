"""The council overview: what the council's contracts delivered in a period, every pound a sum of ledger entries.

Method (shown on the page): an entry counts in the period its delivery date falls in; reversals count, negatively,
in the period of the delivery they reverse; an entry's themes and areas are those of the need it met (a need has
one area) or of the standing offer it answered (an offer may serve several), so where an entry counts under several
themes or areas the table says its rows overlap, and the total is given once.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, exists, func, select, union_all
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Area, Contract, LedgerEntry, Measure, Need, NeedStatus, OfferRequest, Organisation, Pledge, Theme, need_themes,
    offer_areas, offer_themes,
)
from app.queries.reports import FinancialYear, month_start, months

OLDEST_OPEN_NEEDS = 10
MAX_PERIOD_DAYS = 366 * 20


@dataclass(frozen=True)
class Period:
    """A date range, both ends included."""

    start: date
    end: date

    @classmethod
    def financial_year(cls, day: date) -> "Period":
        """The financial year a day falls in."""
        year = FinancialYear.of(day)
        return cls(year.start, year.end)

    @property
    def is_financial_year(self) -> bool:
        """Whether the range is exactly one financial year."""
        return FinancialYear.of(self.start) == FinancialYear(self.start, self.end)

    @property
    def label(self) -> str:
        """For example, "the financial year 2026 to 2027" or "1 May 2026 to 31 May 2026"."""
        if self.is_financial_year:
            return f"the financial year {FinancialYear.of(self.start).label}"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def overlap_days(self, first: date, last: date) -> int:
        """How many days of first..last fall within the period."""
        return max(0, (min(last, self.end) - max(first, self.start)).days + 1)


@dataclass
class Row:
    """One line of a table: a label with pounds, entries and, for a measure, units."""

    label: str
    pence: int
    entries: int
    units: Decimal | None = None
    unit: str = ""
    counted_in_units_only: bool = False


@dataclass
class Table:
    """A table of the overview; `overlaps` says an entry may count in more than one row."""

    key: str
    title: str
    rows: list[Row]
    overlaps: bool = False
    unassigned: Row | None = None  # entries under no row (no theme, say), so the table can be reconciled


@dataclass
class NeedOutcomes:
    """Needs published in the period, by what has become of them, for one kind or area."""

    label: str
    posted: int = 0
    met: int = 0
    expired: int = 0
    still_open: int = 0
    closed: int = 0  # closed, withdrawn or hidden before being met


@dataclass
class Timing:
    """Median and 90th-percentile days from publication, with how many needs they are taken over."""

    label: str
    needs: int
    median: int | None
    p90: int | None


@dataclass
class Overview:
    """Everything the overview page shows for a council and a period."""

    period: Period
    total: Row
    reversals: Row
    tables: list[Table]
    contract_value_pence: int  # contract value falling in the period (each contract's value spread over its term)
    needs_by_kind: list[NeedOutcomes]
    needs_by_area: list[NeedOutcomes]
    timings: list[Timing]
    oldest_open: list[Need] = field(default_factory=list)

    @property
    def pounds_per_pound(self) -> Decimal | None:
        """Confirmed social value per £1 of contract value in the period, to 2 places."""
        if not self.contract_value_pence:
            return None
        return (Decimal(self.total.pence) / self.contract_value_pence).quantize(Decimal("0.01"))

    @property
    def percent_of_value(self) -> Decimal | None:
        """Confirmed social value as a % of contract value in the period, to 1 place."""
        if not self.contract_value_pence:
            return None
        return (Decimal(self.total.pence) * 100 / self.contract_value_pence).quantize(Decimal("0.1"))

    def table(self, key: str) -> Table:
        """One of the tables by its key."""
        return next(t for t in self.tables if t.key == key)


def _entries(buyer_id: int, period: Period):
    """Conditions for the council's ledger entries delivered in the period."""
    return (LedgerEntry.contract_id.in_(select(Contract.id).where(Contract.buyer_id == buyer_id)),
            LedgerEntry.delivered_on >= period.start, LedgerEntry.delivered_on <= period.end)


def _sums():
    """Pence, deliveries (a reversal takes one away) and units, as SQL aggregates."""
    deliveries = func.sum(case((LedgerEntry.reverses_id.is_(None), 1), else_=-1))
    return (func.coalesce(func.sum(LedgerEntry.value_pence), 0), deliveries,
            func.coalesce(func.sum(LedgerEntry.quantity), 0))


def _grouped(key, label, where, *joins) -> list[tuple]:
    """(key, label, pence, entries, units) per group of the period's entries."""
    query = select(key, label, *_sums()).where(*where)
    for target, on in joins:
        query = query.join(target, on)
    return db.session.execute(query.group_by(key, label)).all()


def _rows(grouped: list[tuple]) -> list[Row]:
    """Rows from grouped sums, the most pounds first."""
    return sorted((Row(label, int(pence), int(entries or 0)) for _, label, pence, entries, _ in grouped),
                  key=lambda row: (-row.pence, row.label))


def _by_measure(where) -> Table:
    """Units and pounds by measure: outputs of a measure with no proxy value show beside the pounds."""
    rows = db.session.execute(
        select(Measure.name, Measure.unit, *_sums(), func.count(LedgerEntry.pence_per_unit))
        .join(Measure, Measure.id == LedgerEntry.measure_id).where(*where).group_by(Measure.name, Measure.unit)).all()
    return Table("measure", "By measure", sorted(
        (Row(name, int(pence), int(entries or 0), Decimal(units), unit, valued == 0)
         for name, unit, pence, entries, units, valued in rows), key=lambda row: (-row.pence, row.label)))


def _by_link(where, key: str, title: str, name_table, from_need, from_offer) -> Table:
    """Pounds by theme or area, through the need or the offer each entry answered; rows may overlap."""
    links = union_all(from_need.where(*where), from_offer.where(*where)).subquery()
    rows = db.session.execute(
        select(name_table.id, name_table.name, *_sums())
        .select_from(links).join(LedgerEntry, LedgerEntry.id == links.c.entry_id)
        .join(name_table, name_table.id == links.c.link_id).group_by(name_table.id, name_table.name)).all()
    unlinked = db.session.execute(select(*_sums()).where(
        *where, LedgerEntry.id.not_in(select(links.c.entry_id)))).one()
    multiple = db.session.scalar(select(func.count()).select_from(
        select(links.c.entry_id).group_by(links.c.entry_id).having(func.count() > 1).subquery()))
    none = Row(f"No {key}", int(unlinked[0]), int(unlinked[1] or 0)) if unlinked[1] else None
    return Table(key, title, _rows(rows), overlaps=bool(multiple), unassigned=none)


def _theme_links():
    """(entry id, theme id) through the entry's need, and through the offer it answered."""
    from_need = (select(LedgerEntry.id.label("entry_id"), need_themes.c.theme_id.label("link_id"))
                 .join(need_themes, need_themes.c.need_id == LedgerEntry.need_id))
    from_offer = (select(LedgerEntry.id.label("entry_id"), offer_themes.c.theme_id.label("link_id"))
                  .join(Pledge, Pledge.id == LedgerEntry.pledge_id)
                  .join(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
                  .join(offer_themes, offer_themes.c.offer_id == OfferRequest.offer_id))
    return from_need, from_offer


def _area_links():
    """(entry id, area id) through the entry's need (one area), and through the offer it answered (several)."""
    from_need = (select(LedgerEntry.id.label("entry_id"), Need.area_id.label("link_id"))
                 .join(Need, Need.id == LedgerEntry.need_id))
    from_offer = (select(LedgerEntry.id.label("entry_id"), offer_areas.c.area_id.label("link_id"))
                  .join(Pledge, Pledge.id == LedgerEntry.pledge_id)
                  .join(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
                  .join(offer_areas, offer_areas.c.offer_id == OfferRequest.offer_id))
    return from_need, from_offer


def _by_month(where, period: Period) -> Table:
    """Pounds by month of delivery, every month of the period listed."""
    by_day = db.session.execute(select(LedgerEntry.delivered_on, *_sums()).where(*where)
                                .group_by(LedgerEntry.delivered_on)).all()
    totals: dict[date, list[int]] = {m: [0, 0] for m in months(period.start, period.end)}
    for day, pence, entries, _ in by_day:
        totals[month_start(day)][0] += int(pence)
        totals[month_start(day)][1] += int(entries or 0)
    return Table("month", "By month of delivery",
                 [Row(f"{month:%B %Y}", pence, entries) for month, (pence, entries) in totals.items()])


def _contract_value(buyer_id: int, period: Period) -> int:
    """The council's contract value falling in the period: each contract's value spread evenly over its term."""
    total = Decimal(0)
    for value, starts, ends, status, ended in db.session.execute(
            select(Contract.value_pence, Contract.starts_on, Contract.ends_on, Contract.status, Contract.ended_on)
            .where(Contract.buyer_id == buyer_id, Contract.starts_on <= period.end, Contract.ends_on >= period.start)):
        term = (ends - starts).days + 1
        total += Decimal(value) * period.overlap_days(starts, ends) / term if term > 0 else 0
    return int(total)


def _outcome(status: NeedStatus) -> str:
    """Which outcome column a need's status counts in."""
    return {NeedStatus.FULFILLED: "met", NeedStatus.EXPIRED: "expired", NeedStatus.OPEN: "still_open"}.get(
        status, "closed")


def _published(period: Period):
    """Conditions for needs published (opened) within the period."""
    return (Need.opened_at >= datetime.combine(period.start, time()),
            Need.opened_at < datetime.combine(period.end + timedelta(days=1), time()))


def _need_outcomes(period: Period, key, label, *joins) -> list[NeedOutcomes]:
    """Needs published in the period by a key (kind or area) and what has become of them."""
    query = select(key, label, Need.status, func.count(Need.id)).where(*_published(period))
    for target, on in joins:
        query = query.join(target, on)
    found: dict = {}
    for group, name, status, count in db.session.execute(query.group_by(key, label, Need.status)):
        outcome = found.setdefault(group, NeedOutcomes(getattr(name, "label", name)))
        outcome.posted += count
        setattr(outcome, _outcome(status), getattr(outcome, _outcome(status)) + count)
    return sorted(found.values(), key=lambda o: (-o.posted, o.label))


def nearest_rank(values: list[int], percent: int) -> int | None:
    """The nearest-rank percentile of whole days: the smallest value with at least `percent`% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent * len(ordered) / 100) - 1)]


def _timings(period: Period) -> list[Timing]:
    """Days from publication to first pledge, and to the first confirmed delivery, for needs published in it."""
    first_pledge = (select(Pledge.need_id, func.min(Pledge.created_at).label("at"))
                    .where(Pledge.need_id.is_not(None)).group_by(Pledge.need_id).subquery())
    first_delivery = (select(LedgerEntry.need_id, func.min(LedgerEntry.delivered_on).label("on"))
                      .where(LedgerEntry.need_id.is_not(None), LedgerEntry.reverses_id.is_(None))
                      .group_by(LedgerEntry.need_id).subquery())
    rows = db.session.execute(
        select(Need.opened_at, first_pledge.c.at, first_delivery.c.on).where(*_published(period))
        .outerjoin(first_pledge, first_pledge.c.need_id == Need.id)
        .outerjoin(first_delivery, first_delivery.c.need_id == Need.id)
        .where((first_pledge.c.at.is_not(None)) | (first_delivery.c.on.is_not(None)))).all()
    to_pledge = [(at - opened).days for opened, at, _ in rows if at is not None]
    to_delivery = [max(0, (on - opened.date()).days) for opened, _, on in rows if on is not None]
    return [Timing("Publication to first pledge", len(to_pledge), nearest_rank(to_pledge, 50),
                   nearest_rank(to_pledge, 90)),
            Timing("Publication to first confirmed delivery", len(to_delivery), nearest_rank(to_delivery, 50),
                   nearest_rank(to_delivery, 90))]


def _oldest_open_without_pledge() -> list[Need]:
    """The open needs that have waited longest with no pledge at all."""
    return list(db.session.scalars(
        select(Need).where(Need.status == NeedStatus.OPEN, ~exists().where(Pledge.need_id == Need.id))
        .options(joinedload(Need.organisation), joinedload(Need.area))
        .order_by(Need.opened_at, Need.id).limit(OLDEST_OPEN_NEEDS)))


def council_overview(buyer_id: int, period: Period) -> Overview:
    """The overview of a council's confirmed social value and the marketplace's needs, for a period."""
    where = _entries(buyer_id, period)
    pence, entries, _ = db.session.execute(select(*_sums()).where(*where)).one()
    reversal_pence, reversal_count = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.value_pence), 0), func.count(LedgerEntry.id))
        .where(*where, LedgerEntry.reverses_id.is_not(None))).one()
    tables = [
        _by_link(where, "theme", "By theme", Theme, *_theme_links()),
        _by_link(where, "area", "By area", Area, *_area_links()),
        _by_measure(where),
        Table("supplier", "By supplier", _rows(_grouped(
            Organisation.id, Organisation.name, where, (Organisation, Organisation.id == LedgerEntry.supplier_id)))),
        _by_month(where, period),
    ]
    return Overview(
        period, Row("All confirmed social value", int(pence), int(entries or 0)),
        Row("Reversals", int(reversal_pence), int(reversal_count)), tables, _contract_value(buyer_id, period),
        _need_outcomes(period, Need.category, Need.category),
        _need_outcomes(period, Area.id, Area.name, (Area, Area.id == Need.area_id)),
        _timings(period), _oldest_open_without_pledge())
