"""VCSE pages for pledges to the organisation's needs: accept or decline, then confirm or dispute delivery."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.queries import pledges as queries
from app.services import evidence, pledges as service
from app.vcse import bp
from app.vcse.forms import ConfirmDeliveryForm, DeclinePledgeForm, DisputeDeliveryForm
from app.web.answers import carry_out, found
from app.web.request import page_arg, takes_files

FORMS = {"decline": DeclinePledgeForm, "confirm": ConfirmDeliveryForm, "dispute": DisputeDeliveryForm}


@bp.get("/pledges")
def pledges():
    """Pledges to your needs: those waiting for you first."""
    return render_template("vcse/pledges.html", pagination=queries.vcse_pledges(
        current_user.organisation_id, page_arg(), current_app.config["PAGE_SIZE"]))


def _pledge_page(pledge_id: int, bound=None) -> str:
    """One pledge with its decision forms, keeping a submitted form's errors."""
    pledge = queries.pledge_detail(pledge_id)
    found(pledge, pledge is not None and pledge.vcse_id == current_user.organisation_id)
    # The confirmation starts from what the supplier says it delivered.
    prefill = {"confirm": {"quantity": pledge.delivered_quantity}}
    forms = {name: form_class(formdata=None, prefix=name, data=prefill.get(name))
             for name, form_class in FORMS.items()}
    if bound is not None:
        forms[bound._prefix.rstrip("-")] = bound
    return render_template("vcse/pledge.html", pledge=pledge, entries=pledge.ledger_entries, forms=forms, form=bound)


@bp.get("/pledges/<int:pledge_id>")
def pledge(pledge_id: int):
    """One pledge to your need: who offered what, where it stands, and what you can do now."""
    return _pledge_page(pledge_id)


@bp.post("/pledges/<int:pledge_id>/accept")
def accept_pledge(pledge_id: int):
    """Accept an offered pledge."""
    return carry_out(lambda: service.accept_pledge(pledge_id, current_user),
                     done="You have accepted the pledge. The supplier has been emailed.",
                     then=url_for(".pledge", pledge_id=pledge_id))


def _decide(pledge_id: int, name: str, action, done: str):
    """Check one of the pledge page's forms, call the service with it, and answer."""
    form = FORMS[name](prefix=name)
    return carry_out(lambda: action(form), form=form, done=done, then=url_for(".pledge", pledge_id=pledge_id),
                     page=lambda f: _pledge_page(pledge_id, f))


@bp.post("/pledges/<int:pledge_id>/decline")
def decline_pledge(pledge_id: int):
    """Decline an offered pledge with a reason."""
    return _decide(pledge_id, "decline",
                   lambda form: service.decline_pledge(pledge_id, current_user, reason=form.reason.data),
                   "You have declined the pledge. The supplier has been emailed your reason.")


@bp.post("/pledges/<int:pledge_id>/confirm")
@takes_files
def confirm_pledge(pledge_id: int):
    """Confirm what you received, with any photos and consent to publish your story; this counts it as delivered
    social value."""
    return _decide(pledge_id, "confirm",
                   lambda form: service.confirm_delivery(pledge_id, current_user, quantity=form.quantity.data,
                                                         story=form.story.data or "", consent=form.consent.data,
                                                         photos=evidence.uploads(form.photos.data)),
                   "Delivery confirmed and counted. Thank you. The supplier has been emailed.")


@bp.post("/pledges/<int:pledge_id>/dispute")
def dispute_pledge(pledge_id: int):
    """Dispute a delivery with a reason; a moderator will decide."""
    return _decide(pledge_id, "dispute",
                   lambda form: service.dispute_delivery(pledge_id, current_user, reason=form.reason.data),
                   "You have disputed the delivery. The supplier has been emailed and a moderator will look into it.")
