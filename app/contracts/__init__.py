"""The contract managers' area: contracts, commitments, progress and the evidence behind every pound."""
from flask import Blueprint

from app.models import Role
from app.web.guards import require_role

bp = Blueprint("contracts", __name__)
# Moderators may read contracts and reverse entries; changing contracts needs the contract manager role per view.
bp.before_request(require_role(Role.CONTRACT_MANAGER, Role.MODERATOR))

from app.contracts import commitments, contracts, kpis, ledger  # noqa: E402,F401
