"""Admin pages: council users' roles, areas, themes, measures, proxy values, CSV and the audit log."""
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import (
    ROLE_HINTS, AreaForm, ImportForm, InviteCouncilUserForm, MeasureForm, NewMeasureForm, ProxyValueForm, RolesForm,
    ThemeForm,
)
from app.extensions import db
from app.forms.common import ConfirmForm, apply_service_error
from app.models import Area, NeedCategory, Theme
from app.queries import admin as queries
from app.services import measures_csv, reference
from app.errors import DomainError


def _page() -> int:
    """The ?page= number, 1 if missing."""
    return request.args.get("page", 1, type=int)


def _actor():
    """The signed-in admin as a real User object for the services."""
    return current_user._get_current_object()


def _refuse(form, error: DomainError, template: str, **context):
    """Show a service's refusal: 404 if the object is gone, else next to its field (or as a banner)."""
    if error.status_code == 404:
        abort(404)
    apply_service_error(form, error) or flash(error.message, "error")
    return render_template(template, form=form, **context), 422


def _form_status(form) -> int:
    """422 when a submitted form failed validation, else 200."""
    return 422 if form.errors else 200


@bp.get("/")
def index():
    """The admin overview: what there is to manage, with counts."""
    return render_template("admin/index.html", counts=queries.admin_counts())


# --- council users ------------------------------------------------------------------------------------------------

@bp.get("/users")
def users():
    """Council users and their roles, searchable by name or email."""
    search = request.args.get("q", "").strip()[:100]
    pagination = queries.council_users(_page(), current_app.config["PAGE_SIZE"], search)
    return render_template("admin/users.html", pagination=pagination, search=search)


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
def edit_roles(user_id: int):
    """Choose which council roles a user holds."""
    user = queries.council_user(user_id)
    if user is None:
        abort(404)
    form = RolesForm(data={"roles": [r.value for r in user.roles]})
    if form.validate_on_submit():
        try:
            reference.set_user_roles(_actor(), user_id, form.roles.data)
        except DomainError as error:
            return _refuse(form, error, "admin/user_roles.html", user=user, role_hints=ROLE_HINTS)
        flash(f"{user.name}'s roles have been saved.", "success")
        return redirect(url_for(".users"), 303)
    return render_template("admin/user_roles.html", form=form, user=user, role_hints=ROLE_HINTS), _form_status(form)


@bp.route("/users/invite", methods=["GET", "POST"])
def invite_user():
    """Invite someone into the council with chosen roles."""
    form = InviteCouncilUserForm()
    if form.validate_on_submit():
        try:
            reference.invite_council_user(_actor(), form.name.data, form.email.data, form.roles.data)
        except DomainError as error:
            return _refuse(form, error, "admin/invite.html", role_hints=ROLE_HINTS)
        flash(f"Invitation sent to {form.email.data.strip()}.", "success")
        return redirect(url_for(".users"), 303)
    return render_template("admin/invite.html", form=form, role_hints=ROLE_HINTS), _form_status(form)


# --- areas --------------------------------------------------------------------------------------------------------

@bp.get("/areas")
def areas():
    """Every area, active first, with rename and activate or deactivate."""
    return render_template("admin/areas.html", areas=queries.all_areas(), confirm=ConfirmForm())


@bp.route("/areas/new", methods=["GET", "POST"])
def new_area():
    """Add an area."""
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = reference.create_area(_actor(), form.name.data)
        except DomainError as error:
            return _refuse(form, error, "admin/area_form.html", area=None)
        flash(f"{area.name} has been added.", "success")
        return redirect(url_for(".areas"), 303)
    return render_template("admin/area_form.html", form=form, area=None), _form_status(form)


@bp.route("/areas/<int:area_id>/rename", methods=["GET", "POST"])
def rename_area(area_id: int):
    """Rename an area."""
    area = db.get_or_404(Area, area_id)
    form = AreaForm(data={"name": area.name})
    if form.validate_on_submit():
        try:
            reference.rename_area(_actor(), area_id, form.name.data)
        except DomainError as error:
            return _refuse(form, error, "admin/area_form.html", area=area)
        flash(f"The area is now called {form.name.data.strip()}.", "success")
        return redirect(url_for(".areas"), 303)
    return render_template("admin/area_form.html", form=form, area=area), _form_status(form)


def _set_area_active(area_id: int, is_active: bool):
    """Turn an area on or off and go back to the list."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        area = reference.set_area_active(_actor(), area_id, is_active)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for(".areas"), 303)
    flash(f"{area.name} is {'offered again' if is_active else 'no longer offered'} for new needs.", "success")
    return redirect(url_for(".areas"), 303)


@bp.post("/areas/<int:area_id>/activate")
def activate_area(area_id: int):
    """Offer an area again."""
    return _set_area_active(area_id, True)


@bp.post("/areas/<int:area_id>/deactivate")
def deactivate_area(area_id: int):
    """Stop offering an area for new needs."""
    return _set_area_active(area_id, False)


# --- themes -------------------------------------------------------------------------------------------------------

@bp.get("/themes")
def themes():
    """Every priority theme, active first."""
    return render_template("admin/themes.html", themes=queries.all_themes())


@bp.route("/themes/new", methods=["GET", "POST"])
def new_theme():
    """Add a priority theme."""
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = reference.create_theme(_actor(), form.name.data, form.description.data or "")
        except DomainError as error:
            return _refuse(form, error, "admin/theme_form.html", theme=None)
        flash(f"{theme.name} has been added.", "success")
        return redirect(url_for(".themes"), 303)
    return render_template("admin/theme_form.html", form=form, theme=None), _form_status(form)


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    """Change a theme's name, description or whether it is offered."""
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(data={"name": theme.name, "description": theme.description, "is_active": theme.is_active})
    if form.validate_on_submit():
        try:
            reference.update_theme(_actor(), theme_id, name=form.name.data, description=form.description.data or "",
                                   is_active=form.is_active.data)
        except DomainError as error:
            return _refuse(form, error, "admin/theme_form.html", theme=theme)
        flash(f"{form.name.data.strip()} has been saved.", "success")
        return redirect(url_for(".themes"), 303)
    return render_template("admin/theme_form.html", form=form, theme=theme), _form_status(form)


