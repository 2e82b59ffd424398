"""Email templates come in pairs, development prints mail, and no test can really send mail."""
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.extensions import db, mail
from app.models import OutboxMessage, OutboxStatus, User
from tests.conftest import post_form

ROOT = Path(__file__).resolve().parents[1]
EMAILS = ROOT / "templates" / "emails"


def test_every_email_template_has_a_text_and_an_html_version():
    text = {path.stem for path in EMAILS.glob("*.txt")}
    html = {path.stem for path in EMAILS.glob("*.html")}
    assert text, "no email templates found"
    assert sorted(text - html) == [], "text emails without an HTML version"
    assert sorted(html - text) == [], "HTML emails without a text version"


def test_development_prints_queued_mail_to_the_console_instead_of_sending_it(app, database_url, make, ctx):
    email = make.get(User, make.user(email="pat@example.org")).email
    development = create_app("development", {"SQLALCHEMY_DATABASE_URI": database_url})
    try:
        with mail.record_messages() as sent:
            response = post_form(development.test_client(), "/forgotten-password", {"email": email},
                                 page="/forgotten-password")
            assert response.status_code == 200
            with ctx():  # the request only queued it: `make run`'s worker delivers
                assert db.session.scalars(select(OutboxMessage.status)).one() is OutboxStatus.PENDING
            result = development.test_cli_runner().invoke(args=["worker", "--once"])
            assert result.exit_code == 0, result.output
        printed = result.output  # the worker printed it (the CLI runner captures its output)
        assert "--- email to pat@example.org: Reset your password" in printed
        assert "http://127.0.0.1:5000/reset-password/" in printed
        assert sent == []  # printed, not handed to Flask-Mail
        with ctx():
            assert db.session.scalars(select(OutboxMessage.status)).one() is OutboxStatus.SENT
    finally:
        with development.app_context():
            db.engine.dispose()


GUARDED_TESTS = '''
from flask import Flask
from flask_mail import Mail, Message


def mailer(suppress=True):
    app = Flask("guard")
    app.config.update(MAIL_SUPPRESS_SEND=suppress, MAIL_DEFAULT_SENDER="no-reply@example.org",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    return app, Mail(app)


def test_uncaptured_send_fails_even_if_the_error_is_swallowed():
    app, mail = mailer()
    with app.app_context():
        try:
            mail.send(Message("Hello", recipients=["x@example.org"]))
        except RuntimeError:
            pass  # as the outbox does with a transport error


def test_captured_send_is_fine():
    app, mail = mailer()
    with app.app_context(), mail.record_messages() as sent:
        mail.send(Message("Hello", recipients=["x@example.org"]))
    assert len(sent) == 1


def test_a_real_smtp_connection_fails_even_when_captured():
    app, mail = mailer(suppress=False)
    with app.app_context(), mail.record_messages():
        try:
            mail.send(Message("Hello", recipients=["x@example.org"]))
        except RuntimeError:
            pass
'''


def test_the_suite_fails_any_test_that_really_sends_mail(tmp_path):
    """Run three tests under our conftest in a separate pytest: only the captured send passes."""
    (tmp_path / "test_guarded.py").write_text(GUARDED_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), str(tmp_path / "test_guarded.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # "ERROR path::name", followed by " - reason" when pytest runs under CI (it then keeps summaries whole).
    errored = sorted(line.rsplit("::", 1)[-1].split(" - ", 1)[0] for line in output.splitlines()
                     if line.startswith("ERROR "))
    assert errored == ["test_a_real_smtp_connection_fails_even_when_captured",
                       "test_uncaptured_send_fails_even_if_the_error_is_swallowed"], output
    assert "'Hello' to x@example.org" in output and "an SMTP connection to 127.0.0.1:9" in output
