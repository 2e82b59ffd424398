"""Supplier pages: "Your contracts", "Your pledges", pledging to a need, and each step of a pledge after that."""
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.web.errors import render_error
from app.forms.common import ConfirmForm, apply_service_error
from app.models import NeedStatus, PledgeStatus
from app.queries import pledges as queries
from app.queries.needs import need_with_details
from app.services import pledges as service
from app.errors import DomainError
from app.supplier import bp
from app.supplier.forms import CancelPledgeForm, DeliveredForm, PledgeForm
from app.web.templating import long_date, with_unit

NOT_OPEN = "This need is no longer open, so it cannot take pledges."


@bp.get("/contracts")
def contracts():
    """Your contracts: for each commitment, what is committed, pledged, delivered, confirmed and left."""
    return render_template("supplier/contracts.html",
                           contracts=queries.supplier_contracts_with_figures(current_user.organisation_id))


@bp.get("/pledges")
def pledges():
    """Your organisation's pledges, newest first, with what happens next."""
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template("supplier/pledges.html", pagination=queries.supplier_pledges(
        current_user.organisation_id, page, current_app.config["PAGE_SIZE"]))


def _pledge_form(choices) -> PledgeForm:
    """The pledge form offering only the commitments this supplier may draw on for the need."""
    form = PledgeForm()
    form.commitment_id.choices = [(row.commitment.id, f"{row.commitment.contract.reference}: {row.commitment.contract.title}")
                                  for row in choices]
    return form


def _commitment_hints(choices) -> list[dict]:
    """A hint under each commitment: what is left of it and when it is due."""
    return [{"hint": {"text": f"{with_unit(row.left, row.commitment.measure.unit)} left, due by "
                              f"{long_date(row.commitment.due_on)}"}} for row in choices]


@bp.route("/needs/<int:need_id>/pledge", methods=["GET", "POST"])
def new_pledge(need_id: int):
    """Pledge part of one of your contracts' commitments to an open need."""
    need = need_with_details(need_id)
    if need is None or not need.status.is_public:
        abort(404)
    if need.status is not NeedStatus.OPEN or need.needed_by < date.today():
        return render_error(409, NOT_OPEN)
    choices = queries.eligible_commitments(current_user.organisation_id, need)
    form = _pledge_form(choices)
    if form.validate_on_submit():
        try:
            pledge = service.make_pledge(current_user, need_id=need_id, commitment_id=form.commitment_id.data,
                                         quantity=form.quantity.data, message=form.message.data,
                                         proposed_on=form.proposed_on.data)
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                return render_error(error.status_code, error.message)
        else:
            flash(f"Your pledge has been sent to {need.organisation.name}. We will email you when they reply.", "success")
            return redirect(url_for(".pledge", pledge_id=pledge.id), 303)
    not_started = [] if choices else queries.contracts_not_started(current_user.organisation_id, need)
    return render_template("supplier/pledge_form.html", need=need, form=form, choices=choices,
                           hints=_commitment_hints(choices), remaining=queries.need_remaining(need),
                           not_started=not_started), 422 if form.errors else 200


def _own_pledge_or_404(pledge_id: int):
    """A pledge of the user's organisation, or 404 whoever else's it is."""
    pledge = queries.pledge_detail(pledge_id)
    if pledge is None or pledge.supplier_id != current_user.organisation_id:
        abort(404)
    return pledge


def _pledge_page(pledge_id: int, cancel_form: CancelPledgeForm | None = None, status: int = 200):
    """Render one pledge with the actions allowed now, keeping a submitted form's errors."""
    pledge = _own_pledge_or_404(pledge_id)
    return render_template("supplier/pledge.html", pledge=pledge, entries=queries.pledge_ledger_entries(pledge_id),
                           cancel_form=cancel_form or CancelPledgeForm(formdata=None, prefix="cancel"),
                           form=cancel_form), status


@bp.get("/pledges/<int:pledge_id>")
def pledge(pledge_id: int):
    """One of your pledges: where it stands, what was said, and what you can do now."""
    return _pledge_page(pledge_id)


@bp.post("/pledges/<int:pledge_id>/withdraw")
def withdraw_pledge(pledge_id: int):
    """Withdraw a pledge the group has not answered yet."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw_pledge(pledge_id, current_user)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
    else:
        flash("You have withdrawn your pledge. The group has been emailed.", "success")
    return redirect(url_for(".pledge", pledge_id=pledge_id), 303)


@bp.post("/pledges/<int:pledge_id>/cancel")
def cancel_pledge(pledge_id: int):
    """Cancel an accepted pledge, with a reason for the group."""
    form = CancelPledgeForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            service.cancel_pledge(pledge_id, current_user, reason=form.reason.data)
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
        else:
            flash("You have cancelled your pledge. The group has been emailed your reason.", "success")
            return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
    return _pledge_page(pledge_id, form, 422)


@bp.route("/pledges/<int:pledge_id>/delivered", methods=["GET", "POST"])
def deliver_pledge(pledge_id: int):
    """Say what you delivered, when, and what was done, for the group to confirm."""
    pledge = _own_pledge_or_404(pledge_id)
    if pledge.status is not PledgeStatus.ACCEPTED:
        flash(f"Only an accepted pledge can be marked as delivered. This one is {pledge.status.label.lower()}.", "error")
        return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
    form = DeliveredForm(data={"quantity": pledge.quantity})
    if form.validate_on_submit():
        try:
            service.mark_delivered(pledge_id, current_user, quantity=form.quantity.data,
                                   delivered_on=form.delivered_on.data, note=form.note.data)
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
        else:
            flash(f"Marked as delivered. {pledge.need.organisation.name} has been asked to confirm it.", "success")
            return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
    return render_template("supplier/deliver.html", pledge=pledge, form=form), 422 if form.errors else 200
