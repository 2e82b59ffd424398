"""The council moderators' area: registrations (and later, needs and disputes)."""
from flask import Blueprint

from app.models import Role
from app.web.guards import require_role

bp = Blueprint("moderation", __name__)
bp.before_request(require_role(Role.MODERATOR))

from app.moderation import case_studies, disputes, needs, offers, organisations, overview  # noqa: E402,F401
