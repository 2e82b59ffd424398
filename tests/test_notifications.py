"""Notification settings, what each choice does to an email, digests, one-click unsubscribe and its headers."""
import re
from datetime import date, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import func, select

from app.email import queue_email, send_pending
from app.extensions import db, mail
from app.formatting import one_line
from app.models import (
    Area, AuditEvent, Commitment, Contract, DigestItem, EmailKind, Frequency, NotificationSetting, Organisation,
    OrganisationKind, OutboxMessage, Pledge, Theme, UnsubscribeUse, User, utcnow,
)
from app.queries.notifications import settings_for
from app.services import accounts, needs, notifications, pledges, reminders
from app.services.email_preferences import unsubscribe_token
from tests import factories_contracts as contracts
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from tests.loop_world import build_loop_world, user
from tests.xss_payloads import SAMPLE, injected

UNSUBSCRIBE = re.compile(r"http://marketplace\.test(/unsubscribe/[A-Za-z0-9._\-]+)")


def choose(ctx, user_id: int, kind: EmailKind, frequency: Frequency) -> None:
    """Store a user's choice directly."""
    with ctx():
        db.session.merge(NotificationSetting(user_id=user_id, kind=kind, frequency=frequency))
        db.session.commit()


def outbox_rows(ctx, **where) -> list[OutboxMessage]:
    """Outbox messages matching column values, detached for reading."""
    with ctx():
        rows = list(db.session.scalars(select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def digest_items(ctx, user_id: int) -> list[tuple[EmailKind, str, bool]]:
    """A user's digest items as (kind, subject, taken)."""
    with ctx():
        return [(i.kind, i.subject, i.sent_at is not None) for i in db.session.scalars(
            select(DigestItem).where(DigestItem.user_id == user_id).order_by(DigestItem.id))]


def email_of(make, user_id: int) -> str:
    """A user's email address."""
    return make.get(User, user_id).email


def radios_checked(html: str) -> dict[str, str]:
    """The checked value of each radio group on a page."""
    return dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*type="radio"[^>]*value="([a-z]+)"[^>]*checked', html))


# -- the settings page --------------------------------------------------------------------------------------------

def test_settings_page_shows_a_suppliers_kinds_with_their_defaults(client, make, login):
    login(make.user(kind="supplier"))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert radios_checked(page) == {"action_needed": "immediately", "suggestions": "weekly", "new_listings": "weekly"}
    assert "moderation_queue" not in page


def test_settings_page_shows_moderators_the_queue_with_its_daily_default(client, make, login):
    login(make.council_user("moderator"))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert radios_checked(page) == {"action_needed": "immediately", "moderation_queue": "daily"}
    assert "If you do not choose, you get these in a daily summary." in page


def test_settings_page_shows_a_group_no_suggestions(client, make, login):
    login(make.user(kind="vcse"))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert set(radios_checked(page)) == {"action_needed", "new_listings"}


def test_the_account_page_links_to_the_settings(client, make, login):
    login(make.user())
    assert 'href="/account/notifications"' in client.get("/account/").get_data(as_text=True)


def test_saving_settings_stores_the_choices_and_says_so(client, make, login, ctx):
    supplier = make.user(kind="supplier")
    login(supplier)
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "action_needed": "daily", "suggestions": "off",
        "new_listings": "immediately", "moderation_queue": "off"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your email settings have been saved." in page
    assert radios_checked(page) == {"action_needed": "daily", "suggestions": "off", "new_listings": "immediately"}
    with ctx():
        # A kind the supplier cannot get is not stored, whatever was posted.
        assert settings_for(supplier) == {EmailKind.ACTION_NEEDED: Frequency.DAILY, EmailKind.SUGGESTIONS: Frequency.OFF,
                                          EmailKind.NEW_LISTINGS: Frequency.IMMEDIATELY,
                                          EmailKind.MODERATION_QUEUE: Frequency.DAILY}
        assert db.session.scalar(select(func.count()).select_from(NotificationSetting)) == 3


def test_saving_a_choice_that_is_not_offered_is_refused(client, make, login, ctx):
    login(make.user(kind="supplier"))
    response = client.post("/account/notifications", data={
        "csrf_token": csrf_token(client, "/account/notifications"), "action_needed": "hourly",
        "suggestions": "weekly", "new_listings": "weekly"})
    assert response.status_code == 422
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(NotificationSetting)) == 0


# -- what each choice does -------------------------------------------------------------------------------------------

@pytest.fixture
def world(app, make):
    """The pledge loop's world: a council, a supplier with a commitment, a group with an open need."""
    return build_loop_world(app, make)


def offer_and_accept(world, ctx) -> int:
    """The supplier pledges and the group accepts (the supplier is emailed that it was accepted)."""
    with ctx():
        pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                     quantity=5, message="", proposed_on=date.today() + timedelta(days=3))
        pledges.accept_pledge(pledge.id, user(world.vcse_user))
        return pledge.id


