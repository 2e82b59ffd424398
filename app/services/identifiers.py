"""The one rule for the identifiers people type: which register, and a number in that register's format."""
from app.errors import Invalid
from app.models.identifiers import IdentifierScheme, tidy_notice_id, tidy_number, tidy_ocid, tidy_ons_code


def organisation_identifier(scheme: str | None, number: str | None, *, scheme_field: str = "identifier_scheme",
                            number_field: str = "registered_number") -> tuple[IdentifierScheme | None, str | None]:
    """The register and tidied number an organisation gave (both or neither), refusing by the field at fault."""
    number = (number or "").strip()
    if not scheme and not number:
        return None, None
    if not scheme:
        raise Invalid("Select which register the number is on", scheme_field)
    try:
        chosen = IdentifierScheme(scheme)
    except ValueError:
        raise Invalid("Select which register the number is on", scheme_field) from None
    if not number:
        raise Invalid(f"Enter the {chosen.label}, or choose “Not on a register”", number_field)
    try:
        return chosen, tidy_number(chosen, number)
    except ValueError as problem:
        raise Invalid(str(problem), number_field) from None


def _checked(tidy, text: str | None, field: str) -> str | None:
    """A tidied optional code, refused by its field if malformed."""
    try:
        return tidy(text or "")
    except ValueError as problem:
        raise Invalid(str(problem), field) from None


def ons_code(text: str | None, field: str = "ons_code") -> str | None:
    """An area's optional ONS code, tidied."""
    return _checked(tidy_ons_code, text, field)


def contract_ocid(text: str | None, field: str = "ocid") -> str | None:
    """A contract's optional OCID."""
    return _checked(tidy_ocid, text, field)


def contract_notice_id(text: str | None, field: str = "notice_id") -> str | None:
    """A contract's optional Find a Tender notice id."""
    return _checked(tidy_notice_id, text, field)
