"""Moderators deciding registrations, and organisations kept apart from one another."""
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Area, AuditEvent, Need, NeedStatus, Organisation, OrganisationKind, OrganisationStatus, OutboxMessage, User,
)
from tests.conftest import post_form, without_csrf
from tests.factories import PASSWORD

QUEUE = "/moderation/organisations"


def review(organisation_id: int) -> str:
    """The review page of one organisation."""
    return f"/moderation/organisations/{organisation_id}"


def pending(make, ctx, name: str, *, created_at: datetime | None = None, users: int = 1, areas: int = 2) -> int:
    """A pending organisation with users and areas, registered at a given time."""
    organisation_id = make.organisation(status="pending", name=name, area_ids=[make.area() for _ in range(areas)])
    for _ in range(users):
        make.user(organisation_id, verified=True)
    if created_at is not None:
        with ctx():
            db.session.get(Organisation, organisation_id).created_at = created_at
            db.session.commit()
    return organisation_id


def state(make, ctx, organisation_id: int) -> dict:
    """What a decision changes: status, reason, audit events and emails."""
    organisation = make.get(Organisation, organisation_id)
    with ctx():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        emails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    return {"status": organisation.status, "reason": organisation.decision_reason,
            "decided_at": organisation.decided_at, "events": events, "emails": emails}


@pytest.fixture
def moderator(make, login):
    """A signed-in council moderator's id."""
    user_id = make.council_user("moderator")
    login(user_id)
    return user_id


def test_queue_lists_pending_organisations_oldest_first_with_counts(client, make, ctx, moderator):
    now = datetime(2026, 11, 20, 12, 0)
    newest = pending(make, ctx, "Newest Trust", created_at=now)
    oldest = pending(make, ctx, "Oldest Group", created_at=now - timedelta(days=3))
    middle = pending(make, ctx, "Middle CIC", created_at=now - timedelta(days=1))
    make.organisation(status="approved", name="Already Approved Ltd")
    make.organisation(status="rejected", name="Turned Down Ltd")

    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "3 organisations are waiting, oldest first." in html
    positions = [html.index(name) for name in ("Oldest Group", "Middle CIC", "Newest Trust")]
    assert positions == sorted(positions)
    assert "Already Approved Ltd" not in html and "Turned Down Ltd" not in html
    for organisation_id in (newest, oldest, middle):
        assert f'href="{review(organisation_id)}"' in html

    overview = re.sub(r"\s+", " ", client.get("/moderation/").get_data(as_text=True))
    assert "Organisations waiting for approval (3)" in overview


def test_queue_query_count_does_not_grow_with_pending_organisations(client, make, ctx, moderator, count_queries):
    for n in range(3):
        pending(make, ctx, f"Early {n}", users=2)
    client.get(QUEUE)   # warm up
    with count_queries() as few:
        assert client.get(QUEUE).status_code == 200
    with ctx():
        areas = [Area(name=f"Late area {n}") for n in range(4)]
        for n in range(27):
            organisation = Organisation(name=f"Late {n}", kind=OrganisationKind.SUPPLIER,
                                        status=OrganisationStatus.PENDING, areas=areas[n % 3:n % 3 + 2])
            db.session.add_all([organisation] + [
                User(organisation=organisation, name=f"Late person {n}.{k}", email=f"late{n}.{k}@example.org",
                     password_hash="x") for k in range(2)])
        db.session.commit()
    with count_queries() as many:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert "30 organisations are waiting" in response.get_data(as_text=True)
    assert many["n"] == few["n"], many["statements"]


def test_approving_sets_status_records_audit_and_emails_each_active_user(app, client, make, ctx, moderator, outbox):
    organisation_id = pending(make, ctx, "Riverside Pantry", users=2)
    gone = make.user(organisation_id)
    with ctx():
        db.session.get(User, gone).is_removed = True
        db.session.commit()
        emails = [u.email for u in db.session.get(Organisation, organisation_id).users if not u.is_removed]

    response = post_form(client, f"{review(organisation_id)}/approve", {"note": "Checked on the register"},
                         page=review(organisation_id))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == QUEUE

    after = make.get(Organisation, organisation_id)
    assert after.status is OrganisationStatus.APPROVED
    assert after.decided_at is not None
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.approved")).one()
        assert (event.actor_id, event.object_type, event.object_id) == (moderator, "organisation", organisation_id)
        assert event.reason == "Checked on the register"
    sent = [(to, subject, body) for to, subject, body in outbox()]
    assert sorted(to for to, _, _ in sent) == sorted(emails)
    assert all(subject == "Riverside Pantry is approved" for _, subject, _ in sent)
    assert all("http://marketplace.test/sign-in" in body for _, _, body in sent)

    # Its users can now use the service.
    member = app.test_client()
    post_form(member, "/sign-in", {"email": emails[0], "password": PASSWORD})
    assert member.get("/account/").status_code == 200


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(client, make, ctx, moderator):
    organisation_id = pending(make, ctx, "Riverside Pantry")
    before = state(make, ctx, organisation_id)
    for reason in ("", "   "):
        response = post_form(client, f"{review(organisation_id)}/reject", {"reason": reason},
                             page=review(organisation_id))
        assert response.status_code == 422
        flat = re.sub(r"\s+", " ", response.get_data(as_text=True))
        message = "Enter the reason for rejecting this organisation"
        assert re.search(rf'<p id="reason-error" class="govuk-error-message"> <span[^>]*>Error:</span> {message}', flat)
        assert f'<a href="#reason">{message}</a>' in flat
        assert state(make, ctx, organisation_id) == before


