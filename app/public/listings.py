"""What the public pages for needs and offers share: one list page with filters, and one listing's page."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.queries.reference import filter_choices
from app.web.answers import found
from app.web.request import page_arg


def listing_page(filters_class, open_listings, *, endpoint: str, template: str, sorts):
    """A page of open listings with the filters and page from the URL; past the end, the last page."""
    filters, page = filters_class.from_args(request.args), page_arg()
    pagination = open_listings(filters, page, current_app.config["PAGE_SIZE"])
    if page > pagination.pages > 0:
        # Past the end (an old link, or listings closed since): the last page, with the same filters.
        return redirect(url_for(endpoint, **filters.as_args(), page=pagination.pages), 302)
    return render_template(template, pagination=pagination, filters=filters, sorts=sorts, choices=filter_choices())


def visible(listing):
    """The listing, if it exists and this user may see it (published, or theirs, or a moderator); otherwise 404."""
    return found(listing, listing is not None and listing.can_view(current_user))
