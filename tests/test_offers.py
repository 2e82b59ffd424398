"""Standing offers end to end: posting and moderation, browsing, requesting, answering, delivery to the ledger."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import (
    AuditEvent, LedgerEntry, Offer, OfferRequest, OfferRequestStatus, OfferStatus, Pledge, PledgeStatus, User,
)
from app.services import offers as service
from app.services import offer_requests as requests
from app.services import pledges
from tests import factories_ledger, factories_offers as fo
from tests.conftest import login_as, post_form

TODAY = date.today()


def _date(day: date) -> list[str]:
    """A date as the three boxes of a GOV.UK date input."""
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def world(app, make) -> fo.OfferWorld:
    """A supplier with a 100-hour commitment and an open 20-hour offer on it (at most 5 a request), and a VCSE."""
    return fo.offer_world(app, make)


def _user(user_id: int) -> User:
    """A user in the current app context."""
    return db.session.get(User, user_id)


def _offer_form(world, **changes) -> dict:
    """The offer form filled in for the world's commitment."""
    data = {"commitment_id": str(world.ledger.commitment), "title": "Volunteers for a garden day",
            "summary": "Twelve staff for a day of digging",
            "description": "We can **dig**.\n\n<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>",
            "category": "volunteers", "quantity": "40", "most_per_request": "8", "area_ids": [str(world.area)],
            "theme_ids": [str(world.theme)], "available_from": _date(TODAY),
            "available_until": _date(TODAY + timedelta(days=60)), "how_to_request": "Give us two weeks' notice.",
            "submit_review": "Save and submit for review"}
    data.update(changes)
    return data


# --- posting and moderation --------------------------------------------------------------------------------------

def test_a_supplier_posts_an_offer_a_moderator_approves_it_and_everyone_sees_it(app, client, world, outbox):
    login_as(client, app, world.ledger.supplier_user)
    response = post_form(client, "/supplier/offers/new", _offer_form(world), page="/supplier/offers/new")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        offer = db.session.scalars(select(Offer).where(Offer.title == "Volunteers for a garden day")).one()
        offer_id, html = offer.id, offer.description_html
        assert offer.status is OfferStatus.PENDING_REVIEW
        assert offer.measure_id == world.ledger.measure
    # Sanitised exactly as needs are: Markdown kept, script and javascript: links gone.
    assert "<strong>dig</strong>" in html and "<script" not in html and "javascript:" not in html
    assert client.get(f"/offers/{offer_id}").status_code == 200  # its own supplier sees it while pending
    anonymous = app.test_client()
    assert anonymous.get(f"/offers/{offer_id}").status_code == 404

    login_as(client, app, world.ledger.moderator)
    assert "Volunteers for a garden day" in client.get("/moderation/offers").get_data(as_text=True)
    response = post_form(client, f"/moderation/offers/{offer_id}/approve", {"approve-note": ""},
                         page=f"/moderation/offers/{offer_id}")
    assert response.status_code == 303
    assert anonymous.get(f"/offers/{offer_id}").status_code == 200
    assert "Volunteers for a garden day" in anonymous.get("/offers").get_data(as_text=True)
    assert any("Your offer is published" in subject for _, subject, _ in outbox())
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "offer")))
    assert {"offer.created", "offer.submitted", "offer.approved"} <= actions


def test_an_offer_must_draw_on_one_of_the_suppliers_own_running_commitments(app, make, world):
    other = factories_ledger.ledger_world(app, make)
    with app.app_context():
        data = service.OfferInput(
            commitment_id=other.commitment, title="T", summary="S", description="D", category=_category(),
            quantity=Decimal("5"), most_per_request=Decimal("5"), available_from=TODAY,
            available_until=TODAY + timedelta(days=10), how_to_request="Ask", area_ids=[world.area],
            theme_ids=[world.theme])
        with pytest.raises(Invalid) as error:
            service.create_offer(_user(world.ledger.supplier_user), data)
        assert error.value.field == "commitment_id"
        data.commitment_id, data.most_per_request = world.ledger.commitment, Decimal("6")
        with pytest.raises(Invalid) as error:
            service.create_offer(_user(world.ledger.supplier_user), data)
        assert error.value.field == "most_per_request"


def _category():
    """The category every test measure counts."""
    from app.models import NeedCategory

    return NeedCategory.VOLUNTEERS


