"""Sign-in plumbing and the guards each blueprint sets once: who may enter an area at all."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.models import OrganisationKind, Role, User


def configure_login(login_manager: LoginManager) -> None:
    """Load users by session token and send anonymous visitors to sign in."""
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        """The active user whose current session token this is."""
        user = db.session.scalars(select(User).where(User.session_token == token)).first()
        return user if user is not None and user.is_active else None


def safe_next(target: str | None, default: str) -> str:
    """A ?next= target only if it stays on this site; otherwise the default."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def require_signed_in():
    """Before-request guard: anyone signed in, even if not yet verified or approved."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    return None


def require_service_user():
    """Signed in, email verified and organisation approved; otherwise to the waiting page."""
    response = require_signed_in()
    if response is not None:
        return response
    if not permissions.uses_service(current_user):
        return redirect(url_for("account.waiting"))
    return None


def require_role(*roles: Role):
    """Build a before-request guard for council staff holding any of these roles."""
    def guard():
        response = require_service_user()
        if response is not None:
            return response
        if not permissions.is_council(current_user, *roles):
            abort(403)
        return None
    return guard


def require_kind(kind: OrganisationKind):
    """Build a before-request guard for members of one kind of organisation."""
    def guard():
        response = require_service_user()
        if response is not None:
            return response
        if not permissions.is_member(current_user, kind):
            abort(403)
        return None
    return guard


def role_required(*roles: Role):
    """Decorator form of require_role for a single view."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = require_role(*roles)()
            return response if response is not None else view(*args, **kwargs)
        return wrapped
    return decorator


def signed_in_user() -> User:
    """The signed-in user as the User row itself (not Flask-Login's proxy), for services that keep or compare it."""
    return current_user._get_current_object()
