"""Every status × move × role: the page offers an action exactly when the service accepts it.

For each lifecycle move (declared once, in the model's MOVES table), each status its model can be in and each
role, a fresh object is made in that status; the role's page for it is read for the action's form or link; then
the service is asked to make the move as that role. A move counts as accepted when the service raised no
domain error and recorded an audit event (a repeated confirmation is a no-op, not an acceptance).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.models import AuditEvent, Contract, ContractStatus, Need, NeedStatus, Organisation, OrganisationStatus
from app.models import NeedCategory, Offer, OfferRequest, OfferRequestStatus, OfferStatus
from app.models import Pledge, PledgeStatus, TargetKind, User
from app.services import contracts, kpis, needs, offer_requests, offers, organisations, pledges
from tests import factories_contracts, factories_ledger, factories_offers
from tests.conftest import login_as

ROLES = ("vcse", "supplier", "moderator", "contract_manager", "admin")
TODAY = date.today()


@dataclass
class World:
    """Ids of everyone and everything the cases need."""

    ledger: factories_ledger.LedgerWorld
    users: dict
    area: int
    theme: int


@pytest.fixture
def world(app, make) -> World:
    """A council with its staff, a supplier with a contract and commitment, and a VCSE."""
    ledger = factories_ledger.ledger_world(app, make, commitment_quantity="100000")
    admin = make.council_user("admin", organisation_id=ledger.council)
    users = {"vcse": ledger.vcse_user, "supplier": ledger.supplier_user, "moderator": ledger.moderator,
             "contract_manager": ledger.manager, "admin": admin}
    return World(ledger, users, make.area(), make.theme())


# --- objects in a status ------------------------------------------------------------------------------------------

def _need(app, make, w: World, status) -> int:
    """A need of the world's VCSE in a status."""
    return make.need(w.ledger.vcse, status=status.value, measure_id=w.ledger.measure, area_id=w.area,
                     theme_ids=[w.theme], quantity="50")


def _pledge(app, make, w: World, status) -> int:
    """A pledge in a status to a fresh open need, against the world's commitment."""
    need_id = make.need(w.ledger.vcse, status="open", measure_id=w.ledger.measure, area_id=w.area,
                        theme_ids=[w.theme], quantity="50")
    return factories_contracts.pledge(app, need_id, w.ledger.commitment, status=status.value)


def _contract(app, make, w: World, status) -> int:
    """A contract of the world's council and supplier in a status."""
    contract_id = factories_ledger.contract(app, w.ledger.council, w.ledger.supplier, w.ledger.manager)
    with app.app_context():
        db.session.get(Contract, contract_id).status = status
        db.session.commit()
        db.session.remove()
    return contract_id


def _contract_with_a_kpi(app, make, w: World, status) -> int:
    """A contract in a status with one commitment published as a KPI (so the page offers to rate it)."""
    from app.models import Commitment

    contract_id = _contract(app, make, w, status)
    commitment_id = factories_ledger.commitment(app, contract_id, w.ledger.measure)
    with app.app_context():
        db.session.get(Commitment, commitment_id).is_kpi = True
        db.session.commit()
        db.session.remove()
    return contract_id


def _commitment(app, make, w: World, status) -> int:
    """A commitment of a contract in a status (a commitment's moves follow its contract)."""
    return factories_ledger.commitment(app, _contract(app, make, w, status), w.ledger.measure)


def _offer(app, make, w: World, status) -> int:
    """An offer on the world's commitment in a status."""
    return factories_offers.offer(app, w.ledger.commitment, status=status.value, quantity="20", most_per_request="5",
                                  area_ids=[w.area], theme_ids=[w.theme])


def _offer_request(app, make, w: World, status) -> int:
    """A request by the world's VCSE for a fresh open offer, then put in a status."""
    request_id = factories_offers.request(app, _offer(app, make, w, OfferStatus.OPEN), w.ledger.vcse_user, "1")
    with app.app_context():
        db.session.get(OfferRequest, request_id).status = status
        db.session.commit()
        db.session.remove()
    return request_id


