"""Pages for any signed-in user: their account, their team, the waiting page."""
from flask import Blueprint

from app.web.guards import require_signed_in

bp = Blueprint("account", __name__)
bp.before_request(require_signed_in)

from app.account import notifications, profile, team  # noqa: E402,F401
