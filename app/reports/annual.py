"""The annual social value report: a printable page for a financial year, its CSV bundle and its case studies."""
from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.queries.annual_report import AnnualReport, annual_report, last_complete_year, report_years
from app.reports import bp
from app.reports.bundle import annual_bundle
from app.reports.forms import CaseStudyChoiceForm
from app.services.annual_report import choose_case_studies
from app.web.answers import carry_out
from app.web.charts import LineChart, pounds_line_chart


def _year(year: int) -> int:
    """A year a report can be asked for, else 404."""
    if year not in report_years(date.today()):
        abort(404)
    return year


def _chart(report: AnnualReport) -> LineChart:
    """Confirmed value through the year: the running total, and each month's own."""
    return pounds_line_chart(
        "Confirmed social value through the year",
        f"The running total of confirmed social value each month from April {report.year.start.year} to March "
        f"{report.year.end.year}, and the value confirmed in each month. The table below gives the same figures.",
        [f"{m.month:%b %Y}" for m in report.months],
        [("Confirmed so far", [m.running_pence for m in report.months], False),
         ("Confirmed in the month", [m.pence for m in report.months], True)])


def _choice_form(report: AnnualReport) -> CaseStudyChoiceForm:
    """The case study checkboxes, ticked as chosen until the form is sent."""
    form = CaseStudyChoiceForm(data={"case_study_ids": sorted(report.chosen_ids)})
    form.case_study_ids.choices = [(s.id, f"{s.need_title} ({s.vcse_name})") for s in report.choices]
    return form


def _page(report: AnnualReport, form: CaseStudyChoiceForm) -> str:
    """The report page."""
    return render_template("reports/annual.html", report=report, overview=report.overview, form=form,
                           chart=_chart(report), years=report_years(date.today()))


@bp.get("/annual")
def annual_index():
    """The report on a chosen financial year, or on the last complete one."""
    year = request.args.get("year", type=int)
    if year not in report_years(date.today()):
        year = last_complete_year(date.today())
    return redirect(url_for(".annual", year=year))


@bp.get("/annual/<int:year>")
def annual(year: int):
    """The annual social value report for the financial year starting 1 April of a year, ready to print."""
    report = annual_report(current_user.organisation_id, _year(year))
    return _page(report, _choice_form(report))


@bp.post("/annual/<int:year>/case-studies")
def choose_annual_case_studies(year: int):
    """Save which published case studies appear in the year's report."""
    report = annual_report(current_user.organisation_id, _year(year))
    form = _choice_form(report)
    return carry_out(lambda: choose_case_studies(current_user, year, form.case_study_ids.data or []),
                     done="The report’s case studies are saved.",
                     then=url_for(".annual", year=year, _anchor="case-studies"), form=form,
                     page=lambda f: _page(report, f))


@bp.get("/annual/<int:year>.zip")
def annual_zip(year: int):
    """The year's figures as a zip of CSV files, one per table, with a README."""
    report = annual_report(current_user.organisation_id, _year(year))
    response = Response(annual_bundle(report, current_user.organisation.name), mimetype="application/zip")
    name = f"social-value-{report.year.start.year}-to-{report.year.end.year}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
