"""Commitment pages: adding a social value commitment to a contract, and changing one."""
from flask import render_template, url_for
from flask_login import current_user

from app.contracts import bp
from app.contracts.forms import CommitmentForm
from app.forms.common import select_choices
from app.models import Role
from app.queries.contracts import council_commitment, council_contract, measure_choices
from app.queries.reference import active_area_choices, active_theme_choices
from app.services import contracts, suggestions
from app.web.answers import carry_out, found, refuse_move
from app.web.guards import role_required


def _commitment_form(**kwargs) -> CommitmentForm:
    """A commitment form with today's active measures, themes and areas."""
    form = CommitmentForm(**kwargs)
    form.measure_id.choices = select_choices([("", "Select a measure")] + measure_choices())
    form.theme_ids.choices = select_choices(active_theme_choices())
    form.area_ids.choices = select_choices(active_area_choices())
    return form


def _input(form: CommitmentForm) -> contracts.CommitmentInput:
    """The service's input from a validated form."""
    return contracts.CommitmentInput(
        measure_id=form.measure_id.data, quantity=form.quantity.data, due_on=form.due_on.data,
        note=form.note.data or "", theme_ids=form.theme_ids.data or [], area_ids=form.area_ids.data or [],
        is_kpi=bool(form.is_kpi.data))


def _form_data(commitment) -> dict:
    """A commitment's saved values in the form's terms."""
    return {"measure_id": commitment.measure_id, "quantity": commitment.quantity, "due_on": commitment.due_on,
            "note": commitment.note, "theme_ids": [t.id for t in commitment.themes],
            "area_ids": [a.id for a in commitment.areas], "is_kpi": commitment.is_kpi}


def _save_form(form: CommitmentForm, call, done: str, contract, commitment=None):
    """Save the commitment form through the service and go back to the contract."""
    return carry_out(call, form=form, done=done, then=url_for(".contract", contract_id=contract.id),
                     page=lambda f: render_template("contracts/commitment_form.html", form=f, contract=contract,
                                                    commitment=commitment))


@bp.route("/<int:contract_id>/commitments/new", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def new_commitment(contract_id: int):
    """Add a social value commitment to a contract."""
    contract = found(council_contract(contract_id, current_user.organisation_id))
    form = _commitment_form()
    return refuse_move(contract, "add_commitment", url_for(".contract", contract_id=contract_id),
                       "This contract has ended, so it cannot take new commitments.") or _save_form(
        form, lambda: contracts.add_commitment(contract_id, current_user, _input(form)), "Commitment added.", contract)


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def edit_commitment(commitment_id: int):
    """Change a commitment, never below what is already pledged or delivered against it."""
    commitment = found(council_commitment(commitment_id, current_user.organisation_id))
    form = _commitment_form(data=_form_data(commitment))
    return _save_form(form, lambda: contracts.update_commitment(commitment_id, current_user, _input(form)),
                      "Commitment saved.", commitment.contract, commitment)


@bp.post("/commitments/<int:commitment_id>/send-suggestions")
@role_required(Role.CONTRACT_MANAGER)
def send_suggestions(commitment_id: int):
    """Email the supplier the open needs that could close this commitment's gap (at most once a week)."""
    commitment = found(council_commitment(commitment_id, current_user.organisation_id))
    back = url_for(".contract", contract_id=commitment.contract_id)
    return carry_out(lambda: suggestions.send_to_supplier(commitment_id, current_user), then=back, back=back,
                     done=lambda views: f"{len(views)} open {'need' if len(views) == 1 else 'needs'} sent to "
                                        f"{commitment.contract.supplier.name}.")
