"""Case studies: given with consent when confirming, edited and published (or declined) by the council's moderators,
read back by `published_case_studies` in one query, and shown publicly only once published."""
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, CaseStudy, CaseStudyStatus, LedgerEntry, User
from app.queries.case_studies import published_case_studies
from app.services import ledger as ledger_service
from tests import factories_ledger as ledger
from tests.conftest import csrf_token, login_as
from tests.factories_evidence import case_study, confirm_with_consent

STORY = "Mrs Ada Jones of 4 Mill Lane told us the hall is lovely. Twelve people now meet there every week."
EDITED = "Twelve people now meet in the hall every week."


@pytest.fixture
def world(app, make):
    """A council's contract with one delivery waiting for confirmation, and another council's moderator."""
    w = ledger.ledger_world(app, make)
    ids = SimpleNamespace(**vars(w))
    ids.other_moderator = make.council_user("moderator", organisation_id=make.organisation(kind="buyer"))
    ids.pledge = ledger.delivered_pledge(app, w.need, w.commitment, w.supplier_user, w.vcse_user)
    return ids


def client_for(app, user_id):
    """A test client signed in as this user (anonymous for None)."""
    client = app.test_client()
    if user_id is not None:
        login_as(client, app, user_id)
    return client


def confirm(client, pledge_id: int, **fields):
    """Post the VCSE's confirm form."""
    page = f"/vcse/pledges/{pledge_id}"
    data = {"csrf_token": csrf_token(client, page), "confirm-quantity": "10", **fields}
    return client.post(f"{page}/confirm", data=data)


def test_ticking_consent_when_confirming_queues_the_story_for_moderators(app, world, ctx):
    response = confirm(client_for(app, world.vcse_user), world.pledge, **{"confirm-story": STORY, "confirm-consent": "y"})
    assert response.status_code == 303
    with ctx():
        row = db.session.scalars(select(CaseStudy)).one()
        entry = db.session.scalars(select(LedgerEntry)).one()
        assert (row.status, row.story, row.edited_story) == (CaseStudyStatus.PENDING, STORY, "")
        assert (row.pledge_id, row.ledger_entry_id, row.consent_by_id) == (world.pledge, entry.id, world.vcse_user)
        assert row.consent_at is not None


def test_without_consent_no_case_study_is_made(app, world, ctx):
    assert confirm(client_for(app, world.vcse_user), world.pledge, **{"confirm-story": STORY}).status_code == 303
    with ctx():
        assert db.session.scalars(select(CaseStudy)).all() == []


