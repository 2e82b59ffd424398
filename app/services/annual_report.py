"""The annual report: council staff choose which published case studies appear in a year's report."""
from sqlalchemy import select

from app import permissions
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.models import AnnualReportCaseStudy, Organisation, Role, User, utcnow
from app.queries.annual_report import year_case_studies
from app.queries.reports import FinancialYear
from app.services.audit import record_audit
from app.services.transactions import locked


def choose_case_studies(user: User, year: int, case_study_ids: list[int]) -> set[int]:
    """Set the published case studies shown in the council's report on a financial year; returns the chosen ids."""
    if not permissions.is_council(user, Role.CONTRACT_MANAGER, Role.MODERATOR, Role.ADMIN):
        raise NotAllowed("Only council staff can choose the annual report's case studies.")
    council = locked(Organisation, user.organisation_id)  # two staff saving at once take turns
    wanted = set(case_study_ids)
    offered = {story.id for story in year_case_studies(council.id, FinancialYear.starting(year))}
    if wanted - offered:
        db.session.rollback()
        raise Invalid("Choose from the case studies published for this year", "case_study_ids")
    rows = db.session.scalars(select(AnnualReportCaseStudy).where(
        AnnualReportCaseStudy.buyer_id == council.id, AnnualReportCaseStudy.year == year)).all()
    held = {row.case_study_id for row in rows}
    for row in rows:
        if row.case_study_id not in wanted:
            db.session.delete(row)
    for case_study_id in sorted(wanted - held):
        db.session.add(AnnualReportCaseStudy(buyer_id=council.id, year=year, case_study_id=case_study_id,
                                             chosen_by_id=user.id, chosen_at=utcnow()))
    record_audit(user, "annual_report.case_studies_chosen", council, year=year, case_study_ids=sorted(wanted),
                 added=sorted(wanted - held), removed=sorted(held - wanted))
    db.session.commit()
    return wanted
