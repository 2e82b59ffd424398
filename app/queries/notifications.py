"""Reads for notifications: each user's choices, who hears of new listings and moderation work, digests that are
due, and the objects reminders are due about."""
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, or_, select

from app.extensions import db
from app.models import (
    DEFAULT_FREQUENCIES, HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, Contract, ContractStatus, DigestItem, EmailKind,
    Frequency, Need, NeedStatus, NotificationSetting, Organisation, OrganisationKind, OrganisationStatus, Pledge,
    PledgeStatus, ReminderSent, ReminderStage, Role, User, UserRole, commitment_areas, commitment_themes,
    organisation_areas,
)
from app.queries.capacity import commitment_held


def frequencies_for(user_ids: list[int], kind: EmailKind) -> dict[int, Frequency]:
    """How often each of these users wants emails of a kind: their stored choice, or the default (one query)."""
    if not user_ids:
        return {}
    stored = dict(db.session.execute(select(NotificationSetting.user_id, NotificationSetting.frequency).where(
        NotificationSetting.user_id.in_(set(user_ids)), NotificationSetting.kind == kind)).all())
    return {user_id: stored.get(user_id, DEFAULT_FREQUENCIES[kind]) for user_id in user_ids}


def settings_for(user_id: int) -> dict[EmailKind, Frequency]:
    """Every kind's frequency for one user, defaults filled in."""
    stored = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.frequency)
                                     .where(NotificationSetting.user_id == user_id)).all())
    return {kind: stored.get(kind, default) for kind, default in DEFAULT_FREQUENCIES.items()}


def _active_members():
    """Users who may use the service now: not removed, verified, of an approved organisation."""
    return (select(User).join(Organisation, User.organisation_id == Organisation.id)
            .where(User.is_removed.is_(False), User.email_verified_at.is_not(None),
                   Organisation.status == OrganisationStatus.APPROVED))


def council_moderators(council_id: int | None = None) -> list[User]:
    """Approved council staff holding the moderator role (of one council, if given)."""
    query = (_active_members().join(UserRole, UserRole.user_id == User.id)
             .where(Organisation.kind == OrganisationKind.BUYER, UserRole.role == Role.MODERATOR))
    if council_id is not None:
        query = query.where(User.organisation_id == council_id)
    return list(db.session.scalars(query.order_by(User.id)))


def listing_audience(audience: OrganisationKind, area_ids: list[int], theme_ids: list[int],
                     exclude_organisation_id: int | None = None) -> list[User]:
    """Members of approved organisations of a kind that serve one of these areas, or (suppliers) hold a
    commitment on a running contract that names one of these areas or themes."""
    in_areas = exists().where(organisation_areas.c.organisation_id == Organisation.id,
                              organisation_areas.c.area_id.in_(area_ids or [0]))
    matches = [in_areas]
    if audience is OrganisationKind.SUPPLIER:
        live = (select(Commitment.id).join(Contract, Commitment.contract_id == Contract.id)
                .where(Contract.supplier_id == Organisation.id, Contract.status == ContractStatus.ACTIVE,
                       Contract.ends_on >= date.today()))
        matches.append(exists(live.join(commitment_themes, commitment_themes.c.commitment_id == Commitment.id)
                              .where(commitment_themes.c.theme_id.in_(theme_ids or [0]))))
        matches.append(exists(live.join(commitment_areas, commitment_areas.c.commitment_id == Commitment.id)
                              .where(commitment_areas.c.area_id.in_(area_ids or [0]))))
    query = _active_members().where(Organisation.kind == audience, or_(*matches))
    if exclude_organisation_id is not None:
        query = query.where(Organisation.id != exclude_organisation_id)
    return list(db.session.scalars(query.order_by(User.id)))


def pending_digests() -> list[tuple[int, EmailKind, datetime]]:
    """(user id, kind, oldest item's time) for every user and kind with items waiting for a digest."""
    rows = db.session.execute(
        select(DigestItem.user_id, DigestItem.kind, func.min(DigestItem.created_at))
        .where(DigestItem.sent_at.is_(None)).group_by(DigestItem.user_id, DigestItem.kind)
        .order_by(DigestItem.user_id, DigestItem.kind))
    return [tuple(row) for row in rows]


def waiting_digest_items(user_id: int, kind: EmailKind) -> list[DigestItem]:
    """A user's items of one kind not yet in a digest, oldest first."""
    return list(db.session.scalars(select(DigestItem).where(
        DigestItem.user_id == user_id, DigestItem.kind == kind, DigestItem.sent_at.is_(None)).order_by(DigestItem.id)))


def _not_reminded(stage: ReminderStage, id_column):
    """The condition that no reminder of this stage was sent about the object yet."""
    return ~exists().where(ReminderSent.stage == stage, ReminderSent.object_id == id_column)


def pledges_not_delivered(today: date) -> list[int]:
    """Accepted pledges whose proposed date has passed and that are not marked delivered."""
    return list(db.session.scalars(select(Pledge.id).where(
        Pledge.status == PledgeStatus.ACCEPTED, Pledge.proposed_on < today,
        _not_reminded(ReminderStage.PLEDGE_NOT_DELIVERED, Pledge.id)).order_by(Pledge.id)))


def deliveries_unconfirmed(stage: ReminderStage, delivered_before: datetime) -> list[int]:
    """Pledges marked delivered before a time and still waiting for the group to confirm."""
    return list(db.session.scalars(select(Pledge.id).where(
        Pledge.status == PledgeStatus.DELIVERED, Pledge.delivered_at <= delivered_before,
        _not_reminded(stage, Pledge.id)).order_by(Pledge.id)))


def commitments_due_with_capacity(today: date, within_days: int) -> list[int]:
    """Commitments of running contracts due within so many days whose pledges do not yet hold all of them."""
    rows = db.session.execute(
        select(Commitment.id, Commitment.quantity).join(Contract, Commitment.contract_id == Contract.id).where(
            Contract.status == ContractStatus.ACTIVE, Contract.ends_on >= today,
            Commitment.due_on >= today, Commitment.due_on <= today + timedelta(days=within_days),
            _not_reminded(ReminderStage.COMMITMENT_DUE, Commitment.id))
        .order_by(Commitment.id)).all()
    return [commitment_id for commitment_id, quantity in rows if commitment_held(commitment_id) < quantity]


def needs_expiring_unpledged(today: date, within_days: int) -> list[int]:
    """Open needs whose needed-by date is within so many days and that no live pledge holds any of."""
    pledged = exists().where(Pledge.need_id == Need.id,
                             Pledge.status.in_(HOLDS_PLEDGED | HOLDS_DELIVERED | {PledgeStatus.CONFIRMED}))
    return list(db.session.scalars(select(Need.id).where(
        Need.status == NeedStatus.OPEN, Need.needed_by >= today,
        Need.needed_by <= today + timedelta(days=within_days), ~pledged,
        _not_reminded(ReminderStage.NEED_EXPIRING, Need.id)).order_by(Need.id)))
