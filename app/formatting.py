"""Plain-English formatting of quantities, shared by templates and service messages."""
from decimal import Decimal


def quantity(value: Decimal | int | None) -> str:
    """Format an exact quantity without trailing zeros."""
    if value is None:
        return "—"
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def with_unit(value: Decimal | int | None, unit: str) -> str:
    """A quantity and its unit in plain English, e.g. 60 hours, 1 day, 2.5 tonnes CO2e, £600 of market value."""
    text = quantity(value)
    if unit.startswith("£") and value is not None:
        return f"£{text}{unit[1:]}"
    if value is None or Decimal(value) == 1:
        return f"{text} {unit}"
    words = unit.split()
    plural_at = [i for i, w in enumerate(words) if w.isalpha() and w.islower()]
    if plural_at and not words[plural_at[-1]].endswith("s"):
        words[plural_at[-1]] += "s"
    return f"{text} {' '.join(words)}"
