"""Reads for published KPIs and their ratings: figures from ledger rows at read time, rating history, reminders."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.formatting import long_date, whole_pounds, with_unit
from app.models import Commitment, Contract, KpiRating, KpiRatingValue, LedgerEntry
from app.models.kpi import (
    RATING_INTERVAL_MONTHS, add_months, expected_quantity, percent_of_expected, suggest_rating, to_quantity,
)

# How many KPIs the Procurement Act 2023 asks a contract over the threshold to publish.
KPIS_EXPECTED = 3
# A new period is offered once it would be this long; sooner, the rating page offers the last period again.
MIN_NEW_PERIOD_DAYS = 28


def rating_bands() -> tuple[tuple[str, int], ...]:
    """The council's bands for suggesting a rating: (rating, least % of expected delivery), best first."""
    return tuple(current_app.config["KPI_RATING_BANDS"])


def band_descriptions() -> list[str]:
    """The bands in words, for the rating form and the contract page."""
    bands = rating_bands()
    words = [f"{KpiRatingValue(rating).label}: {least}% or more" for rating, least in bands]
    return words + [f"{KpiRatingValue.INADEQUATE.label}: below {bands[-1][1]}%"] if bands else words


def contract_end_day(contract: Contract) -> date:
    """The contract's last day: the day it was ended early, or the end of its term."""
    return contract.ended_on if contract.is_ended_early and contract.ended_on else contract.ends_on


def confirmed_by(commitment_ids: Iterable[int], period_end: date) -> dict[int, Decimal]:
    """Each commitment's confirmed quantity delivered on or before a day: a sum of ledger entries, reversals net out."""
    ids = list(commitment_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(LedgerEntry.commitment_id, func.sum(LedgerEntry.quantity))
        .where(LedgerEntry.commitment_id.in_(ids), LedgerEntry.delivered_on <= period_end)
        .group_by(LedgerEntry.commitment_id))
    return {commitment_id: Decimal(total or 0) for commitment_id, total in rows}


@dataclass
class KpiFigures:
    """One KPI's delivery by a period end: what was confirmed, what was due, and the rating that suggests."""

    commitment: Commitment
    confirmed: Decimal
    expected_exact: Fraction
    suggested: KpiRatingValue

    @property
    def expected(self) -> Decimal:
        """The quantity due by the period end, to two decimal places."""
        return to_quantity(self.expected_exact)

    @property
    def percent(self) -> Decimal | None:
        """Confirmed as a percentage of expected (None when nothing was due yet)."""
        return percent_of_expected(self.confirmed, self.expected_exact)


def kpi_figures(contract: Contract, kpis: list[Commitment], period_end: date) -> list[KpiFigures]:
    """Each KPI's figures and suggested rating at a period end, from one ledger query."""
    confirmed = confirmed_by((c.id for c in kpis), period_end)
    bands, rows = rating_bands(), []
    for commitment in kpis:
        done = confirmed.get(commitment.id, Decimal(0))
        due = expected_quantity(commitment.quantity, contract.starts_on, commitment.due_on, period_end)
        rows.append(KpiFigures(commitment, done, due, suggest_rating(done, due, bands)))
    return rows


@dataclass
class RatedPeriod:
    """The ratings of a contract's KPIs for one period: what a contract performance notice publishes."""

    contract: Contract
    start: date
    end: date
    ratings: list[KpiRating]

    @property
    def rated_at(self) -> datetime:
        """When the latest of these ratings was recorded."""
        return max(r.rated_at for r in self.ratings)


