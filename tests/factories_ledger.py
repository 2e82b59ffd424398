"""Factories for contracts, commitments, pledges and ledger entries; each takes an app and returns ids.

Pledges are walked through the real services, so every ledger entry is one the product itself would write.
"""
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Commitment, Contract, Pledge, TargetKind, User
from app.services import pledges

TODAY = date.today()
_seq = itertools.count(1)


def ensure_pledge_links(app) -> None:
    """Pledge emails link to vcse.pledge and supplier.pledge; stand in for them until those pages exist.

    Call before the app handles its first request.
    """
    for endpoint in ("vcse.pledge", "supplier.pledge"):
        if endpoint not in app.view_functions:
            app.add_url_rule(f"/_test/{endpoint}/<int:pledge_id>", endpoint=endpoint,
                             view_func=lambda pledge_id: "stand-in")


def contract(app, buyer_id: int, supplier_id: int, manager_id: int, *, reference: str | None = None,
             value_pence: int = 100_000_000, target_percent: str | None = "10", target_pence: int | None = None,
             ends_on: date | None = None) -> int:
    """A running contract (a percentage target unless target_pence is given)."""
    with app.app_context():
        row = Contract(
            buyer_id=buyer_id, supplier_id=supplier_id, reference=reference or f"REF-{next(_seq)}",
            title=f"Contract {next(_seq)}", value_pence=value_pence, starts_on=TODAY - timedelta(days=30),
            ends_on=ends_on or TODAY + timedelta(days=365), contract_manager_id=manager_id,
            target_kind=TargetKind.POUNDS if target_pence else TargetKind.PERCENT,
            target_pence=target_pence, target_percent=None if target_pence else Decimal(target_percent),
            created_by_id=manager_id)
        db.session.add(row)
        db.session.commit()
        contract_id = row.id
        db.session.remove()
        return contract_id


def commitment(app, contract_id: int, measure_id: int, quantity: str = "100", *, due_on: date | None = None) -> int:
    """A commitment of a contract."""
    with app.app_context():
        row = Commitment(contract_id=contract_id, measure_id=measure_id, quantity=Decimal(quantity),
                         due_on=due_on or TODAY + timedelta(days=180))
        db.session.add(row)
        db.session.commit()
        commitment_id = row.id
        db.session.remove()
        return commitment_id


def _user(user_id: int) -> User:
    """A user loaded in the current app context, for calling services."""
    return db.session.get(User, user_id)


def offered_pledge(app, need_id: int, commitment_id: int, supplier_user: int, quantity: str = "10") -> int:
    """A pledge offered through the service."""
    with app.app_context():
        pledge = pledges.make_pledge(_user(supplier_user), need_id=need_id, commitment_id=commitment_id,
                                     quantity=Decimal(quantity), message="We can help", proposed_on=TODAY)
        pledge_id = pledge.id
        db.session.remove()
        return pledge_id


def delivered_pledge(app, need_id: int, commitment_id: int, supplier_user: int, vcse_user: int,
                     quantity: str = "10", *, delivered_on: date | None = None) -> int:
    """A pledge offered, accepted and marked delivered through the services (made on the delivery day if past)."""
    pledge_id = offered_pledge(app, need_id, commitment_id, supplier_user, quantity)
    with app.app_context():
        if delivered_on:  # a delivery in the past needs a pledge made no later
            db.session.get(Pledge, pledge_id).created_at = datetime.combine(delivered_on, time())
            db.session.commit()
        pledges.accept_pledge(pledge_id, _user(vcse_user))
        pledges.mark_delivered(pledge_id, _user(supplier_user), quantity=Decimal(quantity),
                               delivered_on=delivered_on or TODAY, note="Painted the community hall")
        db.session.remove()
    return pledge_id


def confirmed_entry(app, need_id: int, commitment_id: int, supplier_user: int, vcse_user: int,
                    quantity: str = "10", *, story: str = "The hall looks welcoming again.") -> int:
    """A delivery confirmed by the VCSE through the services; returns the ledger entry's id."""
    pledge_id = delivered_pledge(app, need_id, commitment_id, supplier_user, vcse_user, quantity)
    with app.app_context():
        entry = pledges.confirm_delivery(pledge_id, _user(vcse_user), quantity=Decimal(quantity), story=story)
        entry_id = entry.id
        db.session.remove()
        return entry_id


def disputed_pledge(app, need_id: int, commitment_id: int, supplier_user: int, vcse_user: int,
                    quantity: str = "10", *, delivered_on: date | None = None,
                    reason: str = "Only half the volunteers came.") -> int:
    """A delivery the VCSE disputed through the services."""
    pledge_id = delivered_pledge(app, need_id, commitment_id, supplier_user, vcse_user, quantity,
                                 delivered_on=delivered_on)
    with app.app_context():
        pledges.dispute_delivery(pledge_id, _user(vcse_user), reason=reason)
        db.session.remove()
    return pledge_id


@dataclass
class LedgerWorld:
    """Ids of a council with its staff, a supplier with a contract and commitment, and a VCSE with an open need."""

    council: int
    manager: int
    moderator: int
    supplier: int
    supplier_user: int
    vcse: int
    vcse_user: int
    measure: int
    need: int
    contract: int
    commitment: int


def ledger_world(app, make, *, need_quantity: str = "100", commitment_quantity: str = "100",
                 pence: int = 1221) -> LedgerWorld:
    """Build a LedgerWorld with the `make` factories and the ones here."""
    ensure_pledge_links(app)
    council = make.organisation(kind="buyer", name=f"Council {next(_seq)}")
    manager = make.council_user("contract_manager", organisation_id=council)
    moderator = make.council_user("moderator", organisation_id=council)
    supplier = make.organisation(kind="supplier")
    supplier_user = make.user(supplier)
    vcse = make.organisation(kind="vcse")
    vcse_user = make.user(vcse)
    measure = make.measure(categories=("volunteers",), pence=pence)
    need = make.need(vcse, status="open", measure_id=measure, quantity=need_quantity)
    contract_id = contract(app, council, supplier, manager)
    commitment_id = commitment(app, contract_id, measure, commitment_quantity)
    return LedgerWorld(council, manager, moderator, supplier, supplier_user, vcse, vcse_user, measure, need,
                       contract_id, commitment_id)
