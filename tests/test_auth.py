"""Registering, verifying email, signing in and out, passwords and rate limits, through the pages."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Organisation, OrganisationKind, OrganisationStatus, TokenPurpose, User, UserToken, utcnow
from tests.conftest import CSRF_RE, csrf_token, login_as, post_form
from tests.factories import PASSWORD

BASE_URL = "http://marketplace.test"
NEW_PASSWORD = "seven tidy otters paddle"
LINK_RE = re.compile(r"https?://\S+")


def links_in(outbox, to: str, path_part: str) -> list[str]:
    """Every emailed link to one address whose path contains path_part, oldest first."""
    return [link for (recipient, _subject, body) in outbox() if recipient == to
            for link in LINK_RE.findall(body) if path_part in link]


def path(link: str) -> str:
    """The path of an emailed link, for the test client."""
    return urlsplit(link).path


def sign_in(client, email: str, password: str = PASSWORD, *, remember: bool = False, **kwargs):
    """Post the sign-in form."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/sign-in", data, **kwargs)


def registration(area_ids, **changes) -> dict:
    """A complete, valid registration form."""
    data = {"kind": "vcse", "organisation_name": "Brackenford Befriending", "identifier_scheme": "GB-CHC",
            "registered_number": "1180001",
            "areas": list(area_ids), "name": "Pat Jones", "email": "pat@example.org", "password": NEW_PASSWORD}
    data.update(changes)
    return data


def expire_tokens(ctx, purpose: TokenPurpose) -> None:
    """Move the expiry of every token for a purpose into the past."""
    with ctx():
        for row in db.session.scalars(select(UserToken).where(UserToken.purpose == purpose)):
            row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


def counts(ctx) -> tuple[int, int]:
    """How many organisations and users exist."""
    with ctx():
        return (db.session.scalar(select(func.count()).select_from(Organisation)),
                db.session.scalar(select(func.count()).select_from(User)))


def user_by_email(ctx, email: str) -> dict | None:
    """A snapshot of the user with this email."""
    with ctx():
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            return None
        return {"id": user.id, "verified": user.is_email_verified, "org_admin": user.is_org_admin,
                "org_status": user.organisation.status, "org_kind": user.organisation.kind,
                "area_ids": sorted(a.id for a in user.organisation.areas), "organisation_id": user.organisation_id,
                "session_token": user.session_token}


# --- registering and verifying -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["vcse", "supplier"])
def test_registering_creates_pending_organisation_with_admin_and_emails_a_base_url_link(
        client, make, ctx, outbox, kind):
    areas = [make.area("North"), make.area("South"), make.area("East")]
    evil = {"Host": "evil.example"}
    # The CSRF cookie must belong to the host the form is posted to.
    token = CSRF_RE.search(client.get("/register", headers=evil).get_data(as_text=True)).group(1)
    response = client.post("/register", data={**registration(areas[:2], kind=kind), "csrf_token": token}, headers=evil)

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account/waiting")
    user = user_by_email(ctx, "pat@example.org")
    assert user["org_status"] is OrganisationStatus.PENDING
    assert user["org_kind"] is OrganisationKind(kind)
    assert user["area_ids"] == sorted(areas[:2])
    assert user["org_admin"] is True
    assert user["verified"] is False
    links = links_in(outbox, "pat@example.org", "/verify-email/")
    assert len(links) == 1
    assert links[0].startswith(BASE_URL + "/verify-email/")
    assert "evil.example" not in outbox()[0][2]


def test_following_the_verification_link_verifies_once(client, make, ctx, outbox):
    area = make.area()
    post_form(client, "/register", registration([area]), page="/register")
    link = links_in(outbox, "pat@example.org", "/verify-email/")[0]

    first = client.get(path(link))
    assert first.status_code == 303
    assert user_by_email(ctx, "pat@example.org")["verified"] is True

    # Used, but its address is confirmed: a kind word, not an error (see the mail scanner test below).
    again = client.get(path(link), follow_redirects=True)
    assert again.status_code == 200
    assert "Your email address is already confirmed." in again.get_data(as_text=True)
    with ctx():
        assert db.session.scalars(select(UserToken).where(UserToken.used_at.is_(None))).all() == []


