"""VCSE pages for pledges to the organisation's needs: accept or decline, then confirm or dispute delivery."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.common import ConfirmForm, apply_service_error
from app.queries import pledges as queries
from app.services import pledges as service
from app.errors import DomainError
from app.vcse import bp
from app.vcse.pledge_forms import ConfirmDeliveryForm, DeclinePledgeForm, DisputeDeliveryForm

FORMS = {"decline": DeclinePledgeForm, "confirm": ConfirmDeliveryForm, "dispute": DisputeDeliveryForm}


@bp.get("/pledges")
def pledges():
    """Pledges to your needs: those waiting for you first."""
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template("vcse/pledges.html", pagination=queries.vcse_pledges(
        current_user.organisation_id, page, current_app.config["PAGE_SIZE"]))


def _own_pledge_or_404(pledge_id: int):
    """A pledge to one of the user's organisation's needs, or 404 whoever else's it is."""
    pledge = queries.pledge_detail(pledge_id)
    if pledge is None or pledge.need.organisation_id != current_user.organisation_id:
        abort(404)
    return pledge


def _pledge_page(pledge_id: int, bound: dict | None = None, status: int = 200):
    """Render one pledge with the decision forms, keeping a submitted form's errors."""
    pledge = _own_pledge_or_404(pledge_id)
    # The confirmation starts from what the supplier says it delivered.
    prefill = {"confirm": {"quantity": pledge.delivered_quantity}}
    forms = {name: form_class(formdata=None, prefix=name, data=prefill.get(name))
             for name, form_class in FORMS.items()}
    forms.update(bound or {})
    return render_template("vcse/pledge.html", pledge=pledge, entries=queries.pledge_ledger_entries(pledge_id),
                           forms=forms, form=next(iter((bound or {}).values()), None)), status


@bp.get("/pledges/<int:pledge_id>")
def pledge(pledge_id: int):
    """One pledge to your need: who offered what, where it stands, and what you can do now."""
    return _pledge_page(pledge_id)


@bp.post("/pledges/<int:pledge_id>/accept")
def accept_pledge(pledge_id: int):
    """Accept an offered pledge."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.accept_pledge(pledge_id, current_user)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
    else:
        flash("You have accepted the pledge. The supplier has been emailed.", "success")
    return redirect(url_for(".pledge", pledge_id=pledge_id), 303)


def _decide(pledge_id: int, name: str, action, done: str):
    """Validate one of the pledge page's forms, call the service, and answer."""
    form = FORMS[name](prefix=name)
    if form.validate_on_submit():
        try:
            action(form)
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
        else:
            flash(done, "success")
            return redirect(url_for(".pledge", pledge_id=pledge_id), 303)
    return _pledge_page(pledge_id, {name: form}, 422)


@bp.post("/pledges/<int:pledge_id>/decline")
def decline_pledge(pledge_id: int):
    """Decline an offered pledge with a reason."""
    return _decide(pledge_id, "decline",
                   lambda form: service.decline_pledge(pledge_id, current_user, reason=form.reason.data),
                   "You have declined the pledge. The supplier has been emailed your reason.")


@bp.post("/pledges/<int:pledge_id>/confirm")
def confirm_pledge(pledge_id: int):
    """Confirm what you received; this counts it as delivered social value."""
    return _decide(pledge_id, "confirm",
                   lambda form: service.confirm_delivery(pledge_id, current_user, quantity=form.quantity.data,
                                                         story=form.story.data or ""),
                   "Delivery confirmed and counted. Thank you. The supplier has been emailed.")


@bp.post("/pledges/<int:pledge_id>/dispute")
def dispute_pledge(pledge_id: int):
    """Dispute a delivery with a reason; a moderator will decide."""
    return _decide(pledge_id, "dispute",
                   lambda form: service.dispute_delivery(pledge_id, current_user, reason=form.reason.data),
                   "You have disputed the delivery. The supplier has been emailed and a moderator will look into it.")
