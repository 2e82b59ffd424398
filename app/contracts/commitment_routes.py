"""Commitment pages, and reversing a wrong ledger entry."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.contracts import bp
from app.contracts.forms import CommitmentForm, ReverseEntryForm
from app.contracts.routes import refused
from app.forms.common import select_choices
from app.models import ContractStatus, Role
from app.web.guards import role_required
from app.queries.contracts import council_commitment, council_contract, council_ledger_entry, measure_choices
from app.queries.reference import active_area_choices, active_theme_choices
from app.services import contracts, ledger
from app.errors import DomainError


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
        note=form.note.data or "", theme_ids=form.theme_ids.data or [], area_ids=form.area_ids.data or [])


@bp.route("/<int:contract_id>/commitments/new", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def new_commitment(contract_id: int):
    """Add a social value commitment to a contract."""
    contract = council_contract(contract_id, current_user.organisation_id)
    if contract is None:
        abort(404)
    back = url_for(".contract", contract_id=contract_id)
    if contract.status is ContractStatus.ENDED:
        flash("This contract has ended, so it cannot take new commitments.", "error")
        return redirect(back, 303)
    form = _commitment_form()
    if form.validate_on_submit():
        try:
            contracts.add_commitment(contract_id, current_user, _input(form))
        except DomainError as error:
            return refused(error, form, "contracts/commitment_form.html", back, contract=contract, commitment=None)
        flash("Commitment added.", "success")
        return redirect(back, 303)
    return render_template("contracts/commitment_form.html", form=form, contract=contract, commitment=None), \
        422 if form.errors else 200


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def edit_commitment(commitment_id: int):
    """Change a commitment, never below what is already pledged or delivered against it."""
    commitment = council_commitment(commitment_id, current_user.organisation_id)
    if commitment is None:
        abort(404)
    contract, back = commitment.contract, url_for(".contract", contract_id=commitment.contract_id)
    form = _commitment_form(data={
        "measure_id": commitment.measure_id, "quantity": commitment.quantity, "due_on": commitment.due_on,
        "note": commitment.note, "theme_ids": [t.id for t in commitment.themes],
        "area_ids": [a.id for a in commitment.areas]})
    if form.validate_on_submit():
        try:
            contracts.update_commitment(commitment_id, current_user, _input(form))
        except DomainError as error:
            return refused(error, form, "contracts/commitment_form.html", back, contract=contract,
                           commitment=commitment)
        flash("Commitment saved.", "success")
        return redirect(back, 303)
    return render_template("contracts/commitment_form.html", form=form, contract=contract, commitment=commitment), \
        422 if form.errors else 200


@bp.route("/ledger/<int:entry_id>/reverse", methods=["GET", "POST"])
def reverse_entry(entry_id: int):
    """Correct a wrong ledger entry by reversing it, with a reason; an entry can be reversed once."""
    found = council_ledger_entry(entry_id, current_user.organisation_id)
    if found is None:
        abort(404)
    back = url_for(".contract", contract_id=found.contract.id)
    form = ReverseEntryForm()
    if form.validate_on_submit():
        try:
            ledger.reverse_entry(entry_id, current_user, reason=form.reason.data)
        except DomainError as error:
            return refused(error, form, "contracts/reverse_entry.html", back, found=found)
        flash("The entry has been reversed. The contract's totals no longer count it.", "success")
        return redirect(back, 303)
    return render_template("contracts/reverse_entry.html", form=form, found=found), 422 if form.errors else 200
