"""Domain errors: the four ways a service refuses, each with a message safe to show to whoever asked.

Services raise them; one place (`app/web/errors.py` and `app/web/answers.py`) turns each into its answer:
404, 403, 409, or 422 with the form shown again and the message next to its field.
"""

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


class NotAllowed(DomainError):
    """The user is known but not allowed to do this."""

    status_code = 403


class Conflict(DomainError):
    """The object's state does not allow this move now (it was already made, or has ended)."""

    status_code = 409


class Invalid(DomainError):
    """Input broke a rule only the service can check; `field` names the input it concerns."""

    status_code = 422


def require(allowed: bool, message: str, error: type[DomainError] = Conflict) -> None:
    """Refuse with this message unless the condition holds."""
    if not allowed:
        raise error(message)
