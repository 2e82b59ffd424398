"""VCSE pages: "Your needs", and creating, editing, submitting, withdrawing and closing needs."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.common import ConfirmForm, apply_service_error, select_choices
from app.models import NeedCategory
from app.queries.needs import need_with_details, organisation_needs
from app.queries.pledges import need_pledges, need_remaining
from app.queries.reference import active_area_choices, active_measure_choices, active_theme_choices
from app.services import needs
from app.errors import DomainError
from app.vcse import bp
from app.vcse.forms import NeedForm


def _need_form(**kwargs) -> NeedForm:
    """A need form with today's choices of measures, areas and themes."""
    form = NeedForm(**kwargs)
    measures = active_measure_choices()
    form.measure_id.choices = select_choices([("", "Select a measure")] + measures.choices)
    form.measure_categories = measures.categories
    form.area_id.choices = select_choices([("", "Select an area")] + active_area_choices())
    form.theme_ids.choices = select_choices(active_theme_choices())
    return form


def _input(form: NeedForm) -> needs.NeedInput:
    """The service's input from a validated form."""
    return needs.NeedInput(
        title=form.title.data, summary=form.summary.data, description=form.description.data,
        category=NeedCategory(form.category.data), measure_id=form.measure_id.data, quantity=form.quantity.data,
        area_id=form.area_id.data, needed_by=form.needed_by.data, contact=form.contact.data,
        theme_ids=form.theme_ids.data,
    )


def _form_data(need) -> dict:
    """A need's saved values in the form's terms."""
    return {"title": need.title, "summary": need.summary, "description": need.description_source,
            "category": need.category.value, "measure_id": need.measure_id, "quantity": need.quantity,
            "area_id": need.area_id, "theme_ids": [t.id for t in need.themes], "needed_by": need.needed_by,
            "contact": need.contact}


def _own_need_or_404(need_id: int):
    """The user's organisation's need, or 404 whoever else's it is."""
    need = need_with_details(need_id)
    if need is None or not need.is_owned_by(current_user):
        abort(404)
    return need


@bp.get("/needs")
def needs_list():
    """Your organisation's needs, with what to do next for each."""
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template("vcse/needs.html", form=ConfirmForm(), pagination=organisation_needs(
        current_user.organisation_id, page, current_app.config["PAGE_SIZE"]))


def _save(form: NeedForm, need_id: int | None):
    """Save the form through the service, then submit if asked; re-render on a problem."""
    try:
        if need_id is None:
            need = needs.create_need(current_user, _input(form))
        else:
            need = needs.update_need(need_id, current_user, _input(form))
        if form.submit_review.data:
            needs.submit_need(need.id, current_user)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        apply_service_error(form, error) or flash(error.message, "error")
        return render_template("vcse/need_form.html", form=form, need_id=need_id), 422
    flash("Your need has been sent to a moderator for review." if form.submit_review.data
          else "Your need has been saved as a draft.", "success")
    return redirect(url_for(".need", need_id=need.id), 303)


@bp.route("/needs/new", methods=["GET", "POST"])
def new_need():
    """Write a new need."""
    form = _need_form()
    if form.validate_on_submit():
        return _save(form, None)
    return render_template("vcse/need_form.html", form=form, need_id=None), 422 if form.errors else 200


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
def edit_need(need_id: int):
    """Change a draft or a need sent back for changes."""
    need = _own_need_or_404(need_id)
    if not need.is_editable:
        flash(f"You cannot edit a need that is {need.status.label.lower()}.", "error")
        return redirect(url_for(".need", need_id=need_id), 303)
    form = _need_form(data=_form_data(need))
    if form.validate_on_submit():
        return _save(form, need_id)
    return render_template("vcse/need_form.html", form=form, need_id=need_id), 422 if form.errors else 200


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """One of your needs: its status, details and what you can do next."""
    need = _own_need_or_404(need_id)
    return render_template("vcse/need.html", need=need, remaining=need_remaining(need), form=ConfirmForm(),
                           pledges=need_pledges(need_id))


def _transition(need_id: int, action, done: str):
    """Run a one-click state change on one of your needs and go back to it."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(need_id, current_user)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for(".need", need_id=need_id), 303)


@bp.post("/needs/<int:need_id>/submit")
def submit_need(need_id: int):
    """Send a need to the moderators."""
    return _transition(need_id, needs.submit_need, "Your need has been sent to a moderator for review.")


@bp.post("/needs/<int:need_id>/withdraw")
def withdraw_need(need_id: int):
    """Withdraw a need."""
    return _transition(need_id, needs.withdraw_need, "Your need has been withdrawn.")


@bp.post("/needs/<int:need_id>/close")
def close_need(need_id: int):
    """Close an open need early."""
    return _transition(need_id, needs.close_need, "Your need has been closed. Suppliers can no longer pledge to it.")
