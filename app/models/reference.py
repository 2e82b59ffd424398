"""The council's reference lists: areas, priority themes, measures and proxy values."""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, cast, event, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type, utcnow


class NeedCategory(LabelledEnum):
    """The kinds of help a need can ask for."""

    SPACE = "space"
    VOLUNTEERS = "volunteers"
    ADVICE = "advice"
    EQUIPMENT = "equipment"
    OTHER = "other"


class Area(db.Model):
    """A place the council reports on, such as a district."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The Office for National Statistics' code for the place (GSS), like E06000001, for other systems to join on.
    ons_code: Mapped[str | None] = mapped_column(String(9), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Theme(db.Model):
    """One of the council's social value priorities."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeasureCategory(db.Model):
    """A need category that a measure serves."""

    __tablename__ = "measure_categories"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[NeedCategory] = mapped_column(
        enum_type(NeedCategory),
        primary_key=True,
    )


class Measure(db.Model):
    """What is counted and how it is valued."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category_rows: Mapped[list[MeasureCategory]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    proxy_values: Mapped[list["ProxyValue"]] = relationship(
        back_populates="measure", order_by="ProxyValue.effective_from", lazy="selectin"
    )
    codes: Mapped[list["MeasureCode"]] = relationship(
        cascade="all, delete-orphan", order_by="MeasureCode.scheme", lazy="selectin"
    )

    @property
    def categories(self) -> list[NeedCategory]:
        """The need categories this measure serves, in a stable order."""
        order = list(NeedCategory)
        return sorted((row.category for row in self.category_rows), key=order.index)

    def proxy_on(self, day: date) -> "ProxyValue | None":
        """The proxy value in force on a day: the latest that took effect on or before it (the one rule for this)."""
        in_force = [p for p in self.proxy_values if p.effective_from <= day]
        return in_force[-1] if in_force else None

    def pence_per_unit_on(self, day: date) -> int | None:
        """The value of one unit on a day, in pence; None for a measure counted in units only."""
        proxy = self.proxy_on(day)
        return proxy.pence_per_unit if proxy else None


class MeasureCode(db.Model):
    """A measure's code in another framework, such as the one a council reports against: one code per scheme."""

    __tablename__ = "measure_codes"
    __table_args__ = (UniqueConstraint("measure_id", "scheme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def value_in_pence(quantity: Decimal, pence_per_unit: int | None) -> int:
    """Quantity times a proxy value, rounded half up to whole pence (0 for a measure counted in units only)."""
    if pence_per_unit is None:
        return 0
    return int((quantity * pence_per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hundredths_sql(quantity):
    """SQL for a quantity of at most two decimal places as a whole number of hundredths, exactly on both databases
    (SQLite keeps numerics as binary fractions: 0.7 + 0.1 is 0.7999..., which this rounds to 80)."""
    return cast(func.round(quantity * 100), BigInteger)


def value_in_pence_sql(quantity, pence_per_unit):
    """`value_in_pence` as SQL, for a quantity of at least zero: NULL for a measure counted in units only."""
    return (hundredths_sql(quantity) * pence_per_unit + 50) // 100


class ProxyValue(db.Model):
    """A measure's value in pence per unit from a date on; never edited once written."""

    __tablename__ = "proxy_values"
    __table_args__ = (UniqueConstraint("measure_id", "effective_from", name="uq_proxy_values_measure_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    pence_per_unit: Mapped[int]
    effective_from: Mapped[date]
    source_note: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    measure: Mapped[Measure] = relationship(back_populates="proxy_values")


class ProxyValueIsFixed(Exception):
    """A saved proxy value never changes; a new value is a new row from a later date."""


@event.listens_for(ProxyValue, "before_update")
def _refuse_update(mapper, connection, target):
    """Refuse any change to a saved proxy value."""
    raise ProxyValueIsFixed("Proxy values cannot be changed. Add a new value from a later date instead.")
