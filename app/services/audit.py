"""Recording audit events; the caller's transaction commits them."""
import re

from app.extensions import db
from app.models import AuditEvent, User


def record_audit(actor: User | None, action: str, obj, *, reason: str = "", **data) -> AuditEvent:
    """Add an audit event for an action on an object to the current transaction."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower(),
        object_id=obj.id,
        reason=reason,
        data=data,
    )
    db.session.add(event)
    return event


def add_recorded(actor: User | None, obj, action: str, **data):
    """Add a new object to the current transaction and record its creation (flushed, so it has its id)."""
    db.session.add(obj)
    db.session.flush()
    record_audit(actor, action, obj, **data)
    return obj
