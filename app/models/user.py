"""Users, their council roles and their one-time tokens."""
import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.organisation import Organisation, OrganisationKind


def new_session_token() -> str:
    """A fresh random identifier for a user's sessions."""
    return secrets.token_urlsafe(32)


class Role(LabelledEnum):
    """A council role; a user may hold several."""

    MODERATOR = "moderator"
    CONTRACT_MANAGER = "contract_manager"
    ADMIN = "admin"


class UserRole(db.Model):
    """One council role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        enum_type(Role, 30), primary_key=True
    )


class User(UserMixin, db.Model):
    """A person who signs in, always on behalf of one organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Flask-Login stores this, not the id: changing it ends every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    is_removed: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def get_id(self) -> str:
        """The identifier Flask-Login keeps in the session cookie."""
        return self.session_token

    @property
    def is_active(self) -> bool:
        """Removed users and pending invitees cannot sign in."""
        return not self.is_removed and self.password_hash is not None

    @property
    def roles(self) -> set[Role]:
        """The council roles this user holds."""
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        """Whether the user holds a council role."""
        return role in self.roles

    @property
    def is_email_verified(self) -> bool:
        """Whether the user has followed the link in their verification email."""
        return self.email_verified_at is not None

    @property
    def is_vcse(self) -> bool:
        """Whether the user acts for an approved-or-pending VCSE organisation."""
        return self.organisation.kind is OrganisationKind.VCSE

    @property
    def is_supplier(self) -> bool:
        """Whether the user acts for a supplier."""
        return self.organisation.kind is OrganisationKind.SUPPLIER

    @property
    def can_use_service(self) -> bool:
        """Verified, and their organisation approved: the whole service is open to them."""
        return self.is_email_verified and self.organisation.is_approved

    def can_manage_team(self) -> bool:
        """Whether the user may invite and remove colleagues."""
        return self.is_org_admin and self.can_use_service


class TokenPurpose(str, enum.Enum):
    """What a one-time token is for."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITE = "invite"


class UserToken(db.Model):
    """A single-use, time-limited token; only its SHA-256 hash is stored."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        enum_type(TokenPurpose)
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
