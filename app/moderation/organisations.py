"""Moderation of registrations: the queue of organisations waiting, and approving or rejecting each."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.models import OrganisationStatus
from app.moderation import bp
from app.moderation.forms import ApproveForm, RejectForm
from app.queries.organisations import organisation_counts, organisation_for_review, pending_organisations
from app.services import organisations
from app.web.answers import carry_out, found
from app.web.request import page_arg


@bp.get("/organisations")
def organisation_queue():
    """Organisations waiting for approval, oldest first."""
    pagination = pending_organisations(page_arg(), current_app.config["PAGE_SIZE"])
    pending = organisation_counts()[OrganisationStatus.PENDING]
    return render_template("moderation/organisation_queue.html", pagination=pagination, pending=pending)


def _review_page(organisation_id: int, approve_form=None, reject_form=None) -> str:
    """The review page for one organisation, keeping a submitted form's errors."""
    organisation = found(organisation_for_review(organisation_id))
    return render_template("moderation/organisation_review.html", organisation=organisation,
                           approve_form=approve_form or ApproveForm(formdata=None),
                           reject_form=reject_form or RejectForm(formdata=None))


@bp.get("/organisations/<int:organisation_id>")
def organisation_review(organisation_id: int):
    """One organisation's registration, with the decision forms."""
    return _review_page(organisation_id)


def _decide(organisation_id: int, form, call, done: str, **bound):
    """Check a decision form, call the service with it, and go back to the queue."""
    return carry_out(lambda: call(form), form=form, done=lambda organisation: f"{organisation.name} {done}",
                     page=lambda f: _review_page(organisation_id, **{name: f for name in bound}),
                     then=url_for(".organisation_queue"),
                     back=url_for(".organisation_review", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int):
    """Approve a registration."""
    return _decide(organisation_id, ApproveForm(), lambda form: organisations.approve_organisation(
        organisation_id, current_user, note=form.note.data or ""), "is approved. Its users have been emailed.",
        approve_form=True)


@bp.post("/organisations/<int:organisation_id>/reject")
def reject_organisation(organisation_id: int):
    """Reject a registration with a reason."""
    return _decide(organisation_id, RejectForm(), lambda form: organisations.reject_organisation(
        organisation_id, current_user, reason=form.reason.data or ""),
        "has been rejected. Its users have been emailed the reason.", reject_form=True)
