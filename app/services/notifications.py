"""Notification choices, one-click unsubscribing, daily and weekly digests, and the emails that tell people of
new listings and of work waiting for moderators."""
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.email import email_link, queue_email, queue_email_now
from app.errors import Invalid
from app.extensions import db
from app.models import (
    DigestItem, EmailKind, Frequency, NotificationSetting, OrganisationKind, UnsubscribeUse, User, kinds_for, utcnow,
)
from app.queries.notifications import (
    council_moderators, frequencies_for, listing_audience, pending_digests, waiting_digest_items,
)
from app.services.audit import record_audit
from app.services.email_preferences import USED, UnsubscribeLinkProblem, read_unsubscribe_token, token_hash
from app.services.transactions import locked

DIGEST_NAMES = {Frequency.DAILY: "daily", Frequency.WEEKLY: "weekly", Frequency.IMMEDIATELY: "latest"}


def _set_frequency(user_id: int, kind: EmailKind, frequency: Frequency) -> None:
    """Store one choice (the user's row is locked by the caller, so two saves cannot both insert it)."""
    row = db.session.get(NotificationSetting, (user_id, kind))
    if row is None:
        db.session.add(NotificationSetting(user_id=user_id, kind=kind, frequency=frequency))
    else:
        row.frequency = frequency


def save_settings(user: User, choices: dict[EmailKind, Frequency]) -> None:
    """Save how often the user wants each kind of email they can get."""
    allowed = kinds_for(user)
    for kind in choices:
        if kind not in allowed:
            raise Invalid("You cannot choose emails of that kind.", kind.value)
    locked(User, user.id)
    for kind, frequency in choices.items():
        _set_frequency(user.id, kind, frequency)
    record_audit(user, "notifications.saved", user, **{k.value: f.value for k, f in choices.items()})
    db.session.commit()


def unsubscribe_link_target(token: str) -> EmailKind:
    """The kind of email a live, unused unsubscribe link would turn off; UnsubscribeLinkProblem otherwise."""
    user_id, kind = read_unsubscribe_token(token)
    if db.session.get(UnsubscribeUse, token_hash(token)) is not None:
        raise UnsubscribeLinkProblem(USED, 410)
    return kind


def unsubscribe(token: str) -> EmailKind:
    """Turn off one kind of email for the user a link names; each link works once (a second use changes nothing)."""
    user_id, kind = read_unsubscribe_token(token)
    user = locked(User, user_id)
    if user is None:
        raise UnsubscribeLinkProblem("The account this link was for no longer exists, so no emails go to it.", 410)
    try:
        with db.session.begin_nested():
            db.session.add(UnsubscribeUse(token_hash=token_hash(token), user_id=user_id, kind=kind))
    except IntegrityError:
        db.session.rollback()
        raise UnsubscribeLinkProblem(USED, 410) from None
    _set_frequency(user_id, kind, Frequency.OFF)
    record_audit(user, "notifications.unsubscribed", user, kind=kind.value)
    db.session.commit()
    return kind


def _digest_is_due(frequency: Frequency, oldest: datetime, now: datetime) -> bool:
    """A digest goes once its oldest item has waited a whole period, so two digests are always a period apart."""
    if frequency is Frequency.IMMEDIATELY:
        return True  # the user switched to "straight away": send what was held at once
    return frequency.period is not None and oldest <= now - frequency.period


def _claim(items: list[DigestItem], now: datetime) -> list[int]:
    """Mark the items taken, only those still waiting (a second run at the same moment takes none of them)."""
    return list(db.session.scalars(
        update(DigestItem).where(DigestItem.id.in_([i.id for i in items]), DigestItem.sent_at.is_(None))
        .values(sent_at=now).returning(DigestItem.id).execution_options(synchronize_session=False)))


def send_digests(now: datetime | None = None) -> int:
    """Send each user one digest per kind that is due, listing what is new since their last; return how many."""
    now = now or utcnow()
    sent = 0
    for user_id, kind, oldest in pending_digests():
        frequency = frequencies_for([user_id], kind)[user_id]
        if frequency is not Frequency.OFF and not _digest_is_due(frequency, oldest, now):
            continue
        user = locked(User, user_id)
        items = waiting_digest_items(user_id, kind)
        claimed = set(_claim(items, now)) if items else set()
        items = [item for item in items if item.id in claimed]
        if items and frequency is not Frequency.OFF and not user.is_removed:
            name = DIGEST_NAMES[frequency]
            queue_email_now(user, "digest", f"Your {name} summary: {kind.label.lower()}", kind=kind,
                            items=items, digest_name=name, heading=kind.label)
            sent += 1
        db.session.commit()
    return sent


def tell_moderators(template: str, subject: str, *, council_id: int | None = None, **context) -> None:
    """Tell the moderators (of one council, if given) of something waiting for them, in the caller's transaction."""
    queue_email(council_moderators(council_id), template, subject, kind=EmailKind.MODERATION_QUEUE, **context)


def tell_of_new_listing(*, audience: OrganisationKind, what: str, title: str, area_ids: list[int],
                        theme_ids: list[int], link: str, exclude_organisation_id: int | None = None) -> int:
    """Tell members of organisations whose areas (or, for suppliers, whose commitments' areas and themes) match
    of a new listing: a need for suppliers, an offer for groups. In the caller's transaction; returns how many."""
    users = listing_audience(audience, area_ids, theme_ids, exclude_organisation_id)
    queue_email(users, "new_listing", f"New {what}: {title}", kind=EmailKind.NEW_LISTINGS, what=what,
                title=title, link=link)
    return len(users)


def need_listed(need) -> int:
    """Tell suppliers that serve its area or work on its themes of a need just published."""
    return tell_of_new_listing(audience=OrganisationKind.SUPPLIER, what="need", title=need.title,
                               area_ids=[need.area_id], theme_ids=[t.id for t in need.themes],
                               link=email_link("public_need", need_id=need.id))
