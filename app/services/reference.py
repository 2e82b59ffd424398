"""The admin's use cases: council users' roles, areas, themes, measures and proxy values."""
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from app.email import email_link, queue_email
from app import permissions
from app.extensions import db
from app.formatting import long_date
from app.models import (
    Area, Measure, MeasureCategory, MeasureCode, NeedCategory, OrganisationKind, ProxyValue, Role, Theme, TokenPurpose,
    User, UserRole,
)
from app.services.accounts import normalise_email, user_by_email
from app.services.audit import add_recorded, record_audit
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.identifiers import ons_code
from app.services.transactions import unique_or_field_error
from app.services.passwords import issue_token

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
# A framework's name and a code in it: letters, numbers, spaces and . - _ / : (no control characters or markup).
SCHEME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/:-]*$")
# Proxy values are stored in a 32-bit integer column; £10 million a unit is far above any real proxy.
MAX_PENCE = 1_000_000_000


@dataclass
class MeasureInput:
    """What an admin types about a measure (the code only counts when creating one)."""

    name: str
    unit: str
    categories: list[NeedCategory]
    description: str = ""
    code: str = ""
    is_active: bool = True


@dataclass
class ProxyInput:
    """One proxy value to add: pence per unit from a date, with a note of where it came from."""

    pence_per_unit: int
    effective_from: date
    source_note: str = ""
    is_default: bool = False


# --- checks shared with the CSV import --------------------------------------------------------------------------

def _text(value: str | None, field_name: str, *, noun: str, limit: int, missing: str | None = None) -> str:
    """Trimmed text, refused when too long, or when missing if a `missing` message is given."""
    text = (value or "").strip()
    if missing and not text:
        raise Invalid(missing, field_name)
    if len(text) > limit:
        raise Invalid(f"{noun} must be {limit:,} characters or fewer", field_name)
    return text


def clean_code(code: str | None) -> str:
    """A measure code in capitals, such as VOL-HOURS."""
    text = _text(code, "code", noun="Code", limit=20, missing="Enter a code").upper()
    if not CODE_PATTERN.match(text):
        raise Invalid("Code must use only letters, numbers and hyphens, like VOL-HOURS", "code")
    return text


def clean_measure(data: MeasureInput) -> MeasureInput:
    """The measure's fields trimmed and checked; categories in their usual order."""
    if not data.categories:
        raise Invalid("Select at least one kind of help this measure counts", "categories")
    order = list(NeedCategory)
    return MeasureInput(
        name=_text(data.name, "name", noun="Name", limit=200, missing="Enter a name"),
        unit=_text(data.unit, "unit", noun="Unit", limit=40, missing="Enter a unit"),
        description=_text(data.description, "description", noun="Description", limit=2000),
        categories=sorted(set(data.categories), key=order.index), code=data.code, is_active=data.is_active,
    )


def check_pence(pence_per_unit) -> int:
    """A proxy value must be a whole, non-negative number of pence."""
    if isinstance(pence_per_unit, bool) or not isinstance(pence_per_unit, int):
        raise Invalid("Proxy value must be a whole number of pence", "pence_per_unit")
    if pence_per_unit < 0:
        raise Invalid("Proxy value must be £0 or more", "pence_per_unit")
    if pence_per_unit > MAX_PENCE:
        raise Invalid("Proxy value must be £10,000,000 or less", "pence_per_unit")
    return pence_per_unit


def clean_source_note(note: str | None) -> str:
    """A proxy value's source note, trimmed."""
    return _text(note, "source_note", noun="Source note", limit=1000)


# --- helpers ----------------------------------------------------------------------------------------------------

