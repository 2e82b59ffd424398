"""Shared model helpers: UTC timestamps and labelled enums."""
import enum
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive, as every *_at column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


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
