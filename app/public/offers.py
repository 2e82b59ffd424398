"""Public pages for standing offers: browsing and searching open offers, and one offer's page."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.public import bp
from app.queries.offers import OFFER_SORTS, OfferFilters, offer_left, offer_with_details, open_offers
from app.queries.reference import filter_choices
from app.web.answers import found
from app.web.request import page_arg


@bp.get("/offers")
def offers():
    """Browse and search open offers, with the same filters as needs."""
    filters, page = OfferFilters.from_args(request.args), page_arg()
    pagination = open_offers(filters, page, current_app.config["PAGE_SIZE"])
    if page > pagination.pages > 0:
        return redirect(url_for(".offers", **filters.as_args(), page=pagination.pages), 302)
    return render_template("public/offers.html", pagination=pagination, filters=filters, sorts=OFFER_SORTS,
                           choices=filter_choices())


@bp.get("/offers/<int:offer_id>")
def offer(offer_id: int):
    """One offer's page; unpublished offers only for their supplier and moderators."""
    offer = offer_with_details(offer_id)
    found(offer, offer is not None and offer.can_view(current_user))
    return render_template("public/offer.html", offer=offer, left=offer_left(offer))
