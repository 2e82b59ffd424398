"""Supplier pages for contracts: what each commitment has committed, pledged, delivered and confirmed."""
from flask import render_template
from flask_login import current_user

from app.queries import pledges as queries
from app.supplier import bp


@bp.get("/contracts")
def contracts():
    """Your contracts: for each commitment, what is committed, pledged, delivered, confirmed and left."""
    return render_template("supplier/contracts.html",
                           contracts=queries.supplier_contracts_with_figures(current_user.organisation_id))
