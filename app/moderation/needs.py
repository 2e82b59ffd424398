"""Moderation of needs: the review queue, and approving, sending back, rejecting or hiding a need."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.moderation import bp
from app.moderation.forms import ApproveNeedForm, HideNeedForm, RejectNeedForm, RequestChangesForm
from app.queries.needs import need_counts, need_with_details, review_queue
from app.queries.pledges import need_remaining
from app.services import needs
from app.web.answers import carry_out, found
from app.web.request import page_arg

FORMS = {"approve": ApproveNeedForm, "request_changes": RequestChangesForm, "reject": RejectNeedForm,
         "hide": HideNeedForm}


@bp.get("/needs")
def need_queue():
    """Needs waiting for review, oldest first, with counts."""
    return render_template("moderation/need_queue.html", counts=need_counts(),
                           pagination=review_queue(page_arg(), current_app.config["PAGE_SIZE"]))


def _review_page(need_id: int, bound=None) -> str:
    """One need with the decision forms, keeping a submitted form's errors."""
    need = found(need_with_details(need_id))
    forms = {name: form_class(formdata=None, prefix=name) for name, form_class in FORMS.items()}
    if bound is not None:
        forms[bound._prefix.rstrip("-")] = bound
    return render_template("moderation/need_review.html", need=need, remaining=need_remaining(need),
                           forms=forms, form=bound)


@bp.get("/needs/<int:need_id>")
def need_review(need_id: int):
    """One need, with approve, request changes, reject and hide."""
    return _review_page(need_id)


# What each decision asks the service to do with the submitted form.
CALLS = {
    "approve": lambda need_id, user, form: needs.approve_need(need_id, user, note=form.note.data or ""),
    "request_changes": lambda need_id, user, form: needs.request_changes(need_id, user, message=form.reason.data or ""),
    "reject": lambda need_id, user, form: needs.reject_need(need_id, user, reason=form.reason.data or ""),
    "hide": lambda need_id, user, form: needs.hide_need(need_id, user, reason=form.reason.data or ""),
}


def _decide(need_id: int, name: str, done: str):
    """Check a decision form, call the service with it, and answer."""
    form = FORMS[name](prefix=name)
    return carry_out(lambda: CALLS[name](need_id, current_user, form), form=form, done=done,
                     then=url_for(".need_queue"), back=url_for(".need_review", need_id=need_id),
                     page=lambda f: _review_page(need_id, f))


@bp.post("/needs/<int:need_id>/approve")
def approve_need(need_id: int):
    """Publish a need."""
    return _decide(need_id, "approve", "The need is published. Its organisation has been emailed.")


@bp.post("/needs/<int:need_id>/request-changes")
def request_need_changes(need_id: int):
    """Send a need back for changes."""
    return _decide(need_id, "request_changes", "Changes requested. The organisation has been emailed.")


@bp.post("/needs/<int:need_id>/reject")
def reject_need(need_id: int):
    """Reject a need."""
    return _decide(need_id, "reject", "The need has been rejected. The organisation has been emailed the reason.")


@bp.post("/needs/<int:need_id>/hide")
def hide_need(need_id: int):
    """Hide an open need."""
    return _decide(need_id, "hide", "The need is hidden. The organisation has been emailed the reason.")
