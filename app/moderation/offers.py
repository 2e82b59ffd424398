"""Moderation of standing offers: the review queue, and approving, sending back, rejecting or hiding an offer."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.moderation import bp
from app.moderation.forms import ApproveOfferForm, HideOfferForm, RejectOfferForm, RequestOfferChangesForm
from app.queries.offers import offer_counts, offer_left, offer_with_details, review_queue
from app.services import offers
from app.web.answers import carry_out, found
from app.web.request import page_arg

FORMS = {"approve": ApproveOfferForm, "request_changes": RequestOfferChangesForm, "reject": RejectOfferForm,
         "hide": HideOfferForm}

# What each decision asks the service to do with the submitted form.
CALLS = {
    "approve": lambda offer_id, user, form: offers.approve_offer(offer_id, user, note=form.note.data or ""),
    "request_changes": lambda offer_id, user, form: offers.request_offer_changes(offer_id, user,
                                                                                 message=form.reason.data or ""),
    "reject": lambda offer_id, user, form: offers.reject_offer(offer_id, user, reason=form.reason.data or ""),
    "hide": lambda offer_id, user, form: offers.hide_offer(offer_id, user, reason=form.reason.data or ""),
}


@bp.get("/offers")
def offer_queue():
    """Offers waiting for review, oldest first, with counts."""
    return render_template("moderation/offer_queue.html", counts=offer_counts(),
                           pagination=review_queue(page_arg(), current_app.config["PAGE_SIZE"]))


def _review_page(offer_id: int, bound=None) -> str:
    """One offer with the decision forms, keeping a submitted form's errors."""
    offer = found(offer_with_details(offer_id))
    forms = {name: form_class(formdata=None, prefix=name) for name, form_class in FORMS.items()}
    if bound is not None:
        forms[bound._prefix.rstrip("-")] = bound
    return render_template("moderation/offer_review.html", offer=offer, left=offer_left(offer), forms=forms,
                           form=bound)


@bp.get("/offers/<int:offer_id>")
def offer_review(offer_id: int):
    """One offer, with approve, request changes, reject and hide."""
    return _review_page(offer_id)


def _decide(offer_id: int, name: str, done: str):
    """Check a decision form, call the service with it, and answer."""
    form = FORMS[name](prefix=name)
    return carry_out(lambda: CALLS[name](offer_id, current_user, form), form=form, done=done,
                     then=url_for(".offer_queue"), back=url_for(".offer_review", offer_id=offer_id),
                     page=lambda f: _review_page(offer_id, f))


@bp.post("/offers/<int:offer_id>/approve")
def approve_offer(offer_id: int):
    """Publish an offer."""
    return _decide(offer_id, "approve", "The offer is published. Its supplier has been emailed.")


@bp.post("/offers/<int:offer_id>/request-changes")
def request_offer_changes(offer_id: int):
    """Send an offer back for changes."""
    return _decide(offer_id, "request_changes", "Changes requested. The supplier has been emailed.")


@bp.post("/offers/<int:offer_id>/reject")
def reject_offer(offer_id: int):
    """Reject an offer."""
    return _decide(offer_id, "reject", "The offer has been rejected. The supplier has been emailed the reason.")


@bp.post("/offers/<int:offer_id>/hide")
def hide_offer(offer_id: int):
    """Hide an open offer."""
    return _decide(offer_id, "hide", "The offer is hidden. The supplier has been emailed the reason.")