@pytest.mark.parametrize("decision, path, status", [
    ("request_changes", "request-changes", OfferStatus.CHANGES_REQUESTED),
    ("reject", "reject", OfferStatus.REJECTED),
])
def test_a_moderator_sends_back_or_rejects_an_offer_with_a_reason(app, client, world, outbox, decision, path, status):
    offer_id = fo.offer(app, world.ledger.commitment, status="pending_review", area_ids=[world.area],
                        theme_ids=[world.theme])
    login_as(client, app, world.ledger.moderator)
    page = f"/moderation/offers/{offer_id}"
    assert post_form(client, f"{page}/{path}", {f"{decision}-reason": ""}, page=page).status_code == 422
    assert post_form(client, f"{page}/{path}", {f"{decision}-reason": "Say who it suits"}, page=page).status_code == 303
    with app.app_context():
        offer = db.session.get(Offer, offer_id)
        assert (offer.status, offer.moderation_note) == (status, "Say who it suits")
    assert any("Say who it suits" in body for _, _, body in outbox())


def test_hiding_or_closing_an_offer_declines_the_requests_still_waiting(app, world, outbox):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user)
    with app.app_context():
        service.close_offer(world.offer, _user(world.ledger.supplier_user))
        request = db.session.get(OfferRequest, request_id)
        assert request.status is OfferRequestStatus.DECLINED
        assert request.reason == "The supplier closed this offer."
        with pytest.raises(Conflict):
            requests.request_offer(_user(world.ledger.vcse_user), offer_id=world.offer, quantity=Decimal(1),
                                  wanted_on=TODAY, message="Hi")


def test_offers_past_their_available_until_date_expire(app, world):
    with app.app_context():
        assert service.expire_offers(today=TODAY + timedelta(days=91)) == 1
        assert db.session.get(Offer, world.offer).status is OfferStatus.EXPIRED
        assert service.expire_offers(today=TODAY + timedelta(days=91)) == 0


# --- requesting ---------------------------------------------------------------------------------------------------

def _request_page(client, offer_id: int, quantity: str, wanted_on: date = TODAY + timedelta(days=3)):
    """Send the request form for an offer."""
    return post_form(client, f"/vcse/offers/{offer_id}/request",
                     {"quantity": quantity, "wanted_on": _date(wanted_on), "message": "For our lunch club"},
                     page=f"/vcse/offers/{offer_id}/request")


def test_a_request_is_limited_by_the_most_per_request_and_the_offers_dates(app, client, world):
    login_as(client, app, world.ledger.vcse_user)
    response = _request_page(client, world.offer, "6")
    assert response.status_code == 422
    assert "You can request at most 5 hours at a time" in response.get_data(as_text=True)
    response = _request_page(client, world.offer, "2", TODAY + timedelta(days=200))
    assert response.status_code == 422 and "The date must be between" in response.get_data(as_text=True)
    assert _request_page(client, world.offer, "5").status_code == 303


def test_a_request_is_limited_by_what_is_left_on_the_offer(app, client, world, outbox):
    for quantity in ("5", "5", "5", "3"):
        fo.request(app, world.offer, world.ledger.vcse_user, quantity)
    login_as(client, app, world.ledger.vcse_user)
    response = _request_page(client, world.offer, "5")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Only 2 hours left on this offer" in html
    assert _request_page(client, world.offer, "2").status_code == 303
    assert "Only 0 hours left on this offer" in _request_page(client, world.offer, "1").get_data(as_text=True)
    assert sum("requested your offer" in subject for _, subject, _ in outbox()) == 5


def test_a_request_is_limited_by_what_is_left_on_the_commitment(app, make):
    world = fo.offer_world(app, make, commitment_quantity="7", offer_quantity="20")
    # A pledge to a need holds 4 of the commitment's 7 hours; pending requests hold theirs too.
    factories_ledger.offered_pledge(app, world.ledger.need, world.ledger.commitment, world.ledger.supplier_user, "4")
    fo.request(app, world.offer, world.ledger.vcse_user, "2")
    with app.app_context():
        with pytest.raises(Invalid) as error:
            requests.request_offer(_user(world.ledger.vcse_user), offer_id=world.offer, quantity=Decimal("2"),
                                  wanted_on=TODAY, message="Hi")
        assert (error.value.message, error.value.field) == ("Only 1 hour left on this offer", "quantity")
        # And a pledge to a need cannot take what the waiting request holds.
        with pytest.raises(Invalid) as error:
            pledges.make_pledge(_user(world.ledger.supplier_user), need_id=world.ledger.need,
                                commitment_id=world.ledger.commitment, quantity=Decimal("2"), message="",
                                proposed_on=TODAY)
        assert error.value.message == "Only 1 hour left on that commitment"