def test_a_kind_turned_off_queues_nothing(world, make, ctx):
    choose(ctx, world.supplier_user, EmailKind.ACTION_NEEDED, Frequency.OFF)
    offer_and_accept(world, ctx)
    assert outbox_rows(ctx, to_email=email_of(make, world.supplier_user)) == []
    assert outbox_rows(ctx, to_email=email_of(make, world.vcse_user)) != []  # the group still hears of the pledge
    assert digest_items(ctx, world.supplier_user) == []


def test_an_immediate_email_carries_its_unsubscribe_link_and_headers(world, make, ctx):
    offer_and_accept(world, ctx)
    message, = outbox_rows(ctx, to_email=email_of(make, world.supplier_user))
    assert message.unsubscribe_url and message.unsubscribe_url.startswith("http://marketplace.test/unsubscribe/")
    assert message.unsubscribe_url in message.body_text and message.unsubscribe_url in message.body_html
    assert "http://marketplace.test/account/notifications" in message.body_text
    address = email_of(make, world.supplier_user)
    with ctx(), mail.record_messages() as sent:
        send_pending()
        delivered = {m.recipients[0]: m for m in sent}[address]
        assert dict(delivered.extra_headers) == {"List-Unsubscribe": f"<{message.unsubscribe_url}>",
                                                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        wire = delivered.as_string()
    assert f"List-Unsubscribe: <{message.unsubscribe_url}>" in wire
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in wire


def test_account_emails_have_no_kind_and_no_unsubscribe_link(make, ctx):
    user_id = make.user(email="pat@example.org")
    for kind in EmailKind:
        choose(ctx, user_id, kind, Frequency.OFF)
    with ctx():
        accounts.request_password_reset("pat@example.org")
    message, = outbox_rows(ctx)
    assert message.unsubscribe_url is None and "unsubscribe" not in message.body_text.lower()
    with ctx(), mail.record_messages() as sent:
        send_pending()
    assert not sent[0].extra_headers


def test_an_addressee_without_an_account_gets_an_email_of_a_kind_with_no_unsubscribe_link(ctx):
    with ctx():
        queue_email("someone@example.org", "new_listing", "New need", kind=EmailKind.NEW_LISTINGS, what="need",
                    title="A need", link="http://marketplace.test/needs/1")
        db.session.commit()
    message, = outbox_rows(ctx)
    assert message.unsubscribe_url is None


# -- digests --------------------------------------------------------------------------------------------------------

def submit_need(world, make, ctx, title: str = "Reading volunteers") -> int:
    """A draft need of the world's group, submitted for review (moderators hear of it)."""
    need_id = make.need(world.vcse, status="draft", title=title, measure_id=world.measure)
    with ctx():
        needs.submit_need(need_id, user(world.vcse_user))
    return need_id


def test_a_digest_collects_what_is_new_and_is_sent_once_when_due(world, make, ctx):
    moderator_email = email_of(make, world.moderator)
    submit_need(world, make, ctx, "First need")
    submit_need(world, make, ctx, "Second need")
    assert outbox_rows(ctx, to_email=moderator_email) == []  # daily by default: held, not sent
    assert [subject for _, subject, _ in digest_items(ctx, world.moderator)] == [
        "Need waiting for review: First need", "Need waiting for review: Second need"]

    with ctx():
        assert notifications.send_digests() == 0  # not a day old yet
        assert notifications.send_digests(utcnow() + timedelta(days=1, minutes=1)) == 1
        assert notifications.send_digests(utcnow() + timedelta(days=1, minutes=2)) == 0  # nothing new: not sent
    digest, = outbox_rows(ctx, to_email=moderator_email)
    assert digest.template == "digest" and digest.subject == "Your daily summary: submissions waiting for moderation"
    assert "First need" in digest.body_text and "Second need" in digest.body_html
    assert digest.unsubscribe_url and digest.unsubscribe_url in digest.body_text
    assert all(taken for *_, taken in digest_items(ctx, world.moderator))


def test_the_next_digest_lists_only_what_came_after_the_last(world, make, ctx):
    submit_need(world, make, ctx, "First need")
    with ctx():
        assert notifications.send_digests(utcnow() + timedelta(days=1, minutes=1)) == 1
    submit_need(world, make, ctx, "Second need")
    with ctx():
        assert notifications.send_digests(utcnow() + timedelta(hours=23)) == 0  # a whole day has not passed
        assert notifications.send_digests(utcnow() + timedelta(days=1, minutes=1)) == 1
    first, second = outbox_rows(ctx, to_email=email_of(make, world.moderator))
    assert "Second need" not in first.body_text
    assert "Second need" in second.body_text and "First need" not in second.body_text


def test_a_weekly_digest_waits_a_week(world, make, ctx):
    choose(ctx, world.moderator, EmailKind.MODERATION_QUEUE, Frequency.WEEKLY)
    submit_need(world, make, ctx)
    with ctx():
        assert notifications.send_digests(utcnow() + timedelta(days=6)) == 0
        assert notifications.send_digests(utcnow() + timedelta(days=7, minutes=1)) == 1
    digest, = outbox_rows(ctx, to_email=email_of(make, world.moderator))
    assert digest.subject.startswith("Your weekly summary")


def test_no_digest_is_sent_when_nothing_is_new(world, make, ctx):
    with ctx():
        assert notifications.send_digests(utcnow() + timedelta(days=30)) == 0
    assert outbox_rows(ctx) == []


def test_items_held_for_a_kind_later_turned_off_are_dropped_unsent(world, make, ctx):
    submit_need(world, make, ctx)
    choose(ctx, world.moderator, EmailKind.MODERATION_QUEUE, Frequency.OFF)
    with ctx():
        assert notifications.send_digests(utcnow() + timedelta(days=2)) == 0
    assert outbox_rows(ctx, to_email=email_of(make, world.moderator)) == []
    assert all(taken for *_, taken in digest_items(ctx, world.moderator))


def test_the_digest_command_sends_due_digests(world, make, ctx, runner):
    choose(ctx, world.moderator, EmailKind.MODERATION_QUEUE, Frequency.IMMEDIATELY)
    choose(ctx, world.vcse_user, EmailKind.ACTION_NEEDED, Frequency.DAILY)
    with ctx():
        pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                     quantity=5, message="", proposed_on=date.today())
        # The group switches back to "straight away": what was held goes in the next run.
        db.session.get(NotificationSetting, (world.vcse_user, EmailKind.ACTION_NEEDED)).frequency = Frequency.IMMEDIATELY
        db.session.commit()
        assert pledge.id
    result = runner.invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0 and "Sent 1 digests." in result.output


