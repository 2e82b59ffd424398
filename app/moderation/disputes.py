"""Moderation of disputed deliveries: the queue, and resolving by confirming a quantity or cancelling."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.moderation import bp
from app.moderation.forms import ResolveCancelForm, ResolveConfirmForm
from app.queries.disputes import disputed_count, disputed_pledges, pledge_for_dispute
from app.services import pledges
from app.web.answers import carry_out, found
from app.web.request import page_arg

FORMS = {"confirm": ResolveConfirmForm, "cancel": ResolveCancelForm}


@bp.get("/disputes")
def disputes():
    """Disputed deliveries on the council's contracts, longest waiting first."""
    council_id = current_user.organisation_id
    return render_template("moderation/disputes.html", count=disputed_count(council_id),
                           pagination=disputed_pledges(council_id, page_arg(), current_app.config["PAGE_SIZE"]))


def _dispute_page(pledge_id: int, bound=None) -> str:
    """One disputed pledge with both resolution forms, keeping a submitted form's errors."""
    pledge = found(pledge_for_dispute(pledge_id, current_user.organisation_id))
    forms = {name: form_class(formdata=None, prefix=name) for name, form_class in FORMS.items()}
    if bound is not None:
        forms[bound._prefix.rstrip("-")] = bound
    return render_template("moderation/dispute.html", pledge=pledge, forms=forms, form=bound)


@bp.get("/disputes/<int:pledge_id>")
def dispute(pledge_id: int):
    """One disputed delivery: what the supplier says, why the organisation disputes it, and two ways to settle it."""
    return _dispute_page(pledge_id)


def _resolve(pledge_id: int, name: str, action, done: str):
    """Check a resolution form, call the service with it, and answer."""
    found(pledge_for_dispute(pledge_id, current_user.organisation_id))
    form = FORMS[name](prefix=name)
    return carry_out(lambda: action(form), form=form, done=done, then=url_for(".disputes"),
                     back=url_for(".dispute", pledge_id=pledge_id), page=lambda f: _dispute_page(pledge_id, f))


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