@dataclass
class ContractKpis:
    """Everything the contract page's KPI section shows, loaded in a fixed number of queries."""

    contract: Contract
    commitments: list[Commitment]
    periods: list[RatedPeriod]
    threshold_pence: int
    today: date
    bands: list[str] = field(default_factory=list)

    @property
    def kpis(self) -> list[Commitment]:
        """The commitments published as KPIs."""
        return [c for c in self.commitments if c.is_kpi]

    @property
    def threshold_text(self) -> str:
        """The KPI threshold in whole pounds, as the Act says it (£5,000,000)."""
        return whole_pounds(self.threshold_pence)

    @property
    def over_threshold(self) -> bool:
        """Whether the contract is worth more than the Procurement Act's KPI threshold."""
        return self.contract.value_pence > self.threshold_pence

    @property
    def missing_kpis(self) -> bool:
        """Over the threshold with fewer than three KPIs and no recorded reason why."""
        return (self.over_threshold and len(self.kpis) < KPIS_EXPECTED
                and not (self.contract.kpi_exemption_reason or "").strip())

    @property
    def last_rated_at(self) -> datetime | None:
        """When a KPI of this contract was last rated."""
        return max((p.rated_at for p in self.periods), default=None)

    @property
    def next_rating_due(self) -> date:
        """12 months after the last rating, or after the contract's start if none was recorded."""
        since = self.last_rated_at.date() if self.last_rated_at else self.contract.starts_on
        return add_months(since, RATING_INTERVAL_MONTHS)

    @property
    def overdue(self) -> bool:
        """Whether 12 months have passed with no rating while the contract runs."""
        return bool(self.kpis) and self.today >= self.next_rating_due and self.today <= contract_end_day(self.contract)

    @property
    def final_rating_due(self) -> bool:
        """Whether the contract has reached its end and no rating covers its last day."""
        end = contract_end_day(self.contract)
        return bool(self.kpis) and self.today >= end and not any(p.end >= end for p in self.periods)

    def default_period(self) -> tuple[date, date]:
        """The next period to rate: from the day after the last rated period (or the start) to today or the end;
        the last rated period again when less than a month has passed since it (to change it)."""
        end = min(self.today, contract_end_day(self.contract))
        if not self.periods:
            return self.contract.starts_on, max(end, self.contract.starts_on)
        latest = self.periods[0]
        start = latest.end + timedelta(days=1)
        if (end - start).days < MIN_NEW_PERIOD_DAYS:
            return latest.start, latest.end
        return start, end


def _periods(contract: Contract, ratings: list[KpiRating]) -> list[RatedPeriod]:
    """Ratings grouped by period, newest period first, each in commitment order."""
    grouped: dict[tuple[date, date], list[KpiRating]] = {}
    for rating in sorted(ratings, key=lambda r: r.commitment_id):
        grouped.setdefault((rating.period_start, rating.period_end), []).append(rating)
    return [RatedPeriod(contract, start, end, rows)
            for (start, end), rows in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True)]


def _ratings_of(contract_id: int, *where) -> list[KpiRating]:
    """A contract's KPI ratings with who recorded them and their commitment's measure."""
    return list(db.session.scalars(
        select(KpiRating).join(Commitment, Commitment.id == KpiRating.commitment_id)
        .where(Commitment.contract_id == contract_id, *where)
        .options(joinedload(KpiRating.rated_by), joinedload(KpiRating.commitment).joinedload(Commitment.measure))))


def contract_kpis(contract: Contract, today: date | None = None) -> ContractKpis:
    """A contract's KPIs, their rating history and what is due (its commitments already loaded with their measures)."""
    return ContractKpis(contract, list(contract.commitments), _periods(contract, _ratings_of(contract.id)),
                        current_app.config["KPI_CONTRACT_THRESHOLD_PENCE"], today or date.today(),
                        band_descriptions())


def council_contract_kpis(contract_id: int, buyer_id: int, today: date | None = None) -> ContractKpis | None:
    """One of the council's contracts with its KPIs and ratings, or None (also for another council's)."""
    contract = db.session.scalars(
        select(Contract).where(Contract.id == contract_id)
        .options(joinedload(Contract.supplier),
                 selectinload(Contract.commitments).joinedload(Commitment.measure))).first()
    if contract is None or contract.buyer_id != buyer_id:
        return None
    return contract_kpis(contract, today)


