"""The need lifecycle at the service level: every move allowed and refused, emails, audit, ownership."""
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Need, NeedCategory, NeedStatus, OutboxMessage, Theme, User
from app.services import needs
from app.errors import NotAllowed, NotFound, Invalid
from tests.test_needs_pages import speed_up_app  # noqa: F401  (an autouse fixture)

ALL_STATUSES = [s.value for s in NeedStatus]


@pytest.fixture
def world(make):
    """A VCSE with two members, another VCSE, a supplier, a moderator and the reference data a need uses."""
    area, theme = make.area(), make.theme()
    org = make.organisation(kind="vcse")
    other_org = make.organisation(kind="vcse")
    return SimpleNamespace(
        area=area, theme=theme, measure=make.measure(categories=("volunteers", "advice")),
        space_measure=make.measure(categories=("space",)),
        org=org, member=make.user(org), colleague=make.user(org),
        other_org=other_org, outsider=make.user(other_org),
        supplier=make.user(kind="supplier"), moderator=make.council_user("moderator"),
    )


def need_input(world, **changes) -> needs.NeedInput:
    """A valid need as a member would type it."""
    data = needs.NeedInput(
        title="Volunteers for our food bank", summary="Sorting donations on Saturdays.",
        description="We need **four** volunteers.\n\n- Saturdays\n- 10am to 2pm", category=NeedCategory.VOLUNTEERS,
        measure_id=world.measure, quantity=Decimal("40"), area_id=world.area, needed_by=date.today() + timedelta(days=30),
        contact="Call Sam on 01234 567890", theme_ids=[world.theme])
    return replace(data, **changes)


def call(ctx, user_id, service, *args, **kwargs):
    """Run a service as a user inside a short app context; return the need's id."""
    with ctx():
        user = db.session.get(User, user_id)
        result = service(*args, user, **kwargs) if args else service(user, **kwargs)
        return result.id


def status_of(make, need_id) -> str:
    """The need's status as saved."""
    return make.get(Need, need_id).status.value


def audit_trail(ctx, need_id) -> list[tuple]:
    """(action, actor id, reason) for each audit event about a need, oldest first."""
    with ctx():
        return [(e.action, e.actor_id, e.reason) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "need", AuditEvent.object_id == need_id)
            .order_by(AuditEvent.id))]


def email_count(ctx) -> int:
    """How many emails are waiting in the outbox."""
    with ctx():
        return len(db.session.scalars(select(OutboxMessage.id)).all())


def user_email(make, user_id) -> str:
    """A user's email address."""
    return make.get(User, user_id).email


# How each move is made, who makes it, and the statuses it is allowed from.
MOVES = {
    "edit": ("member", lambda w, i: (needs.update_need, (i,), {"data": need_input(w, title="Edited title")}),
             {"draft", "changes_requested"}),
    "submit": ("member", lambda w, i: (needs.submit_need, (i,), {}), {"draft", "changes_requested"}),
    "withdraw": ("member", lambda w, i: (needs.withdraw_need, (i,), {}),
                 {"draft", "pending_review", "changes_requested", "open"}),
    "close": ("member", lambda w, i: (needs.close_need, (i,), {}), {"open"}),
    "approve": ("moderator", lambda w, i: (needs.approve_need, (i,), {"note": "Looks fine"}), {"pending_review"}),
    "request_changes": ("moderator", lambda w, i: (needs.request_changes, (i,), {"message": "Say which days"}),
                        {"pending_review"}),
    "reject": ("moderator", lambda w, i: (needs.reject_need, (i,), {"reason": "Personal details included"}),
               {"pending_review"}),
    "hide": ("moderator", lambda w, i: (needs.hide_need, (i,), {"reason": "Duplicate of another need"}), {"open"}),
}
RESULT = {"edit": None, "submit": "pending_review", "withdraw": "withdrawn", "close": "closed", "approve": "open",
          "request_changes": "changes_requested", "reject": "rejected", "hide": "hidden"}
AUDIT = {"edit": "need.updated", "submit": "need.submitted", "withdraw": "need.withdrawn", "close": "need.closed",
         "approve": "need.approved", "request_changes": "need.changes_requested", "reject": "need.rejected",
         "hide": "need.hidden"}


def _make_move(world, ctx, move, need_id):
    """Make one move on a need as the right person."""
    actor, build, _ = MOVES[move]
    service, args, kwargs = build(world, need_id)
    return call(ctx, getattr(world, actor), service, *args, **kwargs)


def _need_in(world, make, status) -> int:
    """A need of the world's VCSE in a status."""
    return make.need(world.org, status=status, measure_id=world.measure, area_id=world.area, theme_ids=[world.theme],
                     title="Original title")


