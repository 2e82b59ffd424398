"""Registration, sign-in, email verification, passwords and team membership."""
from flask import current_app
from sqlalchemy import func, select

from app.email import email_link, queue_email
from app.extensions import db
from app.models import (
    Area, Organisation, OrganisationKind, OrganisationStatus, Role, TokenPurpose, User, UserRole, utcnow,
)
from app.models.user import new_session_token
from app.services.identifiers import organisation_identifier
from app.services import notifications
from app.services.audit import record_audit
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.transactions import unique_or_field_error
from app.services.passwords import (
    check_password, find_token, hash_password, issue_token, password_problem, revoke_tokens, token_owner,
)

# Verifying a dummy hash for unknown emails keeps sign-in timing the same either way.
_DUMMY_HASH: dict[str, str] = {}
EMAIL_TAKEN = "An account already uses this email address. Sign in, or reset your password"


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    """The user with this email, if any."""
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def _require_new_email(email: str) -> None:
    """Refuse an email that already has an account."""
    if user_by_email(email) is not None:
        raise Invalid(EMAIL_TAKEN, "email")


def _require_strong(password: str, email: str) -> None:
    """Refuse a weak password, naming the password field."""
    problem = password_problem(password, email)
    if problem:
        raise Invalid(problem, "password")


def register_organisation(
    *, kind: OrganisationKind, organisation_name: str, registered_number: str, area_ids: list[int],
    name: str, email: str, password: str, identifier_scheme: str | None = None,
) -> User:
    """Register a pending organisation with its first user and send the verification email."""
    if kind is OrganisationKind.BUYER:
        raise NotAllowed("Council accounts are created by an administrator.")
    email = normalise_email(email)
    _require_new_email(email)
    _require_strong(password, email)
    scheme, number = organisation_identifier(identifier_scheme, registered_number)
    areas = db.session.scalars(select(Area).where(Area.id.in_(area_ids), Area.is_active)).all()
    if not areas:
        raise Invalid("Select at least one area your organisation serves", "areas")
    organisation = Organisation(
        name=organisation_name.strip(), kind=kind, identifier_scheme=scheme, registered_number=number,
        status=OrganisationStatus.PENDING, areas=list(areas),
    )
    user = User(organisation=organisation, name=name.strip(), email=email, password_hash=hash_password(password),
                is_org_admin=True)
    with unique_or_field_error(EMAIL_TAKEN, "email", constraint_mentions="email"):
        db.session.add_all([organisation, user])
        db.session.flush()
        record_audit(user, "organisation.registered", organisation)
        _queue_verification(user)
        notifications.tell_moderators(
            "moderation_organisation_registered", f"Registration waiting for approval: {organisation.name}",
            organisation=organisation, link=email_link("moderation_organisation", organisation_id=organisation.id))
        db.session.commit()
    return user


def _queue_verification(user: User) -> None:
    """Issue a verification token and put the email in the outbox."""
    token = issue_token(user, TokenPurpose.VERIFY_EMAIL, current_app.config["VERIFY_TOKEN_HOURS"])
    queue_email(user, "verify_email", "Confirm your email address",
                link=email_link("verify_email", token=token), hours=current_app.config["VERIFY_TOKEN_HOURS"])


def resend_verification(user: User) -> None:
    """Send a fresh verification link; earlier links stop working."""
    if user.is_email_verified:
        raise Conflict("Your email address is already confirmed.")
    _queue_verification(user)
    db.session.commit()


class AlreadyConfirmed(Conflict):
    """The link's email address is already confirmed (a mail scanner may have opened it first): nothing to do."""


