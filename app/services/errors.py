"""Domain errors: their messages are safe to show to the person who caused them."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.extensions import db


class DomainError(Exception):
    """A rule refused the action; the message says why in plain English."""

    status_code = 409

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the user may not know it exists."""

    status_code = 404


class Forbidden(DomainError):
    """The user is known but not allowed to do this."""

    status_code = 403


class ValidationFailed(DomainError):
    """Input broke a rule that only the service can check (for example, a duplicate)."""

    status_code = 422


@contextmanager
def unique_or_field_error(message: str, field: str, *, constraint_mentions: str | None = None) -> Iterator[None]:
    """Write and commit inside this; if a unique constraint fires, roll back and say so next to the field.

    A service checks for a duplicate first, but two saves at the same moment can both pass that check: the
    constraint then decides, at the flush (PostgreSQL waits there for the other to commit) or at the commit.
    `constraint_mentions` keeps other integrity errors from being mistaken for this one.
    """
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        if constraint_mentions and constraint_mentions not in str(error.orig).lower():
            raise
        raise ValidationFailed(message, field) from None
