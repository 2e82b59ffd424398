"""Public pages: home, accessibility statement, privacy notice and the health check."""
from flask import jsonify, render_template
from sqlalchemy import text

from app.extensions import db
from app.public import bp


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
