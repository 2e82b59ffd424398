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

from sqlalchemy import case, exists, func, literal_column, select, tuple_, union_all
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Area, CommitmentLedgerTotal, Contract, LedgerEntry, Measure, Need, NeedStatus, OfferRequest, Organisation, Pledge, Theme, need_themes,
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


def entries_in_period(buyer_id: int, period: Period):
    """Conditions for the council's ledger entries delivered in the period."""
    return (LedgerEntry.contract_id.in_(select(Contract.id).where(Contract.buyer_id == buyer_id)),
            LedgerEntry.delivered_on >= period.start, LedgerEntry.delivered_on <= period.end)


def value_sums():
    """Pence, deliveries (a reversal takes one away) and units, as SQL aggregates."""
    deliveries = func.sum(case((LedgerEntry.reverses_id.is_(None), 1), else_=-1))
    return (func.coalesce(func.sum(LedgerEntry.value_pence), 0), deliveries,
            func.coalesce(func.sum(LedgerEntry.quantity), 0))


def _rows(grouped) -> list[Row]:
    """Rows from (label, pence, deliveries) sums, the most pounds first."""
    return sorted((Row(label, int(pence), int(entries or 0)) for label, pence, entries in grouped),
                  key=lambda row: (-row.pence, row.label))


GROUPINGS = {"measure": LedgerEntry.measure_id, "supplier": LedgerEntry.supplier_id, "day": LedgerEntry.delivered_on}


def _scan(where) -> dict[str, dict]:
    """The period's sums in total and by measure, supplier and delivery day.

    PostgreSQL reads the entries once (GROUPING SETS); other databases run one grouped query for each.
    """
    aggregates = (*value_sums(), func.count(LedgerEntry.pence_per_unit))
    found: dict[str, dict] = {name: {} for name in GROUPINGS}
    if db.engine.dialect.name == "postgresql":
        columns = list(GROUPINGS.values())
        sets = [tuple_(column) for column in columns] + [literal_column("()")]
        for *keys, grouping, pence, deliveries, units, valued in db.session.execute(
                select(*columns, func.grouping(*columns), *aggregates).where(*where)
                .group_by(func.grouping_sets(*sets))):
            if grouping == 7:
                found["total"] = (pence, deliveries, units)
                continue
            name = next(n for i, n in enumerate(GROUPINGS) if not grouping & (4 >> i))
            found[name][keys[list(GROUPINGS).index(name)]] = (pence, deliveries, units, valued)
        found.setdefault("total", (0, 0, 0))
        return found
    found["total"] = tuple(db.session.execute(select(*value_sums()).where(*where)).one())
    for name, column in GROUPINGS.items():
        found[name] = {key: tuple(rest) for key, *rest in db.session.execute(
            select(column, *aggregates).where(*where).group_by(column))}
    return found


def _measure_table(by_measure: dict) -> Table:
    """Units and pounds by measure: outputs of a measure with no proxy value show beside the pounds."""
    measures = {mid: (name, unit) for mid, name, unit in db.session.execute(
        select(Measure.id, Measure.name, Measure.unit).where(Measure.id.in_(list(by_measure))))}
    return Table("measure", "By measure", sorted(
        (Row(measures[mid][0], int(pence), int(entries or 0), Decimal(units), measures[mid][1], valued == 0)
         for mid, (pence, entries, units, valued) in by_measure.items()), key=lambda row: (-row.pence, row.label)))


def _named(model, sums: dict) -> list[Row]:
    """Rows for sums keyed by a model's ids, under the names they have now."""
    names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(list(sums)))).all())
    return _rows((names[key], value[0], value[1]) for key, value in sums.items())


def _by_month(by_day: dict, period: Period) -> Table:
    """Pounds by month of delivery, every month of the period listed."""
    totals: dict[date, list[int]] = {m: [0, 0] for m in months(period.start, period.end)}
    for day, (pence, entries, _units, _valued) in by_day.items():
        totals[month_start(day)][0] += int(pence)
        totals[month_start(day)][1] += int(entries or 0)
    return Table("month", "By month of delivery",
                 [Row(f"{month:%B %Y}", pence, entries) for month, (pence, entries) in totals.items()])


def _link_sums(where, total: tuple, from_need, from_offer) -> dict:
    """Sums by theme or area id, through the need or the offer each entry answered, with what is under none."""
    links = union_all(from_need.where(*where), from_offer.where(*where, LedgerEntry.need_id.is_(None))).subquery()
    by_id = {key: (int(pence), int(entries or 0)) for key, pence, entries, _units in db.session.execute(
        select(links.c.link_id, *value_sums()).select_from(links).join(LedgerEntry, LedgerEntry.id == links.c.entry_id)
        .group_by(links.c.link_id))}
    per_entry = (select(links.c.entry_id, func.count().label("n")).group_by(links.c.entry_id)).subquery()
    linked_pence, linked_deliveries, multiple = db.session.execute(
        select(*value_sums()[:2], func.coalesce(func.sum(case((per_entry.c.n > 1, 1), else_=0)), 0))
        .select_from(per_entry).join(LedgerEntry, LedgerEntry.id == per_entry.c.entry_id)).one()
    return {"by_id": by_id, "overlaps": bool(multiple),
            "none": (int(total[0]) - int(linked_pence), int(total[1] or 0) - int(linked_deliveries or 0))}


