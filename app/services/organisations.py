"""Moderating organisations' registrations."""
from app.extensions import db
from app.models.lifecycle import require_move
from app.email import email_link, queue_email
from app.models import Organisation, OrganisationStatus, User, utcnow
from app.services.audit import record_audit
from app.errors import Invalid, NotFound


def _pending_organisation(organisation_id: int, move: str, moderator: User) -> Organisation:
    """The organisation, locked, provided this moderator may make this decision on it now."""
    organisation = db.session.get(Organisation, organisation_id, with_for_update=True)
    if organisation is None:
        raise NotFound("No such organisation.")
    require_move(organisation, move, moderator, "Only organisations waiting for approval can be decided; "
                 f"this one is {organisation.status.label.lower()}.")
    return organisation


def approve_organisation(organisation_id: int, moderator: User, *, note: str = "") -> Organisation:
    """Approve a pending organisation and tell its users."""
    organisation = _pending_organisation(organisation_id, "approve", moderator)
    organisation.status, organisation.decided_at = OrganisationStatus.APPROVED, utcnow()
    organisation.decision_reason = note.strip() or None
    record_audit(moderator, "organisation.approved", organisation, reason=note.strip())
    queue_email(organisation.users, "organisation_approved", f"{organisation.name} is approved",
                organisation=organisation, link=email_link("sign_in"))
    db.session.commit()
    return organisation


def reject_organisation(organisation_id: int, moderator: User, *, reason: str) -> Organisation:
    """Reject a pending organisation with a reason its users are told."""
    if not (reason or "").strip():
        raise Invalid("Enter the reason for rejecting this organisation", "reason")
    organisation = _pending_organisation(organisation_id, "reject", moderator)
    organisation.status, organisation.decided_at = OrganisationStatus.REJECTED, utcnow()
    organisation.decision_reason = reason.strip()
    record_audit(moderator, "organisation.rejected", organisation, reason=reason.strip())
    queue_email(organisation.users, "organisation_rejected", f"{organisation.name} was not approved",
                organisation=organisation, reason=reason.strip())
    db.session.commit()
    return organisation