def _offer_input(offer: Offer) -> offers.OfferInput:
    """The offer's own details, as the edit form would send them back."""
    return offers.OfferInput(
        commitment_id=offer.commitment_id, title=offer.title, summary=offer.summary, description="Help",
        category=NeedCategory.VOLUNTEERS, quantity=offer.quantity, most_per_request=offer.most_per_request,
        available_from=offer.available_from, available_until=offer.available_until, how_to_request="Ask",
        area_ids=[a.id for a in offer.areas], theme_ids=[t.id for t in offer.themes])


def _organisation(app, make, w: World, status) -> int:
    """A VCSE registration in a status."""
    return make.organisation(kind="vcse", status=status.value)


# --- service calls ------------------------------------------------------------------------------------------------

def _need_input(need: Need) -> needs.NeedInput:
    """The need's own details, as the edit form would send them back."""
    return needs.NeedInput(title=need.title, summary=need.summary, description="Help", category=need.category,
                           measure_id=need.measure_id, quantity=need.quantity, area_id=need.area_id,
                           needed_by=need.needed_by, contact=need.contact, theme_ids=[t.id for t in need.themes])


def _contract_input(contract: Contract) -> contracts.ContractInput:
    """The contract's own details, unchanged."""
    return contracts.ContractInput(
        reference=contract.reference, title=contract.title, supplier_id=contract.supplier_id,
        value_pence=contract.value_pence, starts_on=contract.starts_on, ends_on=contract.ends_on,
        contract_manager_id=contract.contract_manager_id, target_kind=TargetKind.PERCENT,
        target_percent=Decimal("10"))


def _commitment_input(w: World) -> contracts.CommitmentInput:
    """A small commitment of the world's measure."""
    return contracts.CommitmentInput(measure_id=w.ledger.measure, quantity=Decimal("5"),
                                     due_on=TODAY + timedelta(days=30))


@dataclass
class Case:
    """One move: its model, how to make an object, the page that offers it, the action's path, the service call."""

    model: type
    statuses: tuple
    make_obj: object
    page: object
    action: object
    call: object


NEED_PAGE = {"vcse": "/vcse/needs/{id}", "moderation": "/moderation/needs/{id}", "public": "/needs/{id}"}
PLEDGE_PAGE = {"vcse": "/vcse/pledges/{id}", "supplier": "/supplier/pledges/{id}",
               "moderation": "/moderation/disputes/{id}"}


OFFER_PAGE = {"supplier": "/supplier/offers/{id}", "moderation": "/moderation/offers/{id}", "public": "/offers/{id}"}


def offer_case(page: str, action: str, call) -> Case:
    """A move on an offer."""
    return Case(Offer, tuple(OfferStatus), _offer, OFFER_PAGE[page], action, call)


def offer_request_case(action: str, call) -> Case:
    """A move on a request for an offer (the supplier answers it on its page)."""
    return Case(OfferRequest, tuple(OfferRequestStatus), _offer_request, "/supplier/offer-requests/{id}", action, call)


def need_case(page: str, action: str, call) -> Case:
    """A move on a need."""
    return Case(Need, tuple(NeedStatus), _need, NEED_PAGE[page], action, call)


def pledge_case(page: str, action: str, call) -> Case:
    """A move on a pledge."""
    return Case(Pledge, tuple(PledgeStatus), _pledge, PLEDGE_PAGE[page], action, call)


