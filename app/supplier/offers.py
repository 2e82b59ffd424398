"""Supplier pages for standing offers: "Your offers", writing and submitting one, closing it, answering requests."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.forms.common import ConfirmForm, select_choices
from app.formatting import long_date, with_unit
from app.models import NeedCategory
from app.queries import offers as queries
from app.queries.reference import active_area_choices, active_theme_choices
from app.services import offers as service
from app.services import offer_requests
from app.supplier import bp
from app.supplier.offer_forms import DeclineRequestForm, OfferForm
from app.web.answers import carry_out, found, refuse_move
from app.web.request import page_arg


def _offer_form(offer_id: int | None, **kwargs) -> tuple[OfferForm, list]:
    """The offer form with this supplier's running commitments and today's areas and themes."""
    form = OfferForm(**kwargs)
    choices = queries.offerable_commitments(current_user.organisation_id, offer_id=offer_id)
    form.commitment_id.choices = [(row.commitment.id, f"{row.commitment.contract.reference}: "
                                   f"{row.commitment.measure.name}") for row in choices]
    form.area_ids.choices = select_choices(active_area_choices())
    form.theme_ids.choices = select_choices(active_theme_choices())
    return form, [{"hint": {"text": f"{with_unit(row.left, row.commitment.measure.unit)} left to offer, due by "
                                    f"{long_date(row.commitment.due_on)}"}} for row in choices]


def _input(form: OfferForm) -> service.OfferInput:
    """The service's input from a validated form."""
    return service.OfferInput(
        commitment_id=form.commitment_id.data, title=form.title.data, summary=form.summary.data,
        description=form.description.data, category=NeedCategory(form.category.data), quantity=form.quantity.data,
        most_per_request=form.most_per_request.data, available_from=form.available_from.data,
        available_until=form.available_until.data, how_to_request=form.how_to_request.data,
        area_ids=form.area_ids.data, theme_ids=form.theme_ids.data)


def _form_data(offer) -> dict:
    """An offer's saved values in the form's terms."""
    return {"commitment_id": offer.commitment_id, "title": offer.title, "summary": offer.summary,
            "description": offer.description_source, "category": offer.category.value, "quantity": offer.quantity,
            "most_per_request": offer.most_per_request, "available_from": offer.available_from,
            "available_until": offer.available_until, "how_to_request": offer.how_to_request,
            "area_ids": [a.id for a in offer.areas], "theme_ids": [t.id for t in offer.themes]}


def _save_form(offer_id: int | None, data: dict | None = None):
    """Save the offer form through the service (then submit it if asked) and answer."""
    form, hints = _offer_form(offer_id, data=data) if data else _offer_form(offer_id)
    return carry_out(
        lambda: service.save_offer(current_user, _input(form), offer_id=offer_id, submit=form.submit_review.data),
        form=form, then=lambda offer: url_for(".offer", offer_id=offer.id),
        done="Your offer has been sent to a moderator for review." if form.submit_review.data
        else "Your offer has been saved as a draft.",
        page=lambda f: render_template("supplier/offer_form.html", form=f, hints=hints, offer_id=offer_id))


def _own_offer(offer_id: int):
    """An offer of the user's supplier, or 404 whoever else's it is."""
    offer = queries.offer_with_details(offer_id)
    return found(offer, offer is not None and offer.supplier_id == current_user.organisation_id)


@bp.get("/offers")
def offers():
    """Your supplier's offers, and every request for them, waiting ones first: each list has its own pages."""
    size, supplier_id = current_app.config["PAGE_SIZE"], current_user.organisation_id
    return render_template("supplier/offers.html", pagination=queries.supplier_offers(supplier_id, page_arg(), size),
                           requests=queries.supplier_offer_requests(supplier_id, page_arg("requests_page"), size))


@bp.route("/offers/new", methods=["GET", "POST"])
def new_offer():
    """Write a new offer on one of your commitments."""
    return _save_form(None)


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
def edit_offer(offer_id: int):
    """Change a draft or an offer sent back for changes."""
    offer = _own_offer(offer_id)
    refused = refuse_move(offer, "edit", url_for(".offer", offer_id=offer_id))
    return refused or _save_form(offer_id, _form_data(offer))


@bp.get("/offers/<int:offer_id>")
def offer(offer_id: int):
    """One of your offers: its status, what is left, and the requests for it."""
    offer = _own_offer(offer_id)
    return render_template("supplier/offer.html", offer=offer, left=queries.offer_left(offer), form=ConfirmForm(),
                           requests=queries.offer_requests(offer_id))


@bp.post("/offers/<int:offer_id>/submit")
def submit_offer(offer_id: int):
    """Send an offer to the moderators."""
    return carry_out(lambda: service.submit_offer(offer_id, current_user), then=url_for(".offer", offer_id=offer_id),
                     done="Your offer has been sent to a moderator for review.")


@bp.post("/offers/<int:offer_id>/close")
def close_offer(offer_id: int):
    """Close an open offer: it takes no more requests."""
    return carry_out(lambda: service.close_offer(offer_id, current_user), then=url_for(".offer", offer_id=offer_id),
                     done="Your offer is closed. Groups can no longer request it.")


def _request_page(request_id: int, decline_form=None) -> str:
    """One request for your offer with accept and decline, keeping a submitted form's errors."""
    offer_request = queries.offer_request_detail(request_id)
    found(offer_request, offer_request is not None and offer_request.supplier_id == current_user.organisation_id)
    return render_template("supplier/offer_request.html", offer_request=offer_request, form=decline_form,
                           decline_form=decline_form or DeclineRequestForm(formdata=None, prefix="decline"))


@bp.get("/offer-requests/<int:request_id>")
def offer_request(request_id: int):
    """One group's request for your offer."""
    return _request_page(request_id)


@bp.post("/offer-requests/<int:request_id>/accept")
def accept_offer_request(request_id: int):
    """Accept a request: it becomes an accepted pledge for you to deliver."""
    return carry_out(lambda: offer_requests.accept_request(request_id, current_user),
                     then=lambda pledge: url_for(".pledge", pledge_id=pledge.id),
                     back=url_for(".offer_request", request_id=request_id),
                     done="You have accepted the request. The group has been emailed. Deliver it, then mark it as "
                          "delivered here.")


@bp.post("/offer-requests/<int:request_id>/decline")
def decline_offer_request(request_id: int):
    """Decline a request with a reason for the group."""
    form = DeclineRequestForm(prefix="decline")
    return carry_out(lambda: offer_requests.decline_request(request_id, current_user, reason=form.reason.data),
                     form=form,
                     then=url_for(".offer_request", request_id=request_id),
                     done="You have declined the request. The group has been emailed your reason.",
                     page=lambda f: _request_page(request_id, f))
