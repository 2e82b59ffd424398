"""Report reads over the ledger: periods (months, financial years) and a contract's confirmed value by month.

Every pound here is a sum of ledger entries; periods use the delivery date; financial years run 1 April to 31 March.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Numeric, Select, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from app.extensions import db
from app.formatting import pounds_decimal
from app.models import Contract, LedgerEntry, Measure, Need, Offer, OfferRequest, Organisation, Pledge, User
from app.models.evidence import EvidenceFile
from app.csv_format import copy_csv, csv_text, sql_text_cell


@dataclass(frozen=True)
class FinancialYear:
    """A UK public-sector financial year, 1 April to 31 March."""

    start: date
    end: date

    @classmethod
    def starting(cls, year: int) -> "FinancialYear":
        """The financial year that starts on 1 April of a year."""
        return cls(date(year, 4, 1), date(year + 1, 3, 31))

    @classmethod
    def of(cls, day: date) -> "FinancialYear":
        """The financial year a day falls in."""
        return cls.starting(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """For example, "2026 to 2027"."""
        return f"{self.start.year} to {self.end.year}"


def month_start(day: date) -> date:
    """The first day of a day's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after a day's month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months(first: date, last: date) -> list[date]:
    """The first day of every month from first's month to last's month, inclusive."""
    found, current = [], month_start(first)
    while current <= last:
        found.append(current)
        current = next_month(current)
    return found


@dataclass(frozen=True)
class MonthProgress:
    """One month of a contract: value confirmed in it, the running total, and the straight line to the target."""

    month: date
    confirmed_pence: int
    cumulative_pence: int | None  # None for months still to come
    on_track_pence: int


