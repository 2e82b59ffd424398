"""Who may do what: the one place council roles and membership are decided.

Plain functions of a user (and an organisation id), with no request, redirect or database query, so models'
`can_*` methods, services and the blueprint guards in `app/web/guards.py` all ask the same questions.
"""
from app.models.organisation import OrganisationKind
from app.models.user import Role


def uses_service(user) -> bool:
    """Signed in, email verified and organisation approved."""
    return user is not None and user.is_authenticated and user.can_use_service


def is_member(user, kind: OrganisationKind, organisation_id: int | None = None) -> bool:
    """An approved member of an organisation of this kind (and, if given, of this very organisation)."""
    if not uses_service(user) or user.organisation.kind is not kind:
        return False
    return organisation_id is None or user.organisation_id == organisation_id


def is_council(user, *roles: Role, council_id: int | None = None) -> bool:
    """Approved council staff holding any of these roles (of this council, if given): the one council-role check."""
    if not is_member(user, OrganisationKind.BUYER, council_id):
        return False
    return bool(user.roles & set(roles))


def is_vcse(user, organisation_id: int | None = None) -> bool:
    """An approved member of a VCSE (of this one, if given)."""
    return is_member(user, OrganisationKind.VCSE, organisation_id)


def is_supplier(user, organisation_id: int | None = None) -> bool:
    """An approved member of a supplier (of this one, if given)."""
    return is_member(user, OrganisationKind.SUPPLIER, organisation_id)
