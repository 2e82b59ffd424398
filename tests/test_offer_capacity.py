"""An offer never sets aside more than its commitment has left, and a supplier sees every request for its offers."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.models import Offer, OfferStatus, User
from app.services import offers as service
from tests import factories_ledger, factories_offers as fo
from tests.conftest import login_as, post_form

TODAY = date.today()
TOO_MUCH = "The total cannot be more than the {} left on that commitment after its other offers and pledges"


@pytest.fixture
def world(app, make) -> fo.OfferWorld:
    """A supplier's 100-hour commitment, an open 20-hour offer on it, and a VCSE's open need."""
    return fo.offer_world(app, make)


def _form(world, quantity: str, **changes) -> dict:
    """The offer form filled in for the world's commitment, submitted for review."""
    day = TODAY + timedelta(days=60)
    data = {"commitment_id": str(world.ledger.commitment), "title": "Painters for a day",
            "summary": "Six staff to paint a hall", "description": "We can paint.", "category": "volunteers",
            "quantity": quantity, "most_per_request": "5", "area_ids": [str(world.area)],
            "theme_ids": [str(world.theme)], "available_from": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "available_until": [str(day.day), str(day.month), str(day.year)],
            "how_to_request": "Email us a week ahead.", "submit_review": "Save and submit for review"}
    data.update(changes)
    return data


def _offers(app) -> int:
    """How many offers there are."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Offer))


def _post(app, client, world, quantity: str):
    """The supplier posts a new offer of `quantity` hours."""
    login_as(client, app, world.ledger.supplier_user)
    return post_form(client, "/supplier/offers/new", _form(world, quantity), page="/supplier/offers/new")


def test_an_offer_that_fits_in_what_its_commitment_has_left_is_saved(app, client, world):
    # 100 hours: 20 on the open offer and 30 pledged to a need leave 50.
    factories_ledger.offered_pledge(app, world.ledger.need, world.ledger.commitment, world.ledger.supplier_user, "30")
    response = _post(app, client, world, "50")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        offer = db.session.scalars(select(Offer).where(Offer.title == "Painters for a day")).one()
        assert offer.status is OfferStatus.PENDING_REVIEW and str(offer.quantity) == "50.00"


def test_an_offer_over_what_its_commitment_has_left_is_refused_by_the_total_and_keeps_what_was_typed(
        app, client, world):
    factories_ledger.offered_pledge(app, world.ledger.need, world.ledger.commitment, world.ledger.supplier_user, "30")
    response = _post(app, client, world, "51")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _offers(app) == 1
    # The message stands by the total quantity field, and the error summary links to it.
    error = re.search(r'<p id="quantity-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert error and TOO_MUCH.format("50 hours") in error.group(1)
    assert 'href="#quantity"' in html
    for typed in ('value="Painters for a day"', 'value="Six staff to paint a hall"', "We can paint.",
                  "Email us a week ahead.", 'value="51"'):
        assert typed in html, typed


def test_other_pending_offers_set_their_quantity_aside_but_drafts_and_closed_ones_do_not(app, client, world):
    for status, quantity in (("pending_review", "30"), ("draft", "40"), ("closed", "40")):
        fo.offer(app, world.ledger.commitment, status=status, quantity=quantity, area_ids=[world.area],
                 theme_ids=[world.theme])
    assert _post(app, client, world, "51").status_code == 422
    assert _post(app, client, world, "50").status_code == 303


def test_what_an_offers_requests_hold_is_not_counted_twice(app, client, world):
    # The waiting request's 5 hours are part of the open offer's 20: 80 are still free, not 75.
    fo.request(app, world.offer, world.ledger.vcse_user, "5")
    assert _post(app, client, world, "81").status_code == 422
    assert _post(app, client, world, "80").status_code == 303


def test_editing_an_offer_does_not_count_its_own_quantity_against_it(app, client, world):
    draft = fo.offer(app, world.ledger.commitment, status="draft", quantity="60", area_ids=[world.area],
                     theme_ids=[world.theme])
    login_as(client, app, world.ledger.supplier_user)
    response = post_form(client, f"/supplier/offers/{draft}/edit", _form(world, "80"),
                         page=f"/supplier/offers/{draft}/edit")
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_moderator_cannot_publish_an_offer_its_commitment_no_longer_covers(app, world):
    # Written directly, as if both had been saved before the rule: 20 open + 50 open + 40 waiting > 100.
    fo.offer(app, world.ledger.commitment, quantity="50", area_ids=[world.area], theme_ids=[world.theme])
    waiting = fo.offer(app, world.ledger.commitment, status="pending_review", quantity="40", area_ids=[world.area],
                       theme_ids=[world.theme])
    with app.app_context():
        with pytest.raises(Conflict) as error:
            service.approve_offer(waiting, db.session.get(User, world.ledger.moderator))
        assert "cannot be more than the 30 hours left on that commitment" in error.value.message
        assert db.session.get(Offer, waiting).status is OfferStatus.PENDING_REVIEW


def test_a_supplier_sees_every_request_for_its_offers_page_by_page(app, client, make):
    world = fo.offer_world(app, make, offer_quantity="60", most_per_request="1")
    for _ in range(27):
        fo.request(app, world.offer, world.ledger.vcse_user, "1")
    login_as(client, app, world.ledger.supplier_user)
    first = client.get("/supplier/offers").get_data(as_text=True)
    assert first.count('href="/supplier/offer-requests/') == 25
    assert 'href="/supplier/offers?requests_page=2"' in first
    second = client.get("/supplier/offers?requests_page=2").get_data(as_text=True)
    assert second.count('href="/supplier/offer-requests/') == 2


def test_the_pages_of_requests_for_a_suppliers_offers_run_a_fixed_number_of_queries(app, client, make,
                                                                                     count_queries):
    world = fo.offer_world(app, make, offer_quantity="100", most_per_request="1")
    login_as(client, app, world.ledger.supplier_user)
    counts = []
    for _ in range(3):
        for _ in range(26):
            fo.request(app, world.offer, world.ledger.vcse_user, "1")
        client.get("/supplier/offers?requests_page=2")
        with count_queries() as counter:
            assert client.get("/supplier/offers?requests_page=2").status_code == 200
        counts.append(counter["n"])
    assert len(set(counts)) == 1, counts


def test_the_form_says_what_is_left_to_offer_as_the_refusal_counts_it(app, client, world):
    # 100 hours: the open 20-hour offer and 30 pledged to a need leave 50; a draft of 60 sets nothing aside.
    factories_ledger.offered_pledge(app, world.ledger.need, world.ledger.commitment, world.ledger.supplier_user, "30")
    draft = fo.offer(app, world.ledger.commitment, status="draft", quantity="60", area_ids=[world.area],
                     theme_ids=[world.theme])
    pending = fo.offer(app, world.ledger.commitment, status="pending_review", quantity="10", area_ids=[world.area],
                       theme_ids=[world.theme])
    login_as(client, app, world.ledger.supplier_user)

    new = client.get("/supplier/offers/new").get_data(as_text=True)
    editing = client.get(f"/supplier/offers/{draft}/edit").get_data(as_text=True)

    assert "40 hours left to offer, due by" in new                # 100 - 20 open - 10 pending - 30 pledged
    assert "40 hours left to offer, due by" in editing            # the draft's own 60 is not counted against it
    assert _post(app, client, world, "41").status_code == 422     # the refusal counts the same
    with app.app_context():
        db.session.get(Offer, pending).status = OfferStatus.DRAFT
        db.session.commit()
    assert "50 hours left to offer, due by" in client.get("/supplier/offers/new").get_data(as_text=True)
