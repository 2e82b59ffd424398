"""Public pages for needs: browsing and searching open needs, and one need's page."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.public import bp
from app.queries.needs import SORTS, NeedFilters, need_with_details, open_needs
from app.queries.pledges import need_remaining
from app.queries.reference import filter_choices
from app.queries.suggestions import fitting_commitments
from app.web.answers import found
from app.web.request import page_arg


@bp.get("/needs")
def needs():
    """Browse and search open needs."""
    filters, page = NeedFilters.from_args(request.args), page_arg()
    pagination = open_needs(filters, page, current_app.config["PAGE_SIZE"])
    if page > pagination.pages > 0:
        # Past the end (an old link, or needs closed since): the last page, with the same filters.
        return redirect(url_for(".needs", **filters.as_args(), page=pagination.pages), 302)
    return render_template("public/needs.html", pagination=pagination, filters=filters, sorts=SORTS,
                           choices=filter_choices())


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """One need's page; unpublished needs only for their organisation and moderators."""
    need = need_with_details(need_id)
    found(need, need is not None and need.can_view(current_user))
    fits = fitting_commitments(current_user.organisation_id, need) if need.can_pledge(current_user) else []
    return render_template("public/need.html", need=need, remaining=need_remaining(need), fits=fits)