CASES = {
    ("need", "edit"): need_case("vcse", "/vcse/needs/{id}/edit",
                                lambda i, u, w: needs.update_need(i, u, _need_input(db.session.get(Need, i)))),
    ("need", "submit"): need_case("vcse", "/vcse/needs/{id}/submit", lambda i, u, w: needs.submit_need(i, u)),
    ("need", "withdraw"): need_case("vcse", "/vcse/needs/{id}/withdraw", lambda i, u, w: needs.withdraw_need(i, u)),
    ("need", "close"): need_case("vcse", "/vcse/needs/{id}/close", lambda i, u, w: needs.close_need(i, u)),
    ("need", "approve"): need_case("moderation", "/moderation/needs/{id}/approve",
                                   lambda i, u, w: needs.approve_need(i, u)),
    ("need", "request_changes"): need_case("moderation", "/moderation/needs/{id}/request-changes",
                                           lambda i, u, w: needs.request_changes(i, u, message="Add a date")),
    ("need", "reject"): need_case("moderation", "/moderation/needs/{id}/reject",
                                  lambda i, u, w: needs.reject_need(i, u, reason="Not for us")),
    ("need", "hide"): need_case("moderation", "/moderation/needs/{id}/hide",
                                lambda i, u, w: needs.hide_need(i, u, reason="Duplicate")),
    ("need", "pledge"): need_case("public", "/supplier/needs/{id}/pledge", lambda i, u, w: pledges.make_pledge(
        u, need_id=i, commitment_id=w.ledger.commitment, quantity=Decimal("1"), message="", proposed_on=TODAY)),
    ("pledge", "accept"): pledge_case("vcse", "/vcse/pledges/{id}/accept",
                                      lambda i, u, w: pledges.accept_pledge(i, u)),
    ("pledge", "decline"): pledge_case("vcse", "/vcse/pledges/{id}/decline",
                                       lambda i, u, w: pledges.decline_pledge(i, u, reason="No thanks")),
    ("pledge", "withdraw"): pledge_case("supplier", "/supplier/pledges/{id}/withdraw",
                                        lambda i, u, w: pledges.withdraw_pledge(i, u)),
    ("pledge", "cancel"): pledge_case("supplier", "/supplier/pledges/{id}/cancel",
                                      lambda i, u, w: pledges.cancel_pledge(i, u, reason="Van broke")),
    ("pledge", "deliver"): pledge_case("supplier", "/supplier/pledges/{id}/delivered", lambda i, u, w: (
        pledges.mark_delivered(i, u, quantity=Decimal("1"), delivered_on=TODAY, note="Done"))),
    ("pledge", "confirm"): pledge_case("vcse", "/vcse/pledges/{id}/confirm",
                                       lambda i, u, w: pledges.confirm_delivery(i, u, quantity=Decimal("1"))),
    ("pledge", "dispute"): pledge_case("vcse", "/vcse/pledges/{id}/dispute",
                                       lambda i, u, w: pledges.dispute_delivery(i, u, reason="Nobody came")),
    ("pledge", "resolve"): pledge_case("moderation", "/moderation/disputes/{id}/confirm", lambda i, u, w: (
        pledges.resolve_dispute_by_confirming(i, u, quantity=Decimal("1"), note="Checked"))),
    ("offer", "edit"): offer_case("supplier", "/supplier/offers/{id}/edit", lambda i, u, w: offers.update_offer(
        i, u, _offer_input(db.session.get(Offer, i)))),
    ("offer", "submit"): offer_case("supplier", "/supplier/offers/{id}/submit", lambda i, u, w: offers.submit_offer(i, u)),
    ("offer", "close"): offer_case("supplier", "/supplier/offers/{id}/close", lambda i, u, w: offers.close_offer(i, u)),
    ("offer", "approve"): offer_case("moderation", "/moderation/offers/{id}/approve",
                                     lambda i, u, w: offers.approve_offer(i, u)),
    ("offer", "request_changes"): offer_case("moderation", "/moderation/offers/{id}/request-changes",
                                             lambda i, u, w: offers.request_offer_changes(i, u, message="Add dates")),
    ("offer", "reject"): offer_case("moderation", "/moderation/offers/{id}/reject",
                                    lambda i, u, w: offers.reject_offer(i, u, reason="Not for us")),
    ("offer", "hide"): offer_case("moderation", "/moderation/offers/{id}/hide",
                                  lambda i, u, w: offers.hide_offer(i, u, reason="Duplicate")),
    ("offer", "request"): offer_case("public", "/vcse/offers/{id}/request", lambda i, u, w: offer_requests.request_offer(
        u, offer_id=i, quantity=Decimal("1"), wanted_on=TODAY, message="Please")),
    ("offer_request", "accept"): offer_request_case("/supplier/offer-requests/{id}/accept",
                                                    lambda i, u, w: offer_requests.accept_request(i, u)),
    ("offer_request", "withdraw"): Case(
        OfferRequest, tuple(OfferRequestStatus), _offer_request, "/vcse/offer-requests/{id}",
        "/vcse/offer-requests/{id}/withdraw", lambda i, u, w: offer_requests.withdraw_request(i, u)),
    ("offer_request", "decline"): offer_request_case("/supplier/offer-requests/{id}/decline",
                                                     lambda i, u, w: offer_requests.decline_request(i, u, reason="Booked")),
    ("contract", "edit"): Case(Contract, tuple(ContractStatus), _contract, "/contracts/{id}", "/contracts/{id}/edit",
                               lambda i, u, w: contracts.update_contract(i, u, _contract_input(db.session.get(Contract, i)))),
    ("contract", "end"): Case(Contract, tuple(ContractStatus), _contract, "/contracts/{id}", "/contracts/{id}/end",
                              lambda i, u, w: contracts.end_contract(i, u, reason="Supplier failed")),
    ("contract", "add_commitment"): Case(
        Contract, tuple(ContractStatus), _contract, "/contracts/{id}", "/contracts/{id}/commitments/new",
        lambda i, u, w: contracts.add_commitment(i, u, _commitment_input(w))),
    ("contract", "manage_kpis"): Case(
        Contract, tuple(ContractStatus), _contract_with_a_kpi, "/contracts/{id}", "/contracts/{id}/kpi-ratings",
        lambda i, u, w: kpis.save_kpi_exemption(i, u, "Only two measures fit this contract")),
    ("commitment", "edit"): Case(
        None, tuple(ContractStatus), _commitment, None, "/contracts/commitments/{id}/edit",
        lambda i, u, w: contracts.update_commitment(i, u, _commitment_input(w))),
    ("organisation", "approve"): Case(
        Organisation, tuple(OrganisationStatus), _organisation, "/moderation/organisations/{id}",
        "/moderation/organisations/{id}/approve", lambda i, u, w: organisations.approve_organisation(i, u)),
    ("organisation", "reject"): Case(
        Organisation, tuple(OrganisationStatus), _organisation, "/moderation/organisations/{id}",
        "/moderation/organisations/{id}/reject", lambda i, u, w: organisations.reject_organisation(i, u, reason="No")),
}


