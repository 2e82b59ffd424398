"""The home page of tasks: each role sees what needs its action, with counts, and the page's queries stay fixed."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus
from app.services import suggestions
from tests import factories_contracts as contracts
from tests.conftest import csrf_token
from tests.loop_world import build_loop_world


@pytest.fixture
def world(app, make):
    """The loop world: a council, a supplier with a running commitment, a VCSE with an open need."""
    return build_loop_world(app, make)


def _status(html: str, name: str) -> str:
    """The status shown beside a task."""
    after = html.split(f">{name}</a>", 1)[1]
    return after.split('govuk-task-list__status', 1)[1].split("</div>", 1)[0]


def test_signing_in_lands_on_the_home_page_of_tasks(app, client, make):
    from tests.factories import PASSWORD
    from app.models import User

    user = make.get(User, make.user())
    response = client.post("/sign-in", data={"csrf_token": csrf_token(client), "email": user.email,
                                              "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/home")
    assert "Go to your tasks" in client.get("/").get_data(as_text=True)


def test_a_vcse_sees_pledges_to_answer_deliveries_to_confirm_and_needs_about_to_expire(app, client, login, make,
                                                                                       world):
    contracts.pledge(app, world.need, world.commitment, status="offered")
    contracts.pledge(app, world.need, world.commitment, status="offered")
    contracts.pledge(app, world.need, world.commitment, status="delivered", delivered_quantity="5")
    make.need(world.vcse, status="changes_requested")
    make.need(world.vcse, needed_by=date.today() + timedelta(days=5))
    make.need(make.organisation(kind="vcse"), needed_by=date.today() + timedelta(days=5))  # another group's
    login(world.vcse_user)
    html = client.get("/home").get_data(as_text=True)
    assert "2 waiting" in _status(html, "Pledges to answer")
    assert "1 waiting" in _status(html, "Deliveries to confirm")
    assert "1 waiting" in _status(html, "Needs sent back for changes")
    assert "1 waiting" in _status(html, "Needs about to expire with no pledge")
    assert "Moderation" not in html and "Suggested for you" not in html


def test_a_supplier_sees_suggestions_pledges_to_deliver_and_commitments_due_soon(app, client, login, make, world):
    contracts.pledge(app, world.need, world.commitment, status="accepted", quantity="5")
    make.need(world.vcse, measure_id=world.measure)
    contracts.commitment(app, world.contract, world.measure, "10", due_on=date.today() + timedelta(days=20))
    with app.app_context():
        suggestions.rebuild_all()
    login(world.supplier_user)
    html = client.get("/home").get_data(as_text=True)
    assert "1 waiting" in _status(html, "Accepted pledges to deliver")
    assert "2 waiting" in _status(html, "Suggested for you")
    assert "1 waiting" in _status(html, "Commitments due soon with some left to pledge")
    assert "None waiting" in _status(html, "Requests for your offers")


def test_a_moderator_sees_each_queue_with_the_oldest_items_age(app, client, login, make, world):
    make.need(world.vcse, status="pending_review")
    make.organisation(kind="vcse", status="pending")
    login(world.moderator)
    html = client.get("/home").get_data(as_text=True)
    assert "1 waiting" in _status(html, "Needs waiting for review")
    assert "1 waiting" in _status(html, "Organisations waiting for approval")
    assert "Oldest waiting: today." in html


def test_a_contract_manager_sees_contracts_behind_and_overdue_commitments(app, client, login, make, world):
    # Half the term gone and nothing confirmed: behind. A commitment due yesterday with nothing confirmed: overdue.
    contracts.contract(app, world.supplier, world.council, world.manager, starts_on=date.today() - timedelta(days=100),
                       ends_on=date.today() + timedelta(days=100))
    contracts.commitment(app, world.contract, world.measure, "5", due_on=date.today() - timedelta(days=1))
    login(world.manager)
    html = client.get("/home").get_data(as_text=True)
    assert "1 waiting" in _status(html, "Contracts behind target")
    assert "1 waiting" in _status(html, "Overdue commitments")


def test_an_admin_sees_failed_emails_and_pending_invitations(app, client, login, make, world):
    admin = make.council_user("admin", organisation_id=world.council)
    with app.app_context():
        db.session.add(OutboxMessage(to_email="x@example.org", subject="Hi", template="t", body_text="",
                                     body_html="", status=OutboxStatus.FAILED))
        db.session.commit()
    make.user(world.council, password=None)  # not invited: not counted
    login(admin)
    html = client.get("/home").get_data(as_text=True)
    assert "1 waiting" in _status(html, "Emails that failed to send")
    assert "None waiting" in _status(html, "Invitations not yet accepted")


def test_home_page_query_count_does_not_grow_with_data(app, client, login, make, world, count_queries):
    everything = make.council_user("moderator", "contract_manager", "admin", organisation_id=world.council)

    def queries(user_id) -> int:
        login(user_id)
        with count_queries() as counter:
            assert client.get("/home").status_code == 200
        return counter["n"]
    few = {u: queries(u) for u in (everything, world.supplier_user, world.vcse_user)}
    for _ in range(5):
        need = make.need(world.vcse, measure_id=world.measure, needed_by=date.today() + timedelta(days=3))
        contracts.pledge(app, need, world.commitment, status="offered", quantity="1")
        contracts.commitment(app, world.contract, world.measure, "3", due_on=date.today() + timedelta(days=10))
        contracts.contract(app, world.supplier, world.council, world.manager)
        make.need(world.vcse, status="pending_review")
    with app.app_context():
        suggestions.rebuild_all()
    assert {u: queries(u) for u in few} == few