# -- who hears of new listings and of moderation work -------------------------------------------------------------

def test_approving_a_need_tells_suppliers_serving_its_area_only(app, make, ctx):
    area, elsewhere = make.area(), make.area()
    near = make.user(make.organisation(kind="supplier", area_ids=[area]))
    far = make.user(make.organisation(kind="supplier", area_ids=[elsewhere]))
    group = make.organisation(kind="vcse", area_ids=[area])
    make.user(group)
    need_id = make.need(group, status="pending_review", area_id=area, title="Garden help")
    moderator = make.council_user("moderator")
    choose(ctx, near, EmailKind.NEW_LISTINGS, Frequency.IMMEDIATELY)
    with ctx():
        needs.approve_need(need_id, user(moderator))
    message, = outbox_rows(ctx, template="new_listing")
    assert message.to_email == email_of(make, near) and message.subject == "New need: Garden help"
    assert f"http://marketplace.test/needs/{need_id}" in message.body_text
    assert digest_items(ctx, far) == []


def test_suppliers_whose_commitments_share_a_theme_hear_of_the_need_in_their_digest(world, make, ctx):
    theme = make.theme()
    with ctx():
        db.session.get(Commitment, world.commitment).themes = [db.session.get(Theme, theme)]
        db.session.commit()
    need_id = make.need(world.vcse, status="pending_review", theme_ids=[theme], title="Shared theme need")
    with ctx():
        needs.approve_need(need_id, user(world.moderator))
    assert digest_items(ctx, world.supplier_user) == [(EmailKind.NEW_LISTINGS, "New need: Shared theme need", False)]


