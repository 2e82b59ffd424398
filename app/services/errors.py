"""Domain errors: their messages are safe to show to the person who caused them."""


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
