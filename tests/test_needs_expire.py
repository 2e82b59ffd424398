"""`flask needs expire`: open needs past their needed-by date expire, once, and their organisations are told."""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Need, User
from tests.test_needs_pages import speed_up_app  # noqa: F401  (an autouse fixture)

TODAY = date.today()


def expire(ctx, runner):
    """Run `flask needs expire` as the flask command does: inside an app context (the test runner does not push one)."""
    with ctx():
        result = runner.invoke(args=["needs", "expire"])
    assert result.exit_code == 0, result.output
    return result


def test_expire_marks_open_needs_past_their_date_and_emails_each_organisation_once(make, runner, outbox, ctx):
    first_org, second_org = make.organisation(kind="vcse"), make.organisation(kind="vcse")
    first_members = [make.user(first_org), make.user(first_org)]
    second_member = make.user(second_org)
    expiring = {
        make.need(first_org, status="open", title="Yesterday's need", needed_by=TODAY - timedelta(days=1)): first_org,
        make.need(second_org, status="open", title="Last month's need", needed_by=TODAY - timedelta(days=30)): second_org,
    }
    untouched = {
        make.need(first_org, status="open", needed_by=TODAY): "open",
        make.need(first_org, status="open", needed_by=TODAY + timedelta(days=1)): "open",
        **{make.need(second_org, status=status, needed_by=TODAY - timedelta(days=5)): status
           for status in ("draft", "pending_review", "changes_requested", "rejected", "hidden", "closed", "withdrawn",
                          "fulfilled")},
    }

    result = expire(ctx, runner)

    assert "Expired 2 needs." in result.output
    for need_id in expiring:
        saved = make.get(Need, need_id)
        assert saved.status.value == "expired" and saved.ended_at is not None
    for need_id, status in untouched.items():
        assert make.get(Need, need_id).status.value == status
    sent = outbox()
    emails = {make.get(User, u).email: u for u in [*first_members, second_member]}
    assert sorted(to for to, _, _ in sent) == sorted(emails)   # one email to each member, none twice
    for to, subject, body in sent:
        title = "Yesterday's need" if emails[to] in first_members else "Last month's need"
        assert title in subject and title in body
        assert "has expired" in body
    with ctx():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "need.expired")).all()
        assert sorted((e.object_id, e.actor_id) for e in events) == sorted((need_id, None) for need_id in expiring)


def test_running_expire_again_expires_and_emails_nothing_more(make, runner, outbox, ctx):
    org = make.organisation(kind="vcse")
    make.user(org)
    need_id = make.need(org, status="open", needed_by=TODAY - timedelta(days=2))

    first = expire(ctx, runner)
    emails_after_first = outbox()
    second = expire(ctx, runner)

    assert "Expired 1 needs." in first.output
    assert "Expired 0 needs." in second.output
    assert make.get(Need, need_id).status.value == "expired"
    assert len(emails_after_first) == 1 and outbox() == emails_after_first


def test_an_expired_need_stays_public_but_leaves_the_open_list(client, make, runner, ctx):
    org = make.organisation(kind="vcse")
    need_id = make.need(org, status="open", title="Minibus for the fair", needed_by=TODAY - timedelta(days=1))

    expire(ctx, runner)

    page = client.get(f"/needs/{need_id}")
    assert page.status_code == 200 and "Expired" in page.get_data(as_text=True)
    assert "Minibus for the fair" not in client.get("/needs").get_data(as_text=True)