# --- measures -----------------------------------------------------------------------------------------------------

def _measure_input(form: MeasureForm, *, code: str = "", is_active: bool = True) -> reference.MeasureInput:
    """The service's input from a validated measure form."""
    return reference.MeasureInput(name=form.name.data, unit=form.unit.data, description=form.description.data or "",
                                  categories=[NeedCategory(c) for c in form.categories.data], code=code,
                                  is_active=is_active)


@bp.get("/measures")
def measures():
    """Every measure with its current proxy value, and the CSV links."""
    pagination = queries.measures_with_values(_page(), current_app.config["PAGE_SIZE"])
    return render_template("admin/measures.html", pagination=pagination, today=date.today())


@bp.route("/measures/new", methods=["GET", "POST"])
def new_measure():
    """Add a measure (its proxy values are added on its page)."""
    form = NewMeasureForm()
    if form.validate_on_submit():
        try:
            measure = reference.create_measure(_actor(), _measure_input(form, code=form.code.data))
        except DomainError as error:
            return _refuse(form, error, "admin/measure_form.html", measure=None)
        flash(f"{measure.code} has been added. Now give it a proxy value, unless it is counted but not valued.", "success")
        return redirect(url_for(".measure", measure_id=measure.id), 303)
    return render_template("admin/measure_form.html", form=form, measure=None), _form_status(form)


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
def edit_measure(measure_id: int):
    """Change a measure's name, unit, description, categories or whether it is offered."""
    measure = queries.measure_with_history(measure_id) or abort(404)
    form = MeasureForm(data={"name": measure.name, "unit": measure.unit, "description": measure.description,
                             "categories": [c.value for c in measure.categories], "is_active": measure.is_active})
    if form.validate_on_submit():
        try:
            reference.update_measure(_actor(), measure_id, _measure_input(form, is_active=form.is_active.data))
        except DomainError as error:
            return _refuse(form, error, "admin/measure_form.html", measure=measure)
        flash(f"{measure.code} has been saved.", "success")
        return redirect(url_for(".measure", measure_id=measure_id), 303)
    return render_template("admin/measure_form.html", form=form, measure=measure), _form_status(form)


def _measure_page(measure_id: int, form: ProxyValueForm, status: int = 200):
    """A measure's page with its proxy value history and the add-a-value form."""
    measure = queries.measure_with_history(measure_id) or abort(404)
    return render_template("admin/measure.html", measure=measure, form=form, today=date.today()), status


@bp.get("/measures/<int:measure_id>")
def measure(measure_id: int):
    """One measure with every proxy value it has had."""
    return _measure_page(measure_id, ProxyValueForm(formdata=None))


@bp.post("/measures/<int:measure_id>/proxy-values")
def add_proxy_value(measure_id: int):
    """Add a proxy value from a date; earlier values are kept as they were."""
    form = ProxyValueForm()
    if form.validate_on_submit():
        try:
            reference.add_proxy_value(measure_id, form.pence_per_unit.data, form.effective_from.data,
                                      form.source_note.data, _actor())
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            apply_service_error(form, error) or flash(error.message, "error")
            return _measure_page(measure_id, form, 422)
        flash("The new proxy value has been added. Earlier values are unchanged.", "success")
        return redirect(url_for(".measure", measure_id=measure_id), 303)
    return _measure_page(measure_id, form, 422)


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
    if form.validate_on_submit():
        try:
            text = measures_csv.decode_upload(form.file.data.read())
            summary = measures_csv.import_measures_csv(text, _actor())
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return _import_page(form, getattr(error, "errors", []), 422)
        flash(summary.describe(), "success")
        return redirect(url_for(".measures"), 303)
    return _import_page(form, [], _form_status(form))


def _import_page(form: ImportForm, row_errors: list[str], status: int):
    """The import page; its own error summary lists every problem row by row."""
    # Named `upload`, not `form`, so base.html does not draw a second, shorter error summary.
    return render_template("admin/import.html", upload=form, row_errors=row_errors,
                           columns=measures_csv.COLUMNS), status


# --- audit --------------------------------------------------------------------------------------------------------

@bp.get("/audit")
def audit_log():
    """Who did what, newest first."""
    pagination = queries.audit_events(_page(), current_app.config["PAGE_SIZE"])
    return render_template("admin/audit.html", pagination=pagination)
