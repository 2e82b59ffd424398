"""Rate limits on the sign-in and reset pages, read from configuration when each request is checked."""
import hashlib

from flask import current_app, request

from app.services import accounts


def login_limit() -> str:
    """The sign-in rate limit from configuration."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def register_limit() -> str:
    """The registration rate limit from configuration."""
    return current_app.config["REGISTER_RATE_LIMIT"]


def reset_email_limit() -> str:
    """The rate limit on reset emails to any one address, from configuration."""
    return current_app.config["RESET_EMAIL_RATE_LIMIT"]


def reset_email_key() -> str:
    """The address a reset is asked for, normalised and hashed (the limiter's store never holds it)."""
    email = accounts.normalise_email(request.form.get("email", ""))
    return "reset-email:" + hashlib.sha256(email.encode()).hexdigest()
