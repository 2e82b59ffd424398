"""Shared model helpers: UTC timestamps, labelled enums and the columns that store them, and row ids."""
import enum
from datetime import UTC, datetime

from sqlalchemy import Enum, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def utcnow() -> datetime:
    """The current time in UTC, naive, as every *_at column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """A column type storing an enum by its value as plain text (no database enum type to migrate)."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class days_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """SQL for the whole days from one date to a later one, `(later - earlier).days` in Python."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    """PostgreSQL subtracts dates to a number of days."""
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_on_sqlite(element, compiler, **kw):
    """SQLite keeps dates as text: subtract their Julian day numbers."""
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a human label."""

    @property
    def label(self) -> str:
        """The member's name in plain English."""
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a form field."""
        return [(m.value, m.label) for m in cls]


# The largest id an INTEGER primary key holds on PostgreSQL; larger numbers can name no row.
MAX_ID = 2**31 - 1


def parse_id(text: str) -> int:
    """A row id from typed text; ValueError for anything that cannot be one (not a number, 0, negative, too big)."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"{text!r} is not an id")
    return value


def parse_filter_id(text: str) -> int:
    """An id to filter by: any whole number is kept as typed, and one no row can have (0, negative, too big)
    becomes 0, which matches nothing (ValueError if it is not a whole number at all)."""
    value = int(text)
    return value if 1 <= value <= MAX_ID else 0
