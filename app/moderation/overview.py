"""The moderator's overview: every queue and what is waiting in it."""
from flask import render_template
from flask_login import current_user

from app.moderation import bp
from app.queries.case_studies import case_study_counts
from app.queries.disputes import disputed_count
from app.queries.needs import need_counts
from app.queries.offers import offer_counts
from app.queries.organisations import organisation_counts


@bp.get("/")
def index():
    """The moderator's overview: what is waiting."""
    counts = organisation_counts()
    return render_template("moderation/index.html", counts_by_value={s.value: n for s, n in counts.items()},
                           need_counts=need_counts(), offer_counts=offer_counts(), dispute_count=disputed_count(current_user.organisation_id),
                           case_study_counts=case_study_counts(current_user.organisation_id))