def test_a_declined_request_frees_what_it_held(app, world, outbox):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user, "5")
    with app.app_context():
        with pytest.raises(Invalid):
            requests.decline_request(request_id, _user(world.ledger.supplier_user), reason=" ")
        requests.decline_request(request_id, _user(world.ledger.supplier_user), reason="We are fully booked")
        from app.queries.offers import offer_left

        assert offer_left(db.session.get(Offer, world.offer)) == Decimal("20")
    assert any("declined your request" in subject and "We are fully booked" in body for _, subject, body in outbox())


# --- the pledge path and the ledger --------------------------------------------------------------------------------

def test_an_accepted_request_is_delivered_confirmed_and_lands_on_the_offers_commitment(app, client, world, outbox):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user, "4")
    login_as(client, app, world.ledger.supplier_user)
    page = f"/supplier/offer-requests/{request_id}"
    assert "Accept request" in client.get(page).get_data(as_text=True)
    response = post_form(client, f"{page}/accept", page=page)
    assert response.status_code == 303 and "/supplier/pledges/" in response.headers["Location"]
    assert any("accepted your request" in subject for _, subject, _ in outbox())
    with app.app_context():
        pledge = db.session.scalars(select(Pledge).where(Pledge.offer_request_id == request_id)).one()
        pledge_id = pledge.id
        assert (pledge.status, pledge.need_id, pledge.vcse_id, pledge.commitment_id, pledge.quantity) == (
            PledgeStatus.ACCEPTED, None, world.ledger.vcse, world.ledger.commitment, Decimal("4"))
    # The supplier's pledge page and "Your pledges" show it like any other pledge.
    assert client.get(f"/supplier/pledges/{pledge_id}").status_code == 200
    assert db_title(app, world.offer) in client.get("/supplier/pledges").get_data(as_text=True)
    response = post_form(client, f"/supplier/pledges/{pledge_id}/delivered",
                         {"quantity": "4", "delivered_on": _date(TODAY), "note": "Dug the beds"},
                         page=f"/supplier/pledges/{pledge_id}/delivered")
    assert response.status_code == 303

    login_as(client, app, world.ledger.vcse_user)
    assert client.get(f"/vcse/pledges/{pledge_id}").status_code == 200
    response = post_form(client, f"/vcse/pledges/{pledge_id}/confirm", {"confirm-quantity": "4", "confirm-story": ""},
                         page=f"/vcse/pledges/{pledge_id}")
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.pledge_id == pledge_id)).one()
        # Every pound traces to the confirmed pledge, the offer's commitment, its contract, the VCSE and a user.
        assert (entry.commitment_id, entry.contract_id, entry.vcse_id, entry.need_id, entry.confirmed_by_id) == (
            world.ledger.commitment, world.ledger.contract, world.ledger.vcse, None, world.ledger.vcse_user)
        assert entry.value_pence == 4 * 1221
        assert entry.pledge.offer_request.offer_id == world.offer
    login_as(client, app, world.ledger.manager)
    html = client.get(f"/contracts/{world.ledger.contract}").get_data(as_text=True)
    assert "£48.84" in html
    assert db_title(app, world.offer) in html


def db_title(app, offer_id: int) -> str:
    """An offer's title."""
    with app.app_context():
        return db.session.get(Offer, offer_id).title


def test_a_disputed_offer_delivery_is_resolved_by_a_moderator_as_any_pledge(app, world):
    pledge_id = fo.accepted_request(app, world.offer, world.ledger.vcse_user, world.ledger.supplier_user, "3")
    with app.app_context():
        pledges.mark_delivered(pledge_id, _user(world.ledger.supplier_user), quantity=Decimal("3"),
                               delivered_on=TODAY, note="Done")
        pledges.dispute_delivery(pledge_id, _user(world.ledger.vcse_user), reason="Only two came")
        entry = pledges.resolve_dispute_by_confirming(pledge_id, _user(world.ledger.moderator),
                                                      quantity=Decimal("2"), note="Two hours happened")
        assert (entry.quantity, entry.vcse_id) == (Decimal("2"), world.ledger.vcse)


