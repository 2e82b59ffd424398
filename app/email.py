"""Rendering emails into the outbox, and delivering outbox messages through Flask-Mail."""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from email import policy as email_policy
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import delete, select, update

from app.extensions import db, mail
from app.formatting import one_line
from app.models import EmailKind, OutboxMessage, OutboxStatus, User, utcnow
from app.services.email_preferences import route_by_choice, unsubscribe_token

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
    "supplier_offer": "supplier.offer",
    "supplier_offer_request": "supplier.offer_request",
    "vcse_offer_request": "vcse.offer_request",
    "public_offer": "public.offer",
    "moderation_offer": "moderation.offer_review",
    "notification_settings": "account.notifications_settings",
    "unsubscribe": "public.unsubscribe",
    "moderation_need": "moderation.need_review",
    "moderation_organisation": "moderation.organisation_review",
    "moderation_dispute": "moderation.dispute",
    "public_need": "public.need",
    "supplier_suggestions": "supplier.suggestions",
    "contract": "contracts.contract",
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


def queue_email(recipients, template: str, subject: str, *, kind: EmailKind | None = None,
                **context) -> list[OutboxMessage]:
    """Render an email for each recipient and add it to the outbox in the current transaction.

    With a `kind`, each user's choice for that kind decides: sent now (with a one-click unsubscribe link), held
    for their daily or weekly digest, or not sent. Account emails have no kind and always go.
    """
    if isinstance(recipients, (User, str)):
        recipients = [recipients]
    subject = email_subject(subject)
    recipients = [r for r in recipients if not (isinstance(r, User) and r.is_removed)]
    if kind is not None:
        recipients = route_by_choice(recipients, kind, subject, context.get("link"))
    return [_queue_one(recipient, template, subject, kind, context) for recipient in recipients]


def queue_email_now(user: User, template: str, subject: str, *, kind: EmailKind, **context) -> OutboxMessage:
    """Queue one email of a kind to a user now, whatever their choice (for the digest itself)."""
    return _queue_one(user, template, email_subject(subject), kind, context)


def _queue_one(recipient, template: str, subject: str, kind: EmailKind | None, context: dict) -> OutboxMessage:
    """Render one email into the outbox; a user's email of a kind carries its unsubscribe link and header."""
    if isinstance(recipient, str):
        recipient = Addressee(name="there", email=recipient)
    unsubscribe = None
    if kind is not None and isinstance(recipient, User):
        unsubscribe = email_link("unsubscribe", token=unsubscribe_token(recipient.id, kind))
    ctx = dict(context, recipient=recipient, subject=subject, service_name=current_app.config["SERVICE_NAME"],
               email_kind=kind, unsubscribe_link=unsubscribe,
               settings_link=email_link("notification_settings") if unsubscribe else None)
    message = OutboxMessage(
        to_email=recipient.email,
        subject=subject,
        template=template,
        body_text=render_template(f"emails/{template}.txt", **ctx),
        body_html=render_template(f"emails/{template}.html", **ctx),
        unsubscribe_url=unsubscribe,
    )
    db.session.add(message)
    return message


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


def _never() -> bool:
    """A stop signal that never comes."""
    return False


def send_pending(limit: int = 100, should_stop: Callable[[], bool] = _never) -> tuple[int, int]:
    """Claim due outbox messages, then deliver each over one connection; return (sent, failed) counts for this run.

    Each message's outcome is committed as soon as it is known, so a sender killed mid-batch loses nothing: what it
    had not yet sent comes free when its claim's lease runs out. When `should_stop()` turns true, the sender stops
    after the message in hand and hands its remaining claims straight back.
    """
    sent = failed = 0
    messages = _load_detached(claim_due(limit))
    with _one_connection():
        for position, message in enumerate(messages):
            if should_stop():
                _release_claims([m.id for m in messages[position:]])
                break
            if _send_one(message):
                sent += 1
            else:
                failed += 1
    return sent, failed


def _load_detached(message_ids: list[int]) -> list[OutboxMessage]:
    """The claimed messages, read in one query and detached from the session, so that committing each outcome
    does not read each message again."""
    if not message_ids:
        return []
    messages = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)))
    for message in messages:
        db.session.expunge(message)
    db.session.commit()
    return messages


