"""The email outbox: sent later by a worker, retried with back-off, written with its cause."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import app.email as email_module
from app.email import queue_email, send_pending
from app.extensions import db, mail
from app.models import Organisation, OutboxMessage, OutboxStatus, User, utcnow
from app.services import organisations
from app.errors import DomainError


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


# --- two senders at once: each message is claimed by one of them --------------------------------

def test_overlapping_send_runs_deliver_each_message_exactly_once(make, ctx, monkeypatch):
    """A second run that starts while the first is mid-delivery (two workers, or a slow cron run) sends nothing twice."""
    addresses = ["a@example.org", "b@example.org", "c@example.org"]
    for address in addresses:
        queue(ctx, make, address)
    real = email_module.deliver
    second_run = {}

    def deliver_and_let_another_sender_run(message):
        if not second_run:
            second_run["counts"] = (0, 0)  # mark first, so the second run's own deliveries do not recurse
            with ctx():  # another sender: its own app context, session and connection
                second_run["counts"] = send_pending()
        real(message)

    monkeypatch.setattr(email_module, "deliver", deliver_and_let_another_sender_run)
    with ctx(), mail.record_messages() as sent:
        first_counts = send_pending()
    delivered = sorted(recipient for message in sent for recipient in message.recipients)

    assert delivered == addresses
    assert first_counts == (3, 0)
    assert second_run["counts"] == (0, 0)
    with ctx():
        assert set(db.session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}


def test_a_claim_is_a_lease_a_crashed_sender_leaves_the_message_for_a_later_run(make, ctx):
    message_id = queue(ctx, make)
    with ctx():
        assert email_module.claim_due() == [message_id]  # ... and the sender dies before delivering
    assert run_worker(ctx) == ((0, 0), [])  # still claimed: nobody else sends it
    after = row(ctx, message_id)
    assert after["status"] is OutboxStatus.PENDING and after["attempts"] == 0
    assert after["next_attempt_at"] >= utcnow() + email_module.CLAIM_LEASE - timedelta(minutes=1)

    make_due(ctx, message_id)  # the lease runs out
    assert run_worker(ctx) == ((1, 0), [(["pat@example.org"], "Your password was changed")])


# --- subjects are one line, whatever users typed ------------------------------------------------

def test_an_organisation_name_with_a_line_break_is_approved_and_its_email_goes_with_a_one_line_subject(make, ctx):
    """Flask-Mail refuses a subject holding CR or LF (header injection); the outbox never queues one."""
    organisation_id = make.organisation(status="pending", name="Evil Ltd\r\nBcc: x@example.com")
    make.user(organisation_id, email="owner@example.org")
    moderator = make.council_user("moderator")
    with ctx():
        organisations.approve_organisation(organisation_id, db.session.get(User, moderator))

    with ctx(), mail.record_messages() as sent:
        counts = send_pending()
        assert counts == (1, 0)
        message, = sent
        assert message.subject == "Evil Ltd Bcc: x@example.com is approved"
        assert list(message.recipients) == ["owner@example.org"] and not message.bcc
        assert "\r" not in message.subject and "\n" not in message.subject
    with ctx():
        assert db.session.scalars(select(OutboxMessage.status)).one() is OutboxStatus.SENT


@pytest.mark.parametrize("subject, expected", [
    ("Tab\tand\u2028line\x0bseparators\x1bhere", "Tab and line separators here"),
    ("  spaced \r\n\r\n  out  ", "spaced out"),
])
def test_queued_subjects_have_whitespace_and_control_characters_collapsed(ctx, subject, expected):
    with ctx():
        message, = queue_email("x@example.org", "password_changed", subject)
        assert message.subject == expected


def test_a_subject_longer_than_the_column_is_shortened(ctx):
    with ctx():
        message, = queue_email("x@example.org", "password_changed", "An organisation " + "very " * 60 + "long")
        assert len(message.subject) == 200 and message.subject.endswith("…")


# --- single-use links do not stay in the outbox -------------------------------------------------

def queue_template(ctx, make, template: str, to: str) -> int:
    """Queue one email of a template, with a made-up single-use link, and return its id."""
    user_id = make.user(email=to)
    with ctx():
        user = db.session.get(User, user_id)
        message, = queue_email(user, template, "Subject", link="http://marketplace.test/secret-token-123",
                               hours=1, inviter=user)
        db.session.commit()
        return message.id


def bodies(ctx, message_id: int) -> tuple[str, str]:
    """A message's text and HTML bodies."""
    with ctx():
        message = db.session.get(OutboxMessage, message_id)
        return message.body_text, message.body_html


