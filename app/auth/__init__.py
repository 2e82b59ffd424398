"""Signing in and out, registering, verifying email, resetting passwords, accepting invites."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import passwords, registration, sessions  # noqa: E402,F401
