"""The annual social value report: a council's overview for one financial year, needs met, the case studies its
staff chose, and the measures and proxy values behind every pound (the method in app/queries/impact.py)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AnnualReportCaseStudy
from app.queries.case_studies import PublishedCaseStudy, published_case_studies
from app.queries.impact import ProxyUsed, needs_met, proxies_used
from app.queries.overview import Overview, Period, council_overview
from app.queries.reports import FinancialYear, months

EARLIEST_YEAR = 2000
# The most published case studies offered to choose from for one year (the newest deliveries first).
MOST_CASE_STUDIES = 200


def report_years(today: date) -> list[int]:
    """The financial years a report can be asked for (their first years), newest first."""
    return list(range(FinancialYear.of(today).start.year, EARLIEST_YEAR - 1, -1))


def last_complete_year(today: date) -> int:
    """The first year of the last financial year that has ended."""
    return FinancialYear.of(today).start.year - 1


@dataclass(frozen=True)
class MonthTotal:
    """One month of the year: confirmed in it, the running total and deliveries."""

    month: date
    pence: int
    running_pence: int
    deliveries: int


@dataclass
class AnnualReport:
    """Everything the annual report shows for a council and a financial year."""

    year: FinancialYear
    overview: Overview
    needs_met: int
    months: list[MonthTotal]
    proxies: list[ProxyUsed]
    choices: list[PublishedCaseStudy]  # published case studies delivered in the year, newest first
    chosen_ids: set[int]

    @property
    def chosen(self) -> list[PublishedCaseStudy]:
        """The chosen case studies that are still published and count."""
        return [story for story in self.choices if story.id in self.chosen_ids]


def year_case_studies(buyer_id: int, year: FinancialYear) -> list[PublishedCaseStudy]:
    """The council's published case studies delivered in a financial year, newest first."""
    return published_case_studies(MOST_CASE_STUDIES, since=year.start, until=year.end, council_id=buyer_id)


def chosen_case_study_ids(buyer_id: int, year: int) -> set[int]:
    """The case studies the council's staff chose for a year's report."""
    return set(db.session.scalars(select(AnnualReportCaseStudy.case_study_id).where(
        AnnualReportCaseStudy.buyer_id == buyer_id, AnnualReportCaseStudy.year == year)))


def _months(overview: Overview, year: FinancialYear) -> list[MonthTotal]:
    """The overview's months with a running total."""
    running, found = 0, []
    for month, row in zip(months(year.start, year.end), overview.table("month").rows, strict=True):
        running += row.pence
        found.append(MonthTotal(month, row.pence, running, row.entries))
    return found


def annual_report(buyer_id: int, year: int) -> AnnualReport:
    """A council's report on the financial year starting 1 April of a year."""
    fy = FinancialYear.starting(year)
    period = Period(fy.start, fy.end)
    overview = council_overview(buyer_id, period)
    return AnnualReport(fy, overview, needs_met(buyer_id, [period])[0], _months(overview, fy),
                        proxies_used(buyer_id, period), year_case_studies(buyer_id, fy),
                        chosen_case_study_ids(buyer_id, year))
