"""A small world for the pledge loop: a council, a supplier with a contract and commitment, a VCSE with a need."""
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Commitment, Contract, TargetKind, User


_references = itertools.count(1)


@dataclass
class LoopWorld:
    """Ids of everything a pledge needs."""

    council: int
    manager: int
    moderator: int
    supplier: int
    supplier_user: int
    vcse: int
    vcse_user: int
    measure: int
    contract: int
    commitment: int
    need: int


def build_loop_world(app, make, *, commitment_qty="100", need_qty="50", pence=1221) -> LoopWorld:
    """Create the world with factories and a contract + commitment, returning ids."""
    council = make.organisation(kind="buyer", name="Loop Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    moderator = make.council_user("moderator", organisation_id=council)
    supplier = make.organisation(kind="supplier")
    supplier_user = make.user(supplier)
    vcse = make.organisation(kind="vcse")
    vcse_user = make.user(vcse)
    measure = make.measure(categories=("volunteers",), pence=pence)
    need = make.need(vcse, status="open", category="volunteers", measure_id=measure, quantity=need_qty)
    contract_id, commitment_id = add_contract(app, council, supplier, manager, measure, commitment_qty)
    return LoopWorld(council, manager, moderator, supplier, supplier_user, vcse, vcse_user, measure,
                     contract_id, commitment_id, need)


def add_contract(app, council, supplier, manager, measure, quantity="100", *, ends_in_days=365):
    """A running contract with one commitment; returns (contract id, commitment id)."""
    with app.app_context():
        contract = Contract(
            buyer_id=council, supplier_id=supplier, reference=f"C-{next(_references)}",
            title="Highways maintenance", value_pence=100_000_000, starts_on=date.today() - timedelta(days=30),
            ends_on=date.today() + timedelta(days=ends_in_days), contract_manager_id=manager,
            target_kind=TargetKind.PERCENT, target_percent=Decimal("10"), created_by_id=manager)
        commitment = Commitment(contract=contract, measure_id=measure, quantity=Decimal(quantity),
                                due_on=date.today() + timedelta(days=180))
        db.session.add_all([contract, commitment])
        db.session.commit()
        ids = contract.id, commitment.id
        db.session.remove()
        return ids


def user(user_id: int) -> User:
    """A user loaded in the current app context (for calling services directly)."""
    return db.session.get(User, user_id)


def delivered_pledge(world: LoopWorld, quantity: str = "10"):
    """A pledge offered, accepted and marked delivered today through the services, in the caller's app context."""
    from app.services import pledges

    pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                 quantity=Decimal(quantity), message="", proposed_on=date.today())
    pledges.accept_pledge(pledge.id, user(world.vcse_user))
    pledges.mark_delivered(pledge.id, user(world.supplier_user), quantity=Decimal(quantity), delivered_on=date.today(),
                           note="Done")
    return pledge
