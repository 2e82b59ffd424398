"""Rendering emails into the outbox, and delivering outbox messages through Flask-Mail."""
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import delete, select, update

from app.extensions import db, mail
from app.formatting import one_line
from app.models import OutboxMessage, OutboxStatus, User, utcnow

# A sender holds the messages it claims for this long; a crashed sender's claims come free again after it.
CLAIM_LEASE = timedelta(minutes=10)
# Emails whose link works once (confirm email, reset password, accept invitation): their bodies go once sent.
SINGLE_USE_LINK_TEMPLATES = frozenset({"verify_email", "reset_password", "invite"})
REDACTED_BODY = "[Removed after sending: this email held a single-use link.]"
SUBJECT_MAX = 200  # the outbox column's length


@dataclass
class Addressee:
    """Someone emailed by address alone, with no account."""

    name: str
    email: str


# The pages emails link to, by the names services use: services pass a name and ids, never a blueprint endpoint.
EMAIL_PAGES = {
    "sign_in": "auth.sign_in",
    "verify_email": "auth.verify_email",
    "reset_password": "auth.reset_password",
    "accept_invite": "auth.accept_invite",
    "vcse_need": "vcse.need",
    "vcse_pledge": "vcse.pledge",
    "supplier_pledge": "supplier.pledge",
    "supplier_contracts": "supplier.contracts",
}


def email_link(page: str, **values) -> str:
    """The absolute address of a page for an email, built from BASE_URL and never from a request's Host header."""
    base = current_app.config["BASE_URL"]
    adapter = current_app.url_map.bind(urlsplit(base).netloc or "localhost")
    return base + adapter.build(EMAIL_PAGES[page], values)


def email_subject(text: str) -> str:
    """A safe subject line: one line (a CR or LF from user text would be refused as a header), at most 200 characters."""
    line = one_line(text)
    return line if len(line) <= SUBJECT_MAX else line[:SUBJECT_MAX - 1].rstrip() + "…"


def queue_email(recipients, template: str, subject: str, **context) -> list[OutboxMessage]:
    """Render an email for each recipient and add it to the outbox in the current transaction."""
    if isinstance(recipients, (User, str)):
        recipients = [recipients]
    subject = email_subject(subject)
    messages = []
    for recipient in recipients:
        if isinstance(recipient, User) and recipient.is_removed:
            continue
        if isinstance(recipient, str):
            recipient = Addressee(name="there", email=recipient)
        to_email = recipient.email
        ctx = dict(context, recipient=recipient, subject=subject, service_name=current_app.config["SERVICE_NAME"])
        message = OutboxMessage(
            to_email=to_email,
            subject=subject,
            template=template,
            body_text=render_template(f"emails/{template}.txt", **ctx),
            body_html=render_template(f"emails/{template}.html", **ctx),
        )
        db.session.add(message)
        messages.append(message)
    return messages


def _backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4 ... minutes, at most a day."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(days=1))


def claim_due(limit: int = 100) -> list[int]:
    """Claim up to `limit` due messages for this sender by moving them a lease ahead; return their ids."""
    # Two senders at once never claim one message: PostgreSQL skips rows another sender has locked, and
    # the UPDATE takes only rows still due as it runs (on SQLite, with no row locks, it is the whole guard).
    now = utcnow()
    due = (OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
    candidates = db.session.scalars(
        select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not candidates:
        return []
    claimed = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(candidates), *due)
        .values(next_attempt_at=now + CLAIM_LEASE).returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Claim due outbox messages, then deliver each; return (sent, failed) counts for this run."""
    sent = failed = 0
    for message_id in claim_due(limit):
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None:
            continue
        try:
            deliver(message)
        except Exception as error:  # any transport failure is kept for retry
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.FAILED
                _redact_single_use_link(message)
            failed += 1
        else:
            message.attempts += 1
            message.status, message.sent_at = OutboxStatus.SENT, utcnow()
            _redact_single_use_link(message)
            sent += 1
        db.session.commit()
    return sent, failed


def _redact_single_use_link(message: OutboxMessage) -> None:
    """Blank a finished message's bodies if they carry a live single-use link (it must not sit in the database)."""
    if message.template in SINGLE_USE_LINK_TEMPLATES:
        message.body_text = REDACTED_BODY
        message.body_html = f"<p>{REDACTED_BODY}</p>"


def purge_sent(days: int = 30) -> int:
    """Delete messages sent more than `days` days ago; return how many went."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def deliver(message: OutboxMessage) -> None:
    """Send one message now, or print it in development."""
    if current_app.config.get("MAIL_PRINT_TO_CONSOLE"):
        print(f"--- email to {message.to_email}: {message.subject}\n{message.body_text}\n---", flush=True)
        return
    mail.send(
        Message(subject=message.subject, recipients=[message.to_email], body=message.body_text, html=message.body_html)
    )
