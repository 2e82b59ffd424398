"""Reads of organisations and their members."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Organisation, OrganisationStatus, User


def team_members(organisation_id: int) -> list[User]:
    """The organisation's current members, by name."""
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.is_removed.is_(False)).order_by(User.name)
    ))


def pending_organisations(page: int, per_page: int):
    """Organisations waiting for approval, oldest first, with their users and areas."""
    query = (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.PENDING)
        .options(selectinload(Organisation.users), selectinload(Organisation.areas))
        .order_by(Organisation.created_at, Organisation.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def organisation_counts() -> dict[OrganisationStatus, int]:
    """How many organisations are in each registration status."""
    rows = db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status))
    counts = {status: 0 for status in OrganisationStatus}
    counts.update({status: n for status, n in rows})
    return counts


def organisation_for_review(organisation_id: int) -> Organisation | None:
    """One organisation with its users and areas, for a moderator."""
    return db.session.scalars(
        select(Organisation).where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.users), selectinload(Organisation.areas))
    ).first()


def recent_decisions(limit: int = 10) -> list[Organisation]:
    """Organisations most recently approved or rejected."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.decided_at.is_not(None))
        .order_by(Organisation.decided_at.desc()).limit(limit)
    ))