def test_a_link_a_mail_scanner_opened_first_tells_the_person_their_email_is_already_confirmed(
        app, client, make, ctx, outbox):
    post_form(client, "/register", registration([make.area()]), page="/register")
    link = path(links_in(outbox, "pat@example.org", "/verify-email/")[0])
    assert app.test_client().get(link).status_code == 303  # the scanner, with no session, follows it first
    assert user_by_email(ctx, "pat@example.org")["verified"] is True

    signed_in = client.get(link)  # the person, still signed in from registering
    assert signed_in.status_code == 303
    assert urlsplit(signed_in.headers["Location"]).path == "/account/"
    page = client.get("/account/waiting").get_data(as_text=True)
    assert "Your email address is already confirmed." in page and "This link cannot be used" not in page

    signed_out = app.test_client().get(link, follow_redirects=True)  # or on another device
    assert signed_out.request.path == "/sign-in"
    assert "Your email address is already confirmed." in signed_out.get_data(as_text=True)


def test_an_unknown_verification_link_is_still_refused(client):
    response = client.get("/verify-email/not-a-real-token")
    assert response.status_code == 410
    assert "expired or has already been used" in response.get_data(as_text=True)


def test_expired_verification_link_is_refused(client, make, ctx, outbox):
    post_form(client, "/register", registration([make.area()]), page="/register")
    link = links_in(outbox, "pat@example.org", "/verify-email/")[0]
    expire_tokens(ctx, TokenPurpose.VERIFY_EMAIL)

    response = client.get(path(link))
    assert response.status_code == 410
    assert "expired or has already been used" in response.get_data(as_text=True)
    assert user_by_email(ctx, "pat@example.org")["verified"] is False


def test_resending_verification_invalidates_the_old_link(client, make, ctx, outbox):
    post_form(client, "/register", registration([make.area()]), page="/register")
    old = links_in(outbox, "pat@example.org", "/verify-email/")[0]

    response = post_form(client, "/account/resend-verification", {}, page="/account/waiting")
    assert response.status_code == 303
    links = links_in(outbox, "pat@example.org", "/verify-email/")
    assert len(links) == 2 and links[1] != old

    assert client.get(path(old)).status_code == 410
    assert user_by_email(ctx, "pat@example.org")["verified"] is False
    assert client.get(path(links[1])).status_code == 303
    assert user_by_email(ctx, "pat@example.org")["verified"] is True


# --- bad registration input ----------------------------------------------------------------------

def test_duplicate_email_in_another_case_is_refused_next_to_the_field_keeping_other_answers(client, make, ctx, outbox):
    make.user(email="person@example.org")
    north, south = make.area("Northfield"), make.area("Southgate")
    before = counts(ctx)

    response = post_form(client, "/register", registration(
        [south], email="Person@Example.org", organisation_name="Riverside Pantry", name="Robin Ash",
        registered_number="7654321"), page="/register")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    flat = re.sub(r"\s+", " ", html)
    message = "An account already uses this email address"
    assert re.search(rf'govuk-error-summary__list">.*?<a href="#email">{message}', flat)
    assert re.search(rf'<p id="email-error" class="govuk-error-message"> <span[^>]*>Error:</span> {message}', flat)
    assert 'value="Riverside Pantry"' in html
    assert 'value="Robin Ash"' in html
    assert 'value="7654321"' in html
    assert f'name="areas" type="checkbox" value="{south}" checked' in flat
    assert f'name="areas" type="checkbox" value="{north}">' in flat
    assert NEW_PASSWORD not in html
    assert counts(ctx) == before
    assert outbox() == []


