"""Public pages for standing offers: browsing and searching open offers, and one offer's page."""
from flask import render_template

from app.public import bp
from app.public.listings import listing_page, visible
from app.queries.offers import OFFER_SORTS, OfferFilters, offer_left, offer_with_details, open_offers


@bp.get("/offers")
def offers():
    """Browse and search open offers, with the same filters as needs."""
    return listing_page(OfferFilters, open_offers, endpoint=".offers", template="public/offers.html",
                        sorts=OFFER_SORTS)


@bp.get("/offers/<int:offer_id>")
def offer(offer_id: int):
    """One offer's page; unpublished offers only for their supplier and moderators."""
    offer = visible(offer_with_details(offer_id))
    return render_template("public/offer.html", offer=offer, left=offer_left(offer))
