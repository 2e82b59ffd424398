"""Report reads over the ledger: periods (months, financial years) and a contract's confirmed value by month.

Every pound here is a sum of ledger entries; periods use the delivery date; financial years run 1 April to 31 March.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import pounds_decimal
from app.models import Contract, LedgerEntry, OfferRequest, Pledge, User


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
    "For", "Need", "Offer request", "Pledge", "Commitment", "Measure code", "Measure", "Unit", "Quantity",
    "Proxy value per unit (£)", "Value (£)", "Reverses entry", "Reason", "Delivery note", "Story",
    "Evidence files",
)
ENTRIES_PER_BATCH = 1000


def ledger_csv_rows(contract_id: int):
    """A contract's ledger entries as CSV rows with their evidence, read in batches so memory stays flat."""
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.contract_id == contract_id, LedgerEntry.id > last_id)
            .options(joinedload(LedgerEntry.need), joinedload(LedgerEntry.vcse), joinedload(LedgerEntry.measure),
                     joinedload(LedgerEntry.confirmed_by).joinedload(User.organisation),
                     joinedload(LedgerEntry.pledge).joinedload(Pledge.offer_request).joinedload(OfferRequest.offer),
                     joinedload(LedgerEntry.pledge).selectinload(Pledge.evidence_files))
            .order_by(LedgerEntry.id).limit(ENTRIES_PER_BATCH)).unique().all()
        if not batch:
            return
        for e in batch:
            pledge = e.pledge
            yield (e.id, e.delivered_on, e.created_at.replace(microsecond=0), e.confirmed_by.name,
                   e.confirmed_by.organisation.name, e.vcse.name, e.title, e.need_id, pledge.offer_request_id,
                   e.pledge_id, e.commitment_id, e.measure.code, e.measure.name, e.measure.unit, e.quantity,
                   pounds_decimal(e.pence_per_unit), pounds_decimal(e.value_pence), e.reverses_id, e.reason,
                   "" if e.is_reversal else pledge.delivery_note, "" if e.is_reversal else e.story,
                   "" if e.is_reversal else "; ".join(f.original_name for f in pledge.evidence_files))
        last_id = batch[-1].id
        db.session.expunge_all()