def measure_table(where) -> Table:
    """Units and pounds by measure for entries matching conditions, read fresh."""
    return _measure_table(_scan(where)["measure"])


def link_table(where, key: str, title: str, model, from_need, from_offer) -> Table:
    """Pounds by theme or area (see theme_links and area_links) for entries matching conditions, read fresh."""
    total = db.session.execute(select(*value_sums()).where(*where)).one()
    return _link_table(key, title, model, _link_sums(where, total, from_need, from_offer))


def _link_table(key: str, title: str, model, sums: dict) -> Table:
    """The theme or area table from its sums."""
    pence, entries = sums["none"]
    return Table(key, title, _named(model, sums["by_id"]), overlaps=sums["overlaps"],
                 unassigned=Row(f"No {key}", pence, entries) if pence or entries else None)


# Each process keeps the ledger sums of the periods it was asked for, under the number of ledger entries. The ledger
# is append-only (rows are never changed or deleted, migration 0005), so a write always changes that number, read
# from the totals the insert trigger keeps (migration 0010); tests prove a cached overview equals a fresh one after
# every kind of write. Names (themes, areas, suppliers, measures) are read fresh on every request.
_LEDGER_SUMS: dict[tuple, dict] = {}
CACHED_PERIODS = 64


def ledger_version() -> tuple[int, int]:
    """How many ledger entries there are, and the newest's id: every write to the append-only ledger changes it."""
    return (int(db.session.scalar(select(func.coalesce(func.sum(CommitmentLedgerTotal.entries), 0)))),
            int(db.session.scalar(select(func.coalesce(func.max(LedgerEntry.id), 0)))))


def forget_ledger_sums() -> None:
    """Empty this process's cache (for a test suite that empties the database between tests, as nothing else may)."""
    _LEDGER_SUMS.clear()


def _ledger_sums(buyer_id: int, period: Period) -> dict:
    """Every ledger figure of the overview (ids and numbers only), from the cache when the ledger has not changed."""
    key = (db.engine.url.render_as_string(), buyer_id, period, ledger_version())
    if key not in _LEDGER_SUMS:
        where = entries_in_period(buyer_id, period)
        scan = _scan(where)
        reversals = tuple(db.session.execute(
            select(func.coalesce(func.sum(LedgerEntry.value_pence), 0), func.count(LedgerEntry.id))
            .where(*where, LedgerEntry.reverses_id.is_not(None))).one())
        scan |= {"reversals": reversals, "theme": _link_sums(where, scan["total"], *theme_links()),
                 "area": _link_sums(where, scan["total"], *area_links())}
        if len(_LEDGER_SUMS) >= CACHED_PERIODS:
            _LEDGER_SUMS.pop(next(iter(_LEDGER_SUMS)))
        _LEDGER_SUMS[key] = scan
    return _LEDGER_SUMS[key]


def theme_links():
    """(entry id, theme id) through the entry's need, and through the offer it answered."""
    from_need = (select(LedgerEntry.id.label("entry_id"), need_themes.c.theme_id.label("link_id"))
                 .join(need_themes, need_themes.c.need_id == LedgerEntry.need_id))
    from_offer = (select(LedgerEntry.id.label("entry_id"), offer_themes.c.theme_id.label("link_id"))
                  .join(Pledge, Pledge.id == LedgerEntry.pledge_id)
                  .join(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
                  .join(offer_themes, offer_themes.c.offer_id == OfferRequest.offer_id))
    return from_need, from_offer


def area_links():
    """(entry id, area id) through the entry's need (one area), and through the offer it answered (several)."""
    from_need = (select(LedgerEntry.id.label("entry_id"), Need.area_id.label("link_id"))
                 .join(Need, Need.id == LedgerEntry.need_id))
    from_offer = (select(LedgerEntry.id.label("entry_id"), offer_areas.c.area_id.label("link_id"))
                  .join(Pledge, Pledge.id == LedgerEntry.pledge_id)
                  .join(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
                  .join(offer_areas, offer_areas.c.offer_id == OfferRequest.offer_id))
    return from_need, from_offer


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
    first_pledge = (select(func.min(Pledge.created_at)).where(Pledge.need_id == Need.id)
                    .correlate(Need).scalar_subquery())
    first_delivery = (select(func.min(LedgerEntry.delivered_on))
                      .where(LedgerEntry.need_id == Need.id, LedgerEntry.reverses_id.is_(None))
                      .correlate(Need).scalar_subquery())
    rows = db.session.execute(select(Need.opened_at, first_pledge, first_delivery).where(*_published(period))).all()
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
    figures = _ledger_sums(buyer_id, period)
    total, reversals = figures["total"], figures["reversals"]
    tables = [
        _link_table("theme", "By theme", Theme, figures["theme"]),
        _link_table("area", "By area", Area, figures["area"]),
        _measure_table(figures["measure"]),
        Table("supplier", "By supplier", _named(Organisation, figures["supplier"])),
        _by_month(figures["day"], period),
    ]
    return Overview(
        period, Row("All confirmed social value", int(total[0]), int(total[1] or 0)),
        Row("Reversals", int(reversals[0]), int(reversals[1])), tables, _contract_value(buyer_id, period),
        _need_outcomes(period, Need.category, Need.category),
        _need_outcomes(period, Area.id, Area.name, (Area, Area.id == Need.area_id)),
        _timings(period), _oldest_open_without_pledge())
