"""Pages for everyone, signed in or not."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import impact, needs, offers, pages, stories, unsubscribe  # noqa: E402,F401
