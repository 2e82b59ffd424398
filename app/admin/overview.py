"""The admin overview and the audit log."""
from flask import current_app, render_template

from app.admin import bp
from app.queries import admin as queries
from app.web.request import page_arg


@bp.get("/")
def index():
    """The admin overview: what there is to manage, with counts."""
    return render_template("admin/index.html", counts=queries.admin_counts())


@bp.get("/audit")
def audit_log():
    """Who did what, newest first."""
    pagination = queries.audit_events(page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("admin/audit.html", pagination=pagination)