def test_a_new_registration_is_held_for_the_moderators_digest(make, ctx):
    moderator = make.council_user("moderator")
    area = make.area()
    with ctx():
        accounts.register_organisation(kind=OrganisationKind.VCSE, organisation_name="Riverside Trust",
                                       registered_number="", area_ids=[area], name="Sam", email="sam@example.org",
                                       password=PASSWORD)
    assert digest_items(ctx, moderator) == [
        (EmailKind.MODERATION_QUEUE, "Registration waiting for approval: Riverside Trust", False)]


def test_tell_of_new_listing_reaches_groups_for_an_offer(make, ctx):
    area = make.area()
    group_member = make.user(make.organisation(kind="vcse", area_ids=[area]))
    make.user(make.organisation(kind="supplier", area_ids=[area]))
    with ctx():
        told = notifications.tell_of_new_listing(audience=OrganisationKind.VCSE, what="offer", title="Free meeting room",
                                                 area_ids=[area], theme_ids=[], link="http://marketplace.test/offers/1")
        db.session.commit()
    assert told == 1
    assert digest_items(ctx, group_member) == [(EmailKind.NEW_LISTINGS, "New offer: Free meeting room", False)]


# -- one-click unsubscribe ------------------------------------------------------------------------------------------

def token_for(ctx, user_id: int, kind: EmailKind) -> str:
    """A fresh unsubscribe token."""
    with ctx():
        return unsubscribe_token(user_id, kind)


