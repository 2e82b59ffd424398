"""Test data factories; each returns the new row's id so no session is held open."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import (
    Area, Measure, MeasureCategory, Need, NeedCategory, NeedStatus, Organisation, OrganisationKind, OrganisationStatus, ProxyValue,
    Role, Theme, User, UserRole, utcnow,
)
from app.services.passwords import hash_password

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


class Factories:
    """Create rows inside a short app context."""

    def __init__(self, app):
        self.app = app
        self._hash = None

    def _save(self, obj) -> int:
        """Add, commit and return the id."""
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            obj_id = obj.id if not isinstance(obj, tuple) else None
            db.session.remove()
            return obj_id

    def area(self, name: str | None = None) -> int:
        """An area."""
        return self._save(Area(name=name or f"Area {next(_seq)}"))

    def theme(self, name: str | None = None) -> int:
        """A priority theme."""
        return self._save(Theme(name=name or f"Theme {next(_seq)}"))

    def measure(self, code: str | None = None, categories=("volunteers",), pence: int | None = 1221,
                unit: str = "hour") -> int:
        """A measure serving some categories, with one proxy value from 2025-04-01."""
        n = next(_seq)
        measure = Measure(code=code or f"M-{n}", name=f"Measure {n}", unit=unit,
                          category_rows=[MeasureCategory(category=NeedCategory(c)) for c in categories])
        if pence is not None:
            measure.proxy_values = [ProxyValue(pence_per_unit=pence, effective_from=date(2025, 4, 1))]
        return self._save(measure)

    def organisation(self, kind: str = "vcse", status: str = "approved", name: str | None = None,
                     area_ids: list[int] | None = None) -> int:
        """An organisation of a kind and status."""
        with self.app.app_context():
            areas = [db.session.get(Area, i) for i in (area_ids or [])]
            organisation = Organisation(name=name or f"{kind.title()} org {next(_seq)}", kind=OrganisationKind(kind),
                                        status=OrganisationStatus(status), areas=areas)
            db.session.add(organisation)
            db.session.commit()
            return organisation.id

    def user(self, organisation_id: int | None = None, *, kind: str = "vcse", status: str = "approved",
             roles=(), verified: bool = True, org_admin: bool = True, email: str | None = None,
             password: str | None = PASSWORD) -> int:
        """A user (in a new organisation unless one is given)."""
        if organisation_id is None:
            organisation_id = self.organisation(kind=kind, status=status)
        with self.app.app_context():
            if self._hash is None:
                self._hash = hash_password(PASSWORD)
            user = User(
                organisation_id=organisation_id, name=f"Person {next(_seq)}",
                email=email or f"person{next(_seq)}@example.org",
                password_hash=(self._hash if password == PASSWORD else hash_password(password)) if password else None,
                email_verified_at=utcnow() if verified else None, is_org_admin=org_admin,
                role_rows=[UserRole(role=Role(r)) for r in roles],
            )
            db.session.add(user)
            db.session.commit()
            return user.id

    def council_user(self, *roles: str, organisation_id: int | None = None) -> int:
        """A council (buyer) user holding roles."""
        if organisation_id is None:
            organisation_id = self.organisation(kind="buyer", name=f"Council {next(_seq)}")
        return self.user(organisation_id, roles=roles)

    def get(self, model, obj_id):
        """Read a row's attributes as a detached dict-like snapshot."""
        with self.app.app_context():
            obj = db.session.get(model, obj_id)
            if obj is None:
                return None
            snapshot = {c.key: getattr(obj, c.key) for c in obj.__table__.columns}
            db.session.remove()
            return type("Snapshot", (), snapshot)

    def need(self, organisation_id: int, *, status: str = "open", category: str = "volunteers",
             measure_id: int | None = None, area_id: int | None = None, theme_ids: list[int] | None = None,
             title: str | None = None, quantity: str = "10", needed_by: date | None = None,
             description: str = "<p>We need help.</p>") -> int:
        """A need of an organisation in a status, with its measure, area and a theme made if not given."""
        measure_id = measure_id or self.measure(categories=(category,))
        area_id = area_id or self.area()
        theme_ids = theme_ids or [self.theme()]
        with self.app.app_context():
            user_id = db.session.scalars(db.select(User.id).where(User.organisation_id == organisation_id)).first()
            if user_id is None:
                db.session.remove()
                user_id = self.user(organisation_id)
            n = next(_seq)
            need = Need(
                organisation_id=organisation_id, created_by_id=user_id, title=title or f"Need {n}",
                summary=f"Summary of need {n}", description_source=description, description_html=description,
                search_text=f"{title or f'Need {n}'} Summary of need {n}", category=NeedCategory(category),
                measure_id=measure_id, quantity=Decimal(quantity), area_id=area_id,
                needed_by=needed_by or date.today() + timedelta(days=60), contact="Call 01234 567890",
                status=NeedStatus(status), themes=[db.session.get(Theme, t) for t in theme_ids],
                submitted_at=utcnow() if status != "draft" else None,
                opened_at=utcnow() if status in ("open", "fulfilled", "closed", "expired") else None,
            )
            db.session.add(need)
            db.session.commit()
            return need.id
