"""Published case studies, for everyone: one story with the need, both organisations and the confirmed value."""
from flask import render_template

from app.public import bp
from app.queries.case_studies import published_case_study
from app.web.answers import found


@bp.get("/impact/stories/<int:story_id>")
def case_study(story_id: int):
    """One published case study; 404 unless a moderator published it and its delivery still counts."""
    return render_template("public/story.html", story=found(published_case_study(story_id)))
