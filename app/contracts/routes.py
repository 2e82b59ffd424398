"""Contract pages: the council's contracts, one contract's progress and evidence, creating, editing and ending."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.contracts import bp
from app.contracts.forms import ContractForm, EndContractForm
from app.forms.common import apply_service_error, select_choices
from app.models import ContractStatus, Role, TargetKind
from app.web.guards import role_required
from app.queries.contracts import (
    approved_supplier_choices, contract_manager_choices, contract_page, council_contract, council_contracts,
    council_suppliers,
)
from app.services import contracts
from app.errors import DomainError


def refused(error: DomainError, form, template: str, back: str, **context):
    """Answer a service's refusal: 404/403 as such, a field error on the form (422), otherwise flash and go back."""
    if error.status_code in (403, 404):
        abort(error.status_code)
    if apply_service_error(form, error):
        return render_template(template, form=form, **context), 422
    flash(error.message, "error")
    return redirect(back, 303)


def _contract_form(**kwargs) -> ContractForm:
    """A contract form offering approved suppliers and the council's contract managers."""
    form = ContractForm(**kwargs)
    form.supplier_id.choices = select_choices([("", "Select a supplier")] + approved_supplier_choices())
    form.contract_manager_id.choices = select_choices(
        [("", "Select a contract manager")] + contract_manager_choices(current_user.organisation_id))
    return form


def _input(form: ContractForm) -> contracts.ContractInput:
    """The service's input from a validated form."""
    return contracts.ContractInput(
        reference=form.reference.data, title=form.title.data, supplier_id=form.supplier_id.data,
        value_pence=form.value_pence.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        contract_manager_id=form.contract_manager_id.data, target_kind=TargetKind(form.target_kind.data),
        target_pence=form.target_pence.data, target_percent=form.target_percent.data)


def _form_data(contract) -> dict:
    """A contract's saved values in the form's terms."""
    return {"reference": contract.reference, "title": contract.title, "supplier_id": contract.supplier_id,
            "value_pence": contract.value_pence, "starts_on": contract.starts_on, "ends_on": contract.ends_on,
            "contract_manager_id": contract.contract_manager_id, "target_kind": contract.target_kind.value,
            "target_pence": contract.target_pence, "target_percent": contract.target_percent}


def _own_contract_or_404(contract_id: int):
    """One of the council's contracts, or 404 whoever else's it is."""
    contract = council_contract(contract_id, current_user.organisation_id)
    if contract is None:
        abort(404)
    return contract


@bp.get("/")
def index():
    """The council's contracts with confirmed pounds against each target."""
    supplier_id, status = request.args.get("supplier", type=int), request.args.get("status", "")
    status = status if status in {s.value for s in ContractStatus} else ""
    listing = council_contracts(current_user.organisation_id, request.args.get("page", 1, type=int),
                                current_app.config["PAGE_SIZE"], supplier_id=supplier_id, status=status)
    filters = {k: v for k, v in {"supplier": supplier_id, "status": status}.items() if v}
    return render_template("contracts/index.html", listing=listing, filters=filters,
                           suppliers=council_suppliers(current_user.organisation_id), statuses=ContractStatus.choices(),
                           can_manage=current_user.has_role(Role.CONTRACT_MANAGER))


def _save(form: ContractForm, contract_id: int | None):
    """Create or update through the service, then show the contract; re-render on a problem."""
    try:
        if contract_id is None:
            contract = contracts.create_contract(current_user, _input(form))
        else:
            contract = contracts.update_contract(contract_id, current_user, _input(form))
    except DomainError as error:
        back = url_for(".contract", contract_id=contract_id) if contract_id else url_for(".index")
        return refused(error, form, "contracts/contract_form.html", back, contract_id=contract_id)
    flash(f"Contract {contract.reference} saved." + ("" if contract_id else " Now add its commitments."), "success")
    return redirect(url_for(".contract", contract_id=contract.id), 303)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def new_contract():
    """Record a new contract with a supplier."""
    form = _contract_form(data={"contract_manager_id": current_user.id})
    if form.validate_on_submit():
        return _save(form, None)
    return render_template("contracts/contract_form.html", form=form, contract_id=None), 422 if form.errors else 200


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def edit_contract(contract_id: int):
    """Change a contract's details."""
    form = _contract_form(data=_form_data(_own_contract_or_404(contract_id)))
    if form.validate_on_submit():
        return _save(form, contract_id)
    return render_template("contracts/contract_form.html", form=form, contract_id=contract_id), \
        422 if form.errors else 200


@bp.get("/<int:contract_id>")
def contract(contract_id: int):
    """A contract: its commitments' progress and every ledger entry with the evidence behind it."""
    page = contract_page(contract_id)
    if page is None or page.contract.buyer_id != current_user.organisation_id:
        abort(404)
    return render_template("contracts/contract.html", page=page, contract=page.contract,
                           can_manage=current_user.has_role(Role.CONTRACT_MANAGER))


@bp.route("/<int:contract_id>/end", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def end_contract(contract_id: int):
    """End a contract early, with a reason: its commitments take no new pledges."""
    contract = _own_contract_or_404(contract_id)
    back = url_for(".contract", contract_id=contract_id)
    if contract.status is ContractStatus.ENDED:
        flash("This contract has already ended.", "error")
        return redirect(back, 303)
    form = EndContractForm()
    if form.validate_on_submit():
        try:
            contracts.end_contract(contract_id, current_user, reason=form.reason.data)
        except DomainError as error:
            return refused(error, form, "contracts/end_contract.html", back, contract=contract)
        flash(f"Contract {contract.reference} has ended. Its commitments take no new pledges.", "success")
        return redirect(back, 303)
    return render_template("contracts/end_contract.html", form=form, contract=contract), 422 if form.errors else 200