def test_rejecting_with_a_reason_records_it_and_emails_it(app, client, make, ctx, moderator, outbox):
    organisation_id = pending(make, ctx, "Quick Cash Community Ltd")
    reason = "We could not find charity number 1180002 on the register."

    response = post_form(client, f"{review(organisation_id)}/reject", {"reason": f"  {reason}  "},
                         page=review(organisation_id))
    assert response.status_code == 303

    after = make.get(Organisation, organisation_id)
    assert after.status is OrganisationStatus.REJECTED
    assert after.decision_reason == reason
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.rejected")).one()
        assert (event.actor_id, event.object_id, event.reason) == (moderator, organisation_id, reason)
        user_email = db.session.get(Organisation, organisation_id).users[0].email
    (to, subject, body), = outbox()
    assert to == user_email
    assert subject == "Quick Cash Community Ltd was not approved"
    assert reason in body

    member = app.test_client()
    post_form(member, "/sign-in", {"email": user_email, "password": PASSWORD})
    assert reason in member.get("/account/waiting").get_data(as_text=True)


def test_rejection_reason_is_escaped_in_the_html_email_and_the_waiting_page(app, client, make, ctx, moderator):
    organisation_id = pending(make, ctx, "Riverside Pantry")
    reason = '<a href="https://evil.example">Click here</a> to appeal'
    post_form(client, f"{review(organisation_id)}/reject", {"reason": reason}, page=review(organisation_id))
    with ctx():
        html = db.session.scalars(select(OutboxMessage.body_html)).one()
        user_email = db.session.get(Organisation, organisation_id).users[0].email
    assert "&lt;a href=" in html and '<a href="https://evil.example">' not in html

    member = app.test_client()
    post_form(member, "/sign-in", {"email": user_email, "password": PASSWORD})
    waiting = member.get("/account/waiting").get_data(as_text=True)
    assert "&lt;a href=" in waiting and '<a href="https://evil.example">' not in waiting


@pytest.mark.parametrize("action, data", [("approve", {}), ("reject", {"reason": "Changed my mind"})])
def test_deciding_an_already_decided_organisation_says_so_and_changes_nothing(
        client, make, ctx, moderator, action, data):
    organisation_id = pending(make, ctx, "Riverside Pantry")
    post_form(client, f"{review(organisation_id)}/approve", {}, page=review(organisation_id))
    before = state(make, ctx, organisation_id)

    response = post_form(client, f"{review(organisation_id)}/{action}", data, page=review(organisation_id),
                         follow_redirects=True)
    assert response.status_code == 200
    message = "Only organisations waiting for approval can be decided; this one is approved."
    assert message in response.get_data(as_text=True)
    assert state(make, ctx, organisation_id) == before


@pytest.mark.parametrize("method, suffix, data", [
    ("get", "", None), ("post", "/approve", {}), ("post", "/reject", {"reason": "No such group"}),
])
def test_unknown_organisation_is_404(client, moderator, method, suffix, data):
    url = f"{review(999999)}{suffix}"
    response = client.get(url) if method == "get" else post_form(client, url, data, page=QUEUE)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["contract_manager", "vcse", "supplier"])
def test_non_moderators_get_403_and_cannot_decide(client, make, ctx, login, who):
    organisation_id = pending(make, ctx, "Riverside Pantry")
    user = make.council_user("contract_manager") if who == "contract_manager" else make.user(kind=who)
    login(user)
    before = state(make, ctx, organisation_id)

    assert client.get(QUEUE).status_code == 403
    assert client.get(review(organisation_id)).status_code == 403
    assert post_form(client, f"{review(organisation_id)}/approve", {}, page="/account/").status_code == 403
    assert post_form(client, f"{review(organisation_id)}/reject", {"reason": "x"}, page="/account/").status_code == 403
    assert state(make, ctx, organisation_id) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, make, ctx):
    organisation_id = pending(make, ctx, "Riverside Pantry")
    for url in (QUEUE, review(organisation_id)):
        response = client.get(url)
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/sign-in"
        assert "next=" in location.query
    response = post_form(client, f"{review(organisation_id)}/approve", {})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert make.get(Organisation, organisation_id).status is OrganisationStatus.PENDING


# --- organisations kept apart --------------------------------------------------------------------

def test_vcse_member_cannot_tell_whether_another_organisations_registration_exists(client, make, ctx, login):
    other = pending(make, ctx, "Org B")
    login(make.user())
    real, missing = client.get(review(other)), client.get(review(999999))
    assert real.status_code == missing.status_code == 403
    assert without_csrf(real.get_data(as_text=True)) == without_csrf(missing.get_data(as_text=True))
    assert "Org B" not in real.get_data(as_text=True)


def test_member_of_one_organisation_gets_404_for_another_organisations_need_awaiting_moderation(
        client, make, ctx, login):
    org_a, org_b = make.organisation(kind="vcse"), make.organisation(kind="vcse")
    need_b = make.need(org_b, status="pending_review", title="Org B's private request")
    login(make.user(org_a))

    for url in (f"/vcse/needs/{need_b}", f"/vcse/needs/{need_b}/edit", f"/needs/{need_b}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Org B's private request" not in response.get_data(as_text=True)
    withdraw = post_form(client, f"/vcse/needs/{need_b}/withdraw", {}, page="/vcse/needs")
    assert withdraw.status_code == 404
    assert make.get(Need, need_b).status is NeedStatus.PENDING_REVIEW
