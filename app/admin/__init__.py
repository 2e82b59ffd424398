"""The platform administrators' area: users' roles and the reference lists."""
from flask import Blueprint

from app.models import Role
from app.web.guards import require_role

bp = Blueprint("admin", __name__)
bp.before_request(require_role(Role.ADMIN))

from app.admin import areas, measures, outbox, overview, policy, users  # noqa: E402,F401
