"""The supplier's and the VCSE's pledge pages: pledging, each step of the lifecycle, and who may do what."""
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, Pledge, PledgeStatus, ProxyValue, User
from tests import factories_contracts as fc
from tests.conftest import login_as, post_form

TODAY = date.today()
PENCE = 1221


@dataclass
class World:
    """Ids of everyone and everything the pledge pages need."""

    council: int
    manager: int
    supplier: int
    supplier_user: int
    other_supplier_user: int
    vcse: int
    vcse_user: int
    other_vcse: int
    other_vcse_user: int
    measure: int
    other_measure: int
    need: int
    contract: int
    commitment: int
    small_commitment: int
    ended_commitment: int
    other_measure_commitment: int
    other_supplier_commitment: int


@pytest.fixture
def world(app, make) -> World:
    """A supplier with one running contract (commitments of 100 and 3 hours in the need's measure, and one in
    another measure), an ended contract, a rival supplier, and a VCSE with an open need for 50 hours."""
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    supplier = make.organisation(kind="supplier", name="Acme Builders")
    supplier_user = make.user(supplier)
    other_supplier = make.organisation(kind="supplier", name="Rival Ltd")
    other_supplier_user = make.user(other_supplier)
    vcse = make.organisation(kind="vcse", name="Hall Trust")
    vcse_user = make.user(vcse)
    other_vcse = make.organisation(kind="vcse", name="Other Group")
    other_vcse_user = make.user(other_vcse)
    measure = make.measure(categories=("volunteers",), pence=PENCE)
    other_measure = make.measure(categories=("volunteers",), pence=500)
    need = make.need(vcse, status="open", measure_id=measure, quantity="50", title="Paint our hall")
    contract = fc.contract(make.app, supplier, council, manager, reference="WCC-001", title="Roads")
    ended = fc.contract(make.app, supplier, council, manager, reference="WCC-OLD", title="Old parks", status="ended")
    rival = fc.contract(make.app, other_supplier, council, manager, reference="WCC-RIVAL", title="Rival work")
    return World(
        council, manager, supplier, supplier_user, other_supplier_user, vcse, vcse_user, other_vcse, other_vcse_user,
        measure, other_measure, need, contract,
        commitment=fc.commitment(make.app, contract, measure, "100"),
        small_commitment=fc.commitment(make.app, contract, measure, "3"),
        ended_commitment=fc.commitment(make.app, ended, measure, "100"),
        other_measure_commitment=fc.commitment(make.app, contract, other_measure, "100"),
        other_supplier_commitment=fc.commitment(make.app, rival, measure, "100"),
    )


def _client(app, user_id: int):
    """A test client signed in as a user."""
    client = app.test_client()
    login_as(client, app, user_id)
    return client


def _pledge_data(commitment_id: int, quantity: str = "10", on: date | None = None) -> dict:
    """What a supplier types into the pledge form."""
    on = on or TODAY + timedelta(days=14)
    return {"commitment_id": str(commitment_id), "quantity": quantity, "message": "Six of us can paint on Saturdays",
            "proposed_on": [str(on.day), str(on.month), str(on.year)]}


def _pledge_url(need_id: int) -> str:
    return f"/supplier/needs/{need_id}/pledge"


def _count(app, model, **where) -> int:
    """How many rows of a model match."""
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        n = db.session.scalar(query)
        db.session.remove()
        return n


def _radio_values(html: str) -> set[int]:
    """The commitment ids offered as radios on the pledge form."""
    return {int(v) for v in re.findall(r'<input[^>]*name="commitment_id"[^>]*value="(\d+)"', html)}


def _make_pledge(app, world: World, quantity: str = "10") -> int:
    """Pledge through the page as the supplier; return the new pledge's id."""
    client = _client(app, world.supplier_user)
    response = post_form(client, _pledge_url(world.need), _pledge_data(world.commitment, quantity), page="/")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _status(make, pledge_id: int) -> PledgeStatus:
    return make.get(Pledge, pledge_id).status


