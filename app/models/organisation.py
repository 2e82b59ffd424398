"""Organisations and the areas they serve."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow
from app.models.identifiers import IdentifierScheme, org_id
from app.models.lifecycle import HasLifecycle, Move


class OrganisationKind(LabelledEnum):
    """What sort of organisation this is."""

    VCSE = "vcse"
    SUPPLIER = "supplier"
    BUYER = "buyer"

    @property
    def label(self) -> str:
        """The kind in plain English."""
        return {"vcse": "Charity or community group (VCSE)", "supplier": "Supplier", "buyer": "Council"}[self.value]


class OrganisationStatus(LabelledEnum):
    """Where an organisation's registration stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"

    @property
    def label(self) -> str:
        """The status in plain English."""
        return {"pending": "Waiting for approval"}.get(self.value, self.value.capitalize())


organisation_areas = Table(
    "organisation_areas",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


def _moderator(user, organisation: "Organisation") -> bool:
    """A council moderator (imported late: permissions reads this module's kinds)."""
    from app import permissions
    from app.models.user import Role

    return permissions.is_council(user, Role.MODERATOR)


PENDING_ONLY = frozenset({OrganisationStatus.PENDING})


class Organisation(HasLifecycle, db.Model):
    """A VCSE group, a supplier, or the council itself."""

    __tablename__ = "organisations"
    NOUN = "organisation"
    MOVES = {
        "approve": Move(PENDING_ONLY, _moderator, "approve"),
        "reject": Move(PENDING_ONLY, _moderator, "reject"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_type(OrganisationKind)
    )
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_type(OrganisationStatus),
        default=OrganisationStatus.PENDING,
        index=True,
    )
    # Its number on a register other systems know it by (Companies House, a charity regulator, PPON), with which.
    identifier_scheme: Mapped[IdentifierScheme | None] = mapped_column(enum_type(IdentifierScheme))
    registered_number: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    areas: Mapped[list["Area"]] = relationship(secondary=organisation_areas, order_by="Area.name")  # noqa: F821
    users: Mapped[list["User"]] = relationship(back_populates="organisation", order_by="User.id")  # noqa: F821

    @property
    def is_approved(self) -> bool:
        """Whether the council has approved this organisation."""
        return self.status is OrganisationStatus.APPROVED

    @property
    def is_rejected(self) -> bool:
        """Whether a moderator turned the registration down."""
        return self.status is OrganisationStatus.REJECTED

    @property
    def is_suspended(self) -> bool:
        """Whether the council has suspended the organisation."""
        return self.status is OrganisationStatus.SUSPENDED

    @property
    def org_id(self) -> str | None:
        """Its org-id.guide identifier, like GB-CHC-1234567 (None without a register and number)."""
        return org_id(self.identifier_scheme, self.registered_number)

    @property
    def number_label(self) -> str:
        """What its registered number is called: its register's name, or for a number given without one, what an
        organisation of its kind usually has."""
        if self.identifier_scheme:
            return self.identifier_scheme.label
        return "Charity number" if self.kind is OrganisationKind.VCSE else "Company number"
