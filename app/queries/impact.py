"""The public impact page, and the method every annual report shows: a council's confirmed social value.

Method (shown on the pages): only ledger entries count, and an entry is written only when the group that received
the help confirms it; reversals count negatively, in the period of the delivery they reverse. Themes and areas come
through the need met or the standing offer answered, exactly as in the council overview (the same queries), so an
entry under several counts in each and those tables say their rows overlap. A need is met when its confirmed
deliveries on the council's contracts, net of reversals, cover the quantity it asked for; it counts in the period of
its latest delivery that still counts. The proxy values listed are the ones the entries used (each entry keeps the
value in force on its delivery date), with the council's note of where each came from.

The public page's figures may be served from a cache, kept per app and keyed on the ledger: its latest entry (id and
time written) and the number of the council's entries. The ledger is append-only, so every write (a confirmation, a
reversal, a dispute resolved by confirming) adds an entry and changes the key; the count also catches an entry
committed after a later id. Published case studies are read fresh on every request: they change without a ledger write.
Names (of areas, themes, measures) are cached with the figures, so a rename shows once the next entry is written.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Area, CommitmentLedgerTotal, Contract, LedgerEntry, Measure, Need, Organisation, OrganisationKind,
    OrganisationStatus, ProxyValue, Theme,
)
from app.queries.overview import Period, Row, Table, area_links, link_table, measure_table, theme_links, value_sums
from app.queries.reports import FinancialYear

CACHE_KEY = "public_impact_cache"


def public_council(name: str) -> Organisation | None:
    """The council the public pages report on: the buyer organisation with the configured name if there is one,
    else the first approved buyer organisation."""
    return db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.BUYER,
                                   (Organisation.name == name) | (Organisation.status == OrganisationStatus.APPROVED))
        .order_by(case((Organisation.name == name, 0), else_=1), Organisation.id).limit(1)).first()


@dataclass(frozen=True)
class Figures:
    """Headline figures for a period: confirmed pence, deliveries (net of reversals) and needs met."""

    pence: int
    deliveries: int
    needs_met: int


@dataclass(frozen=True)
class SplitRow:
    """A row with this financial year's figures beside all time's (the year's are None when it had none)."""

    label: str
    year: Row | None
    all_time: Row


@dataclass
class SplitTable:
    """A table of rows for this year and all time; `overlaps` says an entry may count in more than one row."""

    key: str
    title: str
    rows: list[SplitRow]
    overlaps: bool = False
    unassigned: SplitRow | None = None

    @property
    def most_pence(self) -> int:
        """The largest all-time pounds in the table, for drawing bars against."""
        return max([row.all_time.pence for row in self.all_rows] + [0])

    @property
    def all_rows(self) -> list[SplitRow]:
        """The rows with the unassigned row (if any) last."""
        return self.rows + ([self.unassigned] if self.unassigned else [])


@dataclass(frozen=True)
class ProxyUsed:
    """A measure at one proxy value, as the council's entries used it, with the sums anyone can redo."""

    code: str
    measure: str
    unit: str
    pence_per_unit: int | None  # None: a measure with no proxy value, counted in units only
    effective_from: date | None
    source: str
    deliveries: int
    units: Decimal
    pence: int


@dataclass
class Impact:
    """What the public impact page shows for a council, apart from the case studies."""

    year: FinancialYear
    this_year: Figures
    all_time: Figures
    outputs: SplitTable
    by_area: SplitTable
    by_theme: SplitTable
    proxies: list[ProxyUsed] = field(default_factory=list)


def council_entries(buyer_id: int, period: Period | None = None) -> tuple:
    """Conditions for a council's ledger entries, delivered in a period (or ever)."""
    where = (LedgerEntry.contract_id.in_(select(Contract.id).where(Contract.buyer_id == buyer_id)),)
    if period is None:
        return where
    return where + (LedgerEntry.delivered_on >= period.start, LedgerEntry.delivered_on <= period.end)


def needs_met(buyer_id: int, periods: list[Period]) -> list[int]:
    """How many needs the council's contracts met, in each period (by the latest delivery that still counts); the
    last number is all time. One query."""
    reversal = aliased(LedgerEntry)
    counts = and_(LedgerEntry.reverses_id.is_(None), ~exists().where(reversal.reverses_id == LedgerEntry.id))
    per_need = (select(LedgerEntry.need_id.label("need_id"), func.sum(LedgerEntry.quantity).label("net"),
                       func.max(case((counts, LedgerEntry.delivered_on))).label("last"))
                .where(*council_entries(buyer_id), LedgerEntry.need_id.is_not(None))
                .group_by(LedgerEntry.need_id).subquery())
    columns = [func.coalesce(func.sum(case((and_(per_need.c.last >= p.start, per_need.c.last <= p.end), 1),
                                           else_=0)), 0) for p in periods]
    row = db.session.execute(select(*columns, func.count()).select_from(per_need)
                             .join(Need, Need.id == per_need.c.need_id).where(per_need.c.net >= Need.quantity)).one()
    return [int(n) for n in row]


def proxies_used(buyer_id: int, period: Period | None = None) -> list[ProxyUsed]:
    """Each measure and proxy value the council's entries used (in a period, or ever), with their sums."""
    rows = db.session.execute(
        select(Measure.code, Measure.name, Measure.unit, LedgerEntry.pence_per_unit, ProxyValue.effective_from,
               ProxyValue.source_note, *value_sums())
        .join(Measure, Measure.id == LedgerEntry.measure_id)
        .outerjoin(ProxyValue, ProxyValue.id == LedgerEntry.proxy_value_id)
        .where(*council_entries(buyer_id, period))
        .group_by(Measure.code, Measure.name, Measure.unit, LedgerEntry.pence_per_unit, ProxyValue.effective_from,
                  ProxyValue.source_note)).all()
    found = [ProxyUsed(code, name, unit, per_unit, since, source or "", int(entries or 0), Decimal(units), int(pence))
             for code, name, unit, per_unit, since, source, pence, entries, units in rows]
    return sorted(found, key=lambda p: (p.code, p.effective_from or date.min, p.pence_per_unit or 0))


def _figures(where, met: int) -> Figures:
    """Confirmed pence and deliveries under some conditions, with a count of needs met."""
    pence, deliveries, _ = db.session.execute(select(*value_sums()).where(*where)).one()
    return Figures(int(pence), int(deliveries or 0), met)


def _split(year: Table, all_time: Table) -> SplitTable:
    """This year's table beside all time's: every row with entries this year has entries all time too."""
    this_year = {(row.label, row.unit): row for row in year.rows}
    rows = [SplitRow(row.label, this_year.get((row.label, row.unit)), row) for row in all_time.rows]
    unassigned = None
    if all_time.unassigned:
        unassigned = SplitRow(all_time.unassigned.label, year.unassigned, all_time.unassigned)
    return SplitTable(all_time.key, all_time.title, rows, all_time.overlaps or year.overlaps, unassigned)


def _impact(council: Organisation, today: date) -> Impact:
    """Work out the public page's figures from the ledger."""
    year = FinancialYear.of(today)
    period = Period(year.start, year.end)
    in_year, ever = council_entries(council.id, period), council_entries(council.id)
    met_in_year, met_ever = needs_met(council.id, [period])
    return Impact(
        year, _figures(in_year, met_in_year), _figures(ever, met_ever),
        _split(measure_table(in_year), measure_table(ever)),
        _split(link_table(in_year, "area", "By area", Area, *area_links()),
               link_table(ever, "area", "By area", Area, *area_links())),
        _split(link_table(in_year, "theme", "By theme", Theme, *theme_links()),
               link_table(ever, "theme", "By theme", Theme, *theme_links())),
        proxies_used(council.id))


def ledger_fingerprint(buyer_id: int) -> tuple:
    """The ledger's latest entry (id and time written) and the council's number of entries, in one query."""
    latest = select(LedgerEntry.id, LedgerEntry.created_at).order_by(LedgerEntry.id.desc()).limit(1).subquery()
    entries = (select(func.coalesce(func.sum(CommitmentLedgerTotal.entries), 0))
               .where(CommitmentLedgerTotal.contract_id.in_(select(Contract.id).where(Contract.buyer_id == buyer_id)))
               .scalar_subquery())
    row = db.session.execute(select(select(latest.c.id).scalar_subquery(),
                                    select(latest.c.created_at).scalar_subquery(), entries)).one()
    return tuple(row)


def public_impact(council: Organisation, today: date) -> Impact:
    """The public page's figures for a council, from the cache while the ledger is unchanged, else worked out."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (council.id, FinancialYear.of(today).start)
    fingerprint = ledger_fingerprint(council.id)
    held = cache.get(key)
    if held is not None and held[0] == fingerprint:
        return held[1]
    impact = _impact(council, today)
    cache[key] = (fingerprint, impact)
    return impact
