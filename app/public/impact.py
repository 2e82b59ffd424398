"""The public impact page: what the council's contracts delivered, as confirmed by the groups helped."""
from datetime import date

from flask import current_app, render_template

from app.queries.case_studies import published_case_studies
from app.queries.impact import public_council, public_impact
from app.public import bp

LATEST_STORIES = 6


@bp.get("/impact")
def impact():
    """Confirmed social value this financial year and all time, by area and theme, with stories and the method."""
    council = public_council(current_app.config["COUNCIL_NAME"])
    if council is None:
        return render_template("public/impact.html", council=None)
    return render_template("public/impact.html", council=council, impact=public_impact(council, date.today()),
                           stories=published_case_studies(LATEST_STORIES, council_id=council.id))
