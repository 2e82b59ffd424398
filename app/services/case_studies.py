"""Case studies: a group's story, given with consent when it confirms a delivery, published after a moderator's edit."""
from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import CaseStudy, CaseStudyStatus, LedgerEntry, Pledge, User, utcnow
from app.models.lifecycle import require_move
from app.services.audit import record_audit
from app.services.transactions import locked

STORY_LIMIT = 3000


def submit_case_study(pledge: Pledge, entry: LedgerEntry, user: User) -> CaseStudy:
    """Put a confirmation's story, given with consent, in the moderators' queue; the caller commits."""
    case_study = CaseStudy(pledge_id=pledge.id, ledger_entry_id=entry.id, story=pledge.story, consent_by_id=user.id,
                           consent_at=utcnow())
    db.session.add(case_study)
    db.session.flush()
    record_audit(user, "case_study.consented", case_study, pledge_id=pledge.id)
    return case_study


def _for_moderation(case_study_id: int, moderator: User, move: str) -> CaseStudy:
    """A case study on the moderator's council's contracts, locked, that may make this move now; 404 otherwise."""
    case_study = locked(CaseStudy, case_study_id)
    if case_study is None or not case_study.may(move, moderator):
        raise NotFound("No such case study.")
    require_move(case_study, move, moderator)
    return case_study


def publish_case_study(case_study_id: int, moderator: User, *, text: str) -> CaseStudy:
    """Publish a story as the moderator edited it (personal details taken out); plain text, escaped where shown."""
    text = (text or "").strip()
    if not text:
        raise Invalid("Enter the story to publish", "text")
    if len(text) > STORY_LIMIT:
        raise Invalid(f"The story must be {STORY_LIMIT:,} characters or fewer", "text")
    case_study = _for_moderation(case_study_id, moderator, "publish")
    case_study.status, case_study.edited_story = CaseStudyStatus.PUBLISHED, text
    case_study.moderated_by_id, case_study.moderated_at = moderator.id, utcnow()
    record_audit(moderator, "case_study.published", case_study, edited=text != case_study.story)
    db.session.commit()
    return case_study


def decline_case_study(case_study_id: int, moderator: User, *, reason: str) -> CaseStudy:
    """Keep a story private, with a reason for the record."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Enter why the story is not being published", "reason")
    case_study = _for_moderation(case_study_id, moderator, "decline")
    case_study.status, case_study.reason = CaseStudyStatus.DECLINED, reason
    case_study.moderated_by_id, case_study.moderated_at = moderator.id, utcnow()
    record_audit(moderator, "case_study.declined", case_study, reason=reason)
    db.session.commit()
    return case_study
