"""Pages for members of VCSE organisations: their needs (and, later, pledges to them)."""
from flask import Blueprint

from app.models import OrganisationKind
from app.web.guards import require_kind

bp = Blueprint("vcse", __name__)
bp.before_request(require_kind(OrganisationKind.VCSE))

from app.vcse import needs, offers, pledges  # noqa: E402,F401
