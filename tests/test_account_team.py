"""An organisation's team: inviting colleagues, accepting invitations and removing colleagues."""
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, User
from tests.conftest import post_form, without_csrf
from tests.factories import PASSWORD

BASE_URL = "http://marketplace.test"
NEW_PASSWORD = "seven tidy otters paddle"


def email_of(make, user_id: int) -> str:
    """A user's email address."""
    return make.get(User, user_id).email


def sign_in(client, email: str, password: str = PASSWORD):
    """Post the sign-in form."""
    return post_form(client, "/sign-in", {"email": email, "password": password})


def invite(client, name: str = "Jo Colleague", email: str = "jo@example.org"):
    """Post the invitation form as the signed-in user."""
    return post_form(client, "/account/team/invite", {"name": name, "email": email}, page="/account/team/invite")


def invite_link(outbox, email: str = "jo@example.org") -> str:
    """The path of the invitation link emailed to an address."""
    links = [link for to, _, body in outbox() if to == email for link in re.findall(r"https?://\S+", body)]
    assert len(links) == 1
    assert links[0].startswith(BASE_URL + "/invitation/")
    return urlsplit(links[0]).path


def snapshot(make, user_id: int) -> dict:
    """The columns of a user that removal would change."""
    user = make.get(User, user_id)
    return {"is_removed": user.is_removed, "session_token": user.session_token}


def test_org_admin_invites_a_colleague_who_joins_by_choosing_a_password(app, client, make, login, ctx, outbox):
    admin = make.user()
    organisation_id = make.get(User, admin).organisation_id
    login(admin)

    response = invite(client)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/account/team"
    link = invite_link(outbox)

    invitee = app.test_client()
    page = invitee.get(link)
    assert page.status_code == 200
    joined = post_form(invitee, link, {"password": NEW_PASSWORD}, page=link)
    assert joined.status_code == 303
    assert urlsplit(joined.headers["Location"]).path == "/account/"
    assert invitee.get("/account/").status_code == 200

    with ctx():
        jo = db.session.scalars(select(User).where(User.email == "jo@example.org")).one()
        assert jo.organisation_id == organisation_id
        assert jo.is_email_verified
        assert not jo.is_org_admin
        assert jo.invited_by_id == admin

    team = client.get("/account/team").get_data(as_text=True)
    assert "jo@example.org" in team
    assert sign_in(app.test_client(), "jo@example.org", NEW_PASSWORD).status_code == 303


def test_invitation_link_works_once(app, client, make, login, outbox):
    login(make.user())
    invite(client)
    link = invite_link(outbox)
    first = app.test_client()
    assert post_form(first, link, {"password": NEW_PASSWORD}, page=link).status_code == 303

    second = app.test_client()
    response = second.get(link)
    assert response.status_code == 410
    assert "expired or has already been used" in response.get_data(as_text=True)
    assert post_form(second, link, {"password": "a different long passphrase"}).status_code == 410
    assert sign_in(app.test_client(), "jo@example.org", NEW_PASSWORD).status_code == 303


def test_removing_an_invitee_before_they_accept_kills_the_invitation(app, client, make, login, ctx, outbox):
    login(make.user())
    invite(client)
    link = invite_link(outbox)
    with ctx():
        invitee_id = db.session.scalars(select(User.id).where(User.email == "jo@example.org")).one()
    assert post_form(client, f"/account/team/{invitee_id}/remove", {}, page="/account/team").status_code == 303

    stranger = app.test_client()
    assert stranger.get(link).status_code == 410
    assert post_form(stranger, link, {"password": NEW_PASSWORD}).status_code == 410
    assert stranger.get("/account/").status_code == 302
    assert sign_in(app.test_client(), "jo@example.org", NEW_PASSWORD).status_code == 401


def test_invitee_cannot_sign_in_before_accepting(app, client, make, login, outbox):
    login(make.user())
    invite(client)
    response = sign_in(app.test_client(), "jo@example.org", PASSWORD)
    assert response.status_code == 401


def test_weak_password_on_invitation_is_refused_and_the_link_still_works(app, client, make, login, outbox):
    login(make.user())
    invite(client)
    link = invite_link(outbox)
    invitee = app.test_client()
    response = post_form(invitee, link, {"password": "short"}, page=link)
    assert response.status_code == 422
    assert "Password must be 12 characters or more" in response.get_data(as_text=True)
    assert invitee.get(link).status_code == 200


def test_member_who_is_not_org_admin_cannot_invite(client, make, login, outbox):
    admin = make.user()
    member = make.user(make.get(User, admin).organisation_id, org_admin=False)
    login(member)
    assert client.get("/account/team/invite").status_code == 403
    assert invite(client).status_code == 403
    assert outbox() == []


def test_inviting_an_email_that_already_has_an_account_is_refused(client, make, login, ctx, outbox):
    make.user(email="taken@example.org")
    login(make.user())
    response = invite(client, email="Taken@Example.org")
    assert response.status_code == 422
    assert "An account already uses this email address" in response.get_data(as_text=True)
    assert outbox() == []
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_removing_a_colleague_ends_their_sessions_and_stops_sign_in(app, client, make, login, ctx):
    admin = make.user()
    colleague = make.user(make.get(User, admin).organisation_id, org_admin=False)
    theirs = app.test_client()
    sign_in(theirs, email_of(make, colleague))
    assert theirs.get("/account/").status_code == 200

    login(admin)
    response = post_form(client, f"/account/team/{colleague}/remove", {}, page="/account/team")
    assert response.status_code == 303
    assert "has been removed" in client.get("/account/team").get_data(as_text=True)

    after = theirs.get("/account/")
    assert after.status_code == 302
    assert urlsplit(after.headers["Location"]).path == "/sign-in"
    refused = sign_in(app.test_client(), email_of(make, colleague))
    assert refused.status_code == 401
    assert "Enter a correct email address and password" in refused.get_data(as_text=True)
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.removed")).one()
        assert (event.actor_id, event.object_id) == (admin, colleague)
    assert email_of(make, colleague) not in client.get("/account/team").get_data(as_text=True)


