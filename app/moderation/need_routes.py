"""Moderation of needs: the review queue and decisions."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.common import apply_service_error
from app.moderation import bp
from app.moderation.need_forms import ApproveNeedForm, HideNeedForm, RejectNeedForm, RequestChangesForm
from app.queries.needs import need_counts, need_with_details, review_queue
from app.queries.pledges import need_remaining
from app.services import needs
from app.errors import DomainError

FORMS = {"approve": ApproveNeedForm, "request_changes": RequestChangesForm, "reject": RejectNeedForm,
         "hide": HideNeedForm}


@bp.get("/needs")
def need_queue():
    """Needs waiting for review, oldest first, with counts."""
    page = request.args.get("page", 1, type=int)
    return render_template("moderation/need_queue.html", pagination=review_queue(page, current_app.config["PAGE_SIZE"]),
                           counts=need_counts())


def _review_page(need_id: int, bound: dict | None = None, status: int = 200):
    """Render one need with the decision forms, keeping a submitted form's errors."""
    need = need_with_details(need_id)
    if need is None:
        abort(404)
    forms = {name: form_class(formdata=None, prefix=name) for name, form_class in FORMS.items()}
    forms.update(bound or {})
    return render_template("moderation/need_review.html", need=need, remaining=need_remaining(need),
                           forms=forms, form=next(iter((bound or {}).values()), None)), status


@bp.get("/needs/<int:need_id>")
def need_review(need_id: int):
    """One need, with approve, request changes, reject and hide."""
    return _review_page(need_id)


def _decide(need_id: int, name: str, action, done: str):
    """Validate a decision form, call the service, and answer."""
    form = FORMS[name](prefix=name)
    if form.validate_on_submit():
        try:
            text = form.note.data if name == "approve" else form.reason.data
            action(need_id, current_user, text or "")
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            if not apply_service_error(form, error):
                flash(error.message, "error")
                return redirect(url_for(".need_review", need_id=need_id), 303)
        else:
            flash(done, "success")
            return redirect(url_for(".need_queue"), 303)
    return _review_page(need_id, {name: form}, 422)


@bp.post("/needs/<int:need_id>/approve")
def approve_need(need_id: int):
    """Publish a need."""
    return _decide(need_id, "approve", lambda i, u, t: needs.approve_need(i, u, note=t),
                   "The need is published. Its organisation has been emailed.")


@bp.post("/needs/<int:need_id>/request-changes")
def request_need_changes(need_id: int):
    """Send a need back for changes."""
    return _decide(need_id, "request_changes", lambda i, u, t: needs.request_changes(i, u, message=t),
                   "Changes requested. The organisation has been emailed.")


@bp.post("/needs/<int:need_id>/reject")
def reject_need(need_id: int):
    """Reject a need."""
    return _decide(need_id, "reject", lambda i, u, t: needs.reject_need(i, u, reason=t),
                   "The need has been rejected. The organisation has been emailed the reason.")


@bp.post("/needs/<int:need_id>/hide")
def hide_need(need_id: int):
    """Hide an open need."""
    return _decide(need_id, "hide", lambda i, u, t: needs.hide_need(i, u, reason=t),
                   "The need is hidden. The organisation has been emailed the reason.")
