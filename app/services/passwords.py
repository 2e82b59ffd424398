"""Password hashing and strength rules, and single-use hashed tokens."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import TokenPurpose, User, UserToken, utcnow

COMMON_PASSWORDS = {
    "password1234", "123456789012", "qwertyuiopas", "passwordpassword", "iloveyou1234", "letmein12345",
    "welcome12345", "administrator", "changeme1234", "password12345", "qwerty123456", "1234567890ab",
}


def _hasher() -> PasswordHasher:
    """The argon2 hasher, cheaper under test so the suite stays quick."""
    if current_app.config.get("TESTING"):
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether the password matches; a missing hash never matches."""
    if not user.password_hash:
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is too weak, or None if it will do."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Password must be {minimum} characters or more"
    if len(password) > 200:
        return "Password must be 200 characters or fewer"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "Password is too easy to guess. Try a few unrelated words together"
    if email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) >= 4:
        return "Password must not contain your email address"
    return None


def _digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_tokens(user: User, purpose: TokenPurpose | None = None) -> None:
    """Mark a user's unused tokens (of one purpose, or all) as used, so their links stop working."""
    query = select(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(UserToken.purpose == purpose)
    now = utcnow()
    for old in db.session.scalars(query):
        old.used_at = now


def issue_token(user: User, purpose: TokenPurpose, hours: int) -> str:
    """Create a token for a user, superseding earlier unused ones of the same purpose; return it in clear."""
    now = utcnow()
    revoke_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(user_id=user.id, purpose=purpose, token_hash=_digest(token), expires_at=now + timedelta(hours=hours))
    )
    return token


def token_owner(token: str, purpose: TokenPurpose) -> User | None:
    """The user a token was issued to, even if it is used or expired (to explain a dead link kindly)."""
    query = select(UserToken).where(UserToken.token_hash == _digest(token or ""), UserToken.purpose == purpose)
    row = db.session.scalars(query).first()
    return row.user if row is not None else None


def find_token(token: str, purpose: TokenPurpose, *, lock: bool = False) -> UserToken | None:
    """The live token row for a clear token, or None if unknown, used or expired."""
    query = select(UserToken).where(UserToken.token_hash == _digest(token or ""), UserToken.purpose == purpose)
    if lock:
        query = query.with_for_update()
    row = db.session.scalars(query).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row