# --- Pledging ---------------------------------------------------------------------------------------------------

def test_supplier_pledges_to_an_open_need_and_the_vcse_is_emailed(app, make, world, outbox):
    client = _client(app, world.supplier_user)
    form = client.get(_pledge_url(world.need))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "WCC-001: Roads" in html and "100 hours left" in html and "3 hours left" in html
    response = post_form(client, _pledge_url(world.need), _pledge_data(world.commitment, "10"), page="/")
    assert response.status_code == 303
    pledge_id = int(response.headers["Location"].rsplit("/", 1)[1])
    pledge = make.get(Pledge, pledge_id)
    assert (pledge.status, pledge.quantity, pledge.commitment_id, pledge.supplier_id) == (
        PledgeStatus.OFFERED, Decimal("10"), world.commitment, world.supplier)
    vcse_email = make.get(User, world.vcse_user).email
    assert any(to == vcse_email and "Paint our hall" in subject and f"/vcse/pledges/{pledge_id}" in body
               for to, subject, body in outbox())
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Your pledge has been sent to Hall Trust" in page and "Withdraw pledge" in page


def test_only_the_suppliers_running_commitments_in_the_needs_measure_are_offered(app, world):
    html = _client(app, world.supplier_user).get(_pledge_url(world.need)).get_data(as_text=True)
    assert _radio_values(html) == {world.commitment, world.small_commitment}
    assert "WCC-OLD" not in html and "WCC-RIVAL" not in html


def test_a_supplier_with_no_eligible_commitment_is_told_why_instead_of_a_form(app, make, world):
    lonely = make.user(make.organisation(kind="supplier"))
    html = _client(app, lonely).get(_pledge_url(world.need)).get_data(as_text=True)
    assert "You cannot pledge to this need" in html and 'name="commitment_id"' not in html


@pytest.mark.parametrize("which, status", [
    ("other_supplier_commitment", 404), ("ended_commitment", 409), ("other_measure_commitment", 409),
])
def test_a_forged_commitment_is_refused_and_nothing_is_saved(app, world, which, status):
    client = _client(app, world.supplier_user)
    response = post_form(client, _pledge_url(world.need), _pledge_data(getattr(world, which)), page="/")
    assert response.status_code == status
    assert _count(app, Pledge) == 0


def test_pledging_more_than_is_left_on_the_commitment_is_422_next_to_the_field(app, world):
    client = _client(app, world.supplier_user)
    response = post_form(client, _pledge_url(world.need), _pledge_data(world.small_commitment, "4"), page="/")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"Only 3 hours? left on that commitment", html)
    assert 'id="quantity-error"' in html and "There is a problem" in html
    assert _count(app, Pledge) == 0


def test_pledging_more_than_the_need_still_wants_is_422(app, world):
    client = _client(app, world.supplier_user)
    response = post_form(client, _pledge_url(world.need), _pledge_data(world.commitment, "51"), page="/")
    assert response.status_code == 422
    assert re.search(r"Only 50 hours? still needed", response.get_data(as_text=True))


def test_form_errors_are_422_with_messages(app, world):
    client = _client(app, world.supplier_user)
    response = post_form(client, _pledge_url(world.need), {"quantity": "lots"}, page="/")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Select the commitment this pledge is part of" in html and "Quantity must be a number" in html
    assert "Enter the date you can provide it" in html


@pytest.mark.parametrize("status, needed_by", [
    ("closed", None), ("expired", None), ("open", TODAY - timedelta(days=1)),
])
def test_pledging_on_a_need_that_is_no_longer_open_is_409_and_nothing_is_saved(app, make, world, status, needed_by):
    need = make.need(world.vcse, status=status, measure_id=world.measure, needed_by=needed_by)
    client = _client(app, world.supplier_user)
    assert client.get(_pledge_url(need)).status_code == 409
    response = post_form(client, _pledge_url(need), _pledge_data(world.commitment), page="/")
    assert response.status_code == 409
    assert "no longer open" in response.get_data(as_text=True)
    assert _count(app, Pledge) == 0


