"""Security headers, production configuration and error pages."""
import pytest
from flask import abort, g
from sqlalchemy import select
from werkzeug.exceptions import ServiceUnavailable

from app import create_app
from app.extensions import db
from app.models import Area, User
from config import ProductionConfig
from tests.conftest import CSRF_RE, post_form
from tests.factories import PASSWORD

PRODUCTION_ENV = {"SECRET_KEY": "a-real-secret", "DATABASE_URL": "sqlite:///:memory:",
                  "BASE_URL": "https://marketplace.example.gov.uk"}


def test_html_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client):
    response = client.get("/sign-in")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def production_env(monkeypatch):
    """A complete production environment; ProductionConfig's class attributes restored afterwards."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    for attribute in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI"):
        monkeypatch.setattr(ProductionConfig, attribute, getattr(ProductionConfig, attribute))
    return monkeypatch


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_required_settings(production_env, missing):
    production_env.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_refuses_an_empty_setting(production_env):
    production_env.setenv("SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_with_settings_uses_secure_cookies_and_the_given_secrets(production_env):
    app = create_app("production", {"RATELIMIT_STORAGE_URI": "memory://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "a-real-secret"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///:memory:"
    assert not app.debug and not app.testing


# --- error pages ---------------------------------------------------------------------------------

def assert_site_error_page(response, status: int, title: str) -> None:
    """An error page in the site layout with the right status and heading."""
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in html
    assert "Skip to main content" in html and "govuk-footer" in html
    assert "Traceback" not in html


def test_400_page_for_a_form_without_its_security_token(client):
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    assert_site_error_page(response, 400, "Sorry, there is a problem with your request")


def test_403_page(client, make, login):
    login(make.user())
    assert_site_error_page(client.get("/moderation/"), 403, "You do not have permission to see this page")


def test_404_page(client):
    assert_site_error_page(client.get("/no-such-page"), 404, "Page not found")


def test_405_page(client):
    assert_site_error_page(client.get("/sign-out"), 405, "This page cannot be used that way")


def test_413_page(client):
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024 + 10)})
    assert_site_error_page(response, 413, "What you sent is too large")


def test_a_body_too_large_is_a_413_even_where_the_view_never_reads_it(client):
    # A one-click unsubscribe never reads its body; a bad token alone would be a 400.
    response = client.post("/unsubscribe/not-a-token", data={"reason": "x" * (2 * 1024 * 1024 + 10)})
    assert_site_error_page(response, 413, "What you sent is too large")
    assert client.post("/unsubscribe/not-a-token", data={"reason": "x"}).status_code == 400


def test_429_page(client):
    client.get("/sign-in")
    for _ in range(10):
        post_form(client, "/sign-in", {"email": "a@example.org", "password": "not the one"})
    response = post_form(client, "/sign-in", {"email": "a@example.org", "password": "not the one"})
    assert_site_error_page(response, 429, "Too many attempts")


def _fail_with(error: Exception) -> None:
    """Raise an unexpected error, or abort with an HTTP error when given one."""
    raise error


@pytest.mark.parametrize(("error", "status"), [
    (ValueError("secret internal detail"), 500),   # a bug: the 500 page, nothing internal shown
    (ServiceUnavailable(), 503),                    # a server error raised on purpose keeps its code
])
@pytest.mark.own_app
def test_a_server_error_rolls_back_and_shows_no_internals(app, client, ctx, error, status):
    @app.get("/boom")
    def boom():
        """Write something, then fail."""
        g.area = Area(name="Half-written area")
        db.session.add(g.area)
        db.session.flush()
        _fail_with(error)

    seen = {}

    @app.after_request
    def look(response):
        """Record whether the failed write is still in the session when the response leaves."""
        if "area" in g:
            seen["still_in_session"] = g.area in db.session
            seen["in_transaction"] = db.session().in_transaction()
        return response

    response = client.get("/boom")
    assert_site_error_page(response, status, "Sorry, there is a problem with the service")
    html = response.get_data(as_text=True)
    assert "secret internal detail" not in html and "ValueError" not in html
    assert seen == {"still_in_session": False, "in_transaction": False}
    with ctx():
        assert db.session.scalars(select(Area)).first() is None

    assert client.get("/sign-in").status_code == 200


@pytest.mark.parametrize("code", [410, 416])
@pytest.mark.own_app
def test_a_status_without_its_own_title_keeps_its_code_under_a_general_title(app, client, code):
    @app.get("/odd-status")
    def odd_status():
        """Refuse with a status the error pages have no title for."""
        abort(code)

    assert_site_error_page(client.get("/odd-status"), code, "Sorry, there is a problem with your request")
    assert client.get("/odd-status", headers={"Accept": "application/json"}).status_code == code


def test_production_responses_carry_hsts_and_secure_cookies(app, production_env, database_url, make):
    """Real Set-Cookie headers from the production configuration, over HTTPS as behind the proxy."""
    production_env.setenv("DATABASE_URL", database_url)
    production = create_app("production", {"RATELIMIT_STORAGE_URI": "memory://"})
    email = make.get(User, make.user()).email
    https = {"base_url": "https://marketplace.example.gov.uk",
             "headers": {"Referer": "https://marketplace.example.gov.uk/sign-in"}}
    client = production.test_client()
    try:
        page = client.get("/sign-in", **https)
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        session_cookie, = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("__Host-session=")]
        assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(part.strip() for part in session_cookie.split(";"))
        assert "Domain=" not in session_cookie  # a __Host- cookie must not name a domain

        token = CSRF_RE.search(page.get_data(as_text=True))
        signed_in = client.post("/sign-in", data={"email": email, "password": PASSWORD, "remember": "y",
                                                  "csrf_token": token.group(1) or token.group(2)}, **https)
        assert signed_in.status_code == 303
        assert signed_in.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        cookies = {c.split("=", 1)[0]: set(part.strip() for part in c.split(";"))
                   for c in signed_in.headers.getlist("Set-Cookie")}
        assert {"Secure", "HttpOnly"} <= cookies["remember_token"]
        assert {"Secure", "HttpOnly"} <= cookies["__Host-session"]
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
