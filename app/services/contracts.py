"""Contracts and their commitments, managed by the council's contract managers."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.email import email_link, queue_email
from app import permissions
from app.extensions import db
from app.models.lifecycle import require_move
from app.formatting import with_unit
from app.models import (
    Area, Commitment, Contract, ContractStatus, EmailKind, Measure, Organisation, OrganisationKind, OrganisationStatus, Role,
    TargetKind, Theme, User,
)
from app.queries.capacity import commitment_held
from app.queries.pledges import contract_has_pledges
from app.services.audit import add_recorded, record_audit
from app.services.identifiers import contract_notice_id, contract_ocid
from app.errors import Invalid, NotAllowed, NotFound
from app.services.transactions import locked, unique_or_field_error



@dataclass
class ContractInput:
    """What a contract manager enters for a contract."""

    reference: str
    title: str
    supplier_id: int
    value_pence: int
    starts_on: date
    ends_on: date
    contract_manager_id: int
    target_kind: TargetKind
    target_pence: int | None = None
    target_percent: Decimal | None = None
    ocid: str | None = None
    notice_id: str | None = None


@dataclass
class CommitmentInput:
    """What a contract manager enters for a commitment."""

    measure_id: int
    quantity: Decimal
    due_on: date
    note: str = ""
    theme_ids: list[int] = field(default_factory=list)
    area_ids: list[int] = field(default_factory=list)
    is_kpi: bool | None = None  # published as a KPI; None leaves it as it is


def _require_contract_manager(user: User) -> None:
    """Only council contract managers manage contracts."""
    if not permissions.is_council(user, Role.CONTRACT_MANAGER):
        raise NotAllowed("Only contract managers can do this.")


def _council_contract(contract_id: int, user: User, *, lock: bool = False) -> Contract:
    """A contract of the user's council; 404 for any other."""
    contract = locked(Contract, contract_id) if lock else db.session.get(Contract, contract_id)
    if contract is None or contract.buyer_id != user.organisation_id:
        raise NotFound("No such contract.")
    return contract


def _check_contract(data: ContractInput, buyer_id: int, contract_id: int | None) -> None:
    """The rules a contract's details must meet."""
    supplier = db.session.get(Organisation, data.supplier_id)
    if supplier is None or supplier.kind is not OrganisationKind.SUPPLIER or supplier.status is not OrganisationStatus.APPROVED:
        raise Invalid("Select an approved supplier", "supplier_id")
    clash = db.session.scalar(select(Contract.id).where(
        Contract.buyer_id == buyer_id, Contract.reference == data.reference.strip(), Contract.id != (contract_id or 0)))
    if clash:
        raise Invalid("Another contract already has this reference", "reference")
    manager = db.session.get(User, data.contract_manager_id)
    if manager is None or manager.organisation_id != buyer_id or not manager.has_role(Role.CONTRACT_MANAGER):
        raise Invalid("Select a contract manager from your council", "contract_manager_id")
    if data.ends_on < data.starts_on:
        raise Invalid("The end date must be on or after the start date", "ends_on")
    if data.value_pence <= 0:
        raise Invalid("Contract value must be more than £0", "value_pence")
    if data.target_kind is TargetKind.PERCENT and not (data.target_percent is not None and 0 < data.target_percent <= 100):
        raise Invalid("Target percentage must be between 0 and 100", "target_percent")
    if data.target_kind is TargetKind.POUNDS and not (data.target_pence is not None and data.target_pence > 0):
        raise Invalid("Target must be more than £0", "target_pence")
    data.ocid, data.notice_id = contract_ocid(data.ocid), contract_notice_id(data.notice_id)


REFERENCE_TAKEN = "Another contract already has this reference"


def _copy_contract(contract: Contract, data: ContractInput) -> None:
    """Copy checked details onto a contract."""
    contract.reference, contract.title = data.reference.strip(), data.title.strip()
    contract.supplier_id, contract.value_pence = data.supplier_id, data.value_pence
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.contract_manager_id, contract.target_kind = data.contract_manager_id, data.target_kind
    contract.target_pence = data.target_pence if data.target_kind is TargetKind.POUNDS else None
    contract.target_percent = data.target_percent if data.target_kind is TargetKind.PERCENT else None
    contract.ocid, contract.notice_id = data.ocid, data.notice_id