def test_sent_emails_with_single_use_links_lose_their_bodies_and_others_keep_theirs(make, ctx):
    link_ids = [queue_template(ctx, make, template, f"{template}@example.org")
                for template in ("verify_email", "reset_password", "invite")]
    plain_id = queue(ctx, make, "plain@example.org")
    for message_id in link_ids:
        assert "secret-token-123" in bodies(ctx, message_id)[0]

    with ctx(), mail.record_messages() as sent:
        assert send_pending() == (4, 0)
        assert all("secret-token-123" in m.body and "secret-token-123" in m.html
                   for m in sent if m.recipients != ["plain@example.org"])  # the email itself had the link

    for message_id in link_ids:
        text, html = bodies(ctx, message_id)
        assert "secret-token-123" not in text + html
        assert text == email_module.REDACTED_BODY
    assert "Your password was changed" in bodies(ctx, plain_id)[0]


def test_a_single_use_link_is_kept_while_the_email_waits_for_a_retry_and_removed_when_it_fails_for_good(
        app, make, ctx, broken_transport):
    message_id = queue_template(ctx, make, "reset_password", "pat@example.org")
    run_worker(ctx)
    assert row(ctx, message_id)["status"] is OutboxStatus.PENDING
    assert "secret-token-123" in bodies(ctx, message_id)[0]
    for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"] - 1):
        make_due(ctx, message_id)
        run_worker(ctx)
    assert row(ctx, message_id)["status"] is OutboxStatus.FAILED
    assert "secret-token-123" not in "".join(bodies(ctx, message_id))


# --- flask outbox purge -------------------------------------------------------------------------

def test_outbox_purge_deletes_sent_messages_older_than_the_given_days_only(app, make, ctx):
    old_sent = queue(ctx, make, "old@example.org", status=OutboxStatus.SENT, sent_at=utcnow() - timedelta(days=31))
    recent_sent = queue(ctx, make, "recent@example.org", status=OutboxStatus.SENT, sent_at=utcnow() - timedelta(days=29))
    old_failed = queue(ctx, make, "failed@example.org", status=OutboxStatus.FAILED,
                       created_at=utcnow() - timedelta(days=90))
    old_pending = queue(ctx, make, "pending@example.org", created_at=utcnow() - timedelta(days=90))

    with ctx():
        result = app.test_cli_runner().invoke(args=["outbox", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 sent emails older than 30 days." in result.output
    with ctx():
        left = set(db.session.scalars(select(OutboxMessage.id)))
    assert left == {recent_sent, old_failed, old_pending} and old_sent not in left

    with ctx():
        result = app.test_cli_runner().invoke(args=["outbox", "purge", "--days", "7"])
    assert "Deleted 1 sent emails older than 7 days." in result.output
    with ctx():
        assert set(db.session.scalars(select(OutboxMessage.id))) == {old_failed, old_pending}


@pytest.mark.parametrize("app_overrides", [{"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 10}}])
def test_senders_running_in_parallel_threads_deliver_each_message_exactly_once(app, make, ctx, monkeypatch):
    """Real parallel connections: row locks skipped on PostgreSQL, the guarded UPDATE on SQLite."""
    import threading
    import time

    addresses = [f"p{n}@example.org" for n in range(12)]
    for address in addresses:
        queue(ctx, make, address)
    real = email_module.deliver

    def slow_deliver(message):
        time.sleep(0.02)  # a real SMTP hand-off takes a while: the senders overlap
        real(message)

    monkeypatch.setattr(email_module, "deliver", slow_deliver)
    barrier, results = threading.Barrier(4), []

    def sender() -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(send_pending(limit=5))
            finally:
                db.session.remove()

    with mail.record_messages() as sent:
        threads = [threading.Thread(target=sender) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a sender hung"
        in_parallel = [recipient for message in sent for recipient in message.recipients]
        assert len(in_parallel) == len(set(in_parallel)), "a message was sent twice"
        assert len(results) == 4 and sum(s for s, _ in results) == len(in_parallel) and all(f == 0 for _, f in results)
        # A sender that lost the race for its candidates leaves them to the next run (on SQLite; PostgreSQL
        # skips locked rows and takes others): the next run sends what is left, and nothing again.
        with ctx():
            send_pending()
    assert sorted(recipient for message in sent for recipient in message.recipients) == sorted(addresses)