def test_accepting_twice_makes_one_pledge(app, world):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user)
    with app.app_context():
        requests.accept_request(request_id, _user(world.ledger.supplier_user))
        with pytest.raises(Conflict):
            requests.accept_request(request_id, _user(world.ledger.supplier_user))
        assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1


# --- isolation ----------------------------------------------------------------------------------------------------

def test_a_vcse_never_sees_another_vcses_requests(app, client, make, world):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user)
    pledge_id = fo.accepted_request(app, world.offer, world.ledger.vcse_user, world.ledger.supplier_user)
    other_vcse_user = make.user(make.organisation(kind="vcse"))
    login_as(client, app, other_vcse_user)
    assert client.get(f"/vcse/offer-requests/{request_id}").status_code == 404
    assert client.get(f"/vcse/pledges/{pledge_id}").status_code == 404
    assert "We run a lunch club" not in client.get("/vcse/offer-requests").get_data(as_text=True)
    with app.app_context():
        with pytest.raises(NotFound):
            pledges.confirm_delivery(pledge_id, _user(other_vcse_user), quantity=Decimal(1))
    login_as(client, app, world.ledger.vcse_user)
    assert client.get(f"/vcse/offer-requests/{request_id}").status_code == 200
    assert "/vcse/offer-requests/" in client.get("/vcse/offer-requests").get_data(as_text=True)


def test_a_supplier_never_sees_another_suppliers_offer_requests_or_drafts(app, client, make, world):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user)
    draft = fo.offer(app, world.ledger.commitment, status="draft", area_ids=[world.area], theme_ids=[world.theme],
                     title="Secret draft offer")
    other_supplier_user = make.user(make.organisation(kind="supplier"))
    login_as(client, app, other_supplier_user)
    for path in (f"/supplier/offer-requests/{request_id}", f"/supplier/offers/{world.offer}",
                 f"/supplier/offers/{draft}", f"/offers/{draft}", f"/supplier/offers/{draft}/edit"):
        assert client.get(path).status_code == 404, path
    assert post_form(client, f"/supplier/offer-requests/{request_id}/accept").status_code == 404
    html = client.get("/supplier/offers").get_data(as_text=True)
    assert "We run a lunch club" not in html and "Secret draft offer" not in html
    assert "Secret draft offer" not in app.test_client().get("/offers").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OfferRequest, request_id).status is OfferRequestStatus.REQUESTED


# --- browsing -----------------------------------------------------------------------------------------------------

def test_the_offers_list_filters_like_the_needs_list(app, client, make, world):
    other_area, other_theme = make.area(), make.theme()
    fo.offer(app, world.ledger.commitment, area_ids=[other_area], theme_ids=[other_theme],
             title="Bricklaying taster sessions", category="advice")
    titles = lambda html: set(re.findall(r'href="/offers/\d+">([^<]+)<', html))  # noqa: E731
    everything = titles(client.get("/offers").get_data(as_text=True))
    assert len(everything) == 2
    assert titles(client.get("/offers?q=bricklaying").get_data(as_text=True)) == {"Bricklaying taster sessions"}
    assert titles(client.get(f"/offers?area={other_area}").get_data(as_text=True)) == {"Bricklaying taster sessions"}
    assert "Bricklaying taster sessions" not in titles(client.get(f"/offers?theme={world.theme}").get_data(as_text=True))
    assert titles(client.get("/offers?category=advice").get_data(as_text=True)) == {"Bricklaying taster sessions"}
    assert titles(client.get(f"/offers?measure={world.ledger.measure}").get_data(as_text=True)) == everything
    assert titles(client.get("/offers?sort=ending&area=nonsense").get_data(as_text=True)) == everything


def test_the_offers_list_query_count_does_not_grow_with_rows(app, client, make, count_queries):
    world = fo.offer_world(app, make)
    client.get("/offers")
    with count_queries() as few:
        client.get("/offers")
    for _ in range(15):
        fo.offer(app, world.ledger.commitment, area_ids=[world.area, make.area()], theme_ids=[world.theme])
    with count_queries() as many:
        html = client.get("/offers").get_data(as_text=True)
    assert html.count('href="/offers/') >= 15
    assert many["n"] == few["n"]


