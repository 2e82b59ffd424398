"""Public pages for needs: browsing and searching open needs, and one need's page."""
from flask import render_template
from flask_login import current_user

from app.public import bp
from app.public.listings import listing_page, visible
from app.queries.needs import SORTS, NeedFilters, need_with_details, open_needs
from app.queries.pledges import need_remaining
from app.queries.suggestions import fitting_commitments


@bp.get("/needs")
def needs():
    """Browse and search open needs."""
    return listing_page(NeedFilters, open_needs, endpoint=".needs", template="public/needs.html", sorts=SORTS)


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """One need's page; unpublished needs only for their organisation and moderators."""
    need = visible(need_with_details(need_id))
    fits = fitting_commitments(current_user.organisation_id, need) if need.can_pledge(current_user) else []
    return render_template("public/need.html", need=need, remaining=need_remaining(need), fits=fits)
