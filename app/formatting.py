"""Plain-English formatting of quantities, money and dates, shared by templates, emails and service messages."""
import re
from datetime import date, datetime
from decimal import Decimal

# Whitespace (including Unicode line separators) and C0/C1 control characters: never wanted inside one line.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text: str | None) -> str:
    """Text on one line: each run of whitespace or control characters (CR, LF, tab...) becomes one space."""
    return _BREAKS.sub(" ", text or "").strip()


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


def long_date(value: date | datetime | None) -> str:
    """Format a date the GOV.UK way, e.g. 5 January 2027."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def pounds(pence: int | None) -> str:
    """Format pence as pounds, e.g. 123456 -> £1,234.56, exactly (integer arithmetic, never a float)."""
    if pence is None:
        return "—"
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def pounds_decimal(pence: int | None) -> Decimal | None:
    """Pence as an exact decimal number of pounds, e.g. 123456 -> Decimal("1234.56"), for a CSV or JSON column."""
    return None if pence is None else Decimal(pence).scaleb(-2)


def date_time(value: datetime | None) -> str:
    """Format a UTC timestamp, e.g. 5 January 2027 at 2:05pm."""
    if value is None:
        return ""
    return f"{long_date(value)} at {value:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def whole_pounds(pence: int) -> str:
    """Pence as pounds without the pence when there are none, e.g. 10000000 -> £100,000."""
    text = pounds(pence)
    return text[:-3] if text.endswith(".00") else text


def policy_target(council_name: str, terms) -> str:
    """What the council's social value policy (PolicyTerms) expects of a contract, in two sentences."""
    levels = []
    if terms.percent_of_value is not None:
        levels.append(f"worth at least {quantity(terms.percent_of_value)}% of the contract value")
    if terms.pounds_per_pound is not None:
        levels.append(f"of at least £{quantity(terms.pounds_per_pound)} for every £1 of contract value")
    expects = (f"expects social value {' and '.join(levels)}." if levels
               else "does not set a level of social value to expect.")
    return (f"{council_name}'s social value policy {expects} "
            f"It applies to contracts worth more than {whole_pounds(terms.threshold_pence)}.")


def mid_sentence(name: str | None) -> str:
    """A name as it reads inside a sentence: the first letter lower-cased unless the first word is an acronym.

    "Employee volunteering" -> "employee volunteering"; "IT support" and "VCSEs' rooms" keep their capitals.
    """
    if not name:
        return ""
    first_word = name.split(maxsplit=1)[0]
    if len(first_word) > 1 and (first_word[1].isupper() or first_word[1].isdigit()):
        return name
    return name[0].lower() + name[1:]
