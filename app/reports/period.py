"""Reading a report's period from the query string: a financial year, or a date range, checked with messages."""
from dataclasses import dataclass, field
from datetime import date

from flask import request

from app.queries.overview import MAX_PERIOD_DAYS, Period
from app.queries.reports import FinancialYear

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass
class PeriodChoice:
    """The period asked for, what was typed, and a message per field that could not be used."""

    period: Period
    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self) -> dict[str, str]:
        """The period as query-string arguments, for links (downloads) that keep it."""
        return {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}


def _day(name: str, label: str, errors: dict[str, str]) -> date | None:
    """A date typed as YYYY-MM-DD (what a date box sends), or None with a message."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = f"{label} must be a real date, like 2026-04-01"
        return None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        errors[name] = f"{label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
        return None
    return day


def period_choice(today: date) -> PeriodChoice:
    """The period from ?year= (a financial year's first year), else ?from=&to=; this financial year by default."""
    errors: dict[str, str] = {}
    typed = {name: request.args.get(name, "") for name in ("year", "from", "to")}
    default = Period.financial_year(today)
    year = request.args.get("year", type=int)
    if year is not None and EARLIEST_YEAR <= year <= LATEST_YEAR:
        start = FinancialYear.starting(year)
        return PeriodChoice(Period(start.start, start.end), typed)
    start, end = _day("from", "Start date", errors), _day("to", "End date", errors)
    if errors or (start is None and end is None):
        return PeriodChoice(default, typed, errors)
    start, end = start or default.start, end or default.end
    if end < start:
        errors["to"] = "End date must be the same as or after the start date"
    elif (end - start).days > MAX_PERIOD_DAYS:
        errors["to"] = "The period must be 20 years or shorter"
    return PeriodChoice(default if errors else Period(start, end), typed, errors)