@pytest.mark.parametrize("password, message", [
    ("short pass", "Password must be 12 characters or more"),
    ("password1234", "Password is too easy to guess"),
])
def test_weak_password_is_refused(client, make, ctx, outbox, password, message):
    response = post_form(client, "/register", registration([make.area()], password=password), page="/register")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(ctx) == (0, 0)
    assert outbox() == []


def test_registration_without_areas_is_refused(client, make, ctx):
    make.area()
    data = registration([])
    del data["areas"]
    response = post_form(client, "/register", data, page="/register")
    assert response.status_code == 422
    assert "Select at least one area your organisation serves" in response.get_data(as_text=True)
    assert counts(ctx) == (0, 0)


def test_registration_without_csrf_token_is_refused_and_creates_nothing(client, make, ctx, outbox):
    area = make.area()
    client.get("/register")
    response = client.post("/register", data=registration([area]))
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert counts(ctx) == (0, 0)
    assert outbox() == []


def test_council_accounts_cannot_be_self_registered(client, make, ctx):
    response = post_form(client, "/register", registration([make.area()], kind="buyer"), page="/register")
    assert response.status_code == 422
    assert counts(ctx) == (0, 0)


# --- the waiting page ----------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["unverified", "pending"])
@pytest.mark.parametrize("url", ["/account/", "/account/team", "/account/team/invite", "/vcse/needs"])
def test_unverified_or_pending_user_signs_in_but_service_pages_send_them_to_waiting(client, make, state, url):
    if state == "unverified":
        user = make.user(status="approved", verified=False)
    else:
        user = make.user(status="pending", verified=True)
    email = make.get(User, user).email

    assert sign_in(client, email).status_code == 303
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/waiting")
    waiting = client.get("/account/waiting")
    assert waiting.status_code == 200
    assert "Waiting for approval" in waiting.get_data(as_text=True)


def test_unverified_moderator_is_sent_to_waiting_not_the_queue(client, make, login, ctx):
    council = make.organisation(kind="buyer")
    moderator = make.user(council, roles=["moderator"], verified=False)
    login(moderator)
    response = client.get("/moderation/organisations")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/waiting")


def test_rejected_organisations_user_sees_the_reason_and_cannot_reach_the_team(client, make, ctx, login):
    user = make.user(status="rejected")
    with ctx():
        organisation = db.session.get(User, user).organisation
        organisation.decision_reason = "We could not find charity number 999 on the register."
        db.session.commit()
    login(user)

    waiting = client.get("/account/waiting")
    assert waiting.status_code == 200
    html = waiting.get_data(as_text=True)
    assert "was not approved" in html
    assert "We could not find charity number 999 on the register." in html

    team = client.get("/account/team")
    assert team.status_code == 302
    assert team.headers["Location"].endswith("/account/waiting")


# --- signing in ----------------------------------------------------------------------------------

def test_unknown_email_and_wrong_password_get_the_same_message_and_401(client, make):
    email = make.get(User, make.user()).email
    for attempt in ({"email": "nobody@example.org", "password": PASSWORD},
                    {"email": email, "password": "not the right password"}):
        response = post_form(client, "/sign-in", attempt)
        assert response.status_code == 401
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
        assert client.get("/account/").status_code == 302


def test_sign_in_is_case_insensitive_on_email(client, make):
    make.user(email="casey@example.org")
    assert sign_in(client, "Casey@Example.ORG").status_code == 303
    assert client.get("/account/").status_code == 200


def test_removed_user_cannot_sign_in(client, make, ctx):
    user = make.user()
    with ctx():
        db.session.get(User, user).is_removed = True
        db.session.commit()
    response = sign_in(client, make.get(User, user).email)
    assert response.status_code == 401
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", "/\t/evil.example"])
def test_sign_in_ignores_next_that_leaves_the_site(client, make, target):
    response = sign_in(client, make.get(User, make.user()).email, query_string={"next": target})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/home"
    assert "evil" not in response.headers["Location"]


