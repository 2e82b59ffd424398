"""Email survives faults: the worker against a real SMTP server (aiosmtpd on 127.0.0.1) that refuses, is away,
holds a message while its sender is killed, or is shared by two workers at once."""
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.email import queue_email
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.services.worker import run_pass
from tests.conftest import IS_POSTGRES
from tests.smtp_sink import SmtpSink, free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sink():
    """A local SMTP server that accepts everything until a test says otherwise."""
    with SmtpSink() as running:
        yield running


@pytest.fixture
def app_overrides(sink):
    """Real SMTP through Flask-Mail, to the sink only; room in the pool for parallel workers."""
    return {**sink.mail_settings(),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 10, "pool_timeout": 60}}


@pytest.fixture
def no_real_mail():
    """These tests do send real SMTP, but only to the sink on 127.0.0.1 (see app_overrides)."""
    yield


def queue_many(ctx, count: int) -> list[str]:
    """Queue `count` emails with distinct subjects; return the subjects."""
    subjects = [f"Message {n}" for n in range(count)]
    with ctx():
        for n, subject in enumerate(subjects):
            queue_email(f"person{n}@example.org", "password_changed", subject)
        db.session.commit()
    return subjects


def make_all_due(ctx) -> None:
    """Move every pending message's next attempt (a back-off or a dead worker's lease) into the past."""
    with ctx():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
                           .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def statuses(ctx) -> Counter:
    """How many messages have each status."""
    with ctx():
        return Counter(dict(db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()))


def one_pass(ctx, batch_size: int = 100):
    """One worker pass in a fresh app context."""
    with ctx():
        return run_pass(batch_size)


def test_a_server_that_refuses_the_first_attempts_gets_every_message_exactly_once(ctx, sink):
    subjects = queue_many(ctx, 10)
    sink.handler.refuse_first = 7
    passes = 0
    while statuses(ctx)[OutboxStatus.SENT] < 10 and passes < 10:
        one_pass(ctx, batch_size=4)  # smaller than the queue: several batches, each over one connection
        make_all_due(ctx)  # time passes: the back-off runs out
        passes += 1
    assert sink.handler.refused == 7
    assert sink.handler.subjects() == Counter(subjects), "a message was lost or sent twice"
    assert statuses(ctx) == Counter({OutboxStatus.SENT: 10})
    with ctx():
        attempts = db.session.scalar(select(func.sum(OutboxMessage.attempts)))
        errors = db.session.scalars(select(OutboxMessage.last_error).where(OutboxMessage.last_error != "")).all()
    assert attempts == 10 + 7
    assert errors and all("451" in error for error in errors)
    assert one_pass(ctx).sent == 0  # nothing left to send, nothing sent again


def test_a_server_that_is_away_loses_nothing_and_gets_everything_when_it_returns(app, ctx, sink):
    subjects = queue_many(ctx, 5)
    real_port = app.extensions["mail"].port
    app.extensions["mail"].port = free_port()  # nothing listens there: every connection is refused
    report = one_pass(ctx)
    assert (report.sent, report.failed) == (0, 5)
    assert statuses(ctx) == Counter({OutboxStatus.PENDING: 5})
    app.extensions["mail"].port = real_port
    make_all_due(ctx)
    assert one_pass(ctx).sent == 5
    assert sink.handler.subjects() == Counter(subjects)


def test_an_email_in_any_language_arrives_as_written(ctx, sink):
    subject = "Café Ōkārito: 10 volunteers wanted for the Łódź–Zürich «community» evening, needed by 14 March 2027"
    text = "Dear Zoë,\n\nThank you — the ‘Naïve café’ group needs 10 volunteers.\n\nLinks: https://example.org/ü"
    html = "<p>Dear Zoë,</p><p>Thank you — the ‘Naïve café’ group needs 10 volunteers.</p>"
    with ctx():
        db.session.add(OutboxMessage(to_email="zoe@example.org", subject=subject, template="password_changed",
                                     body_text=text, body_html=html))
        db.session.commit()
    assert one_pass(ctx).sent == 1
    arrived = message_from_bytes(sink.handler.contents[0], policy=policy.default)
    assert arrived["Subject"] == subject and arrived["To"] == "zoe@example.org"
    assert arrived.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == text
    assert arrived.get_body(("html",)).get_content().replace("\r\n", "\n").rstrip("\n") == html
    assert all(len(line) <= 998 for line in sink.handler.contents[0].split(b"\r\n"))  # RFC 5322's limit