def _page_for(case: Case, app, obj_id: int) -> str:
    """The page that offers the move (a commitment's is its contract's page)."""
    if case.page is not None:
        return case.page.format(id=obj_id)
    with app.app_context():
        from app.models import Commitment

        contract_id = db.session.get(Commitment, obj_id).contract_id
        db.session.remove()
    return f"/contracts/{contract_id}"


def _shown(client, app, user_id: int, page: str, action: str) -> bool:
    """Whether the role's page carries the action's form or link."""
    login_as(client, app, user_id)
    response = client.get(page)
    assert response.status_code < 500, (page, response.status_code)
    html = response.get_data(as_text=True)
    return f'action="{action}"' in html or f'href="{action}"' in html


def _accepted(app, case: Case, obj_id: int, user_id: int, w: World) -> bool:
    """Whether the service made the move for this user: no refusal, and an audit event recorded."""
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
        try:
            case.call(obj_id, db.session.get(User, user_id), w)
        except DomainError:
            db.session.rollback()
            return False
        finally:
            after = db.session.scalar(select(func.count(AuditEvent.id)))
            db.session.remove()
        return after > before


@pytest.mark.parametrize("key", list(CASES), ids=["-".join(key) for key in CASES])
def test_the_page_offers_a_move_exactly_when_the_service_accepts_it(app, client, make, world, key):
    case = CASES[key]
    disagreements, accepted_somewhere = [], False
    for status in case.statuses:
        for role in ROLES:
            obj_id = case.make_obj(app, make, world, status)
            page = _page_for(case, app, obj_id)
            shown = _shown(client, app, world.users[role], page, case.action.format(id=obj_id))
            accepted = _accepted(app, case, obj_id, world.users[role], world)
            accepted_somewhere |= accepted
            if shown != accepted:
                disagreements.append(f"{status.value} as {role}: page {'shows' if shown else 'hides'} it, "
                                     f"service {'accepts' if accepted else 'refuses'}")
    assert not disagreements, f"{'/'.join(key)}:\n" + "\n".join(disagreements)
    assert accepted_somewhere, f"{'/'.join(key)} was never accepted: the case does not exercise the move"


def test_every_declared_move_has_a_case():
    from app.models import Commitment

    declared = {(name, move) for name, model in [("need", Need), ("pledge", Pledge), ("contract", Contract),
                                                 ("commitment", Commitment), ("organisation", Organisation),
                                                 ("offer", Offer), ("offer_request", OfferRequest)]
                for move in model.MOVES}
    # Pledging against a commitment is offered through the need's pledge form (its commitment choices).
    assert declared - set(CASES) == {("commitment", "pledge")}
