"""Offer capacity under concurrency: many groups requesting one offer at once never take more than it, or its
commitment, has left. Real parallel connections, as in tests/test_concurrency.py (row locks on PostgreSQL, the
write lock on SQLite)."""
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import Invalid
from app.extensions import db
from app.models import OfferRequest, OfferRequestStatus, Pledge, User
from app.services import offer_requests, pledges
from tests import factories_offers as fo
from tests.test_concurrency import run_at_once

TODAY = date.today()


@pytest.fixture
def app_overrides():
    """Room in the pool for every thread's connection."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40, "pool_timeout": 60}}


def _requested(world) -> Decimal:
    """The total quantity of the offer's requests still holding it."""
    return db.session.scalar(select(func.coalesce(func.sum(OfferRequest.quantity), 0)).where(
        OfferRequest.offer_id == world.offer, OfferRequest.status == OfferRequestStatus.REQUESTED))


def test_thirty_simultaneous_requests_never_exceed_the_offers_quantity(app, make, ctx):
    world = fo.offer_world(app, make, commitment_quantity="100", offer_quantity="10", most_per_request="1")
    vcse_users = [world.ledger.vcse_user] + [make.user(make.organisation(kind="vcse")) for _ in range(4)]

    def request_one(i):
        return offer_requests.request_offer(db.session.get(User, vcse_users[i % len(vcse_users)]), offer_id=world.offer,
                                    quantity=Decimal("1"), wanted_on=TODAY, message="Please").id

    results = run_at_once(app, 30, request_one)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 10 and len(losers) == 20, results
    for error in losers:
        assert isinstance(error, Invalid) and error.field == "quantity", repr(error)
        assert re.fullmatch(r"Only 0 hours left on this offer", error.message), error.message
    with ctx():
        assert _requested(world) == Decimal("10")


def test_simultaneous_requests_and_pledges_never_exceed_the_commitment(app, make, ctx):
    """The offer has more than its commitment: requests for it and pledges to a need share the commitment's lock."""
    world = fo.offer_world(app, make, commitment_quantity="12", offer_quantity="50", most_per_request="1")

    def act(i):
        if i % 3 == 0:
            return pledges.make_pledge(db.session.get(User, world.ledger.supplier_user), need_id=world.ledger.need,
                                       commitment_id=world.ledger.commitment, quantity=Decimal("1"), message="",
                                       proposed_on=TODAY).quantity
        return offer_requests.request_offer(db.session.get(User, world.ledger.vcse_user), offer_id=world.offer,
                                    quantity=Decimal("1"), wanted_on=TODAY, message="Please").quantity

    results = run_at_once(app, 30, act)
    winners = [r for r in results if isinstance(r, Decimal)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 12 and len(losers) == 18, results
    for error in losers:
        assert isinstance(error, Invalid), repr(error)
        assert error.message in {"Only 0 hours left on this offer", "Only 0 hours left on that commitment"}, error
    with ctx():
        pledged = db.session.scalar(select(func.sum(Pledge.quantity)).where(
            Pledge.commitment_id == world.ledger.commitment)) or Decimal(0)
        assert pledged + _requested(world) == Decimal("12")


def test_accepting_while_the_group_requests_more_keeps_the_offer_within_its_quantity(app, make, ctx):
    """Accepting turns a request's hold into a pledge's: requests racing an acceptance still see it held."""
    world = fo.offer_world(app, make, commitment_quantity="100", offer_quantity="10", most_per_request="2")
    with ctx():
        waiting = [offer_requests.request_offer(db.session.get(User, world.ledger.vcse_user), offer_id=world.offer,
                                        quantity=Decimal("2"), wanted_on=TODAY, message="Please").id
                   for _ in range(3)]

    def act(i):
        if i < len(waiting):
            return offer_requests.accept_request(waiting[i], db.session.get(User, world.ledger.supplier_user)).quantity
        return offer_requests.request_offer(db.session.get(User, world.ledger.vcse_user), offer_id=world.offer,
                                    quantity=Decimal("2"), wanted_on=TODAY, message="More").quantity

    results = run_at_once(app, 12, act)
    assert all(isinstance(r, Decimal) for r in results[:3]), results[:3]
    assert len([r for r in results[3:] if isinstance(r, Decimal)]) == 2, results
    with ctx():
        from app.queries.capacity import offer_held

        assert offer_held(world.offer) == Decimal("10")