def test_the_unsubscribe_link_shows_a_button_without_signing_in(app, make, ctx):
    supplier = make.user(kind="supplier")
    response = app.test_client().get(f"/unsubscribe/{token_for(ctx, supplier, EmailKind.SUGGESTIONS)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "new suggestions for your commitments" in page and ">Unsubscribe</button>" in page
    with ctx():
        assert settings_for(supplier)[EmailKind.SUGGESTIONS] is Frequency.WEEKLY  # looking changes nothing


def test_one_click_post_turns_off_only_that_kind_for_that_user_without_csrf(app, make, ctx):
    supplier, colleague = make.user(kind="supplier"), make.user(kind="supplier")
    choose(ctx, supplier, EmailKind.NEW_LISTINGS, Frequency.IMMEDIATELY)
    token = token_for(ctx, supplier, EmailKind.NEW_LISTINGS)
    response = app.test_client().post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You have unsubscribed" in response.get_data(as_text=True)
    with ctx():
        assert settings_for(supplier) == {EmailKind.ACTION_NEEDED: Frequency.IMMEDIATELY,
                                          EmailKind.SUGGESTIONS: Frequency.WEEKLY,
                                          EmailKind.NEW_LISTINGS: Frequency.OFF,
                                          EmailKind.MODERATION_QUEUE: Frequency.DAILY}
        assert settings_for(colleague)[EmailKind.NEW_LISTINGS] is Frequency.WEEKLY
        assert db.session.scalars(select(AuditEvent.action)).all() == ["notifications.unsubscribed"]


def test_the_link_in_a_real_email_unsubscribes_and_then_nothing_more_is_sent(world, make, ctx, client):
    offer_and_accept(world, ctx)
    message, = outbox_rows(ctx, to_email=email_of(make, world.supplier_user))
    path = UNSUBSCRIBE.search(message.body_text).group(1)
    assert client.post(path).status_code == 200
    with ctx():
        pledge_id = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                        quantity=5, message="", proposed_on=date.today()).id
        pledges.accept_pledge(pledge_id, user(world.vcse_user))
    assert len(outbox_rows(ctx, to_email=email_of(make, world.supplier_user))) == 1


def test_a_reused_link_says_so_and_changes_nothing(app, make, ctx):
    supplier = make.user(kind="supplier")
    token = token_for(ctx, supplier, EmailKind.SUGGESTIONS)
    client = app.test_client()
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    choose(ctx, supplier, EmailKind.SUGGESTIONS, Frequency.DAILY)  # turned back on in the settings
    for response in (client.post(f"/unsubscribe/{token}"), client.get(f"/unsubscribe/{token}")):
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "already been used" in page and 'href="/account/notifications"' in page
    with ctx():
        assert settings_for(supplier)[EmailKind.SUGGESTIONS] is Frequency.DAILY
        assert db.session.scalar(select(func.count()).select_from(UnsubscribeUse)) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_refused_with_400(app, make, ctx, method):
    supplier = make.user(kind="supplier")
    token = token_for(ctx, supplier, EmailKind.SUGGESTIONS)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "not-a-real-token"):
        response = getattr(app.test_client(), method)(f"/unsubscribe/{bad}")
        assert response.status_code == 400
        assert "not valid" in response.get_data(as_text=True)
    with ctx():
        assert settings_for(supplier)[EmailKind.SUGGESTIONS] is Frequency.WEEKLY


def test_a_link_signed_with_another_salt_is_refused(app, make, ctx):
    supplier = make.user(kind="supplier")
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(
        {"u": supplier, "k": "suggestions", "n": "x"})
    assert app.test_client().post(f"/unsubscribe/{other}").status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_is_refused_with_410(app, make, ctx, monkeypatch, method):
    supplier = make.user(kind="supplier")
    days = app.config["UNSUBSCRIBE_TOKEN_DAYS"]
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - (days + 1) * 86400)
    token = token_for(ctx, supplier, EmailKind.SUGGESTIONS)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = getattr(app.test_client(), method)(f"/unsubscribe/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    with ctx():
        assert settings_for(supplier)[EmailKind.SUGGESTIONS] is Frequency.WEEKLY


# -- free text in the new emails is shown inert -----------------------------------------------------------------

def _case(app, make, ctx, world, text: str) -> dict[str, list[str]]:
    """Objects whose free text is `text`, put through every new email; the HTML bodies queued, by template."""
    with ctx():
        start = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    group = make.organisation(kind="vcse", name=text[:200], area_ids=[world.area])
    member = make.user(group)
    make.need(group, title=text, area_id=world.area, measure_id=world.measure,
              needed_by=date.today() + timedelta(days=3))
    pledged = make.need(group, title=text, area_id=world.area, measure_id=world.measure)
    contract = contracts.contract(app, world.supplier, world.council, world.manager, title=text[:200])
    commitment = contracts.commitment(app, contract, world.measure, "50", due_on=date.today() + timedelta(days=10))
    late = contracts.pledge(app, pledged, commitment, status="accepted")
    unconfirmed = contracts.pledge(app, pledged, commitment, status="delivered")
    disputed = contracts.pledge(app, pledged, commitment, status="delivered")
    pending = make.need(group, status="draft", title=text, area_id=world.area, measure_id=world.measure)
    with ctx():
        db.session.get(Pledge, late).proposed_on = date.today() - timedelta(days=1)
        db.session.get(Pledge, unconfirmed).delivered_at = utcnow() - timedelta(days=15)
        assert db.session.get(Contract, contract).title == text[:200]
        db.session.commit()
        reminders.send_reminders()
        pledges.dispute_delivery(disputed, user(member), reason=text)
        needs.submit_need(pending, user(member))
        needs.approve_need(pending, user(world.moderator))
        notifications.send_digests(utcnow() + timedelta(days=8))
        found: dict[str, list[str]] = {}
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > start)):
            found.setdefault(message.template, []).append(message.body_html)
        return found


