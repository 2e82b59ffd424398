"""VCSE pages for needs: "Your needs", and writing, editing, submitting, withdrawing and closing a need."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.forms.common import ConfirmForm, select_choices
from app.models import NeedCategory
from app.queries.needs import need_with_details, organisation_needs
from app.queries.pledges import need_pledges, need_remaining
from app.queries.reference import active_area_choices, active_measure_choices, active_theme_choices
from app.services import needs
from app.vcse import bp
from app.vcse.forms import NeedForm
from app.web.answers import carry_out, found, refuse_move
from app.web.request import page_arg


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


def _own_need(need_id: int):
    """The user's organisation's need, or 404 whoever else's it is."""
    need = need_with_details(need_id)
    return found(need, need is not None and need.is_owned_by(current_user))


def _saved(form: NeedForm) -> str:
    """What to tell the member once the need is saved (and perhaps submitted)."""
    return ("Your need has been sent to a moderator for review." if form.submit_review.data
            else "Your need has been saved as a draft.")


def _save_form(form: NeedForm, need_id: int | None):
    """Save the need form through the service (then submit it if asked) and answer."""
    return carry_out(lambda: needs.save_need(current_user, _input(form), need_id=need_id,
                                             submit=form.submit_review.data),
                     form=form, done=_saved(form), then=lambda need: url_for(".need", need_id=need.id),
                     page=lambda f: render_template("vcse/need_form.html", form=f, need_id=need_id))


@bp.get("/needs")
def needs_list():
    """Your organisation's needs, with what to do next for each."""
    return render_template("vcse/needs.html", form=ConfirmForm(), pagination=organisation_needs(
        current_user.organisation_id, page_arg(), current_app.config["PAGE_SIZE"]))


@bp.route("/needs/new", methods=["GET", "POST"])
def new_need():
    """Write a new need."""
    return _save_form(_need_form(), None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
def edit_need(need_id: int):
    """Change a draft or a need sent back for changes."""
    need = _own_need(need_id)
    refused = refuse_move(need, "edit", url_for(".need", need_id=need_id))
    return refused or _save_form(_need_form(data=_form_data(need)), need_id)


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """One of your needs: its status, details and what you can do next."""
    need = _own_need(need_id)
    return render_template("vcse/need.html", need=need, remaining=need_remaining(need), form=ConfirmForm(),
                           pledges=need_pledges(need_id))


def _move(need_id: int, action, done: str):
    """Make a one-button move on one of your needs and go back to it."""
    return carry_out(lambda: action(need_id, current_user), done=done, then=url_for(".need", need_id=need_id))


@bp.post("/needs/<int:need_id>/submit")
def submit_need(need_id: int):
    """Send a need to the moderators."""
    return _move(need_id, needs.submit_need, "Your need has been sent to a moderator for review.")


@bp.post("/needs/<int:need_id>/withdraw")
def withdraw_need(need_id: int):
    """Withdraw a need."""
    return _move(need_id, needs.withdraw_need, "Your need has been withdrawn.")


@bp.post("/needs/<int:need_id>/close")
def close_need(need_id: int):
    """Close an open need early."""
    return _move(need_id, needs.close_need, "Your need has been closed. Suppliers can no longer pledge to it.")
