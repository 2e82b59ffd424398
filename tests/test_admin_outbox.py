"""The admin outbox page: queued, sent and failed emails, and sending a failed one again."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.email import REDACTED_BODY
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, OutboxStatus, utcnow
from tests.conftest import csrf_token, login_as


@pytest.fixture
def council(make):
    """A council organisation."""
    return make.organisation(kind="buyer", name="Wyvern County Council")


@pytest.fixture
def as_admin(login, make, council):
    """The client signed in as a council admin; returns the admin's id."""
    admin_id = make.user(council, roles=["admin"], email="admin@example.gov.uk")
    login(admin_id)
    return admin_id


def add_messages(ctx, status: OutboxStatus, count: int, **values) -> list[int]:
    """Add outbox messages with a status; return their ids."""
    now = utcnow()
    with ctx():
        messages = [OutboxMessage(**{
            "to_email": f"{status.value}{n}@example.org", "subject": f"{status.value.capitalize()} message {n}",
            "template": "password_changed", "body_text": "Hello", "body_html": "<p>Hello</p>", "status": status,
            "attempts": 8 if status is OutboxStatus.FAILED else 1 if status is OutboxStatus.SENT else 0,
            "last_error": "SMTPDataError: (451, b'Try again later')" if status is OutboxStatus.FAILED else "",
            "sent_at": now if status is OutboxStatus.SENT else None, "next_attempt_at": now + timedelta(hours=1),
            **values}) for n in range(count)]
        db.session.add_all(messages)
        db.session.commit()
        return [message.id for message in messages]


def test_the_outbox_shows_each_status_with_its_details_and_counts(client, ctx, as_admin):
    add_messages(ctx, OutboxStatus.FAILED, 2)
    add_messages(ctx, OutboxStatus.PENDING, 3)
    add_messages(ctx, OutboxStatus.SENT, 1)
    html = client.get("/admin/outbox").get_data(as_text=True)  # failed first: they need an admin
    assert "Failed (2)" in html and "Queued (3)" in html and "Sent (1)" in html
    assert "failed0@example.org" in html and "Failed message 1" in html
    assert "SMTPDataError: (451, b&#39;Try again later&#39;)" in html
    assert html.count("Send again") == 2 and "pending0@example.org" not in html

    html = client.get("/admin/outbox?status=pending").get_data(as_text=True)
    assert "pending2@example.org" in html and "Next try" in html and "Send again" not in html
    html = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "sent0@example.org" in html and "Sent " in html and "failed0@example.org" not in html
    assert client.get("/admin/outbox?status=nonsense&page=-4").status_code == 200


def test_the_admin_overview_links_to_the_outbox_with_its_failures(client, ctx, as_admin):
    add_messages(ctx, OutboxStatus.FAILED, 3)
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/outbox"' in html and "(3 failed)" in html


def test_the_outbox_query_count_does_not_grow_with_rows(client, ctx, as_admin, count_queries):
    def queries_for(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    add_messages(ctx, OutboxStatus.FAILED, 2)
    add_messages(ctx, OutboxStatus.SENT, 2)
    few = [queries_for("/admin/outbox"), queries_for("/admin/outbox?status=sent")]
    add_messages(ctx, OutboxStatus.FAILED, 40)
    add_messages(ctx, OutboxStatus.SENT, 40)
    assert [queries_for("/admin/outbox"), queries_for("/admin/outbox?status=sent")] == few
    assert "govuk-pagination" in client.get("/admin/outbox?page=2").get_data(as_text=True)


def test_an_admin_sends_a_failed_email_again_and_it_is_audited(client, ctx, as_admin):
    message_id, = add_messages(ctx, OutboxStatus.FAILED, 1)
    before = utcnow()
    response = client.post(f"/admin/outbox/{message_id}/retry", data={"csrf_token": csrf_token(client, "/admin/outbox")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/outbox?status=failed")
    assert "failed0@example.org is queued to be sent again" in client.get("/admin/outbox").get_data(as_text=True)
    with ctx():
        message = db.session.get(OutboxMessage, message_id)
        assert message.status is OutboxStatus.PENDING and message.attempts == 0
        assert before - timedelta(seconds=1) <= message.next_attempt_at <= utcnow()  # due now
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email.retried")).one()
        assert (event.actor_id, event.object_type, event.object_id) == (as_admin, "outbox_message", message_id)
        assert event.data["attempts"] == 8


def test_only_a_failed_email_with_its_body_can_be_sent_again(client, ctx, as_admin):
    sent_id, = add_messages(ctx, OutboxStatus.SENT, 1)
    redacted_id, = add_messages(ctx, OutboxStatus.FAILED, 1, template="reset_password")
    with ctx():
        db.session.get(OutboxMessage, redacted_id).body_text = REDACTED_BODY
        db.session.commit()
    token = csrf_token(client, "/admin/outbox")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "Send again" not in html  # its single-use link was removed when it failed
    for message_id, says in ((sent_id, "this one is sent"), (redacted_id, "single-use link")):
        response = client.post(f"/admin/outbox/{message_id}/retry", data={"csrf_token": token}, follow_redirects=True)
        assert says in response.get_data(as_text=True)
    assert client.post("/admin/outbox/999999/retry", data={"csrf_token": token}).status_code == 404
    with ctx():
        assert [m.status for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))] == \
            [OutboxStatus.SENT, OutboxStatus.FAILED]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.retried")) is None


def test_retrying_needs_the_csrf_token(client, ctx, as_admin):
    message_id, = add_messages(ctx, OutboxStatus.FAILED, 1)
    assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 400
    with ctx():
        assert db.session.get(OutboxMessage, message_id).status is OutboxStatus.FAILED


@pytest.mark.parametrize("kind, roles", [("vcse", []), ("supplier", []), ("buyer", ["moderator"]),
                                         ("buyer", ["contract_manager"])])
def test_only_admins_see_the_outbox_or_retry(app, make, ctx, kind, roles):
    message_id, = add_messages(ctx, OutboxStatus.FAILED, 1)
    anonymous = app.test_client()
    assert "/sign-in" in anonymous.get("/admin/outbox").headers["Location"]
    client = app.test_client()
    login_as(client, app, make.user(make.organisation(kind=kind), roles=roles))
    assert client.get("/admin/outbox").status_code == 403
    assert client.post(f"/admin/outbox/{message_id}/retry", data={"csrf_token": csrf_token(client)}).status_code == 403
    with ctx():
        assert db.session.get(OutboxMessage, message_id).status is OutboxStatus.FAILED
