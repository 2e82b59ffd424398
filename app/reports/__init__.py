"""Reports for council staff: the council overview and the annual social value report."""
from flask import Blueprint

from app.models import Role
from app.web.guards import require_role

bp = Blueprint("reports", __name__)
bp.before_request(require_role(Role.CONTRACT_MANAGER, Role.MODERATOR, Role.ADMIN))

from app.reports import annual, overview  # noqa: E402,F401
