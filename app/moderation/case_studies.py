"""Moderation of case studies: the queue, and publishing a story as edited or declining it with a reason."""
from flask import current_app, render_template, url_for
from flask_login import current_user

from app.moderation import bp
from app.moderation.forms import DeclineCaseStudyForm, PublishCaseStudyForm
from app.queries.case_studies import case_study_counts, case_study_for_review, case_study_queue
from app.services import case_studies
from app.web.answers import carry_out, found
from app.web.request import page_arg

FORMS = {"publish": PublishCaseStudyForm, "decline": DeclineCaseStudyForm}


@bp.get("/case-studies")
def case_study_queue_page():
    """Stories given with consent on the council's contracts, waiting for review, oldest first."""
    council_id = current_user.organisation_id
    return render_template("moderation/case_study_queue.html", counts=case_study_counts(council_id),
                           pagination=case_study_queue(council_id, page_arg(), current_app.config["PAGE_SIZE"]))


def _review_page(case_study_id: int, bound=None) -> str:
    """One case study with the publish and decline forms (the story to publish starts as the group wrote it)."""
    case_study = found(case_study_for_review(case_study_id, current_user.organisation_id))
    forms = {"publish": PublishCaseStudyForm(formdata=None, prefix="publish", data={"text": case_study.story}),
             "decline": DeclineCaseStudyForm(formdata=None, prefix="decline")}
    if bound is not None:
        forms[bound._prefix.rstrip("-")] = bound
    return render_template("moderation/case_study_review.html", case_study=case_study, forms=forms, form=bound)


@bp.get("/case-studies/<int:case_study_id>")
def case_study_review(case_study_id: int):
    """One story: as the group gave it, with the delivery it is about, to edit and publish or decline."""
    return _review_page(case_study_id)


def _decide(case_study_id: int, name: str, action, done: str):
    """Check a decision form, call the service with it, and answer."""
    found(case_study_for_review(case_study_id, current_user.organisation_id))
    form = FORMS[name](prefix=name)
    return carry_out(lambda: action(form), form=form, done=done, then=url_for(".case_study_queue_page"),
                     back=url_for(".case_study_review", case_study_id=case_study_id),
                     page=lambda f: _review_page(case_study_id, f))


@bp.post("/case-studies/<int:case_study_id>/publish")
def publish_case_study(case_study_id: int):
    """Publish the story as edited."""
    return _decide(case_study_id, "publish", lambda form: case_studies.publish_case_study(
        case_study_id, current_user, text=form.text.data), "The case study is published.")


@bp.post("/case-studies/<int:case_study_id>/decline")
def decline_case_study(case_study_id: int):
    """Keep the story private, with a reason."""
    return _decide(case_study_id, "decline", lambda form: case_studies.decline_case_study(
        case_study_id, current_user, reason=form.reason.data), "The case study will not be published.")
