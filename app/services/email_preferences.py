"""How a user's choices steer an email of a kind: sent now, held for a digest, or not sent; and the signed
one-click unsubscribe links every such email carries."""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.errors import DomainError
from app.extensions import db
from app.models import DigestItem, EmailKind, Frequency, User
from app.queries.notifications import frequencies_for

UNSUBSCRIBE_SALT = "unsubscribe-link"


class UnsubscribeLinkProblem(DomainError):
    """An unsubscribe link that cannot be used: forged (400), expired or already used (410)."""

    def __init__(self, message: str, status_code: int):
        super().__init__(message)
        self.status_code = status_code


FORGED = "This unsubscribe link is not valid. Check you copied the whole link from the email."
EXPIRED = "This unsubscribe link has expired."
USED = "This unsubscribe link has already been used, so nothing was changed."


def _serializer() -> URLSafeTimedSerializer:
    """The signer for unsubscribe links, keyed on SECRET_KEY with a salt of its own."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: EmailKind) -> str:
    """A signed token naming a user and a kind of email; a random part makes each email's link its own."""
    return _serializer().dumps({"u": user_id, "k": kind.value, "n": secrets.token_hex(4)})


def read_unsubscribe_token(token: str) -> tuple[int, EmailKind]:
    """The user id and kind a token names; UnsubscribeLinkProblem if it is forged or has expired."""
    max_age = current_app.config["UNSUBSCRIBE_TOKEN_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
        return int(data["u"]), EmailKind(data["k"])
    except SignatureExpired:
        raise UnsubscribeLinkProblem(EXPIRED, 410) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise UnsubscribeLinkProblem(FORGED, 400) from None


def token_hash(token: str) -> str:
    """The SHA-256 of a token, the only form in which a used one is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def route_by_choice(recipients: list, kind: EmailKind, subject: str, link: str | None) -> list:
    """The recipients to email now; users who chose a digest get a digest item instead, and those who chose off
    get nothing (addressees without an account are always emailed)."""
    choices = frequencies_for([r.id for r in recipients if isinstance(r, User)], kind)
    now = []
    for recipient in recipients:
        frequency = choices.get(recipient.id) if isinstance(recipient, User) else Frequency.IMMEDIATELY
        if frequency is Frequency.IMMEDIATELY:
            now.append(recipient)
        elif frequency is not Frequency.OFF:
            db.session.add(DigestItem(user_id=recipient.id, kind=kind, subject=subject, link=link))
    return now
