"""Reads for the admin pages: council users, the reference lists, counts and the audit trail."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (Area, AuditEvent, Measure, Organisation, OrganisationKind, OutboxMessage, OutboxStatus,
                        ProxyValue, Role, Theme, User, UserRole)
from app.queries.reference import all_areas, all_themes

__all__ = ["admin_counts", "all_areas", "all_themes", "audit_events", "council_user", "council_users",
           "measure_with_history", "measures_with_values"]


def _council_users_query():
    """Current (not removed) users of council organisations."""
    return (select(User).join(User.organisation)
            .where(Organisation.kind == OrganisationKind.BUYER, User.is_removed.is_(False)))


def council_users(page: int, per_page: int, search: str = ""):
    """A page of council users by name, with their organisation and roles, optionally matching a name or email."""
    query = _council_users_query()
    search = (search or "").strip().lower()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    query = query.options(joinedload(User.organisation), selectinload(User.role_rows)).order_by(User.name, User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def council_user(user_id: int) -> User | None:
    """One current council user with their organisation and roles."""
    return db.session.scalars(
        _council_users_query().where(User.id == user_id)
        .options(joinedload(User.organisation), selectinload(User.role_rows))
    ).first()


def measures_with_values(page: int, per_page: int):
    """A page of measures by code, with their categories and every proxy value loaded."""
    query = (select(Measure).options(selectinload(Measure.category_rows), selectinload(Measure.proxy_values))
             .order_by(Measure.code))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def measure_with_history(measure_id: int) -> Measure | None:
    """One measure with its categories and all its proxy values, oldest first."""
    return db.session.scalars(
        select(Measure).where(Measure.id == measure_id)
        .options(selectinload(Measure.category_rows), selectinload(Measure.proxy_values))
    ).first()


def admin_counts() -> dict[str, int]:
    """Headline counts for the admin overview, in one query."""
    def count(*where, model):
        """A scalar subquery counting rows of a model."""
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    council = select(User.id).join(User.organisation).where(
        Organisation.kind == OrganisationKind.BUYER, User.is_removed.is_(False))
    row = db.session.execute(select(
        count(User.id.in_(council), model=User).label("council_users"),
        count(UserRole.role == Role.ADMIN, UserRole.user_id.in_(council), model=UserRole).label("admins"),
        count(Area.is_active, model=Area).label("active_areas"),
        count(model=Area).label("areas"),
        count(Theme.is_active, model=Theme).label("active_themes"),
        count(model=Theme).label("themes"),
        count(model=Measure).label("measures"),
        count(ProxyValue.is_default, model=ProxyValue).label("defaults_to_review"),
        count(OutboxMessage.status == OutboxStatus.FAILED, model=OutboxMessage).label("failed_emails"),
    )).one()
    return dict(row._mapping)


def audit_events(page: int, per_page: int):
    """A page of audit events, newest first, with who did each."""
    query = (select(AuditEvent).options(joinedload(AuditEvent.actor))
             .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
