"""Reads for the admin outbox page: emails by status, and how many there are of each."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus

# Each tab's order: what is due next, what went last, what failed last.
ORDER = {
    OutboxStatus.PENDING: (OutboxMessage.next_attempt_at, OutboxMessage.id),
    OutboxStatus.SENT: (OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()),
    OutboxStatus.FAILED: (OutboxMessage.id.desc(),),
}


def outbox_messages(status: OutboxStatus, page: int, per_page: int):
    """A page of outbox messages with one status, in that status's order."""
    query = select(OutboxMessage).where(OutboxMessage.status == status).order_by(*ORDER[status])
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def outbox_counts() -> dict[OutboxStatus, int]:
    """How many messages have each status, in one query."""
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in OutboxStatus}
