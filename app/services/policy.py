"""The admin's use case for the council's social value policy."""
from decimal import Decimal

from app import permissions
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.models import CouncilPolicy, PolicyTerms, Role, User, utcnow
from app.queries.policy import saved_policy
from app.services.audit import record_audit

MOST_PERCENT = Decimal(100)
MOST_POUNDS_PER_POUND = Decimal(10)


def _check(terms: PolicyTerms) -> None:
    """Refuse a policy that cannot be meant: a level out of range, or no level at all."""
    if terms.threshold_pence < 0:
        raise Invalid("The threshold must be £0 or more", "threshold_pence")
    if terms.percent_of_value is not None and not 0 < terms.percent_of_value <= MOST_PERCENT:
        raise Invalid("The percentage must be more than 0 and no more than 100", "percent_of_value")
    if terms.pounds_per_pound is not None and not 0 < terms.pounds_per_pound <= MOST_POUNDS_PER_POUND:
        raise Invalid(f"Pounds of social value per pound must be more than 0 and no more than "
                      f"{MOST_POUNDS_PER_POUND}", "pounds_per_pound")
    if terms.percent_of_value is None and terms.pounds_per_pound is None:
        raise Invalid("Enter a percentage of contract value, pounds per pound, or both", "percent_of_value")


def set_council_policy(user: User, terms: PolicyTerms) -> CouncilPolicy:
    """An admin sets their council's policy; the change is recorded in the audit log with the old and new terms."""
    if not permissions.is_council(user, Role.ADMIN):
        raise NotAllowed("Only the council's admins may set its social value policy.")
    _check(terms)
    policy = saved_policy(user.organisation_id)
    before = policy.terms if policy is not None else None
    if policy is None:
        policy = CouncilPolicy(buyer_id=user.organisation_id)
        db.session.add(policy)
    policy.threshold_pence, policy.percent_of_value, policy.pounds_per_pound = (
        terms.threshold_pence, terms.percent_of_value, terms.pounds_per_pound)
    policy.updated_by_id, policy.updated_at = user.id, utcnow()
    db.session.flush()
    record_audit(user, "policy.changed", policy, before=_describe(before), after=_describe(terms))
    db.session.commit()
    return policy


def _describe(terms: PolicyTerms | None) -> dict | None:
    """Policy terms as plain values for the audit log."""
    if terms is None:
        return None
    return {"threshold_pence": terms.threshold_pence,
            "percent_of_value": None if terms.percent_of_value is None else str(terms.percent_of_value),
            "pounds_per_pound": None if terms.pounds_per_pound is None else str(terms.pounds_per_pound)}