@pytest.mark.skipif(not IS_POSTGRES, reason="real parallel claims need PostgreSQL's row locks")
def test_two_workers_in_parallel_never_send_one_message_twice(app, ctx, sink):
    subjects = queue_many(ctx, 120)
    barrier, reports = threading.Barrier(2), [None, None]

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                reports[i] = run_pass(batch_size=10)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    assert sink.handler.subjects() == Counter(subjects), "a message was lost or sent twice"
    assert sum(report.sent for report in reports) == 120
    assert all(report.sent > 0 for report in reports), "the workers did not overlap"
    message_ids = [message_id for _, message_id in sink.handler.accepted]
    assert len(set(message_ids)) == 120
    assert statuses(ctx) == Counter({OutboxStatus.SENT: 120})


CHILD_WORKER = """
import sys
from app import create_app
settings = {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[2]),
            "MAIL_SUPPRESS_SEND": False, "MAIL_PRINT_TO_CONSOLE": False, "WORKER_BATCH_SIZE": 50}
app = create_app("testing", settings)
with app.app_context():
    app.cli.main(sys.argv[3:], standalone_mode=False)
"""


@contextmanager
def worker_process(database_url: str, port: int, *args: str) -> Iterator[subprocess.Popen]:
    """`flask worker` with these arguments in another process, against the test database and the sink;
    killed at the end if still running, and its output pipe closed."""
    child = subprocess.Popen([sys.executable, "-c", CHILD_WORKER, database_url, str(port), "worker", *args],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=30)


def test_a_worker_killed_mid_batch_loses_nothing(ctx, sink, database_url):
    subjects = queue_many(ctx, 20)
    sink.handler.hold_after = 6  # accept six, then keep the seventh waiting for an answer
    with worker_process(database_url, sink.port, "--once") as child:
        assert sink.handler.holding.wait(timeout=60), "the worker never reached the seventh message"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    sink.handler.hold_after = None
    sink.handler.release.set()

    with ctx():
        committed = set(db.session.scalars(select(OutboxMessage.subject)
                                           .where(OutboxMessage.status == OutboxStatus.SENT)))
    assert committed == set(subjects[:6])  # each outcome was committed as it came
    assert statuses(ctx) == Counter({OutboxStatus.SENT: 6, OutboxStatus.PENDING: 14})
    assert one_pass(ctx).sent == 0  # the dead worker's claims hold until their lease runs out...
    make_all_due(ctx)  # ... which it now has
    assert one_pass(ctx).sent == 14
    accepted = sink.handler.subjects()
    assert set(accepted) == set(subjects), "a message was lost"
    assert all(accepted[subject] == 1 for subject in committed), "a message committed as sent was sent again"
    assert sink.handler.held == [subjects[6]]  # the one in hand when killed went again: at least once, never lost
    assert statuses(ctx) == Counter({OutboxStatus.SENT: 20})


def test_sigterm_stops_the_worker_after_the_message_in_hand(ctx, sink, database_url):
    subjects = queue_many(ctx, 10)
    sink.handler.hold_after = 3
    with worker_process(database_url, sink.port, "--interval", "0.2") as child:
        assert sink.handler.holding.wait(timeout=60), "the worker never reached the fourth message"
        child.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        sink.handler.release.set()  # the server answers the message in hand (451: try again later)
        output, _ = child.communicate(timeout=30)
    assert child.returncode == 0, output
    assert "Worker stopped." in output
    counts = statuses(ctx)
    assert counts[OutboxStatus.SENT] == 3 and counts[OutboxStatus.PENDING] == 7
    with ctx():
        due_now = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts == 0,
            OutboxMessage.next_attempt_at <= utcnow()))
    assert due_now == 6  # the claims it never started were handed straight back, not left to their lease
    sink.handler.hold_after = None
    make_all_due(ctx)
    assert one_pass(ctx).sent == 7
    assert sink.handler.subjects() == Counter(subjects)


def test_the_worker_keeps_running_until_told_to_stop_and_logs_passes_that_did_something(ctx, sink, database_url):
    with worker_process(database_url, sink.port, "--interval", "0.1") as child:
        deadline = time.monotonic() + 30
        subjects = queue_many(ctx, 3)  # queued while it runs: a later pass sends them
        while sink.handler.subjects() != Counter(subjects) and time.monotonic() < deadline:
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=30)
    assert sink.handler.subjects() == Counter(subjects)
    assert child.returncode == 0, output
    assert "Worker started" in output and "Worker stopped." in output
    assert "Sent 3, failed 0" in output  # queued in one transaction, so sent in one pass