def _straight_line(target_pence: int, starts_on: date, ends_on: date, day: date) -> int:
    """The target spread evenly over the term: how much should be confirmed by a day."""
    span = (ends_on - starts_on).days
    if span <= 0:
        return target_pence
    share = Decimal(min(max((day - starts_on).days, 0), span)) / span
    return int((target_pence * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def confirmed_by_day(contract_id: int) -> list[tuple[date, int]]:
    """The contract's confirmed pence per delivery day (reversals netted), oldest first, in one query."""
    return [(day, int(pence)) for day, pence in db.session.execute(
        select(LedgerEntry.delivered_on, func.sum(LedgerEntry.value_pence))
        .where(LedgerEntry.contract_id == contract_id)
        .group_by(LedgerEntry.delivered_on).order_by(LedgerEntry.delivered_on))]


def contract_months(contract: Contract, today: date | None = None) -> list[MonthProgress]:
    """Each month of a contract's term with value confirmed (by delivery date) against a straight line to target."""
    today = today or date.today()
    by_day = confirmed_by_day(contract.id)
    first = min([contract.starts_on] + [day for day, _ in by_day])
    last = max([contract.term_ends_on] + [day for day, _ in by_day])
    by_month: dict[date, int] = {}
    for day, pence in by_day:
        by_month[month_start(day)] = by_month.get(month_start(day), 0) + pence
    rows, running = [], 0
    for month in months(first, last):
        running += by_month.get(month, 0)
        month_end = next_month(month) - timedelta(days=1)
        rows.append(MonthProgress(month, by_month.get(month, 0), running if month <= today else None,
                                  _straight_line(contract.target_in_pence, contract.starts_on, contract.term_ends_on,
                                                 month_end)))
    return rows


LEDGER_COLUMNS = (
    "Entry", "Delivered on", "Confirmed at", "Confirmed by", "Confirmed by organisation", "Recipient (VCSE)",
    "Supplier", "Contract", "For", "Need", "Offer request", "Pledge", "Commitment", "Measure code", "Measure", "Unit",
    "Quantity", "Proxy value per unit (£)", "Value (£)", "Reverses entry", "Reason", "Delivery note", "Story",
    "Evidence files",
)
ENTRIES_PER_BATCH = 5000


def _ledger_select(columns_of) -> Select:
    """A select over ledger entries joined to who confirmed them, the two organisations, contract, measure and pledge.

    `columns_of(confirmer_org, vcse, supplier)` gives the columns, in LEDGER_COLUMNS order.
    """
    vcse, supplier, confirmer_org = aliased(Organisation), aliased(Organisation), aliased(Organisation)
    return (
        select(*columns_of(confirmer_org, vcse, supplier))
        .join(User, User.id == LedgerEntry.confirmed_by_id).join(confirmer_org, confirmer_org.id == User.organisation_id)
        .join(vcse, vcse.id == LedgerEntry.vcse_id).join(supplier, supplier.id == LedgerEntry.supplier_id)
        .join(Contract, Contract.id == LedgerEntry.contract_id).join(Measure, Measure.id == LedgerEntry.measure_id)
        .join(Pledge, Pledge.id == LedgerEntry.pledge_id).outerjoin(Need, Need.id == LedgerEntry.need_id)
        .outerjoin(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
        .outerjoin(Offer, Offer.id == OfferRequest.offer_id))


def _ledger_batch(conditions, after_id: int) -> list:
    """The next batch of ledger entries (by id) as plain rows with their evidence columns, in one query."""
    return db.session.execute(_ledger_select(lambda confirmer_org, vcse, supplier: (
        LedgerEntry.id, LedgerEntry.delivered_on, LedgerEntry.created_at, User.name, confirmer_org.name,
        vcse.name, supplier.name, Contract.reference, func.coalesce(Need.title, Offer.title),
        LedgerEntry.need_id, Pledge.offer_request_id, LedgerEntry.pledge_id, LedgerEntry.commitment_id,
        Measure.code, Measure.name, Measure.unit, LedgerEntry.quantity, LedgerEntry.pence_per_unit,
        LedgerEntry.value_pence, LedgerEntry.reverses_id, LedgerEntry.reason, Pledge.delivery_note,
        LedgerEntry.story))
        .where(*conditions, LedgerEntry.id > after_id).order_by(LedgerEntry.id).limit(ENTRIES_PER_BATCH)).all()


def _ledger_copy_select(conditions) -> Select:
    """The ledger CSV's rows formatted by PostgreSQL exactly as `ledger_csv_rows` and `csv_text` write them."""
    def pounds(pence):
        return cast(cast(pence, Numeric(20, 0)) / 100, Numeric(20, 2))

    def delivery_only(value):
        return case((LedgerEntry.reverses_id.is_(None), value))

    files = (select(EvidenceFile.pledge_id,
                    func.string_agg(EvidenceFile.original_name,
                                    aggregate_order_by(literal("; "), EvidenceFile.id)).label("names"))
             .group_by(EvidenceFile.pledge_id).subquery())
    return _ledger_select(lambda confirmer_org, vcse, supplier: (
        LedgerEntry.id, func.to_char(LedgerEntry.delivered_on, "YYYY-MM-DD"),
        func.to_char(LedgerEntry.created_at, 'YYYY-MM-DD"T"HH24:MI:SS'), sql_text_cell(User.name),
        sql_text_cell(confirmer_org.name), sql_text_cell(vcse.name), sql_text_cell(supplier.name),
        sql_text_cell(Contract.reference), sql_text_cell(func.coalesce(Need.title, Offer.title)),
        LedgerEntry.need_id, Pledge.offer_request_id, LedgerEntry.pledge_id, LedgerEntry.commitment_id,
        sql_text_cell(Measure.code), sql_text_cell(Measure.name), sql_text_cell(Measure.unit), LedgerEntry.quantity,
        pounds(LedgerEntry.pence_per_unit), pounds(LedgerEntry.value_pence), LedgerEntry.reverses_id,
        sql_text_cell(LedgerEntry.reason), sql_text_cell(delivery_only(Pledge.delivery_note)),
        sql_text_cell(delivery_only(LedgerEntry.story)), sql_text_cell(files.c.names))
    ).outerjoin(files, (files.c.pledge_id == LedgerEntry.pledge_id) & LedgerEntry.reverses_id.is_(None)
                ).where(*conditions).order_by(LedgerEntry.id)


def _evidence_names(pledge_ids: list[int]) -> dict[int, list[str]]:
    """The names of the files attached to each of these pledges."""
    names: dict[int, list[str]] = {}
    for pledge_id, name in db.session.execute(
            select(EvidenceFile.pledge_id, EvidenceFile.original_name)
            .where(EvidenceFile.pledge_id.in_(pledge_ids)).order_by(EvidenceFile.id)):
        names.setdefault(pledge_id, []).append(name)
    return names


def ledger_csv_file(*conditions) -> Iterable[str | bytes]:
    """The CSV of the ledger entries matching conditions, in chunks: PostgreSQL writes it itself (COPY), else Python."""
    if db.session.get_bind().dialect.name == "postgresql":
        return copy_csv(LEDGER_COLUMNS, _ledger_copy_select(conditions))
    return csv_text(LEDGER_COLUMNS, ledger_csv_rows(*conditions))


def ledger_csv_rows(*conditions):
    """Ledger entries matching conditions as CSV rows with their evidence, a batch at a time (memory stays flat)."""
    after_id = 0
    while batch := _ledger_batch(conditions, after_id):
        files = _evidence_names([row[11] for row in batch if row[19] is None])
        for (entry_id, delivered_on, created_at, confirmer, confirmer_org, vcse, supplier, contract, title, need_id,
             request_id, pledge_id, commitment_id, code, measure, unit, quantity, pence_per_unit, value_pence,
             reverses_id, reason, note, story) in batch:
            delivery = reverses_id is None  # a reversal carries its reason, not the delivery's evidence
            yield (entry_id, delivered_on, created_at.replace(microsecond=0), confirmer, confirmer_org, vcse,
                   supplier, contract, title, need_id, request_id, pledge_id, commitment_id, code, measure, unit,
                   quantity, pounds_decimal(pence_per_unit), pounds_decimal(value_pence), reverses_id, reason,
                   note if delivery else "", story if delivery else "",
                   "; ".join(files.get(pledge_id, [])) if delivery else "")
        after_id = batch[-1][0]