def test_consent_without_a_story_is_refused_by_the_story_field_and_the_quantity_kept(app, world, ctx):
    response = confirm(client_for(app, world.vcse_user), world.pledge,
                       **{"confirm-quantity": "9.5", "confirm-consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write what difference it made, or untick the box" in html and 'href="#confirm-story"' in html
    assert 'value="9.5"' in html
    with ctx():
        assert db.session.scalars(select(CaseStudy)).all() == []
        assert db.session.scalars(select(LedgerEntry)).all() == []


def test_a_moderator_edits_out_personal_details_and_publishes(app, world, ctx):
    case_study_id = confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    moderator = client_for(app, world.moderator)
    queue = moderator.get("/moderation/case-studies").get_data(as_text=True)
    assert f"/moderation/case-studies/{case_study_id}" in queue
    review_url = f"/moderation/case-studies/{case_study_id}"
    review = moderator.get(review_url).get_data(as_text=True)
    assert "Mrs Ada Jones" in review   # the moderator sees the story as given, to edit it

    # An empty edit is refused next to the field.
    response = moderator.post(f"{review_url}/publish", data={"csrf_token": csrf_token(moderator, review_url),
                                                             "publish-text": "   "})
    assert response.status_code == 422 and 'href="#publish-text"' in response.get_data(as_text=True)

    response = moderator.post(f"{review_url}/publish", data={"csrf_token": csrf_token(moderator, review_url),
                                                             "publish-text": EDITED})
    assert response.status_code == 303
    with ctx():
        row = db.session.get(CaseStudy, case_study_id)
        assert (row.status, row.edited_story, row.story) == (CaseStudyStatus.PUBLISHED, EDITED, STORY)
        assert row.moderated_by_id == world.moderator and row.moderated_at is not None
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_study.published")).one()
        assert (audit.actor_id, audit.object_type, audit.object_id) == (world.moderator, "case_study", case_study_id)
    assert f"/moderation/case-studies/{case_study_id}" not in moderator.get("/moderation/case-studies").get_data(as_text=True)

    public = client_for(app, None).get(f"/impact/stories/{case_study_id}")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and EDITED in html
    assert "Mrs Ada Jones" not in html and "Mill Lane" not in html
    with ctx():
        entry = db.session.scalars(select(LedgerEntry)).one()
        need_title = entry.title
        supplier_name = db.session.get(User, world.supplier_user).organisation.name
        vcse_name = db.session.get(User, world.vcse_user).organisation.name
    assert need_title in html and supplier_name in html and vcse_name in html
    assert f"£{entry.value_pence // 100:,}.{entry.value_pence % 100:02d}" in html


def test_a_moderator_declines_with_a_reason_and_it_stays_private(app, world, ctx):
    case_study_id = confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    moderator, review_url = client_for(app, world.moderator), f"/moderation/case-studies/{case_study_id}"
    response = moderator.post(f"{review_url}/decline", data={"csrf_token": csrf_token(moderator, review_url),
                                                             "decline-reason": ""})
    assert response.status_code == 422 and 'href="#decline-reason"' in response.get_data(as_text=True)
    response = moderator.post(f"{review_url}/decline", data={"csrf_token": csrf_token(moderator, review_url),
                                                             "decline-reason": "Names a child"})
    assert response.status_code == 303
    with ctx():
        row = db.session.get(CaseStudy, case_study_id)
        assert (row.status, row.reason, row.moderated_by_id) == (CaseStudyStatus.DECLINED, "Names a child",
                                                                 world.moderator)
        assert db.session.scalars(select(AuditEvent.reason).where(AuditEvent.action == "case_study.declined")).one() \
            == "Names a child"
    assert client_for(app, None).get(f"/impact/stories/{case_study_id}").status_code == 404
    # A decided story cannot be decided again.
    again = moderator.post(f"{review_url}/publish", data={"csrf_token": csrf_token(moderator, review_url),
                                                          "publish-text": EDITED})
    assert again.status_code == 303
    with ctx():
        assert db.session.get(CaseStudy, case_study_id).status is CaseStudyStatus.DECLINED


def test_another_councils_moderator_cannot_see_or_decide_it(app, world, ctx):
    case_study_id = confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    other, review_url = client_for(app, world.other_moderator), f"/moderation/case-studies/{case_study_id}"
    queue = other.get("/moderation/case-studies").get_data(as_text=True)
    assert review_url not in queue and "There are no case studies waiting for review" in queue
    assert other.get(review_url).status_code == 404
    token = csrf_token(other, "/moderation/case-studies")
    assert other.post(f"{review_url}/publish", data={"csrf_token": token, "publish-text": EDITED}).status_code == 404
    assert other.post(f"{review_url}/decline", data={"csrf_token": token, "decline-reason": "x"}).status_code == 404
    with ctx():
        assert db.session.get(CaseStudy, case_study_id).status is CaseStudyStatus.PENDING


@pytest.mark.parametrize("role", ["vcse_user", "supplier_user", "manager"])
def test_only_moderators_reach_the_queue_and_decisions(app, world, role):
    case_study_id = confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    client = client_for(app, getattr(world, role))
    token = csrf_token(client, "/account/")
    assert client.get("/moderation/case-studies").status_code == 403
    assert client.get(f"/moderation/case-studies/{case_study_id}").status_code == 403
    assert client.post(f"/moderation/case-studies/{case_study_id}/publish",
                       data={"csrf_token": token, "publish-text": EDITED}).status_code == 403
    anonymous = client_for(app, None).get("/moderation/case-studies")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_the_public_page_shows_nothing_pending_declined_reversed_or_unknown(app, world, ctx):
    pending = confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    public = client_for(app, None)
    assert public.get(f"/impact/stories/{pending}").status_code == 404
    assert public.get("/impact/stories/999999").status_code == 404

    with ctx():
        from app.services import case_studies
        case_studies.publish_case_study(pending, db.session.get(User, world.moderator), text=EDITED)
        entry_id = db.session.get(CaseStudy, pending).ledger_entry_id
    assert public.get(f"/impact/stories/{pending}").status_code == 200
    # A reversed delivery no longer counts, so its story comes off the public page.
    with ctx():
        ledger_service.reverse_entry(entry_id, db.session.get(User, world.manager), reason="Entered twice")
    assert public.get(f"/impact/stories/{pending}").status_code == 404
    with ctx():
        assert published_case_studies(10) == []


def _published_world(app, world, n: int) -> list[int]:
    """n confirmed deliveries, each with a published story."""
    ids = []
    for i in range(n):
        entry = ledger.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
        ids.append(case_study(app, entry, story=f"Story {i}", publish_as=world.moderator, text=f"Edited story {i}"))
    return ids


def test_published_case_studies_gives_what_reports_need_in_one_query(app, world, ctx):
    ids = _published_world(app, world, 3)
    pending_entry = ledger.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    case_study(app, pending_entry, story="Not yet")
    with ctx():
        entries = {e.id: e for e in db.session.scalars(select(LedgerEntry))}
        rows_by_id = {cs.id: cs for cs in db.session.scalars(select(CaseStudy))}
        supplier = db.session.get(User, world.supplier_user).organisation.name
        vcse = db.session.get(User, world.vcse_user).organisation.name
        title = entries[pending_entry].title

        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = published_case_studies(10)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(statements) == 1
    assert sorted(r.id for r in rows) == sorted(ids)
    for row in rows:
        entry = entries[rows_by_id[row.id].ledger_entry_id]
        assert (row.story, row.need_title, row.vcse_name, row.supplier_name, row.value_pence, row.delivered_on) == (
            rows_by_id[row.id].edited_story, title, vcse, supplier, entry.value_pence, entry.delivered_on)
        assert row.story.startswith("Edited story")
    with ctx():
        assert len(published_case_studies(2)) == 2


def test_published_case_studies_filters_by_delivery_date(app, world, ctx):
    ids = _published_world(app, world, 2)
    today = date.today()
    with ctx():
        assert {r.id for r in published_case_studies(10, since=today, until=today)} == set(ids)
        assert published_case_studies(10, since=today + timedelta(days=1)) == []
        assert published_case_studies(10, until=today - timedelta(days=1)) == []
        assert {r.id for r in published_case_studies(10, council_id=world.council)} == set(ids)
        assert published_case_studies(10, council_id=999999) == []


def test_the_moderation_overview_counts_waiting_case_studies(app, world):
    confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    html = client_for(app, world.moderator).get("/moderation/").get_data(as_text=True)
    assert "Case studies waiting for review (1)" in html


def test_confirming_twice_makes_one_case_study(app, world, ctx):
    confirm_with_consent(app, world.pledge, world.vcse_user, STORY)
    with ctx():
        from app.services import pledges
        pledges.confirm_delivery(world.pledge, db.session.get(User, world.vcse_user), quantity=Decimal("10"),
                                 story=STORY, consent=True)
        assert len(db.session.scalars(select(CaseStudy)).all()) == 1