def test_removing_a_user_of_another_organisation_is_404_and_changes_nothing(app, client, make, login, ctx):
    admin = make.user()
    stranger = make.user()   # another organisation
    theirs = app.test_client()
    sign_in(theirs, email_of(make, stranger))
    before = snapshot(make, stranger)

    login(admin)
    response = post_form(client, f"/account/team/{stranger}/remove", {}, page="/account/team")
    assert response.status_code == 404
    assert snapshot(make, stranger) == before
    assert theirs.get("/account/").status_code == 200
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_removing_another_organisations_user_looks_the_same_as_removing_nobody(client, make, login):
    admin = make.user()
    stranger = make.user()
    login(admin)
    real = post_form(client, f"/account/team/{stranger}/remove", {}, page="/account/team")
    missing = post_form(client, "/account/team/999999/remove", {}, page="/account/team")
    assert real.status_code == missing.status_code == 404
    assert without_csrf(real.get_data(as_text=True)) == without_csrf(missing.get_data(as_text=True))


def test_org_admin_cannot_remove_themselves(client, make, login):
    admin = make.user()
    before = snapshot(make, admin)
    login(admin)
    response = post_form(client, f"/account/team/{admin}/remove", {}, page="/account/team", follow_redirects=True)
    assert response.status_code == 200
    assert "You cannot remove yourself." in response.get_data(as_text=True)
    assert snapshot(make, admin) == before
    assert client.get("/account/").status_code == 200


def test_member_who_is_not_org_admin_cannot_remove_a_colleague(client, make, login):
    admin = make.user()
    member = make.user(make.get(User, admin).organisation_id, org_admin=False)
    before = snapshot(make, admin)
    login(member)
    assert post_form(client, f"/account/team/{admin}/remove", {}, page="/account/team").status_code == 403
    assert snapshot(make, admin) == before


def test_removing_without_csrf_token_is_refused(client, make, login):
    admin = make.user()
    colleague = make.user(make.get(User, admin).organisation_id, org_admin=False)
    login(admin)
    client.get("/account/team")
    assert client.post(f"/account/team/{colleague}/remove").status_code == 400
    assert snapshot(make, colleague)["is_removed"] is False


def test_team_page_lists_only_this_organisations_current_members(client, make, login, ctx):
    admin = make.user()
    organisation_id = make.get(User, admin).organisation_id
    colleague = make.user(organisation_id, org_admin=False)
    gone = make.user(organisation_id, org_admin=False)
    stranger = make.user()
    with ctx():
        db.session.get(User, gone).is_removed = True
        db.session.commit()
    login(admin)
    html = client.get("/account/team").get_data(as_text=True)
    assert email_of(make, colleague) in html
    assert email_of(make, gone) not in html
    assert email_of(make, stranger) not in html


def test_invitation_email_is_written_in_the_same_transaction_as_the_invitee(client, make, login, ctx, monkeypatch):
    """If the service fails after queueing the email but before committing, neither the user nor the email exists."""
    import app.services.accounts as accounts

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    login(make.user())
    monkeypatch.setattr(accounts, "record_audit", broken_audit)
    response = invite(client)
    assert response.status_code == 500
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalars(select(User).where(User.email == "jo@example.org")).first() is None


def test_an_expired_invitation_link_is_refused_and_the_invitee_cannot_join(app, client, make, login, ctx, outbox):
    from datetime import timedelta

    from app.models import TokenPurpose, UserToken, utcnow

    login(make.user())
    invite(client)
    link = invite_link(outbox)
    with ctx():
        token = db.session.scalars(select(UserToken).where(UserToken.purpose == TokenPurpose.INVITE)).one()
        token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    invitee = app.test_client()
    response = invitee.get(link)
    assert response.status_code == 410
    assert "This invitation has expired or has already been used" in response.get_data(as_text=True)
    assert post_form(invitee, link, {"password": NEW_PASSWORD}, page="/sign-in").status_code == 410
    with ctx():
        jo = db.session.scalars(select(User).where(User.email == "jo@example.org")).one()
        assert jo.password_hash is None and not jo.is_email_verified
    assert sign_in(app.test_client(), "jo@example.org", NEW_PASSWORD).status_code == 401


def test_inviting_an_email_that_someone_registers_at_the_same_moment_is_a_field_error_not_a_500(
        client, make, login, ctx, outbox, monkeypatch):
    from sqlalchemy import insert

    from app.services import accounts

    login(make.user())
    other_organisation = make.organisation()
    real_check = accounts._require_new_email

    def check_then_lose_the_race(email: str) -> None:
        real_check(email)
        with db.engine.begin() as connection:  # someone else's registration commits in between
            connection.execute(insert(User).values(organisation_id=other_organisation, name="Quick", email=email))

    monkeypatch.setattr(accounts, "_require_new_email", check_then_lose_the_race)
    response = invite(client)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "An account already uses this email address" in html and 'value="Jo Colleague"' in html
    assert outbox() == []
    with ctx():
        assert db.session.scalars(select(User.name).where(User.email == "jo@example.org")).all() == ["Quick"]


def test_line_breaks_in_an_invited_colleagues_name_become_spaces(client, make, login, ctx, outbox):
    login(make.user())
    assert invite(client, name="Jo\r\nColleague").status_code == 303
    with ctx():
        assert db.session.scalars(select(User.name).where(User.email == "jo@example.org")).one() == "Jo Colleague"
