"""Admin pages for measures: what is counted, their proxy values over time, and the CSV export and import."""
from datetime import date

from flask import Response, current_app, flash, redirect, render_template, url_for

from app.admin import bp
from app.admin.forms import ImportForm, MeasureCodeForm, MeasureForm, NewMeasureForm, ProxyValueForm
from app.forms.common import ConfirmForm
from app.errors import Invalid
from app.models import NeedCategory
from app.queries import admin as queries
from app.services import measures_csv, reference
from app.web.answers import carry_out, found, put_on_field
from app.web.guards import signed_in_user
from app.web.request import page_arg


def _measure_input(form: MeasureForm, *, code: str = "", is_active: bool = True) -> reference.MeasureInput:
    """The service's input from a validated measure form."""
    return reference.MeasureInput(name=form.name.data, unit=form.unit.data, description=form.description.data or "",
                                  categories=[NeedCategory(c) for c in form.categories.data], code=code,
                                  is_active=is_active)


@bp.get("/measures")
def measures():
    """Every measure with its current proxy value, and the CSV links."""
    pagination = queries.measures_with_values(page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("admin/measures.html", pagination=pagination, today=date.today())


def _measure_form(form: MeasureForm, call, done, measure=None):
    """Save the measure form through the service and show the measure."""
    return carry_out(call, form=form, done=done, then=lambda saved: url_for(".measure", measure_id=saved.id),
                     page=lambda f: render_template("admin/measure_form.html", form=f, measure=measure))


@bp.route("/measures/new", methods=["GET", "POST"])
def new_measure():
    """Add a measure (its proxy values are added on its page)."""
    form = NewMeasureForm()
    return _measure_form(form, lambda: reference.create_measure(signed_in_user(), _measure_input(form, code=form.code.data)),
                         lambda measure: f"{measure.code} has been added. Now give it a proxy value, unless it is "
                                         "counted but not valued.")


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
def edit_measure(measure_id: int):
    """Change a measure's name, unit, description, categories or whether it is offered."""
    measure = found(queries.measure_with_history(measure_id))
    form = MeasureForm(data={"name": measure.name, "unit": measure.unit, "description": measure.description,
                             "categories": [c.value for c in measure.categories], "is_active": measure.is_active})
    return _measure_form(form, lambda: reference.update_measure(
        signed_in_user(), measure_id, _measure_input(form, is_active=form.is_active.data)),
        f"{measure.code} has been saved.", measure)


def _measure_page(measure_id: int, form: ProxyValueForm | None = None, code_form: MeasureCodeForm | None = None) -> str:
    """A measure's page with its proxy value history, its codes in other frameworks and the forms to add to both."""
    measure = found(queries.measure_with_history(measure_id))
    return render_template("admin/measure.html", measure=measure, today=date.today(), confirm=ConfirmForm(),
                           form=form or ProxyValueForm(formdata=None), code_form=code_form or MeasureCodeForm(formdata=None))


@bp.get("/measures/<int:measure_id>")
def measure(measure_id: int):
    """One measure with every proxy value it has had and its codes in other frameworks."""
    return _measure_page(measure_id)


@bp.post("/measures/<int:measure_id>/codes")
def set_measure_code(measure_id: int):
    """Add a measure's code in a framework, or change the code it has there."""
    form = MeasureCodeForm()
    return carry_out(lambda: reference.set_measure_code(signed_in_user(), measure_id, form.scheme.data, form.code.data),
                     form=form, page=lambda f: _measure_page(measure_id, code_form=f),
                     done=lambda code: f"{code.scheme} code {code.code} has been saved.",
                     then=url_for(".measure", measure_id=measure_id) + "#codes")


@bp.post("/measures/<int:measure_id>/codes/<int:code_id>/remove")
def remove_measure_code(measure_id: int, code_id: int):
    """Take a framework's code off a measure."""
    return carry_out(lambda: reference.remove_measure_code(signed_in_user(), measure_id, code_id),
                     done="The code has been removed.", then=url_for(".measure", measure_id=measure_id) + "#codes")


@bp.post("/measures/<int:measure_id>/proxy-values")
def add_proxy_value(measure_id: int):
    """Add a proxy value from a date; earlier values are kept as they were."""
    form = ProxyValueForm()
    return carry_out(lambda: reference.add_proxy_value(measure_id, form.pence_per_unit.data, form.effective_from.data,
                                                       form.source_note.data, signed_in_user()),
                     form=form, page=lambda f: _measure_page(measure_id, form=f),
                     done="The new proxy value has been added. Earlier values are unchanged.",
                     then=url_for(".measure", measure_id=measure_id))


@bp.get("/measures/export.csv")
def export_measures():
    """Download every measure and proxy value as a CSV file."""
    filename = f"measures-{date.today().isoformat()}.csv"
    return Response(measures_csv.export_measures_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/measures/import", methods=["GET", "POST"])
def import_measures():
    """Upload a CSV of measures and proxy values; all rows are imported, or none."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, []), 422 if form.errors else 200
    try:
        summary = measures_csv.import_measures_csv(measures_csv.decode_upload(form.file.data.read()), signed_in_user())
    except Invalid as error:
        put_on_field(form, error) or flash(error.message, "error")
        return _import_page(form, getattr(error, "errors", [])), 422
    flash(summary.describe(), "success")
    return redirect(url_for(".measures"), 303)


def _import_page(form: ImportForm, row_errors: list[str]) -> str:
    """The import page; its own error summary lists every problem row by row."""
    # Named `upload`, not `form`, so base.html does not draw a second, shorter error summary.
    return render_template("admin/import.html", upload=form, row_errors=row_errors, columns=measures_csv.COLUMNS)
