"""Moderation of disputed deliveries: the queue, and resolving by confirming a quantity or cancelling."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.common import apply_service_error
from app.moderation import bp
from app.moderation.dispute_forms import ResolveCancelForm, ResolveConfirmForm
from app.queries.disputes import disputed_count, disputed_pledges, pledge_for_dispute
from app.services import pledges
from app.errors import DomainError

FORMS = {"confirm": ResolveConfirmForm, "cancel": ResolveCancelForm}


@bp.get("/disputes")
def disputes():
    """Disputed deliveries on the council's contracts, longest waiting first."""
    page = request.args.get("page", 1, type=int)
    return render_template("moderation/disputes.html", count=disputed_count(current_user.organisation_id),
                           pagination=disputed_pledges(current_user.organisation_id, page,
                                                       current_app.config["PAGE_SIZE"]))


def _dispute_page(pledge_id: int, bound: dict | None = None, status: int = 200):
    """Render one disputed pledge with both resolution forms, keeping a submitted form's errors."""
    pledge = pledge_for_dispute(pledge_id, current_user.organisation_id)
    if pledge is None:
        abort(404)
    forms = {name: form_class(formdata=None, prefix=name) for name, form_class in FORMS.items()}
    forms.update(bound or {})
    return render_template("moderation/dispute.html", pledge=pledge, forms=forms,
                           form=next(iter((bound or {}).values()), None)), status


@bp.get("/disputes/<int:pledge_id>")
def dispute(pledge_id: int):
    """One disputed delivery: what the supplier says, why the organisation disputes it, and two ways to settle it."""
    return _dispute_page(pledge_id)


def _resolve(pledge_id: int, name: str, action, done: str):
    """Validate a resolution form, call the service, and answer."""
    if pledge_for_dispute(pledge_id, current_user.organisation_id) is None:
        abort(404)
    form = FORMS[name](prefix=name)
    if form.validate_on_submit():
        try:
            action(form)
        except DomainError as error:
            if error.status_code in (403, 404):
                abort(error.status_code)
            if error.field == "reason":
                error.field = "note"
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".dispute", pledge_id=pledge_id), 303)
        else:
            flash(done, "success")
            return redirect(url_for(".disputes"), 303)
    return _dispute_page(pledge_id, {name: form}, 422)


@bp.post("/disputes/<int:pledge_id>/confirm")
def resolve_confirm(pledge_id: int):
    """Settle a dispute by confirming a quantity, which writes the one ledger entry."""
    return _resolve(pledge_id, "confirm", lambda form: pledges.resolve_dispute_by_confirming(
        pledge_id, current_user, quantity=form.quantity.data, note=form.note.data),
        "The delivery is confirmed and counted. Both sides have been emailed.")


@bp.post("/disputes/<int:pledge_id>/cancel")
def resolve_cancel(pledge_id: int):
    """Settle a dispute by cancelling the pledge; nothing is counted."""
    return _resolve(pledge_id, "cancel", lambda form: pledges.resolve_dispute_by_cancelling(
        pledge_id, current_user, note=form.note.data),
        "The pledge is cancelled and nothing is counted. Both sides have been emailed.")