def _send_one(message: OutboxMessage) -> bool:
    """Deliver one claimed message and commit how it went at once: True sent, False failed (kept for retry)."""
    attempts = message.attempts + 1
    try:
        deliver(message)
    except Exception as error:  # any transport failure is kept for retry
        outcome = {"last_error": f"{type(error).__name__}: {error}"[:2000],
                   "next_attempt_at": utcnow() + _backoff(attempts)}
        if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            outcome.update(status=OutboxStatus.FAILED, **_bodies_after(message))
    else:
        outcome = {"status": OutboxStatus.SENT, "sent_at": utcnow(), **_bodies_after(message)}
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(attempts=attempts, **outcome).execution_options(synchronize_session=False))
    db.session.commit()
    return outcome.get("status") is OutboxStatus.SENT


def _release_claims(message_ids: list[int]) -> None:
    """Hand back claimed messages this sender will not send now, so any sender may take them at once."""
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False)
    )
    db.session.commit()


class _OutboxEmail(Message):
    """Flask-Mail's message, written out with the compat32 policy, CRLF line ends and headers left as they are.

    Flask-Mail writes with the SMTP policy, which parses every header again into objects only to write it back:
    half the cost of sending one of our emails. Flask-Mail has already encoded (and folded) any non-ASCII header
    and MIMEText the bodies, so writing them as they are gives the same message; our header lines stay far
    below SMTP's 998-character limit (subjects are at most 200). tests/test_worker.py checks what arrives.
    """

    def as_bytes(self) -> bytes:
        """The message as it goes on the wire."""
        return self._message().as_bytes(policy=_WIRE_POLICY)


_WIRE_POLICY = email_policy.compat32.clone(linesep="\r\n", max_line_length=0)

# The SMTP connection the current batch shares; a context variable, so each worker thread has its own.
_batch_connection: ContextVar["_BatchConnection | None"] = ContextVar("outbox_batch_connection", default=None)


class _BatchConnection:
    """One SMTP connection for a batch: opened on first use, and opened afresh after a failure."""

    def __init__(self) -> None:
        self._connection = None

    def send(self, message: Message) -> None:
        """Send over the open connection (opening it first if need be); a failure drops the connection."""
        if self._connection is None:
            self._connection = mail.connect().__enter__()
        try:
            self._connection.send(message)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye to the server, or just drop a connection that has already broken."""
        connection, self._connection = self._connection, None
        host = connection.host if connection is not None else None
        if host is not None:
            try:
                host.quit()
            except Exception:  # the server went away; there is no one to say goodbye to
                host.close()


@contextmanager
def _one_connection() -> Iterator[None]:
    """Send every message delivered inside this block over one SMTP connection, closed at the end."""
    connection = _BatchConnection()
    token = _batch_connection.set(connection)
    try:
        yield
    finally:
        _batch_connection.reset(token)
        connection.close()


def _bodies_after(message: OutboxMessage) -> dict[str, str]:
    """A finished message's bodies blanked if they carry a live single-use link (it must not sit in the database)."""
    if message.template in SINGLE_USE_LINK_TEMPLATES:
        return {"body_text": REDACTED_BODY, "body_html": f"<p>{REDACTED_BODY}</p>"}
    return {}


def purge_sent(days: int = 30) -> int:
    """Delete messages sent more than `days` days ago; return how many went."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def unsubscribe_headers(message: OutboxMessage) -> dict[str, str] | None:
    """The one-click unsubscribe headers (RFC 8058) for a message that has a link, else None."""
    if not message.unsubscribe_url:
        return None
    return {"List-Unsubscribe": f"<{message.unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def deliver(message: OutboxMessage) -> None:
    """Send one message now, or print it in development."""
    if current_app.config.get("MAIL_PRINT_TO_CONSOLE"):
        print(f"--- email to {message.to_email}: {message.subject}\n{message.body_text}\n---", flush=True)
        return
    email = _OutboxEmail(subject=message.subject, recipients=[message.to_email], body=message.body_text,
                    html=message.body_html, extra_headers=unsubscribe_headers(message))
    batch = _batch_connection.get()
    if batch is None:
        mail.send(email)
    else:
        batch.send(email)