@dataclass
class RatingSheet:
    """The rating form's facts for one period: each KPI's figures and any rating already recorded for it."""

    kpis: ContractKpis
    start: date
    end: date
    rows: list[KpiFigures]
    existing: dict[int, KpiRating]


def rating_sheet(kpis: ContractKpis, start: date, end: date) -> RatingSheet:
    """Each KPI's figures at the period end, with the ratings already recorded for exactly this period."""
    existing = {r.commitment_id: r for p in kpis.periods if (p.start, p.end) == (start, end) for r in p.ratings}
    return RatingSheet(kpis, start, end, kpi_figures(kpis.contract, kpis.kpis, end), existing)


def rated_period(contract_id: int, buyer_id: int, start: date | None = None,
                 end: date | None = None) -> RatedPeriod | None:
    """The ratings of one period (the latest when none is named) of one of the council's contracts, or None."""
    kpis = council_contract_kpis(contract_id, buyer_id)
    if kpis is None or not kpis.periods:
        return None
    if start is None and end is None:
        return kpis.periods[0]
    return next((p for p in kpis.periods if (p.start, p.end) == (start, end)), None)


def notice_lines(period: RatedPeriod) -> list[str]:
    """The plain text to copy into a contract performance notice, line by line."""
    contract = period.contract
    lines = ["Contract performance notice: KPI ratings", "",
             f"Contract reference: {contract.reference}", f"Contract title: {contract.title}",
             f"Supplier: {contract.supplier.name}",
             f"Period: {period.start.isoformat()} to {period.end.isoformat()}", ""]
    for number, rating in enumerate(period.ratings, start=1):
        lines += [f"KPI {number}: {kpi_name(rating.commitment)}", f"Rating: {rating.rating.label}",
                  f"Narrative: {rating.narrative or '(none)'}", ""]
    return lines


def kpi_name(commitment: Commitment) -> str:
    """A KPI's name as a notice gives it: the measure, the quantity and the due date."""
    return (f"{commitment.measure.name}: {with_unit(commitment.quantity, commitment.measure.unit)} "
            f"by {long_date(commitment.due_on)}")


NOTICE_CSV_HEADER = ("Contract reference", "Contract title", "Supplier", "Period start", "Period end", "KPI",
                     "Rating", "Narrative", "Suggested rating", "Confirmed by period end", "Expected by period end",
                     "Unit", "Rated by", "Rated at")


def notice_rows(period: RatedPeriod) -> list[tuple]:
    """The CSV rows of a period's ratings, one per KPI."""
    contract = period.contract
    return [(contract.reference, contract.title, contract.supplier.name, period.start, period.end,
             kpi_name(r.commitment), r.rating.label, r.narrative, r.suggested_rating.label, r.confirmed_quantity,
             r.expected_quantity, r.commitment.measure.unit, r.rated_by.name, r.rated_at.replace(microsecond=0))
            for r in period.ratings]



def kpi_rating_facts():
    """Two columns to select beside a Contract: whether it has published KPIs, and when one was last rated."""
    has_kpis = exists().where(Commitment.contract_id == Contract.id, Commitment.is_kpi.is_(True))
    last_rated = (select(func.max(KpiRating.rated_at)).join(Commitment, Commitment.id == KpiRating.commitment_id)
                  .where(Commitment.contract_id == Contract.id).correlate(Contract).scalar_subquery())
    return has_kpis.correlate(Contract).label("has_kpis"), last_rated.label("last_rated_at")


def kpi_rating_overdue(contract: Contract, has_kpis: bool, last_rated_at: datetime | None, today: date) -> bool:
    """Whether a contract's KPIs have gone 12 months without a rating (counted from its start if never rated)."""
    since = last_rated_at.date() if last_rated_at else contract.starts_on
    return bool(has_kpis) and today >= add_months(since, RATING_INTERVAL_MONTHS)
