"""Account hardening: removed users' links die, and rate limits see real addresses behind a proxy."""
import re

import pytest

from app import create_app
from app.extensions import limiter
from tests.conftest import post_form
from tests.factories import PASSWORD


def test_a_removed_colleagues_reset_link_stops_working(client, make, login, outbox):
    organisation = make.organisation(kind="vcse")
    admin = make.user(organisation)
    colleague = make.user(organisation, org_admin=False, email="leaver@example.org")
    post_form(client, "/forgotten-password", {"email": "leaver@example.org"}, page="/forgotten-password")
    link = re.search(r"http://marketplace\.test(/reset-password/\S+)", outbox()[-1][2]).group(1)
    assert client.get(link).status_code == 200

    login(admin)
    response = post_form(client, f"/account/team/{colleague}/remove", page="/account/team")
    assert response.status_code == 303

    assert client.get(link).status_code == 410
    response = post_form(client, link, {"password": "a brand new long password"}, page="/account/team")
    assert response.status_code == 410


@pytest.mark.parametrize("hops, separate_budgets", [(1, True), (0, False)])
def test_sign_in_rate_limit_is_per_client_address_behind_a_trusted_proxy(database_url, hops, separate_budgets):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_FIX_HOPS": hops})
    limiter.reset()
    client = app.test_client()
    data = {"email": "nobody@example.org", "password": PASSWORD}
    for _ in range(10):
        post_form(client, "/sign-in", data, headers={"X-Forwarded-For": "203.0.113.1"})
    blocked = post_form(client, "/sign-in", data, headers={"X-Forwarded-For": "203.0.113.1"})
    other = post_form(client, "/sign-in", data, headers={"X-Forwarded-For": "203.0.113.2"})
    assert blocked.status_code == 429
    assert (other.status_code != 429) is separate_budgets
    with app.app_context():
        from app.extensions import db
        db.engine.dispose()


def test_nul_characters_in_any_form_or_query_are_dropped_not_a_server_error(client, make, login, ctx):
    """PostgreSQL cannot store a NUL: a pasted one must not reach it from any field of any form."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Organisation
    from tests.test_auth import registration

    area = make.area()
    data = registration([area], organisation_name="Nul\x00 Trust", name="Pat\x00 Jones")
    assert post_form(client, "/register", data, page="/register").status_code == 303
    with ctx():
        names = db.session.scalars(select(Organisation.name)).all()
    assert "Nul Trust" in names

    login(make.council_user("admin"))
    assert client.get("/admin/users?q=pat%00jones").status_code == 200
