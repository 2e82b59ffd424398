"""Pages for members of supplier organisations: their contracts and their pledges to needs."""
from flask import Blueprint

from app.models import OrganisationKind
from app.web.guards import require_kind

bp = Blueprint("supplier", __name__)
bp.before_request(require_kind(OrganisationKind.SUPPLIER))

from app.supplier import contracts, offers, pledges, suggestions  # noqa: E402,F401
