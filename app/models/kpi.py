"""Published KPIs' ratings under the Procurement Act 2023: a contract manager's rating of a KPI for a period.

The suggested rating is worked out here, from figures the caller reads from the ledger, so the contract page, the
rating form and the saving service all suggest the same thing ("share of the commitment due by then"):
- expected = the commitment's quantity x the share of its span (contract start to due date) gone by the period
  end, at most 100%;
- confirmed = the commitment's ledger entries delivered on or before the period end (reversals net out);
- confirmed / expected against the council's bands (KPI_RATING_BANDS): Good at 100% or more, Approaching target
  at 85% or more, Requires improvement at 60% or more, Inadequate below. Nothing due yet suggests Good.
"""
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow

# The Act asks for a contract performance notice at least once every 12 months.
RATING_INTERVAL_MONTHS = 12


class KpiRatingValue(LabelledEnum):
    """The Procurement Act's five-point scale for rating a KPI in a contract performance notice."""

    GOOD = "good"
    APPROACHING_TARGET = "approaching_target"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    OTHER = "other"


# Tag colours for each rating on the pages.
RATING_COLOURS = {KpiRatingValue.GOOD: "green", KpiRatingValue.APPROACHING_TARGET: "yellow",
                  KpiRatingValue.REQUIRES_IMPROVEMENT: "orange", KpiRatingValue.INADEQUATE: "red",
                  KpiRatingValue.OTHER: "grey"}


class KpiRating(db.Model):
    """A contract manager's rating of one published KPI (a commitment) for one period, with the figures behind it."""

    __tablename__ = "kpi_ratings"
    __table_args__ = (UniqueConstraint("commitment_id", "period_start", "period_end",
                                       name="uq_kpi_ratings_commitment_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    rating: Mapped[KpiRatingValue] = mapped_column(enum_type(KpiRatingValue, 30))
    # What the ledger suggested when the rating was recorded, and the figures it came from, kept as they were then.
    suggested_rating: Mapped[KpiRatingValue] = mapped_column(enum_type(KpiRatingValue, 30))
    confirmed_quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    expected_quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    narrative: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped["Commitment"] = relationship()  # noqa: F821
    rated_by: Mapped["User"] = relationship()  # noqa: F821

    @property
    def differs_from_suggestion(self) -> bool:
        """Whether the contract manager chose a rating other than the one the ledger suggested."""
        return self.rating is not self.suggested_rating


def add_months(day: date, months: int) -> date:
    """The same day some months later (the month's last day when it is shorter, as 29 February to 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def expected_share(starts_on: date, due_on: date, period_end: date) -> Fraction:
    """The share of a commitment due by a period end: time gone from contract start to due date, from 0 to 1."""
    if period_end >= due_on:
        return Fraction(1)
    if period_end <= starts_on:
        return Fraction(0)
    return Fraction((period_end - starts_on).days, (due_on - starts_on).days)


def expected_quantity(quantity: Decimal, starts_on: date, due_on: date, period_end: date) -> Fraction:
    """How much of a commitment should have been delivered by a period end, exactly."""
    return Fraction(quantity) * expected_share(starts_on, due_on, period_end)


def suggest_rating(confirmed: Decimal, expected: Fraction,
                   bands: Sequence[tuple[str, int | Decimal]]) -> KpiRatingValue:
    """The rating the bands give for confirmed against expected delivery (Good when nothing is due yet)."""
    if expected <= 0:
        return KpiRatingValue.GOOD
    ratio = Fraction(confirmed) / expected * 100
    for rating, least_percent in bands:
        if ratio >= Fraction(least_percent):
            return KpiRatingValue(rating)
    return KpiRatingValue.INADEQUATE


def percent_of_expected(confirmed: Decimal, expected: Fraction) -> Decimal | None:
    """Confirmed as a percentage of expected, to one decimal place (None when nothing is due)."""
    if expected <= 0:
        return None
    exact = Fraction(confirmed) * 100 / expected
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def to_quantity(value: Fraction) -> Decimal:
    """An exact figure rounded to a stored quantity (two decimal places)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