def test_free_text_in_reminders_digests_and_listings_is_escaped(app, make, ctx):
    world = build_loop_world(app, make)
    world.area = make.area()
    with ctx():
        db.session.get(Organisation, world.supplier).areas = [db.session.get(Area, world.area)]
        db.session.commit()
    # The moderator gets submissions in a daily digest (the default); the supplier gets new needs straight away.
    choose(ctx, world.supplier_user, EmailKind.NEW_LISTINGS, Frequency.IMMEDIATELY)
    # A second moderator gets the moderation queue straight away.
    choose(ctx, make.council_user("moderator", organisation_id=world.council), EmailKind.MODERATION_QUEUE,
           Frequency.IMMEDIATELY)
    baseline = _case(app, make, ctx, world, "Harmless words")
    expected = {"reminder_need_expiring", "reminder_pledge_not_delivered", "reminder_delivery_unconfirmed",
                "reminder_commitment_due", "digest", "new_listing", "need_approved", "moderation_need_submitted",
                "moderation_dispute", "pledge_update"}
    assert expected <= set(baseline), sorted(baseline)
    problems = []
    for payload in SAMPLE:
        emails = _case(app, make, ctx, world, payload)
        assert expected <= set(emails), (payload, sorted(emails))
        for template in expected:
            for body in emails[template]:
                problems += [f"{template} with {payload!r}: {bad}" for bad in injected(body, baseline[template][0])]
        # A digest lists subjects, which are one line: a line break or tab in the text shows as a space.
        for template, shown in (("reminder_need_expiring", escape(payload)), ("new_listing", escape(payload)),
                                ("moderation_dispute", escape(payload.strip())),
                                ("digest", escape(one_line(payload)))):
            if not any(str(shown) in body for body in emails[template]):
                problems.append(f"{template} does not show {payload!r} escaped")
    assert not problems, "\n".join(problems[:25])


def test_a_disputed_delivery_goes_to_the_moderators_of_the_contracts_council_only(app, make, ctx):
    world = build_loop_world(app, make)
    other_council = make.organisation(kind="buyer", name="Another Council")
    elsewhere = make.council_user("moderator", organisation_id=other_council)
    with ctx():
        pledge = pledges.make_pledge(user(world.supplier_user), need_id=world.need, commitment_id=world.commitment,
                                     quantity=5, message="", proposed_on=date.today())
        pledges.accept_pledge(pledge.id, user(world.vcse_user))
        pledges.mark_delivered(pledge.id, user(world.supplier_user), quantity=5, delivered_on=date.today(), note="Done")
        pledges.dispute_delivery(pledge.id, user(world.vcse_user), reason="Nobody came")
        title = pledge.title
    assert digest_items(ctx, world.moderator) == [(EmailKind.MODERATION_QUEUE, f"Delivery disputed: {title}", False)]
    assert digest_items(ctx, elsewhere) == []
