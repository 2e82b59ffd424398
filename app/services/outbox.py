"""What an admin may do with the email outbox: send a failed email again."""
from app.email import REDACTED_BODY
from app.errors import NotFound, require
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, User, utcnow
from app.services.audit import record_audit
from app.services.transactions import locked


def can_retry(message: OutboxMessage) -> bool:
    """Whether a message can be sent again: it failed, and still has its body (single-use links are removed)."""
    return message.status is OutboxStatus.FAILED and message.body_text != REDACTED_BODY


def retry_email(admin: User, message_id: int) -> OutboxMessage:
    """Put a failed email back in the queue, due now, with a fresh set of attempts."""
    message = locked(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such email.")
    require(message.status is OutboxStatus.FAILED,
            f"Only failed emails can be sent again; this one is {message.status.value}.")
    require(can_retry(message), "This email held a single-use link, removed when it failed. "
                                "Ask its recipient to request a new one.")
    record_audit(admin, "email.retried", message, to=message.to_email, attempts=message.attempts,
                 last_error=message.last_error[:200])
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
    db.session.commit()
    return message