@pytest.mark.parametrize("move", MOVES)
def test_allowed_move_changes_status_and_writes_an_audit_event(world, make, ctx, move):
    actor, _, allowed = MOVES[move]
    for status in sorted(allowed):
        need_id = _need_in(world, make, status)

        _make_move(world, ctx, move, need_id)

        saved = make.get(Need, need_id)
        assert saved.status.value == (RESULT[move] or status), f"{move} from {status}"
        if move == "edit":
            assert saved.title == "Edited title"
        action, actor_id, _ = audit_trail(ctx, need_id)[-1]
        assert (action, actor_id) == (AUDIT[move], getattr(world, actor)), f"{move} from {status}"


@pytest.mark.parametrize("move", MOVES)
def test_refused_move_raises_need_error_and_changes_nothing(world, make, ctx, move):
    refused_statuses = [status for status in ALL_STATUSES if status not in MOVES[move][2]]
    for status in refused_statuses:
        need_id = _need_in(world, make, status)

        with pytest.raises(needs.Conflict) as refused:
            _make_move(world, ctx, move, need_id)

        assert "cannot" in refused.value.message
        saved = make.get(Need, need_id)
        assert (saved.status.value, saved.title) == (status, "Original title"), f"{move} from {status}"
        assert audit_trail(ctx, need_id) == []
    assert email_count(ctx) == 0


def test_create_need_saves_a_draft_with_clean_html_plain_search_words_and_an_exact_quantity(world, make, ctx):
    description = "We need **four** people.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n[site](javascript:alert(3))"
    need_id = call(ctx, world.member, needs.create_need,
                   data=need_input(world, description=description, quantity=Decimal("2.5"), title="  Spaced title  "))

    saved = make.get(Need, need_id)
    assert saved.status is NeedStatus.DRAFT
    assert saved.organisation_id == world.org and saved.created_by_id == world.member
    assert saved.title == "Spaced title"
    assert saved.quantity == Decimal("2.50") and isinstance(saved.quantity, Decimal)
    assert str(saved.quantity) == "2.50"
    # The source keeps the Markdown as typed, but no HTML: the script goes with its content, the image tag is dropped.
    assert saved.description_source == "We need **four** people.\n\n\n\n[site](javascript:alert(3))"
    assert "<strong>four</strong>" in saved.description_html
    for dangerous in ("<script", "onerror", "javascript:", "<img"):
        assert dangerous not in saved.description_html
    assert "four" in saved.search_text and "<strong>" not in saved.search_text
    assert audit_trail(ctx, need_id) == [("need.created", world.member, "")]


def test_changes_requested_need_can_be_edited_and_resubmitted(world, make, ctx):
    need_id = make.need(world.org, status="pending_review", measure_id=world.measure, area_id=world.area,
                        theme_ids=[world.theme])
    call(ctx, world.moderator, needs.request_changes, need_id, message="Say which days you need people")
    assert status_of(make, need_id) == "changes_requested"

    call(ctx, world.member, needs.update_need, need_id, data=need_input(world, summary="Saturdays and Sundays."))
    call(ctx, world.member, needs.submit_need, need_id)

    saved = make.get(Need, need_id)
    assert saved.status is NeedStatus.PENDING_REVIEW
    assert saved.summary == "Saturdays and Sundays."
    assert saved.submitted_at is not None
    assert [a for a, _, _ in audit_trail(ctx, need_id)] == ["need.changes_requested", "need.updated", "need.submitted"]


@pytest.mark.parametrize(("move", "template_words", "message"), [
    ("approve", "has been approved and is now published", None),
    ("request_changes", "asked for changes", "Say which days"),
    ("reject", "did not publish", "Personal details included"),
    ("hide", "taken down", "Duplicate of another need"),
])
def test_each_moderation_outcome_emails_every_member_of_the_organisation_with_the_message(
        world, make, ctx, outbox, move, template_words, message):
    start = "open" if move == "hide" else "pending_review"
    need_id = make.need(world.org, status=start, measure_id=world.measure, area_id=world.area, theme_ids=[world.theme],
                        title="Food bank helpers")

    _make_move(world, ctx, move, need_id)

    sent = outbox()
    assert sorted(to for to, _, _ in sent) == sorted([user_email(make, world.member), user_email(make, world.colleague)])
    assert user_email(make, world.outsider) not in {to for to, _, _ in sent}
    for _, subject, body in sent:
        assert "Food bank helpers" in subject
        assert template_words in body
        assert f"/vcse/needs/{need_id}" in body
        if message:
            assert message in body
    action, actor_id, reason = audit_trail(ctx, need_id)[-1]
    assert (action, actor_id) == (AUDIT[move], world.moderator)
    assert reason == (message or "Looks fine")