def _require_unique(model, column, value: str, message: str, field_name: str, *, except_id: int | None = None) -> None:
    """Refuse a name that another row already uses (ignoring case)."""
    query = select(model.id).where(func.lower(column) == value.lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    if db.session.scalar(query) is not None:
        raise Invalid(message, field_name)


def _get(model, obj_id: int, noun: str, *, lock: bool = False):
    """A row by id (locked if asked), or NotFound."""
    obj = db.session.get(model, obj_id, with_for_update=lock) if lock else db.session.get(model, obj_id)
    if obj is None:
        raise NotFound(f"No such {noun}.")
    return obj


def require_admin(actor: User) -> None:
    """Only council admins manage the reference lists and roles (the blueprint checks too)."""
    if not permissions.is_council(actor, Role.ADMIN):
        raise NotAllowed("Only council administrators can do this.")


# --- areas ------------------------------------------------------------------------------------------------------

def _area_name(name: str, except_id: int | None = None) -> str:
    """A new or changed area name, checked for length and uniqueness."""
    text = _text(name, "name", noun="Name", limit=120, missing="Enter the area's name")
    _require_unique(Area, Area.name, text, f"There is already an area called {text}", "name", except_id=except_id)
    return text


def _area_ons_code(text: str | None, except_id: int | None = None) -> str | None:
    """An area's optional ONS code, checked for its format and that no other area has it."""
    code = ons_code(text)
    if code:
        _require_unique(Area, Area.ons_code, code, f"Another area already has the ONS code {code}", "ons_code",
                        except_id=except_id)
    return code


@contextmanager
def _unique_area(area: Area) -> Iterator[None]:
    """Commit inside this: two saves at once that pass the checks are still refused by the field that clashes."""
    with unique_or_field_error(f"There is already an area called {area.name}", "name"), \
            unique_or_field_error(f"Another area already has the ONS code {area.ons_code}", "ons_code",
                                  constraint_mentions="ons_code"):
        yield


def create_area(actor: User, name: str, ons_code_text: str | None = None) -> Area:
    """Add an area that needs and commitments can be placed in."""
    require_admin(actor)
    area = Area(name=_area_name(name), ons_code=_area_ons_code(ons_code_text))
    with _unique_area(area):
        add_recorded(actor, area, "area.created", name=area.name, ons_code=area.ons_code)
        db.session.commit()
    return area


def rename_area(actor: User, area_id: int, name: str, ons_code_text: str | None = None) -> Area:
    """Change an area's name and ONS code; everything placed in it follows."""
    require_admin(actor)
    area = _get(Area, area_id, "area", lock=True)
    new_name, new_code = _area_name(name, except_id=area.id), _area_ons_code(ons_code_text, except_id=area.id)
    (old_name, area.name), (old_code, area.ons_code) = (area.name, new_name), (area.ons_code, new_code)
    if old_name != new_name:
        record_audit(actor, "area.renamed", area, old_name=old_name, new_name=new_name)
    if old_code != new_code:
        record_audit(actor, "area.ons_code_changed", area, old_code=old_code, new_code=new_code)
    with _unique_area(area):
        db.session.commit()
    return area


def set_area_active(actor: User, area_id: int, is_active: bool) -> Area:
    """Offer an area for new needs again, or stop offering it (existing records keep it)."""
    require_admin(actor)
    area = _get(Area, area_id, "area", lock=True)
    if area.is_active != is_active:
        area.is_active = is_active
        record_audit(actor, "area.activated" if is_active else "area.deactivated", area)
    db.session.commit()
    return area


# --- themes -----------------------------------------------------------------------------------------------------

def _theme_fields(name: str, description: str, except_id: int | None = None) -> tuple[str, str]:
    """A theme's name and description, checked."""
    text = _text(name, "name", noun="Name", limit=120, missing="Enter the theme's name")
    _require_unique(Theme, Theme.name, text, f"There is already a theme called {text}", "name", except_id=except_id)
    return text, _text(description, "description", noun="Description", limit=2000)


def create_theme(actor: User, name: str, description: str = "") -> Theme:
    """Add one of the council's social value priorities."""
    require_admin(actor)
    name, description = _theme_fields(name, description)
    theme = Theme(name=name, description=description)
    with unique_or_field_error(f"There is already a theme called {name}", "name"):
        add_recorded(actor, theme, "theme.created", name=theme.name)
        db.session.commit()
    return theme


def update_theme(actor: User, theme_id: int, *, name: str, description: str, is_active: bool) -> Theme:
    """Change a theme's name, description or whether it is offered for new needs."""
    require_admin(actor)
    theme = _get(Theme, theme_id, "theme", lock=True)
    name, description = _theme_fields(name, description, except_id=theme.id)
    changes = {key: [getattr(theme, key), new] for key, new in
               (("name", name), ("description", description), ("is_active", is_active)) if getattr(theme, key) != new}
    theme.name, theme.description, theme.is_active = name, description, is_active
    if changes:
        record_audit(actor, "theme.updated", theme, changes=changes)
    with unique_or_field_error(f"There is already a theme called {name}", "name"):
        db.session.commit()
    return theme


# --- measures and proxy values ----------------------------------------------------------------------------------

def code_in_use(code: str) -> bool:
    """Whether a measure already has this code."""
    return db.session.scalar(select(Measure.id).where(func.upper(Measure.code) == code.upper())) is not None


def new_measure(data: MeasureInput) -> Measure:
    """Build an unsaved measure from checked input (shared with the CSV import)."""
    return Measure(code=data.code, name=data.name, unit=data.unit, description=data.description,
                   is_active=data.is_active, category_rows=[MeasureCategory(category=c) for c in data.categories])


def apply_measure_changes(measure: Measure, data: MeasureInput, *, with_description: bool = True) -> dict:
    """Copy checked input onto a measure; return what changed as {field: [old, new]}."""
    changes = {}
    fields = ["name", "unit"] + (["description", "is_active"] if with_description else [])
    for key in fields:
        if getattr(measure, key) != getattr(data, key):
            changes[key] = [getattr(measure, key), getattr(data, key)]
            setattr(measure, key, getattr(data, key))
    if measure.categories != data.categories:
        changes["categories"] = [[c.value for c in measure.categories], [c.value for c in data.categories]]
        wanted = set(data.categories)
        measure.category_rows = [row for row in measure.category_rows if row.category in wanted] + [
            MeasureCategory(category=c) for c in data.categories if c not in set(measure.categories)]
    return changes


def create_measure(actor: User, data: MeasureInput) -> Measure:
    """Add a measure; its code is fixed from now on."""
    require_admin(actor)
    code = clean_code(data.code)
    data = clean_measure(data)
    data.code = code
    if code_in_use(code):
        raise Invalid(f"There is already a measure with the code {code}", "code")
    measure = new_measure(data)
    with unique_or_field_error(f"There is already a measure with the code {code}", "code"):
        db.session.add(measure)
        db.session.flush()
        record_audit(actor, "measure.created", measure, code=code)
        db.session.commit()
    return measure


def update_measure(actor: User, measure_id: int, data: MeasureInput) -> Measure:
    """Change a measure's name, unit, description, categories or whether it is offered; never its code."""
    require_admin(actor)
    measure = _get(Measure, measure_id, "measure", lock=True)
    changes = apply_measure_changes(measure, clean_measure(data))
    if changes:
        record_audit(actor, "measure.updated", measure, changes=changes)
    db.session.commit()
    return measure


def existing_proxy(measure: Measure, day: date) -> ProxyValue | None:
    """The measure's proxy value starting on this exact day, if any."""
    return next((p for p in measure.proxy_values if p.effective_from == day), None)


def build_proxy_value(measure: Measure, value: ProxyInput, actor: User | None) -> ProxyValue:
    """Check a new proxy value against the measure's others and add it; old values are never touched."""
    check_pence(value.pence_per_unit)
    if not isinstance(value.effective_from, date):
        raise Invalid("Enter the date the value applies from", "effective_from")
    clash = existing_proxy(measure, value.effective_from)
    if clash is not None:
        raise Invalid(
            f"{measure.code} already has a proxy value from {long_date(value.effective_from)}. "
            "Values are never changed: choose a different date for the new value", "effective_from")
    proxy = ProxyValue(measure=measure, pence_per_unit=value.pence_per_unit, effective_from=value.effective_from,
                       source_note=clean_source_note(value.source_note), is_default=value.is_default,
                       created_by_id=actor.id if actor else None)
    db.session.add(proxy)
    return proxy


def add_proxy_value(measure_id: int, pence_per_unit: int, effective_from: date, source_note: str, actor: User) -> ProxyValue:
    """Give a measure a new value from a date on; earlier values stay exactly as they were."""
    require_admin(actor)
    measure = _get(Measure, measure_id, "measure", lock=True)
    with unique_or_field_error(f"{measure.code} already has a proxy value from {long_date(effective_from)}. "
                               "Values are never changed: choose a different date for the new value", "effective_from"):
        proxy = build_proxy_value(measure, ProxyInput(pence_per_unit, effective_from, source_note), actor)
        db.session.flush()
        record_audit(actor, "proxy_value.added", proxy, measure=measure.code, pence_per_unit=pence_per_unit,
                     effective_from=effective_from.isoformat())
        db.session.commit()
    return proxy


# --- codes in other frameworks -------------------------------------------------------------------------------

def clean_framework_code(scheme: str | None, code: str | None) -> tuple[str, str]:
    """A framework's name and a measure's code in it, trimmed and checked; the code keeps its own case."""
    scheme_text = " ".join(_text(scheme, "scheme", noun="Framework", limit=40, missing="Enter the framework").split())
    code_text = _text(code, "code", noun="Code", limit=40, missing="Enter the measure's code in this framework")
    if not SCHEME_PATTERN.match(scheme_text):
        raise Invalid("Framework must use only letters, numbers, spaces and . - _ / :", "scheme")
    if not SCHEME_PATTERN.match(code_text) or "  " in code_text:
        raise Invalid("Code must use only letters, numbers, single spaces and . - _ / :", "code")
    return scheme_text, code_text


def set_measure_code(actor: User, measure_id: int, scheme: str | None, code: str | None) -> MeasureCode:
    """Give a measure its code in a framework, or change it: one code per framework (named in any case)."""
    require_admin(actor)
    scheme, code = clean_framework_code(scheme, code)
    measure = _get(Measure, measure_id, "measure", lock=True)
    existing = next((c for c in measure.codes if c.scheme.lower() == scheme.lower()), None)
    with unique_or_field_error(f"{measure.code} already has a code in {scheme}", "scheme"):
        if existing is None:
            existing = MeasureCode(scheme=scheme, code=code)
            measure.codes.append(existing)
            db.session.flush()
            record_audit(actor, "measure.code_added", measure, scheme=scheme, code=code)
        elif existing.code != code or existing.scheme != scheme:
            record_audit(actor, "measure.code_changed", measure, scheme=scheme,
                         changes={"code": [existing.code, code], "scheme": [existing.scheme, scheme]})
            existing.scheme, existing.code = scheme, code
        db.session.commit()
    return existing


def remove_measure_code(actor: User, measure_id: int, code_id: int) -> Measure:
    """Take a framework's code off a measure."""
    require_admin(actor)
    measure = _get(Measure, measure_id, "measure", lock=True)
    code = next((c for c in measure.codes if c.id == code_id), None)
    if code is None:
        raise NotFound("No such code.")
    measure.codes.remove(code)
    record_audit(actor, "measure.code_removed", measure, scheme=code.scheme, code=code.code)
    db.session.commit()
    return measure


# --- council users ----------------------------------------------------------------------------------------------

def set_user_roles(admin: User, user_id: int, roles) -> User:
    """Give a council user exactly these roles; an admin cannot take away their own admin role."""
    require_admin(admin)
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None or user.is_removed:
        raise NotFound("No such user.")
    wanted = {Role(r) for r in roles}
    if wanted and user.organisation.kind is not OrganisationKind.BUYER:
        raise Conflict("Only council staff can hold council roles.", "roles")
    if user.id == admin.id and Role.ADMIN not in wanted:
        raise Invalid("You cannot remove your own admin role", "roles")
    before = user.roles
    if wanted != before:
        user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - before, key=list(Role).index)]
        record_audit(admin, "user.roles_changed", user, before=sorted(r.value for r in before),
                     after=sorted(r.value for r in wanted))
    db.session.commit()
    return user


def invite_council_user(admin: User, name: str, email: str, roles) -> User:
    """Invite someone into the admin's council with these roles; they choose their own password."""
    require_admin(admin)
    name = _text(name, "name", noun="Name", limit=120, missing="Enter their full name")
    email = normalise_email(email)
    if not email:
        raise Invalid("Enter their email address", "email")
    if user_by_email(email) is not None:
        raise Invalid("An account already uses this email address", "email")
    wanted = sorted({Role(r) for r in roles}, key=list(Role).index)
    invitee = User(organisation_id=admin.organisation_id, name=name, email=email, invited_by_id=admin.id,
                   role_rows=[UserRole(role=r) for r in wanted])
    hours = current_app.config["INVITE_TOKEN_HOURS"]
    with unique_or_field_error("An account already uses this email address", "email", constraint_mentions="email"):
        db.session.add(invitee)
        db.session.flush()
        token = issue_token(invitee, TokenPurpose.INVITE, hours)
        queue_email(invitee, "invite", f"{admin.name} invited you to join {admin.organisation.name}",
                    inviter=admin, link=email_link("accept_invite", token=token), hours=hours)
        record_audit(admin, "user.invited", invitee, roles=[r.value for r in wanted])
        db.session.commit()
    return invitee