def create_contract(user: User, data: ContractInput) -> Contract:
    """Record a contract between the user's council and an approved supplier."""
    _require_contract_manager(user)
    _check_contract(data, user.organisation_id, None)
    contract = Contract(buyer_id=user.organisation_id, created_by_id=user.id)
    _copy_contract(contract, data)
    with unique_or_field_error(REFERENCE_TAKEN, "reference"):
        db.session.add(contract)
        db.session.flush()
    record_audit(user, "contract.created", contract)
    db.session.commit()
    return contract


def update_contract(contract_id: int, user: User, data: ContractInput) -> Contract:
    """Change a contract's details; the supplier cannot change once pledges exist."""
    _require_contract_manager(user)
    contract = _council_contract(contract_id, user, lock=True)
    require_move(contract, "edit", user, "This contract has ended, so its details cannot change.")
    # Any pledge at all (even a declined one) ties the contract to its supplier's history.
    if data.supplier_id != contract.supplier_id and contract_has_pledges(contract.id):
        raise Invalid("The supplier cannot change once it has pledged against this contract", "supplier_id")
    _check_contract(data, user.organisation_id, contract.id)
    _copy_contract(contract, data)
    record_audit(user, "contract.updated", contract)
    with unique_or_field_error(REFERENCE_TAKEN, "reference"):
        db.session.commit()
    return contract


def save_contract(user: User, data: ContractInput, *, contract_id: int | None = None) -> Contract:
    """Record a new contract, or change an existing one's details."""
    return create_contract(user, data) if contract_id is None else update_contract(contract_id, user, data)


def end_contract(contract_id: int, user: User, *, reason: str, today: date | None = None) -> Contract:
    """End a contract early: its commitments take no new pledges."""
    _require_contract_manager(user)
    if not (reason or "").strip():
        raise Invalid("Enter why the contract is ending early", "reason")
    contract = _council_contract(contract_id, user, lock=True)
    require_move(contract, "end", user, "This contract has already ended.")
    contract.status, contract.ended_on, contract.end_reason = ContractStatus.ENDED, today or date.today(), reason.strip()
    record_audit(user, "contract.ended", contract, reason=reason.strip())
    queue_email(contract.supplier.users, "contract_ended", f"Contract {contract.reference} has ended early",
                contract=contract, reason=contract.end_reason, link=email_link("supplier_contracts"),
                kind=EmailKind.ACTION_NEEDED)
    db.session.commit()
    return contract


def _apply_commitment(commitment: Commitment, data: CommitmentInput) -> None:
    """Check and copy a commitment's details."""
    measure = db.session.get(Measure, data.measure_id)
    if measure is None or not measure.is_active:
        raise Invalid("Select a measure", "measure_id")
    if data.quantity is None or data.quantity <= 0:
        raise Invalid("Quantity must be more than 0", "quantity")
    commitment.measure_id, commitment.quantity, commitment.due_on = measure.id, data.quantity, data.due_on
    commitment.note = (data.note or "").strip()
    if data.is_kpi is not None:
        commitment.is_kpi = data.is_kpi
    commitment.themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids))))
    commitment.areas = list(db.session.scalars(select(Area).where(Area.id.in_(data.area_ids))))


def add_commitment(contract_id: int, user: User, data: CommitmentInput) -> Commitment:
    """Add a social value commitment to a contract."""
    _require_contract_manager(user)
    contract = _council_contract(contract_id, user, lock=True)  # so it cannot end while the commitment is added
    require_move(contract, "add_commitment", user, "This contract has ended, so it cannot take new commitments.")
    commitment = Commitment(contract_id=contract.id)
    _apply_commitment(commitment, data)
    add_recorded(user, commitment, "commitment.created", contract_id=contract.id)
    db.session.commit()
    return commitment


def update_commitment(commitment_id: int, user: User, data: CommitmentInput) -> Commitment:
    """Change a commitment, never below what is already pledged or delivered against it."""
    _require_contract_manager(user)
    commitment = locked(Commitment, commitment_id)
    if commitment is None or commitment.contract.buyer_id != user.organisation_id:
        raise NotFound("No such commitment.")
    require_move(commitment, "edit", user)
    held = commitment_held(commitment.id)
    if held and data.measure_id != commitment.measure_id:
        raise Invalid("The measure cannot change once pledges have been made against it", "measure_id")
    if data.quantity is not None and data.quantity < held:
        raise Invalid(
            f"Quantity cannot be less than the {with_unit(held, commitment.measure.unit)} already pledged or "
            "delivered against this commitment", "quantity")
    _apply_commitment(commitment, data)
    record_audit(user, "commitment.updated", commitment, quantity=str(commitment.quantity))
    db.session.commit()
    return commitment
