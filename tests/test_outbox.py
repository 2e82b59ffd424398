"""The email outbox: sent later by a worker, retried with back-off, written with its cause."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import app.email as email_module
from app.email import queue_email, send_pending
from app.extensions import db, mail
from app.models import Organisation, OutboxMessage, OutboxStatus, User, utcnow
from app.services import organisations
from app.services.errors import DomainError


def queue(ctx, make, to: str = "pat@example.org", **changes) -> int:
    """Queue one email for a new user with this address and return the outbox row's id."""
    user_id = make.user(email=to)
    with ctx():
        message, = queue_email(db.session.get(User, user_id), "password_changed", "Your password was changed")
        for key, value in changes.items():
            setattr(message, key, value)
        db.session.commit()
        return message.id


def row(ctx, message_id: int) -> dict:
    """A snapshot of an outbox row."""
    with ctx():
        m = db.session.get(OutboxMessage, message_id)
        return {"status": m.status, "attempts": m.attempts, "last_error": m.last_error,
                "next_attempt_at": m.next_attempt_at, "sent_at": m.sent_at}


def run_worker(ctx) -> tuple[tuple[int, int], list]:
    """Run one pass of the sender, capturing what Flask-Mail would have sent."""
    with ctx(), mail.record_messages() as sent:
        counts = send_pending()
        return counts, [(list(m.recipients), m.subject) for m in sent]


def make_due(ctx, message_id: int) -> None:
    """Bring a message's next attempt forward to now, as time passing would."""
    with ctx():
        db.session.get(OutboxMessage, message_id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


@pytest.fixture
def broken_transport(monkeypatch):
    """A mail transport that always fails."""
    def deliver(message):
        raise ConnectionRefusedError("SMTP server said no")
    monkeypatch.setattr(email_module, "deliver", deliver)


def test_send_pending_delivers_due_messages_and_marks_them_sent(make, ctx):
    first, second = queue(ctx, make, "a@example.org"), queue(ctx, make, "b@example.org")
    counts, sent = run_worker(ctx)
    assert counts == (2, 0)
    assert sent == [(["a@example.org"], "Your password was changed"), (["b@example.org"], "Your password was changed")]
    for message_id in (first, second):
        after = row(ctx, message_id)
        assert after["status"] is OutboxStatus.SENT
        assert after["attempts"] == 1
        assert after["sent_at"] is not None

    assert run_worker(ctx) == ((0, 0), [])


def test_a_message_not_yet_due_is_not_sent(make, ctx):
    message_id = queue(ctx, make, next_attempt_at=utcnow() + timedelta(minutes=5))
    assert run_worker(ctx) == ((0, 0), [])
    after = row(ctx, message_id)
    assert after["status"] is OutboxStatus.PENDING
    assert after["attempts"] == 0


def test_failed_delivery_keeps_the_message_with_back_off(make, ctx, broken_transport):
    message_id = queue(ctx, make)
    before = utcnow()
    assert run_worker(ctx)[0] == (0, 1)
    after = row(ctx, message_id)
    assert after["status"] is OutboxStatus.PENDING
    assert after["attempts"] == 1
    assert "SMTP server said no" in after["last_error"]
    assert before + timedelta(minutes=1) <= after["next_attempt_at"] <= utcnow() + timedelta(minutes=1)

    # Not due again until the back-off has passed.
    assert run_worker(ctx)[0] == (0, 0)
    assert row(ctx, message_id)["attempts"] == 1

    make_due(ctx, message_id)
    before = utcnow()
    run_worker(ctx)
    second = row(ctx, message_id)
    assert second["attempts"] == 2
    assert before + timedelta(minutes=2) <= second["next_attempt_at"] <= utcnow() + timedelta(minutes=2)


def test_message_fails_for_good_after_the_maximum_attempts(app, make, ctx, broken_transport):
    message_id = queue(ctx, make)
    maximum = app.config["OUTBOX_MAX_ATTEMPTS"]
    for attempt in range(1, maximum + 1):
        assert row(ctx, message_id)["status"] is OutboxStatus.PENDING
        make_due(ctx, message_id)
        run_worker(ctx)
        assert row(ctx, message_id)["attempts"] == attempt
    assert row(ctx, message_id)["status"] is OutboxStatus.FAILED

    make_due(ctx, message_id)
    assert run_worker(ctx)[0] == (0, 0)
    assert row(ctx, message_id)["attempts"] == maximum


def test_a_message_that_failed_once_is_sent_when_the_transport_recovers(make, ctx, monkeypatch):
    message_id = queue(ctx, make)
    real = email_module.deliver
    monkeypatch.setattr(email_module, "deliver", lambda m: (_ for _ in ()).throw(TimeoutError("timed out")))
    run_worker(ctx)
    monkeypatch.setattr(email_module, "deliver", real)
    make_due(ctx, message_id)
    counts, sent = run_worker(ctx)
    assert counts == (1, 0)
    assert sent == [(["pat@example.org"], "Your password was changed")]
    assert row(ctx, message_id)["status"] is OutboxStatus.SENT


def test_one_failing_message_does_not_stop_the_others(make, ctx, monkeypatch):
    bad, good = queue(ctx, make, "bad@example.org"), queue(ctx, make, "good@example.org")
    real = email_module.deliver

    def picky(message):
        if message.to_email == "bad@example.org":
            raise ConnectionResetError("connection reset")
        real(message)
    monkeypatch.setattr(email_module, "deliver", picky)
    counts, sent = run_worker(ctx)
    assert counts == (1, 1)
    assert sent == [(["good@example.org"], "Your password was changed")]
    assert row(ctx, bad)["status"] is OutboxStatus.PENDING
    assert row(ctx, good)["status"] is OutboxStatus.SENT


def test_email_is_not_queued_when_the_service_fails_before_commit(make, ctx, monkeypatch):
    """The email and the event share one transaction: a failure before commit leaves no outbox row."""
    organisation_id = make.organisation(status="pending")
    make.user(organisation_id)
    moderator = make.council_user("moderator")

    def failing_commit():
        raise RuntimeError("database went away")

    with ctx():
        monkeypatch.setattr(db.session, "commit", failing_commit)
        with pytest.raises(RuntimeError):
            organisations.approve_organisation(organisation_id, db.session.get(User, moderator))
        monkeypatch.undo()
        db.session.rollback()
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.get(Organisation, organisation_id).status.value == "pending"


def test_email_is_not_queued_when_the_service_refuses(make, ctx):
    """A refused action sends nothing."""
    organisation_id = make.organisation(status="approved")
    make.user(organisation_id)
    moderator = make.council_user("moderator")
    with ctx():
        with pytest.raises(DomainError):
            organisations.approve_organisation(organisation_id, db.session.get(User, moderator))
        db.session.rollback()
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