def test_a_draft_need_is_404(app, make, world):
    need = make.need(world.vcse, status="draft", measure_id=world.measure)
    assert _client(app, world.supplier_user).get(_pledge_url(need)).status_code == 404


def test_public_need_page_offers_the_pledge_button_to_suppliers_only(app, world):
    url = f"/needs/{world.need}"
    assert "Pledge to meet this need" in _client(app, world.supplier_user).get(url).get_data(as_text=True)
    assert "Pledge to meet this need" not in _client(app, world.vcse_user).get(url).get_data(as_text=True)
    assert "Pledge to meet this need" not in app.test_client().get(url).get_data(as_text=True)


# --- The lifecycle through the pages ----------------------------------------------------------------------------

def _emails_to(make, outbox, user_id: int) -> list[tuple[str, str, str]]:
    """The emails queued for one user."""
    email = make.get(User, user_id).email
    return [m for m in outbox() if m[0] == email]


def test_accept_deliver_confirm_writes_one_ledger_entry_and_emails_each_side(app, make, world, outbox):
    pledge_id = _make_pledge(app, world, "10")
    vcse, supplier = _client(app, world.vcse_user), _client(app, world.supplier_user)
    assert post_form(vcse, f"/vcse/pledges/{pledge_id}/accept", page="/").status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.ACCEPTED
    assert any("accepted your pledge" in s for _, s, _ in _emails_to(make, outbox, world.supplier_user))

    form = supplier.get(f"/supplier/pledges/{pledge_id}/delivered")
    assert form.status_code == 200 and 'value="10"' in form.get_data(as_text=True)
    delivered = post_form(supplier, f"/supplier/pledges/{pledge_id}/delivered", {
        "quantity": "2.5", "delivered_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        "note": "Painted the hall"}, page="/")
    assert delivered.status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.DELIVERED
    assert any("says it has delivered" in s for _, s, _ in _emails_to(make, outbox, world.vcse_user))

    page = vcse.get(f"/vcse/pledges/{pledge_id}").get_data(as_text=True)
    assert 'id="confirm-quantity"' in page and 'value="2.5"' in page
    url = f"/vcse/pledges/{pledge_id}/confirm"
    data = {"confirm-quantity": "2.5", "confirm-story": "The hall looks welcoming again."}
    assert post_form(vcse, url, data, page="/").status_code == 303
    again = post_form(vcse, url, data, page="/")
    assert again.status_code == 303
    assert vcse.get(again.headers["Location"]).status_code == 200
    with app.app_context():
        entries = db.session.scalars(select(LedgerEntry)).all()
        assert len(entries) == 1
        expected = int((Decimal("2.5") * PENCE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert (entries[0].value_pence, entries[0].quantity, entries[0].pledge_id) == (expected, Decimal("2.5"), pledge_id)
        assert entries[0].story == "The hall looks welcoming again."
        db.session.remove()
    assert _status(make, pledge_id) is PledgeStatus.CONFIRMED
    assert any("confirmed your delivery" in s for _, s, _ in _emails_to(make, outbox, world.supplier_user))
    shown = supplier.get(f"/supplier/pledges/{pledge_id}").get_data(as_text=True)
    assert "£30.53" in shown and "The hall looks welcoming again." in shown


def test_decline_needs_a_reason_and_the_supplier_is_emailed_it(app, make, world, outbox):
    pledge_id = _make_pledge(app, world)
    vcse = _client(app, world.vcse_user)
    missing = post_form(vcse, f"/vcse/pledges/{pledge_id}/decline", {"decline-reason": "  "}, page="/")
    assert missing.status_code == 422
    assert "Enter why you are declining this pledge" in missing.get_data(as_text=True)
    assert _status(make, pledge_id) is PledgeStatus.OFFERED
    done = post_form(vcse, f"/vcse/pledges/{pledge_id}/decline", {"decline-reason": "We found painters"}, page="/")
    assert done.status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.DECLINED
    assert any("declined" in s and "We found painters" in body
               for _, s, body in _emails_to(make, outbox, world.supplier_user))


def test_supplier_withdraws_an_offered_pledge_and_the_vcse_is_emailed(app, make, world, outbox):
    pledge_id = _make_pledge(app, world)
    response = post_form(_client(app, world.supplier_user), f"/supplier/pledges/{pledge_id}/withdraw", page="/")
    assert response.status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.WITHDRAWN
    assert any("withdrew" in s for _, s, _ in _emails_to(make, outbox, world.vcse_user))


def test_supplier_cancels_an_accepted_pledge_with_a_reason(app, make, world, outbox):
    pledge_id = _make_pledge(app, world)
    post_form(_client(app, world.vcse_user), f"/vcse/pledges/{pledge_id}/accept", page="/")
    supplier = _client(app, world.supplier_user)
    missing = post_form(supplier, f"/supplier/pledges/{pledge_id}/cancel", {"cancel-reason": ""}, page="/")
    assert missing.status_code == 422
    assert "Enter why you are cancelling this pledge" in missing.get_data(as_text=True)
    done = post_form(supplier, f"/supplier/pledges/{pledge_id}/cancel", {"cancel-reason": "Van broke down"}, page="/")
    assert done.status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.CANCELLED
    assert any("cancelled" in s and "Van broke down" in body for _, s, body in _emails_to(make, outbox, world.vcse_user))


def test_vcse_disputes_a_delivery_with_a_reason(app, make, world, outbox):
    pledge_id = fc.pledge(app, world.need, world.commitment, quantity="5", status="delivered")
    vcse = _client(app, world.vcse_user)
    missing = post_form(vcse, f"/vcse/pledges/{pledge_id}/dispute", {}, page="/")
    assert missing.status_code == 422
    done = post_form(vcse, f"/vcse/pledges/{pledge_id}/dispute", {"dispute-reason": "Nobody came"}, page="/")
    assert done.status_code == 303
    assert _status(make, pledge_id) is PledgeStatus.DISPUTED
    assert any("disputed" in s and "Nobody came" in body for _, s, body in _emails_to(make, outbox, world.supplier_user))
    assert _count(app, LedgerEntry) == 0


def test_a_step_the_status_does_not_allow_is_refused_with_a_message(app, make, world):
    pledge_id = fc.pledge(app, world.need, world.commitment, status="accepted")
    supplier = _client(app, world.supplier_user)
    response = post_form(supplier, f"/supplier/pledges/{pledge_id}/withdraw", page="/")
    assert response.status_code == 303
    assert "You cannot withdraw a pledge that is accepted" in supplier.get(response.headers["Location"]).get_data(as_text=True)
    assert _status(make, pledge_id) is PledgeStatus.ACCEPTED


def test_delivering_more_than_was_pledged_is_422_next_to_the_field(app, make, world):
    pledge_id = fc.pledge(app, world.need, world.commitment, quantity="5", status="accepted")
    response = post_form(_client(app, world.supplier_user), f"/supplier/pledges/{pledge_id}/delivered", {
        "quantity": "6", "delivered_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "note": "Done"}, page="/")
    assert response.status_code == 422
    assert "You pledged 5" in response.get_data(as_text=True)
    assert _status(make, pledge_id) is PledgeStatus.ACCEPTED


# --- Other organisations' pledges ----------------------------------------------------------------------------

def test_a_vcse_cannot_see_or_confirm_another_vcses_pledge(app, make, world):
    pledge_id = fc.pledge(app, world.need, world.commitment, quantity="5", status="delivered")
    other = _client(app, world.other_vcse_user)
    assert other.get(f"/vcse/pledges/{pledge_id}").status_code == 404
    for action, data in [("confirm", {"confirm-quantity": "5"}), ("dispute", {"dispute-reason": "No"}),
                         ("accept", {}), ("decline", {"decline-reason": "No"})]:
        assert post_form(other, f"/vcse/pledges/{pledge_id}/{action}", data, page="/").status_code == 404
    assert _status(make, pledge_id) is PledgeStatus.DELIVERED
    assert _count(app, LedgerEntry) == 0
    assert "Paint our hall" not in other.get("/vcse/pledges").get_data(as_text=True)


def test_a_supplier_cannot_see_or_act_on_another_suppliers_pledge(app, make, world):
    offered = fc.pledge(app, world.need, world.commitment, status="offered")
    accepted = fc.pledge(app, world.need, world.commitment, status="accepted")
    rival = _client(app, world.other_supplier_user)
    assert rival.get(f"/supplier/pledges/{offered}").status_code == 404
    assert rival.get(f"/supplier/pledges/{accepted}/delivered").status_code == 404
    assert post_form(rival, f"/supplier/pledges/{offered}/withdraw", page="/").status_code == 404
    assert post_form(rival, f"/supplier/pledges/{accepted}/cancel", {"cancel-reason": "Mine now"}, page="/").status_code == 404
    assert post_form(rival, f"/supplier/pledges/{accepted}/delivered", {
        "quantity": "1", "delivered_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "note": "x"},
        page="/").status_code == 404
    assert (_status(make, offered), _status(make, accepted)) == (PledgeStatus.OFFERED, PledgeStatus.ACCEPTED)
    assert "Paint our hall" not in rival.get("/supplier/pledges").get_data(as_text=True)


def test_vcse_pages_are_not_for_suppliers_and_supplier_pages_not_for_vcses(app, world):
    assert _client(app, world.supplier_user).get("/vcse/pledges").status_code == 403
    assert _client(app, world.vcse_user).get("/supplier/contracts").status_code == 403


# --- List pages ----------------------------------------------------------------------------------------------

def test_contracts_page_shows_figures_per_commitment_and_marks_ended_contracts(app, make, world):
    pledge_id = _make_pledge(app, world, "2")
    post_form(_client(app, world.vcse_user), f"/vcse/pledges/{pledge_id}/accept", page="/")
    post_form(_client(app, world.supplier_user), f"/supplier/pledges/{pledge_id}/delivered", {
        "quantity": "2", "delivered_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)], "note": "Done"}, page="/")
    post_form(_client(app, world.vcse_user), f"/vcse/pledges/{pledge_id}/confirm", {"confirm-quantity": "1.5"}, page="/")
    fc.pledge(app, world.need, world.commitment, quantity="5", status="offered")
    fc.pledge(app, world.need, world.commitment, quantity="3", status="accepted")
    fc.pledge(app, world.need, world.commitment, quantity="4", status="delivered")
    fc.pledge(app, world.need, world.commitment, quantity="9", status="declined")
    html = _client(app, world.supplier_user).get("/supplier/contracts").get_data(as_text=True)
    cells = _first_row_cells(html)
    # committed 100; pledged 5 + 3; delivered 4; confirmed 1.5; left 100 - (8 + 4 + 1.5); value 100 x £12.21.
    assert cells == ["100", "8", "4", "1.5", "86.5", "£1,221.00"]
    assert "In hours, due by" in html
    assert "WCC-OLD: Old parks" in html and "Ended" in html
    assert "WCC-RIVAL" not in html


def _first_row_cells(html: str) -> list[str]:
    """The numeric cells of the first commitment row on the contracts page."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r'<td [^>]*class="govuk-table__cell[^"]*">(.*?)</td>', body, re.S)]


def _requests_for(app, client, url, count_queries) -> int:
    """How many SQL statements one page view runs."""
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter["n"]


def test_list_pages_run_the_same_number_of_queries_for_3_or_15_rows(app, make, world, count_queries):
    def add(n: int) -> None:
        for _ in range(n):
            contract = fc.contract(app, world.supplier, world.council, world.manager)
            commitment = fc.commitment(app, contract, world.measure, "100")
            need = make.need(world.vcse, status="open", measure_id=world.measure)
            fc.pledge(app, need, commitment, status="delivered", quantity="1")
    supplier, vcse = _client(app, world.supplier_user), _client(app, world.vcse_user)
    urls = {"/supplier/contracts": supplier, "/supplier/pledges": supplier, "/vcse/pledges": vcse}
    add(3)
    few = {url: _requests_for(app, client, url, count_queries) for url, client in urls.items()}
    add(12)
    many = {url: _requests_for(app, client, url, count_queries) for url, client in urls.items()}
    assert many == few
    assert vcse.get("/vcse/pledges").get_data(as_text=True).count('href="/vcse/pledges/') == 15


def test_vcse_sees_pledges_needing_action_first_and_on_the_need_page(app, make, world):
    confirmed_like = fc.pledge(app, world.need, world.commitment, status="declined")
    waiting = fc.pledge(app, world.need, world.commitment, status="offered")
    vcse = _client(app, world.vcse_user)
    html = vcse.get("/vcse/pledges").get_data(as_text=True)
    assert html.index(f"/vcse/pledges/{waiting}\"") < html.index(f"/vcse/pledges/{confirmed_like}\"")
    need_page = vcse.get(f"/vcse/needs/{world.need}").get_data(as_text=True)
    assert f"/vcse/pledges/{waiting}" in need_page and "from Acme Builders" in need_page


# --- Displays and refusals --------------------------------------------------------------------------------------

def test_value_today_uses_the_proxy_value_in_force_today_not_an_older_or_a_future_one(app, make, world):
    with app.app_context():
        db.session.add_all([
            ProxyValue(measure_id=world.measure, pence_per_unit=1500, effective_from=TODAY - timedelta(days=1)),
            ProxyValue(measure_id=world.measure, pence_per_unit=9999, effective_from=TODAY + timedelta(days=1)),
        ])
        db.session.commit()
        db.session.remove()
    html = _client(app, world.supplier_user).get("/supplier/contracts").get_data(as_text=True)
    # 100 hours committed at today's £15.00 an hour (not the older £12.21, nor tomorrow's £99.99).
    assert _first_row_cells(html)[-1] == "£1,500.00"


def test_confirming_a_declined_pledge_through_the_page_is_refused_and_changes_nothing(app, make, world, outbox):
    pledge_id = fc.pledge(app, world.need, world.commitment, quantity="5", status="declined")
    vcse = _client(app, world.vcse_user)
    emails_before = len(outbox())
    response = post_form(vcse, f"/vcse/pledges/{pledge_id}/confirm", {"confirm-quantity": "5"}, page="/")
    assert response.status_code == 303
    page = vcse.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot confirm a pledge that is declined." in page
    assert _status(make, pledge_id) is PledgeStatus.DECLINED
    assert _count(app, LedgerEntry) == 0
    assert len(outbox()) == emails_before


def test_vcse_need_page_runs_the_same_number_of_queries_for_3_or_15_pledges(app, make, world, count_queries):
    others = [fc.commitment(app, fc.contract(app, world.supplier, world.council, world.manager), world.measure, "100")
              for _ in range(3)]

    def add(n: int) -> None:
        for i in range(n):
            fc.pledge(app, world.need, others[i % 3], quantity="1",
                      status=["offered", "accepted", "delivered", "declined"][i % 4])

    vcse = _client(app, world.vcse_user)
    url = f"/vcse/needs/{world.need}"
    add(3)
    few = _requests_for(app, vcse, url, count_queries)
    add(12)
    many = _requests_for(app, vcse, url, count_queries)
    assert many == few
    assert vcse.get(url).get_data(as_text=True).count('href="/vcse/pledges/') == 15