def test_sign_in_honours_a_local_next(client, make):
    response = sign_in(client, make.get(User, make.user()).email, query_string={"next": "/account/password"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/password"


def test_visiting_a_page_signed_out_comes_back_to_it_after_signing_in(client, make):
    email = make.get(User, make.user()).email
    bounce = client.get("/account/team")
    assert bounce.status_code == 302
    location = bounce.headers["Location"]
    assert urlsplit(location).path == "/sign-in"
    response = sign_in(client, email, query_string=urlsplit(location).query)
    assert response.headers["Location"] == "/account/team"


def test_remember_me_sets_a_remember_cookie_only_when_ticked(app, make):
    email = make.get(User, make.user()).email
    plain, remembered = app.test_client(), app.test_client()
    assert sign_in(plain, email).status_code == 303
    assert plain.get_cookie("remember_token") is None
    assert sign_in(remembered, email, remember=True).status_code == 303
    assert remembered.get_cookie("remember_token") is not None


# --- signing out and changing password end sessions ----------------------------------------------

def copy_of(app, client, cookie: str):
    """A second client carrying only a copy of one of the first client's cookies."""
    other = app.test_client()
    other.set_cookie(cookie, client.get_cookie(cookie).value)
    return other


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, make):
    sign_in(client, make.get(User, make.user()).email)
    thief = copy_of(app, client, "session")
    assert thief.get("/account/").status_code == 200

    response = post_form(client, "/sign-out", {}, page="/account/")
    assert response.status_code == 303

    for someone in (client, thief):
        after = someone.get("/account/")
        assert after.status_code == 302
        assert urlsplit(after.headers["Location"]).path == "/sign-in"


def test_sign_out_ends_a_copied_remember_me_cookie(app, client, make):
    sign_in(client, make.get(User, make.user()).email, remember=True)
    value = client.get_cookie("remember_token").value
    before = app.test_client()
    before.set_cookie("remember_token", value)
    assert before.get("/account/").status_code == 200

    post_form(client, "/sign-out", {}, page="/account/")

    after = app.test_client()
    after.set_cookie("remember_token", value)
    response = after.get("/account/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, client, make, outbox):
    user = make.user()
    email = make.get(User, user).email
    sign_in(client, email)
    other = copy_of(app, client, "session")
    assert other.get("/account/").status_code == 200

    response = post_form(client, "/account/password",
                         {"current_password": PASSWORD, "password": NEW_PASSWORD}, page="/account/password")
    assert response.status_code == 303
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    assert [subject for to, subject, _ in outbox() if to == email] == ["Your password was changed"]

    fresh = app.test_client()
    assert sign_in(fresh, email, PASSWORD).status_code == 401
    assert sign_in(fresh, email, NEW_PASSWORD).status_code == 303


def test_changing_password_with_wrong_current_password_is_refused_next_to_the_field(app, client, make, outbox):
    email = make.get(User, make.user()).email
    sign_in(client, email)
    response = post_form(client, "/account/password",
                         {"current_password": "not my password at all", "password": NEW_PASSWORD},
                         page="/account/password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="current_password-error"[^>]*>\s*<span[^>]*>Error:</span>\s*'
                     r"Your current password is not correct", html)
    assert outbox() == []
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 303


def test_changing_to_a_weak_password_is_refused(client, make):
    sign_in(client, make.get(User, make.user()).email)
    response = post_form(client, "/account/password", {"current_password": PASSWORD, "password": "short"},
                         page="/account/password")
    assert response.status_code == 422
    assert "Password must be 12 characters or more" in response.get_data(as_text=True)


# --- forgotten password --------------------------------------------------------------------------

def test_forgotten_password_page_is_the_same_for_unknown_and_known_emails(app, make, outbox):
    known = make.get(User, make.user()).email
    pages = {}
    for email in ("nobody@example.org", known):
        response = post_form(app.test_client(), "/forgotten-password", {"email": email}, page="/forgotten-password")
        assert response.status_code == 200
        pages[email] = response.get_data(as_text=True).replace(email, "EMAIL")
        if email == "nobody@example.org":
            assert outbox() == []
    assert pages["nobody@example.org"] == pages[known]
    assert [to for to, _, _ in outbox()] == [known]
    assert links_in(outbox, known, "/reset-password/")[0].startswith(BASE_URL + "/reset-password/")


def ask_for_reset(client, outbox, email: str) -> str:
    """Request a reset and return the path of the emailed link."""
    post_form(client, "/forgotten-password", {"email": email}, page="/forgotten-password")
    return path(links_in(outbox, email, "/reset-password/")[-1])


def test_reset_link_works_once_and_ends_old_sessions(app, client, make, outbox):
    email = make.get(User, make.user()).email
    signed_in = app.test_client()
    sign_in(signed_in, email)
    assert signed_in.get("/account/").status_code == 200
    link = ask_for_reset(client, outbox, email)

    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW_PASSWORD}, page=link)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/sign-in"

    again = client.get(link)
    assert again.status_code == 410
    assert "expired or has already been used" in again.get_data(as_text=True)
    assert post_form(client, link, {"password": "another long passphrase"}).status_code == 410

    assert signed_in.get("/account/").status_code == 302
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), email, NEW_PASSWORD).status_code == 303