@pytest.mark.parametrize("move", ["request_changes", "reject", "hide"])
def test_decision_without_a_reason_is_refused_on_the_reason_field(world, make, ctx, move):
    start = "open" if move == "hide" else "pending_review"
    need_id = make.need(world.org, status=start, measure_id=world.measure, area_id=world.area, theme_ids=[world.theme])
    service = {"request_changes": needs.request_changes, "reject": needs.reject_need, "hide": needs.hide_need}[move]
    keyword = "message" if move == "request_changes" else "reason"

    for blank in ("", "   \n  "):
        with pytest.raises(Invalid) as refused:
            call(ctx, world.moderator, service, need_id, **{keyword: blank})
        assert refused.value.field == "reason"

    assert status_of(make, need_id) == start
    assert audit_trail(ctx, need_id) == [] and email_count(ctx) == 0


def test_moderator_note_and_reason_are_kept_on_the_need_for_the_organisation(world, make, ctx):
    need_id = make.need(world.org, status="pending_review", measure_id=world.measure, area_id=world.area,
                        theme_ids=[world.theme])
    call(ctx, world.moderator, needs.reject_need, need_id, reason="  It names a person we support.  ")

    saved = make.get(Need, need_id)
    assert saved.moderation_note == "It names a person we support."
    assert saved.ended_at is not None


def test_member_of_another_organisation_cannot_act_on_a_need(world, make, ctx):
    for move in ("edit", "submit", "withdraw", "close"):
        status = "open" if move == "close" else "draft"
        need_id = _need_in(world, make, status)
        _, build, _ = MOVES[move]
        service, args, kwargs = build(world, need_id)

        with pytest.raises(NotFound):
            call(ctx, world.outsider, service, *args, **kwargs)

        saved = make.get(Need, need_id)
        assert (saved.status.value, saved.title) == (status, "Original title"), move
        assert audit_trail(ctx, need_id) == []


def test_missing_need_is_not_found_for_members_and_moderators(world, ctx):
    with pytest.raises(NotFound):
        call(ctx, world.member, needs.submit_need, 999999)
    with pytest.raises(NotFound):
        call(ctx, world.moderator, needs.approve_need, 999999)


def test_only_verified_members_of_approved_vcse_organisations_can_create_needs(world, make, ctx):
    pending_vcse = make.user(make.organisation(kind="vcse", status="pending"))
    unverified_vcse = make.user(world.org, verified=False)
    for user_id in (world.supplier, pending_vcse, unverified_vcse, world.moderator):
        with pytest.raises(NotAllowed):
            call(ctx, user_id, needs.create_need, data=need_input(world))

    with ctx():
        assert db.session.scalars(select(Need.id)).all() == []


def test_rules_only_the_service_knows_are_field_errors_and_nothing_is_saved(world, make, ctx):
    inactive_theme = make.theme()
    with ctx():
        db.session.get(Theme, inactive_theme).is_active = False
        db.session.commit()
    cases = [
        ({"measure_id": world.space_measure}, "measure_id"),   # the measure does not count volunteers
        ({"measure_id": 999999}, "measure_id"),
        ({"area_id": 999999}, "area_id"),
        ({"theme_ids": []}, "theme_ids"),
        ({"theme_ids": [world.theme, inactive_theme]}, "theme_ids"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": Decimal("-1")}, "quantity"),
        ({"needed_by": date.today()}, "needed_by"),
        ({"needed_by": date.today() - timedelta(days=1)}, "needed_by"),
    ]
    for changes, field in cases:
        with pytest.raises(Invalid) as refused:
            call(ctx, world.member, needs.create_need, data=need_input(world, **changes))
        assert refused.value.field == field, changes

    with ctx():
        assert db.session.scalars(select(Need.id)).all() == []


def test_a_failed_edit_keeps_the_saved_need_as_it_was(world, make, ctx):
    need_id = make.need(world.org, status="draft", measure_id=world.measure, area_id=world.area,
                        theme_ids=[world.theme], title="Original title")

    with pytest.raises(Invalid):
        call(ctx, world.member, needs.update_need, need_id,
             data=need_input(world, title="New title", measure_id=world.space_measure))

    assert make.get(Need, need_id).title == "Original title"


def test_a_draft_whose_date_has_passed_cannot_be_submitted(world, make, ctx):
    need_id = make.need(world.org, status="draft", measure_id=world.measure, area_id=world.area,
                        theme_ids=[world.theme], needed_by=date.today())

    with pytest.raises(needs.Conflict, match="has passed"):
        call(ctx, world.member, needs.submit_need, need_id)

    assert status_of(make, need_id) == "draft"


def test_approving_publishes_and_clears_an_old_moderator_note(world, make, ctx):
    need_id = make.need(world.org, status="pending_review", measure_id=world.measure, area_id=world.area,
                        theme_ids=[world.theme])
    call(ctx, world.moderator, needs.request_changes, need_id, message="Add the days")
    call(ctx, world.member, needs.submit_need, need_id)
    call(ctx, world.moderator, needs.approve_need, need_id, note="")

    saved = make.get(Need, need_id)
    assert saved.status is NeedStatus.OPEN
    assert saved.opened_at is not None
    assert saved.moderation_note == ""
