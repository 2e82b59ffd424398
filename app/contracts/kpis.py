"""KPI pages (Procurement Act 2023): publishing commitments as KPIs, the reason for fewer than three, rating each
KPI for a period, and the ratings ready to copy into a contract performance notice."""
import re
from datetime import date

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from app.contracts import bp
from app.contracts.kpi_forms import KpiExemptionForm, kpi_rating_form
from app.formatting import long_date, quantity, with_unit
from app.models import KpiRatingValue, Role
from app.queries.contracts import council_commitment
from app.queries.kpis import (
    NOTICE_CSV_HEADER, ContractKpis, RatingSheet, council_contract_kpis, notice_lines, notice_rows, rated_period,
    rating_sheet,
)
from app.services import kpis as kpi_service
from app.web.answers import carry_out, found
from app.web.csv_download import csv_response
from app.web.guards import role_required


def _kpis_section(contract_id: int) -> str:
    """The contract page's KPI section."""
    return url_for(".contract", contract_id=contract_id, _anchor="kpis")


def _set_kpi(commitment_id: int, published: bool):
    """Publish a commitment as a KPI, or stop, and go back to its contract's KPIs."""
    commitment = found(council_commitment(commitment_id, current_user.organisation_id))
    back = _kpis_section(commitment.contract_id)
    done = f"{commitment.measure.name} is {'now' if published else 'no longer'} a published KPI."
    return carry_out(lambda: kpi_service.publish_kpi(commitment_id, current_user, published), done=done, then=back)


@bp.post("/commitments/<int:commitment_id>/kpi/publish")
@role_required(Role.CONTRACT_MANAGER)
def publish_kpi(commitment_id: int):
    """Publish a commitment as one of its contract's KPIs."""
    return _set_kpi(commitment_id, True)


@bp.post("/commitments/<int:commitment_id>/kpi/withdraw")
@role_required(Role.CONTRACT_MANAGER)
def withdraw_kpi(commitment_id: int):
    """Stop publishing a commitment as a KPI (its ratings are kept)."""
    return _set_kpi(commitment_id, False)


@bp.route("/<int:contract_id>/kpis/exemption", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def kpi_exemption(contract_id: int):
    """Record why a contract over the threshold publishes fewer than three KPIs."""
    kpis = found(council_contract_kpis(contract_id, current_user.organisation_id))
    form = KpiExemptionForm(data={"reason": kpis.contract.kpi_exemption_reason})
    return carry_out(lambda: kpi_service.save_kpi_exemption(contract_id, current_user, form.reason.data), form=form,
                     done="Reason saved.", then=_kpis_section(contract_id),
                     page=lambda f: render_template("contracts/kpi_exemption.html", form=f, kpis=kpis))


def _iso_arg(name: str) -> date | None:
    """A date written YYYY-MM-DD in the query string; None if absent, 400 if it is not a date."""
    text = request.args.get(name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400)


def _chosen_period(kpis: ContractKpis, form) -> tuple[date, date]:
    """The period typed into the form, else the one in the link, else the next one due."""
    if form.is_submitted() and form.period_start.data and form.period_end.data:
        return form.period_start.data, form.period_end.data
    start, end = _iso_arg("start"), _iso_arg("end")
    return (start, end) if start and end else kpis.default_period()


def _suggestion(row) -> str:
    """The hint beside a KPI's rating: what the ledger shows by the period end and the rating it suggests."""
    unit = row.commitment.measure.unit
    if row.percent is None:
        return f"Suggested: {row.suggested.label}. Nothing was due yet by the end of this period."
    return (f"Suggested: {row.suggested.label}. {with_unit(row.confirmed, unit)} confirmed of "
            f"{with_unit(row.expected, unit)} due by the end of the period ({quantity(row.percent)}%).")


def _rating_page(kpis: ContractKpis):
    """The rating form for the chosen period, its fields filled from any ratings saved, else the suggestions."""
    form = kpi_rating_form(kpis.kpis)
    sheet = rating_sheet(kpis, *_chosen_period(kpis, form))
    if not form.is_submitted():
        data = {"period_start": sheet.start, "period_end": sheet.end}
        for row in sheet.rows:
            saved = sheet.existing.get(row.commitment.id)
            data[f"rating_{row.commitment.id}"] = (saved.rating if saved else row.suggested).value
            data[f"narrative_{row.commitment.id}"] = saved.narrative if saved else ""
        form = kpi_rating_form(kpis.kpis, data=data)
    for row in sheet.rows:
        form[f"rating_{row.commitment.id}"].description = _suggestion(row)
    return form, sheet


def _ratings_input(form) -> list[kpi_service.KpiRatingInput]:
    """The service's input from the submitted form."""
    known = {v.value for v in KpiRatingValue}
    return [kpi_service.KpiRatingInput(i, KpiRatingValue(rating.data) if rating.data in known else None,
                                       narrative.data or "")
            for i, rating, narrative in form.kpi_fields()]


def _show(sheet: RatingSheet):
    """A function drawing the rating page for a form."""
    return lambda f: render_template("contracts/kpi_ratings.html", form=f, sheet=sheet, kpis=sheet.kpis)


@bp.route("/<int:contract_id>/kpi-ratings", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def rate_kpis(contract_id: int):
    """Rate each published KPI for a period, starting from the ratings the ledger suggests."""
    kpis = found(council_contract_kpis(contract_id, current_user.organisation_id))
    if not kpis.kpis:
        return render_template("contracts/kpi_ratings.html", form=None, sheet=None, kpis=kpis), 409
    form, sheet = _rating_page(kpis)
    if form.is_submitted() and form.refresh.data:
        dates_ok = all([form.period_start.validate(form), form.period_end.validate(form)])
        return _show(sheet)(form), 200 if dates_ok else 422
    return carry_out(lambda: kpi_service.record_kpi_ratings(
        contract_id, current_user, period_start=form.period_start.data, period_end=form.period_end.data,
        ratings=_ratings_input(form)), form=form, then=_kpis_section(contract_id), page=_show(sheet),
        done=f"KPI ratings saved for {long_date(sheet.start)} to {long_date(sheet.end)}.")


def _notice_filename(period, extension: str) -> str:
    """A safe download name: the contract reference and the period."""
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", period.contract.reference).strip("-") or "contract"
    return f"{reference}-kpi-ratings-{period.start.isoformat()}-to-{period.end.isoformat()}.{extension}"


def _rated_period(contract_id: int):
    """The period named in the link (the latest without one) of one of the council's contracts, or 404."""
    return found(rated_period(contract_id, current_user.organisation_id, _iso_arg("start"), _iso_arg("end")))


@bp.get("/<int:contract_id>/kpi-ratings/notice.txt")
def kpi_notice_text(contract_id: int):
    """A period's KPI ratings as plain text, ready to copy into the contract performance notice."""
    period = _rated_period(contract_id)
    response = Response("\r\n".join(notice_lines(period)) + "\r\n", mimetype="text/plain")
    response.mimetype_params["charset"] = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{_notice_filename(period, "txt")}"'
    return response


@bp.get("/<int:contract_id>/kpi-ratings/notice.csv")
def kpi_notice_csv(contract_id: int):
    """A period's KPI ratings as CSV, one row per KPI."""
    period = _rated_period(contract_id)
    return csv_response(_notice_filename(period, "csv"), NOTICE_CSV_HEADER, notice_rows(period))