def verify_email(token: str) -> User:
    """Mark the token's user verified; a used, expired or unknown token is refused, kindly if already confirmed."""
    row = find_token(token, TokenPurpose.VERIFY_EMAIL, lock=True)
    if row is None:
        owner = token_owner(token, TokenPurpose.VERIFY_EMAIL)
        if owner is not None and owner.is_email_verified and not owner.is_removed:
            raise AlreadyConfirmed("Your email address is already confirmed.")
        raise Conflict("This link has expired or has already been used. Sign in to get a new one.")
    row.used_at = utcnow()
    row.user.email_verified_at = row.user.email_verified_at or utcnow()
    db.session.commit()
    return row.user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None: never says which part was wrong."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password("not-a-real-password")
        check_password(User(password_hash=_DUMMY_HASH["hash"]), password)
        return None
    if not check_password(user, password):
        return None
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Rotate the session token so every cookie for this user stops working."""
    user.session_token = new_session_token()
    db.session.commit()


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    token = issue_token(user, TokenPurpose.RESET_PASSWORD, hours)
    queue_email(user, "reset_password", "Reset your password",
                link=email_link("reset_password", token=token), hours=hours)
    db.session.commit()


def reset_token_is_live(token: str) -> bool:
    """Whether a reset link can still be used."""
    row = find_token(token, TokenPurpose.RESET_PASSWORD)
    return row is not None and not row.user.is_removed


def _set_password_from_link(token: str, purpose: TokenPurpose, password: str, gone: str) -> User:
    """Use a single-use link once to set its user's password (following the link confirms their email too)."""
    row = find_token(token, purpose, lock=True)
    if row is None or row.user.is_removed:
        raise Conflict(gone)
    user = row.user
    _require_strong(password, user.email)
    row.used_at = utcnow()
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link, once; every existing session ends."""
    user = _set_password_from_link(token, TokenPurpose.RESET_PASSWORD, password,
                                   "This reset link has expired or has already been used. Ask for a new one.")
    user.session_token = new_session_token()
    record_audit(user, "user.password_reset", user)
    # The same warning as a change: if someone else reset it (a hijacked mailbox), the owner hears of it.
    queue_email(user, "password_changed", "Your password was changed")
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password after checking the current one; every session, this one included, ends."""
    if not check_password(user, current_password):
        raise Invalid("Your current password is not correct", "current_password")
    _require_strong(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    record_audit(user, "user.password_changed", user)
    queue_email(user, "password_changed", "Your password was changed")
    db.session.commit()


def invite_colleague(inviter: User, *, name: str, email: str, roles: set[Role] | None = None) -> User:
    """Invite a colleague into the inviter's organisation; they set their own password."""
    if not inviter.can_manage_team():
        raise NotAllowed("Only your organisation's administrator can invite colleagues.")
    email = normalise_email(email)
    _require_new_email(email)
    invitee = User(organisation_id=inviter.organisation_id, name=name.strip(), email=email, invited_by_id=inviter.id)
    if roles and inviter.organisation.kind is OrganisationKind.BUYER:
        invitee.role_rows = [UserRole(role=role) for role in roles]
    hours = current_app.config["INVITE_TOKEN_HOURS"]
    with unique_or_field_error(EMAIL_TAKEN, "email", constraint_mentions="email"):
        db.session.add(invitee)
        db.session.flush()
        token = issue_token(invitee, TokenPurpose.INVITE, hours)
        queue_email(invitee, "invite", f"{inviter.name} invited you to join {inviter.organisation.name}",
                    inviter=inviter, link=email_link("accept_invite", token=token), hours=hours)
        record_audit(inviter, "user.invited", invitee)
        db.session.commit()
    return invitee


def invite_is_live(token: str) -> User | None:
    """The invited user if the invite link can still be used."""
    row = find_token(token, TokenPurpose.INVITE)
    return row.user if row and not row.user.is_removed else None


def accept_invite(token: str, password: str) -> User:
    """Set the invitee's password from the invite link, once; this also confirms their email."""
    user = _set_password_from_link(token, TokenPurpose.INVITE, password, "This invitation has expired or has "
                                   "already been used. Ask your colleague to invite you again.")
    record_audit(user, "user.invite_accepted", user)
    db.session.commit()
    return user


def remove_colleague(actor: User, user_id: int) -> User:
    """Remove a colleague from the actor's organisation and end their sessions."""
    if not actor.can_manage_team():
        raise NotAllowed("Only your organisation's administrator can remove colleagues.")
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != actor.organisation_id or user.is_removed:
        raise NotFound("No such colleague.")
    if user.id == actor.id:
        raise Conflict("You cannot remove yourself.")
    user.is_removed = True
    user.session_token = new_session_token()
    revoke_tokens(user)
    record_audit(actor, "user.removed", user)
    db.session.commit()
    return user
