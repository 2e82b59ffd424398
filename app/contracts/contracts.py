"""Contract pages: the council's contracts, one contract's progress and evidence, creating, editing and ending."""
from datetime import date

from flask import current_app, render_template, request, url_for
from flask_login import current_user

from app import permissions
from app.contracts import bp
from app.contracts.forms import ContractForm, EndContractForm
from app.forms.common import select_choices
from app.models import ContractStatus, LedgerEntry, Role, TargetKind
from app.models.progress import RAG_RULE, Rag
from app.queries.contracts import (
    approved_supplier_choices, contract_manager_choices, contract_page, council_contract, council_suppliers,
)
from app.queries.kpis import contract_kpis
from app.queries.policy import council_policy
from app.queries.portfolio import PORTFOLIO_COLUMNS, SORTS, PortfolioFilters, portfolio, portfolio_csv_rows
from app.queries.reference import active_theme_choices
from app.queries.reports import contract_months, ledger_csv_file
from app.queries.suggestions import commitment_suggestions
from app.services import contracts
from app.web.answers import carry_out, found, refuse_move
from app.web.guards import role_required
from app.web.charts import LineChart, pounds_line_chart
from app.web.csv_download import csv_file_response, csv_response
from app.web.request import enum_arg, id_arg, page_arg


def _contract_form(**kwargs) -> ContractForm:
    """A contract form offering approved suppliers and the council's contract managers."""
    form = ContractForm(policy=council_policy(current_user.organisation_id), **kwargs)
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
        target_pence=form.target_pence.data, target_percent=form.target_percent.data, ocid=form.ocid.data,
        notice_id=form.notice_id.data)


def _form_data(contract) -> dict:
    """A contract's saved values in the form's terms."""
    return {"reference": contract.reference, "title": contract.title, "supplier_id": contract.supplier_id,
            "value_pence": contract.value_pence, "starts_on": contract.starts_on, "ends_on": contract.ends_on,
            "contract_manager_id": contract.contract_manager_id, "target_kind": contract.target_kind.value,
            "target_pence": contract.target_pence, "target_percent": contract.target_percent, "ocid": contract.ocid,
            "notice_id": contract.notice_id}


def _own_contract(contract_id: int):
    """One of the council's contracts, or 404 whoever else's it is."""
    return found(council_contract(contract_id, current_user.organisation_id))


def _save_form(form: ContractForm, contract_id: int | None):
    """Save the contract form through the service and answer."""
    return carry_out(
        lambda: contracts.save_contract(current_user, _input(form), contract_id=contract_id), form=form,
        done=lambda c: f"Contract {c.reference} saved." + ("" if contract_id else " Now add its commitments."),
        then=lambda c: url_for(".contract", contract_id=c.id),
        back=url_for(".contract", contract_id=contract_id) if contract_id else url_for(".index"),
        page=lambda f: render_template("contracts/contract_form.html", form=f, contract_id=contract_id))


def _portfolio_filters() -> PortfolioFilters:
    """The portfolio's filters and sort from the query string; anything unrecognised is ignored."""
    args = request.args
    return PortfolioFilters(
        supplier_id=id_arg("supplier"), status=enum_arg(ContractStatus, args.get("status")), theme_id=id_arg("theme"),
        manager_id=id_arg("manager"), rag=enum_arg(Rag, args.get("rag")),
        sort=args.get("sort") if args.get("sort") in SORTS else "rag", descending=args.get("order") == "desc")


@bp.get("/")
def index():
    """The portfolio: the council's contracts with pounds committed, pledged, delivered and confirmed, and RAG."""
    filters, council = _portfolio_filters(), current_user.organisation_id
    listing = portfolio(council, filters, page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("contracts/index.html", listing=listing, filters=filters, rag_rule=RAG_RULE,
                           suppliers=council_suppliers(council), statuses=ContractStatus.choices(),
                           themes=active_theme_choices(), managers=contract_manager_choices(council),
                           rags=Rag.choices(), sorts=[(key, label) for key, (label, _) in SORTS.items()],
                           can_add=permissions.is_council(current_user, Role.CONTRACT_MANAGER))


@bp.get("/portfolio.csv")
def portfolio_csv():
    """The portfolio as CSV: every contract the filters match, in the same order."""
    listing = portfolio(current_user.organisation_id, _portfolio_filters(), 1, 1)
    return csv_response(f"portfolio-{date.today().isoformat()}.csv", PORTFOLIO_COLUMNS, portfolio_csv_rows(listing))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def new_contract():
    """Record a new contract with a supplier."""
    return _save_form(_contract_form(data={"contract_manager_id": current_user.id}), None)


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def edit_contract(contract_id: int):
    """Change a contract's details while it runs."""
    contract = _own_contract(contract_id)
    refused = refuse_move(contract, "edit", url_for(".contract", contract_id=contract_id),
                          "This contract has ended, so its details cannot change.")
    return refused or _save_form(_contract_form(data=_form_data(contract)), contract_id)


@bp.get("/<int:contract_id>")
def contract(contract_id: int):
    """A contract: its commitments' progress and every ledger entry with the evidence behind it."""
    page = contract_page(contract_id)
    found(page, page is not None and page.contract.buyer_id == current_user.organisation_id)
    suggested = commitment_suggestions(contract_id) if page.contract.can_edit(current_user) else {}
    months = contract_months(page.contract)
    return render_template("contracts/contract.html", page=page, contract=page.contract, suggested=suggested,
                           kpis=contract_kpis(page.contract), months=months,
                           chart=_progress_chart(page.contract, months))


def _progress_chart(contract, months) -> LineChart:
    """Cumulative confirmed pounds by month against a straight line to the target."""
    return pounds_line_chart(
        "Confirmed value by month against a straight line to the target",
        f"Cumulative confirmed social value for {contract.reference} each month from {months[0].month:%B %Y} to "
        f"{months[-1].month:%B %Y}, beside a straight line from nothing at the start to the target at the end. "
        "The table below gives the same figures.",
        [f"{row.month:%b %Y}" for row in months],
        [("Confirmed so far", [row.cumulative_pence for row in months], False),
         ("Straight line to the target", [row.on_track_pence for row in months], True)])


@bp.get("/<int:contract_id>/ledger.csv")
def ledger_csv(contract_id: int):
    """Every ledger entry of a contract with its evidence columns, as CSV (streamed)."""
    contract = _own_contract(contract_id)
    return csv_file_response(f"ledger-{contract.reference}-{date.today().isoformat()}.csv".replace("/", "-"),
                             ledger_csv_file(LedgerEntry.contract_id == contract.id))


@bp.route("/<int:contract_id>/end", methods=["GET", "POST"])
@role_required(Role.CONTRACT_MANAGER)
def end_contract(contract_id: int):
    """End a contract early, with a reason: its commitments take no new pledges."""
    contract, back = _own_contract(contract_id), url_for(".contract", contract_id=contract_id)
    form = EndContractForm()
    return refuse_move(contract, "end", back, "This contract has already ended.") or carry_out(
        lambda: contracts.end_contract(contract_id, current_user, reason=form.reason.data), form=form, then=back,
        done=f"Contract {contract.reference} has ended. Its commitments take no new pledges.",
        page=lambda f: render_template("contracts/end_contract.html", form=f, contract=contract))
