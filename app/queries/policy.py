"""The social value policy that applies to a council's contracts."""
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import CouncilPolicy, PolicyTerms


def default_policy() -> PolicyTerms:
    """The policy from configuration, used until a council's admin sets its own."""
    config = current_app.config
    return PolicyTerms(config["SOCIAL_VALUE_THRESHOLD_PENCE"], config["SOCIAL_VALUE_TARGET_PERCENT"],
                       config["SOCIAL_VALUE_POUNDS_PER_POUND"])


def council_policy(buyer_id: int | None) -> PolicyTerms:
    """A council's policy as its admin set it, or the default from configuration."""
    saved = db.session.scalars(select(CouncilPolicy).where(CouncilPolicy.buyer_id == buyer_id)).first()
    return saved.terms if saved is not None else default_policy()


def saved_policy(buyer_id: int) -> CouncilPolicy | None:
    """The council's own policy row, if its admin has set one."""
    return db.session.scalars(select(CouncilPolicy).where(CouncilPolicy.buyer_id == buyer_id)).first()
