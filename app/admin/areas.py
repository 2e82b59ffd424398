"""Admin pages for areas and priority themes: the council's reference lists of places and priorities."""
from flask import render_template, url_for

from app.admin import bp
from app.admin.forms import AreaForm, ThemeForm
from app.extensions import db
from app.forms.common import ConfirmForm
from app.models import Area, Theme
from app.queries import admin as queries
from app.services import reference
from app.web.answers import carry_out
from app.web.guards import signed_in_user


@bp.get("/areas")
def areas():
    """Every area, active first, with rename and activate or deactivate."""
    return render_template("admin/areas.html", areas=queries.all_areas(), confirm=ConfirmForm())


def _save_form(form, call, done, kind: str, obj=None):
    """Save an area or theme form through the service and go back to its list."""
    return carry_out(call, form=form, done=done, then=url_for(f".{kind}s"),
                     page=lambda f: render_template(f"admin/{kind}_form.html", form=f, **{kind: obj}))


@bp.route("/areas/new", methods=["GET", "POST"])
def new_area():
    """Add an area."""
    form = AreaForm()
    return _save_form(form, lambda: reference.create_area(signed_in_user(), form.name.data, form.ons_code.data),
                      lambda area: f"{area.name} has been added.", "area")


@bp.route("/areas/<int:area_id>/rename", methods=["GET", "POST"])
def rename_area(area_id: int):
    """Rename an area."""
    area = db.get_or_404(Area, area_id)
    form = AreaForm(data={"name": area.name, "ons_code": area.ons_code or ""})
    return _save_form(form, lambda: reference.rename_area(signed_in_user(), area_id, form.name.data,
                                                          form.ons_code.data),
                      lambda changed: f"{changed.name} has been saved.", "area", area)


def _set_area_active(area_id: int, is_active: bool):
    """Turn an area on or off and go back to the list."""
    return carry_out(lambda: reference.set_area_active(signed_in_user(), area_id, is_active), then=url_for(".areas"),
                     done=lambda area: f"{area.name} is {'offered again' if is_active else 'no longer offered'} "
                                       "for new needs.")


@bp.post("/areas/<int:area_id>/activate")
def activate_area(area_id: int):
    """Offer an area again."""
    return _set_area_active(area_id, True)


@bp.post("/areas/<int:area_id>/deactivate")
def deactivate_area(area_id: int):
    """Stop offering an area for new needs."""
    return _set_area_active(area_id, False)


@bp.get("/themes")
def themes():
    """Every priority theme, active first."""
    return render_template("admin/themes.html", themes=queries.all_themes())


@bp.route("/themes/new", methods=["GET", "POST"])
def new_theme():
    """Add a priority theme."""
    form = ThemeForm()
    return _save_form(form, lambda: reference.create_theme(signed_in_user(), form.name.data, form.description.data or ""),
                      lambda theme: f"{theme.name} has been added.", "theme")


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    """Change a theme's name, description or whether it is offered."""
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(data={"name": theme.name, "description": theme.description, "is_active": theme.is_active})
    return _save_form(form, lambda: reference.update_theme(
        signed_in_user(), theme_id, name=form.name.data, description=form.description.data or "",
        is_active=form.is_active.data), lambda _: f"{form.name.data.strip()} has been saved.", "theme", theme)
