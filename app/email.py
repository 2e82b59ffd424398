"""Rendering emails into the outbox, and delivering outbox messages through Flask-Mail."""
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage, OutboxStatus, User, utcnow


@dataclass
class Addressee:
    """Someone emailed by address alone, with no account."""

    name: str
    email: str


def absolute_url(endpoint: str, **values) -> str:
    """A link for an email, built from BASE_URL and never from a request's Host header."""
    base = current_app.config["BASE_URL"]
    adapter = current_app.url_map.bind(urlsplit(base).netloc or "localhost")
    return base + adapter.build(endpoint, values)


def queue_email(recipients, template: str, subject: str, **context) -> list[OutboxMessage]:
    """Render an email for each recipient and add it to the outbox in the current transaction."""
    if isinstance(recipients, (User, str)):
        recipients = [recipients]
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


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver due outbox messages; return (sent, failed) counts for this run."""
    now = utcnow()
    due = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        try:
            deliver(message)
        except Exception as error:  # any transport failure is kept for retry
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.FAILED
            failed += 1
        else:
            message.attempts += 1
            message.status, message.sent_at = OutboxStatus.SENT, utcnow()
            sent += 1
        db.session.commit()
    return sent, failed


def deliver(message: OutboxMessage) -> None:
    """Send one message now, or print it in development."""
    if current_app.config.get("MAIL_PRINT_TO_CONSOLE"):
        print(f"--- email to {message.to_email}: {message.subject}\n{message.body_text}\n---", flush=True)
        return
    mail.send(
        Message(subject=message.subject, recipients=[message.to_email], body=message.body_text, html=message.body_html)
    )
