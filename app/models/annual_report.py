"""The annual social value report: which published case studies a council chose to show in a year's report."""
from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class AnnualReportCaseStudy(db.Model):
    """One published case study a council's staff chose for its report on a financial year (its first year)."""

    __tablename__ = "annual_report_case_studies"
    __table_args__ = (UniqueConstraint("buyer_id", "year", "case_study_id",
                                       name="uq_annual_report_case_studies_buyer_year_case_study"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int]  # the financial year that starts on 1 April of this year
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id"), index=True)
    chosen_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)
