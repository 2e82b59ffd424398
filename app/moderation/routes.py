"""Moderation pages: the registration queue and decisions."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.common import apply_service_error
from app.models import OrganisationStatus
from app.moderation import bp
from app.moderation.forms import ApproveForm, RejectForm
from app.queries.disputes import disputed_count
from app.queries.needs import need_counts
from app.queries.organisations import organisation_counts, organisation_for_review, pending_organisations
from app.services import organisations
from app.errors import DomainError


@bp.get("/")
def index():
    """The moderator's overview: what is waiting."""
    counts = organisation_counts()
    return render_template("moderation/index.html", counts_by_value={s.value: n for s, n in counts.items()},
                           need_counts=need_counts(), dispute_count=disputed_count(current_user.organisation_id))


@bp.get("/organisations")
def organisation_queue():
    """Organisations waiting for approval, oldest first."""
    page = request.args.get("page", 1, type=int)
    pagination = pending_organisations(page, current_app.config["PAGE_SIZE"])
    pending = organisation_counts()[OrganisationStatus.PENDING]
    return render_template("moderation/organisation_queue.html", pagination=pagination, pending=pending)


def _review_page(organisation_id: int, approve_form=None, reject_form=None, status=200):
    """Render the review page for one organisation."""
    organisation = organisation_for_review(organisation_id)
    if organisation is None:
        abort(404)
    return render_template("moderation/organisation_review.html", organisation=organisation,
                           approve_form=approve_form or ApproveForm(formdata=None),
                           reject_form=reject_form or RejectForm(formdata=None)), status


@bp.get("/organisations/<int:organisation_id>")
def organisation_review(organisation_id: int):
    """One organisation's registration, with the decision forms."""
    return _review_page(organisation_id)


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int):
    """Approve a registration."""
    form = ApproveForm()
    if not form.validate_on_submit():
        return _review_page(organisation_id, approve_form=form, status=422)
    try:
        organisation = organisations.approve_organisation(organisation_id, current_user, note=form.note.data or "")
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for(".organisation_review", organisation_id=organisation_id), 303)
    flash(f"{organisation.name} is approved. Its users have been emailed.", "success")
    return redirect(url_for(".organisation_queue"), 303)


@bp.post("/organisations/<int:organisation_id>/reject")
def reject_organisation(organisation_id: int):
    """Reject a registration with a reason."""
    form = RejectForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.reject_organisation(organisation_id, current_user, reason=form.reason.data or "")
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".organisation_review", organisation_id=organisation_id), 303)
        else:
            flash(f"{organisation.name} has been rejected. Its users have been emailed the reason.", "success")
            return redirect(url_for(".organisation_queue"), 303)
    return _review_page(organisation_id, reject_form=form, status=422)
