"""Identifiers other systems use for our records: an organisation's number on a register (org-id.guide schemes),
an area's ONS code, a contract's OCID and Find a Tender notice. Each is checked and written one way here."""
import re

from app.models.base import LabelledEnum


class IdentifierScheme(LabelledEnum):
    """The registers an organisation's number may come from, by their org-id.guide prefix."""

    GB_COH = "GB-COH"
    GB_CHC = "GB-CHC"
    GB_SC = "GB-SC"
    GB_NIC = "GB-NIC"
    GB_PPON = "GB-PPON"

    @property
    def label(self) -> str:
        """The register in words."""
        return SCHEME_RULES[self][0]

    @property
    def example(self) -> str:
        """A number as that register writes it."""
        return SCHEME_RULES[self][1]


# Each scheme: its name, an example, the pattern of a number once tidied (capitals, no spaces), and how to pad it.
SCHEME_RULES = {
    IdentifierScheme.GB_COH: ("Companies House company number", "01234567",
                              re.compile(r"(?:[0-9]{8}|[A-Z]{2}[0-9]{6})"), 8),
    IdentifierScheme.GB_CHC: ("Charity Commission for England and Wales number", "1234567",
                              re.compile(r"[0-9]{6,7}"), 0),
    IdentifierScheme.GB_SC: ("Scottish Charity Regulator (OSCR) number", "SC012345", re.compile(r"SC[0-9]{6}"), 0),
    IdentifierScheme.GB_NIC: ("Charity Commission for Northern Ireland number", "100002", re.compile(r"1[0-9]{5}"),
                              0),
    IdentifierScheme.GB_PPON: ("Public Procurement Organisation Number (PPON)", "PABC-1234-DEFG",
                               re.compile(r"P[A-Z0-9]{3}-[A-Z0-9]{4}-[A-Z0-9]{4}"), 0),
}
_SPACES = re.compile(r"\s+")
ONS_CODE = re.compile(r"[EWSNK][0-9]{8}")
OCID = re.compile(r"ocds-[a-z0-9]{6}-[A-Za-z0-9._/-]{1,60}")
FTS_NOTICE = re.compile(r"[0-9]{6}-[0-9]{4}")


def tidy_number(scheme: IdentifierScheme, text: str) -> str:
    """A register number as its register writes it; ValueError with a message for the form if it cannot be one.

    Spaces go, letters become capitals, a company number of fewer than 8 digits gets its leading zeros, and a
    Northern Ireland number may be typed with its "NIC" prefix.
    """
    name, example, pattern, width = SCHEME_RULES[scheme]
    number = _SPACES.sub("", text).upper()
    if scheme is IdentifierScheme.GB_NIC and number.startswith("NIC"):
        number = number[3:]
    if width and number.isdigit():
        number = number.zfill(width)
    if not pattern.fullmatch(number):
        raise ValueError(f"Enter the {name} in the right format, like {example}")
    return number


def org_id(scheme: IdentifierScheme | None, number: str | None) -> str | None:
    """The org-id.guide identifier, like GB-CHC-1234567, or None without both parts."""
    return f"{scheme.value}-{number}" if scheme and number else None


def tidy_code(pattern: re.Pattern, text: str, message: str, *, upper: bool = True) -> str | None:
    """An optional code with spaces removed (and in capitals), None when blank; ValueError(message) if malformed."""
    code = _SPACES.sub("", text or "")
    code = code.upper() if upper else code
    if not code:
        return None
    if not pattern.fullmatch(code):
        raise ValueError(message)
    return code


def tidy_ons_code(text: str) -> str | None:
    """An area's ONS GSS code, like E06000001, or None."""
    return tidy_code(ONS_CODE, text, "Enter an ONS code of a letter and 8 digits, like E06000001")


def tidy_ocid(text: str) -> str | None:
    """A contract's Open Contracting ID, like ocds-h6vhtk-01a2b3, or None."""
    return tidy_code(OCID, text, "Enter an OCID like ocds-h6vhtk-01a2b3", upper=False)


def tidy_notice_id(text: str) -> str | None:
    """A Find a Tender notice id, like 012345-2025, or None."""
    return tidy_code(FTS_NOTICE, text, "Enter a Find a Tender notice id of 6 digits, a dash and a year, like 012345-2025")
