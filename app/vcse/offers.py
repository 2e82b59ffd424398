"""VCSE pages for standing offers: requesting one, and following the group's requests."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.errors import Conflict
from app.queries import offers as queries
from app.services import offer_requests as service
from app.vcse import bp
from app.vcse.offer_forms import RequestOfferForm
from app.web.answers import carry_out, found
from app.web.request import page_arg


def _open_offer(offer_id: int):
    """A public offer that still takes requests: 404 if not public, 409 if it has stopped taking them."""
    offer = queries.offer_with_details(offer_id)
    found(offer, offer is not None and offer.status.is_public)
    if not offer.allows("request"):
        raise Conflict(service.OFFER_NOT_OPEN)
    return offer


@bp.route("/offers/<int:offer_id>/request", methods=["GET", "POST"])
def request_offer(offer_id: int):
    """Request part of a supplier's open offer."""
    offer, form = _open_offer(offer_id), RequestOfferForm()
    return carry_out(
        lambda: service.request_offer(current_user, offer_id=offer_id, quantity=form.quantity.data,
                                      wanted_on=form.wanted_on.data, message=form.message.data),
        form=form, then=lambda made: url_for(".offer_request", request_id=made.id),
        done=f"Your request has been sent to {offer.supplier.name}. We will email you when they reply.",
        page=lambda f: render_template("vcse/request_offer.html", offer=offer, form=f,
                                       left=queries.offer_left(offer)))


@bp.post("/offer-requests/<int:request_id>/withdraw")
def withdraw_offer_request(request_id: int):
    """Withdraw a request the supplier has not answered yet."""
    return carry_out(lambda: service.withdraw_request(request_id, current_user),
                     then=url_for(".offer_request", request_id=request_id),
                     done="You have withdrawn your request. The supplier has been emailed.")


@bp.get("/offer-requests")
def offer_requests():
    """Your group's requests for offers, newest first."""
    return render_template("vcse/offer_requests.html", pagination=queries.vcse_offer_requests(
        current_user.organisation_id, page_arg(), current_app.config["PAGE_SIZE"]))


@bp.get("/offer-requests/<int:request_id>")
def offer_request(request_id: int):
    """One of your group's requests: where it stands, and its pledge once the supplier accepts."""
    offer_request = queries.offer_request_detail(request_id)
    found(offer_request, offer_request is not None and offer_request.vcse_id == current_user.organisation_id)
    return render_template("vcse/offer_request.html", offer_request=offer_request)