def test_expired_reset_link_is_refused(client, make, ctx, outbox):
    email = make.get(User, make.user()).email
    link = ask_for_reset(client, outbox, email)
    expire_tokens(ctx, TokenPurpose.RESET_PASSWORD)
    response = client.get(link)
    assert response.status_code == 410
    assert "expired or has already been used" in response.get_data(as_text=True)


def test_weak_new_password_is_refused_and_the_link_still_works(app, client, make, outbox):
    email = make.get(User, make.user()).email
    link = ask_for_reset(client, outbox, email)
    # Fetch the page first so the CSRF token is in the session, then post only weak passwords.
    token = csrf_token(client, link)
    for weak in ("tiny", "password1234"):
        response = client.post(link, data={"password": weak, "csrf_token": token})
        assert response.status_code == 422
    assert client.get(link).status_code == 200
    assert post_form(client, link, {"password": NEW_PASSWORD}, page=link).status_code == 303
    assert sign_in(app.test_client(), email, NEW_PASSWORD).status_code == 303


def test_a_new_reset_request_supersedes_the_old_link(client, make, outbox):
    email = make.get(User, make.user()).email
    first = ask_for_reset(client, outbox, email)
    second = ask_for_reset(client, outbox, email)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


# --- rate limits ---------------------------------------------------------------------------------

def test_eleventh_sign_in_attempt_in_a_minute_is_rate_limited(client, make):
    email = make.get(User, make.user()).email
    token = csrf_token(client, "/sign-in")
    for _ in range(10):
        response = client.post("/sign-in", data={"email": email, "password": "wrong password", "csrf_token": token})
        assert response.status_code == 401
    limited = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "Too many attempts" in html
    assert "Skip to main content" in html
    assert client.get("/account/").status_code == 302


def test_sixth_registration_in_a_minute_is_rate_limited(client, make, ctx):
    area = make.area()
    token = csrf_token(client, "/register")
    for n in range(5):
        response = client.post("/register", data={**registration([area], email=f"p{n}@example.org", password="x"),
                                                  "csrf_token": token})
        assert response.status_code == 422
    limited = client.post("/register", data={**registration([area]), "csrf_token": token})
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert counts(ctx) == (0, 0)


