"""Public pages: home, accessibility statement, health check."""
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from app.extensions import db
from app.public import bp
from app.queries.needs import SORTS, NeedFilters, need_with_details, open_needs
from app.queries.pledges import need_remaining
from app.queries.reference import filter_choices


@bp.get("/")
def index():
    """The home page: what the service is for."""
    return render_template("public/index.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("public/accessibility.html")


@bp.get("/privacy")
def privacy():
    """How the service uses personal data."""
    return render_template("public/privacy.html")


@bp.get("/healthz")
def healthz():
    """Whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok")
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503


@bp.get("/needs")
def needs():
    """Browse and search open needs."""
    filters = NeedFilters.from_args(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
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
    if need is None or not need.can_view(current_user):
        abort(404)
    return render_template("public/need.html", need=need, remaining=need_remaining(need))