def test_the_worker_expires_offers_daily():
    from app.services.schedule import JOBS

    assert JOBS["expire_offers"].run is service.expire_offers and JOBS["expire_offers"].every == timedelta(days=1)


def test_the_demo_has_open_offers_a_demo_group_can_request(app, ctx, runner):
    from tests.test_cli import invoke

    assert invoke(ctx, runner, "demo", "load").exit_code == 0
    with ctx():
        open_offers = db.session.scalars(select(Offer).where(Offer.status == OfferStatus.OPEN)).all()
        assert len(open_offers) == 2 and {o.supplier.name for o in open_offers} == {"Wyvern Highways Joint Venture"}
        vcse_user = db.session.scalars(select(User).where(User.email == "vcse@example.org")).one()
        offer = open_offers[0]
        made = requests.request_offer(vcse_user, offer_id=offer.id, quantity=offer.most_per_request,
                                     wanted_on=TODAY + timedelta(days=7), message="We would love this")
        assert made.status is OfferRequestStatus.REQUESTED


def test_each_sides_request_lists_query_count_does_not_grow_with_rows(app, client, make, count_queries):
    world = fo.offer_world(app, make, offer_quantity="100", most_per_request="1")
    fo.accepted_request(app, world.offer, world.ledger.vcse_user, world.ledger.supplier_user, "1")
    pages = {world.ledger.supplier_user: "/supplier/offers", world.ledger.vcse_user: "/vcse/offer-requests"}
    counts = {}
    for rounds in (1, 2):
        for user_id, path in pages.items():
            login_as(client, app, user_id)
            client.get(path)
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts[(path, rounds)] = counter["n"]
        for _ in range(8):
            fo.offer(app, world.ledger.commitment, area_ids=[world.area], theme_ids=[world.theme])
            fo.accepted_request(app, world.offer, world.ledger.vcse_user, world.ledger.supplier_user, "1")
            fo.request(app, world.offer, world.ledger.vcse_user, "1")
    for path in pages.values():
        assert counts[(path, 1)] == counts[(path, 2)], (path, counts)


def test_moderators_hear_of_a_submitted_offer_and_groups_in_its_areas_of_a_published_one(app, make, world):
    from app.models import DigestItem, EmailKind

    group_in_area = make.user(make.organisation(kind="vcse", area_ids=[world.area]))
    group_elsewhere = make.user(make.organisation(kind="vcse", area_ids=[make.area()]))
    offer_id = fo.offer(app, world.ledger.commitment, status="draft", area_ids=[world.area], theme_ids=[world.theme],
                        title="Bike repair workshops")
    with app.app_context():
        service.submit_offer(offer_id, _user(world.ledger.supplier_user))
        service.approve_offer(offer_id, _user(world.ledger.moderator))
        items = {(item.user_id, item.kind) for item in db.session.scalars(select(DigestItem))}
    # Moderation and discovery emails wait for each person's digest by default.
    assert (world.ledger.moderator, EmailKind.MODERATION_QUEUE) in items
    assert (group_in_area, EmailKind.NEW_LISTINGS) in items
    assert (group_elsewhere, EmailKind.NEW_LISTINGS) not in items


def test_a_group_withdraws_a_waiting_request_and_what_it_held_is_free(app, client, make, world, outbox):
    request_id = fo.request(app, world.offer, world.ledger.vcse_user, "5")
    page = f"/vcse/offer-requests/{request_id}"
    login_as(client, app, make.user(make.organisation(kind="vcse")))
    assert post_form(client, f"{page}/withdraw").status_code == 404
    login_as(client, app, world.ledger.vcse_user)
    assert "Withdraw request" in client.get(page).get_data(as_text=True)
    assert post_form(client, f"{page}/withdraw", page=page).status_code == 303
    with app.app_context():
        from app.queries.offers import offer_left

        assert db.session.get(OfferRequest, request_id).status is OfferRequestStatus.WITHDRAWN
        assert offer_left(db.session.get(Offer, world.offer)) == Decimal("20")
        with pytest.raises(Conflict):
            requests.accept_request(request_id, _user(world.ledger.supplier_user))
    assert any("withdrew its request" in subject for _, subject, _ in outbox())