def test_resending_the_verification_link_is_limited_per_account(app, make, outbox):
    users = [make.user(make.organisation(status="pending"), verified=False) for _ in range(2)]
    clients = []
    for user_id in users:
        clients.append(app.test_client())
        login_as(clients[-1], app, user_id)
    first_email = make.get(User, users[0]).email

    def resend(client, address: str = "127.0.0.1"):
        return post_form(client, "/account/resend-verification", {}, page="/account/waiting",
                         environ_base={"REMOTE_ADDR": address})

    for _ in range(3):
        assert resend(clients[0]).status_code == 303
    limited = resend(clients[0], "10.0.0.9")  # another network does not buy more
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert resend(clients[1]).status_code == 303  # another account on the same address is not held back
    assert [to for to, _, _ in outbox()].count(first_email) == 3


def test_reset_emails_to_one_address_are_limited_from_any_client_and_known_and_unknown_emails_look_the_same(app, make,
                                                                                                           outbox):
    known = make.get(User, make.user()).email
    limited_pages = {}
    for email in (known, "nobody@example.org"):
        for n in range(3):
            response = post_form(app.test_client(), "/forgotten-password", {"email": email}, page="/forgotten-password",
                                 environ_base={"REMOTE_ADDR": f"10.0.{n}.1"})
            assert response.status_code == 200
        limited = post_form(app.test_client(), "/forgotten-password", {"email": f"  {email.upper()} "},
                            page="/forgotten-password", environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert limited.status_code == 429
        limited_pages[email] = limited.get_data(as_text=True)
    assert limited_pages[known] == limited_pages["nobody@example.org"]
    assert "Too many attempts" in limited_pages[known]
    assert [to for to, _, _ in outbox()] == [known] * 3

    other = post_form(app.test_client(), "/forgotten-password", {"email": "someone.else@example.org"},
                      page="/forgotten-password", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


# --- concurrency, line breaks, notices -----------------------------------------------------------

def test_two_registrations_of_one_email_at_once_give_the_later_a_field_error_not_a_500(client, make, ctx, outbox,
                                                                                        monkeypatch):
    """Both pass the "already used?" check; the unique constraint decides, and the one that loses is told why."""
    from app.services import accounts

    area, other_organisation = make.area(), make.organisation()
    real_check = accounts._require_new_email

    def check_then_lose_the_race(email: str) -> None:
        real_check(email)
        with db.engine.begin() as connection:  # the other registration commits in between
            connection.execute(insert(User).values(organisation_id=other_organisation, name="Quick", email=email))

    monkeypatch.setattr(accounts, "_require_new_email", check_then_lose_the_race)
    response = post_form(client, "/register", registration([area]), page="/register")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "An account already uses this email address" in html
    assert 'value="Brackenford Befriending"' in html
    assert counts(ctx) == (1, 1)  # the other registration's user only: nothing half-saved from this one
    assert outbox() == []


def test_line_breaks_in_registered_names_become_spaces(client, make, ctx):
    response = post_form(client, "/register", registration(
        [make.area()], organisation_name="Evil Ltd\r\nBcc: x@example.com", name="Pat\r\n\tJones"), page="/register")
    assert response.status_code == 303
    with ctx():
        user = db.session.scalars(select(User)).one()
        assert (user.organisation.name, user.name) == ("Evil Ltd Bcc: x@example.com", "Pat Jones")


def test_a_password_reset_sends_the_password_changed_email(client, make, outbox):
    email = make.get(User, make.user()).email
    link = ask_for_reset(client, outbox, email)
    assert post_form(client, link, {"password": NEW_PASSWORD}, page=link).status_code == 303
    assert [(to, subject) for to, subject, _ in outbox()] == [
        (email, "Reset your password"), (email, "Your password was changed")]


@pytest.mark.parametrize("app_overrides", [{"VERIFY_TOKEN_HOURS": 24}])
def test_waiting_page_gives_the_configured_life_of_the_verification_link(client, make, login):
    login(make.user(make.organisation(status="pending"), verified=False))
    html = client.get("/account/waiting").get_data(as_text=True)
    assert "The link works for 24 hours." in html and "48 hours" not in html
