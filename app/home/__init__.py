"""The home page of tasks: what needs each signed-in person's action now."""
from flask import Blueprint

from app.web.guards import require_service_user

bp = Blueprint("home", __name__)
bp.before_request(require_service_user)

from app.home import evidence, tasks  # noqa: E402,F401
