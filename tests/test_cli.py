"""The flask commands: demo data, the first administrator and the outbox."""
import pytest
from sqlalchemy import func, select

from app import create_app
from app.demo import DEMO_PASSWORD, DEMO_SIGN_INS
from app.extensions import db, mail
from app.models import (
    Need, NeedCategory, NeedStatus, Organisation, OrganisationKind, OutboxMessage, OutboxStatus, Role, User, utcnow,
)
from config import ProductionConfig
from tests.conftest import post_form

ADMIN_PASSWORD = "a long admin passphrase"


def invoke(ctx, runner, *args: str):
    """Run a flask command as `flask` would: inside an app context (the runner does not push one)."""
    with ctx():
        return runner.invoke(args=list(args))


def row_counts(ctx) -> dict[str, int]:
    """How many rows each table holds."""
    with ctx():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_demo_load_is_idempotent_and_its_sign_ins_work(app, runner, ctx):
    first = invoke(ctx, runner, "demo", "load")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    after_first = row_counts(ctx)
    assert after_first["users"] >= len(DEMO_SIGN_INS)

    second = invoke(ctx, runner, "demo", "load")
    assert second.exit_code == 0, second.output
    assert row_counts(ctx) == after_first

    for email, _what in DEMO_SIGN_INS:
        assert email in first.output
        client = app.test_client()
        response = post_form(client, "/sign-in", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 303, email
        assert client.get("/account/").status_code == 200, email

    expected = {
        "admin@example.gov.uk": (OrganisationKind.BUYER, {Role.ADMIN}),
        "moderator@example.gov.uk": (OrganisationKind.BUYER, {Role.MODERATOR}),
        "contracts@example.gov.uk": (OrganisationKind.BUYER, {Role.CONTRACT_MANAGER}),
        "vcse@example.org": (OrganisationKind.VCSE, set()),
        "supplier@example.com": (OrganisationKind.SUPPLIER, set()),
    }
    assert set(expected) == {email for email, _ in DEMO_SIGN_INS}
    with ctx():
        for email, (kind, roles) in expected.items():
            user = db.session.scalars(select(User).where(User.email == email)).one()
            assert (user.organisation.kind, user.roles) == (kind, roles)


DEMO_ENDED = {NeedStatus.CLOSED, NeedStatus.EXPIRED, NeedStatus.WITHDRAWN, NeedStatus.REJECTED}
# The demo's pledge loop may also fulfil a need, through the services, which say when.
ENDED = DEMO_ENDED | {NeedStatus.FULFILLED, NeedStatus.HIDDEN}


def demo_needs(ctx) -> list[tuple]:
    """(id, status, category, area, created_at, opened_at, ended_at) of every need."""
    with ctx():
        return [tuple(row) for row in db.session.execute(
            select(Need.id, Need.status, Need.category, Need.area_id, Need.created_at, Need.opened_at, Need.ended_at)
            .order_by(Need.id))]


def test_demo_needs_are_about_forty_across_every_category_several_areas_and_statuses(runner, ctx):
    assert invoke(ctx, runner, "demo", "load").exit_code == 0

    rows = demo_needs(ctx)
    assert 35 <= len(rows) <= 45
    statuses = {row[1] for row in rows}
    assert statuses >= {NeedStatus.DRAFT, NeedStatus.PENDING_REVIEW, NeedStatus.CHANGES_REQUESTED, NeedStatus.OPEN,
                        NeedStatus.REJECTED, NeedStatus.CLOSED, NeedStatus.EXPIRED, NeedStatus.WITHDRAWN}
    open_needs = [row for row in rows if row[1] is NeedStatus.OPEN]
    assert len(open_needs) > 25                                    # more than one page of /needs
    assert {row[2] for row in open_needs} == set(NeedCategory)     # every kind of help is open somewhere
    assert len({row[3] for row in rows}) >= 3
    assert len({row[3] for row in open_needs}) >= 3


def test_demo_needs_that_have_ended_say_when_and_a_second_load_changes_none_of_them(runner, ctx):
    assert invoke(ctx, runner, "demo", "load").exit_code == 0
    first = demo_needs(ctx)
    now = utcnow()

    for _id, status, _category, _area, created_at, opened_at, ended_at in first:
        if status in ENDED:
            assert ended_at is not None, status
            assert (opened_at or created_at) <= ended_at <= now, status
        else:
            assert ended_at is None, status
    assert {row[1] for row in first} >= DEMO_ENDED

    assert invoke(ctx, runner, "demo", "load").exit_code == 0
    assert demo_needs(ctx) == first


def test_demo_load_refuses_under_the_production_configuration(app, database_url, ctx, monkeypatch):
    """Decided by the configuration's name: production, even with debug on, never gets demo data."""
    for name, value in {"SECRET_KEY": "a-real-secret", "DATABASE_URL": database_url,
                        "BASE_URL": "https://socialvalue.example.gov.uk"}.items():
        monkeypatch.setenv(name, value)
    for attribute in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI"):  # check() sets these; restore them afterwards
        monkeypatch.setattr(ProductionConfig, attribute, getattr(ProductionConfig, attribute))
    production = create_app("production", {"RATELIMIT_STORAGE_URI": "memory://", "DEBUG": True})
    assert production.config["ENV_NAME"] == "production"
    try:
        with production.app_context():
            result = production.test_cli_runner().invoke(args=["demo", "load"])
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
    assert result.exit_code != 0
    assert "Refusing to load demo data" in result.output
    assert row_counts(ctx)["users"] == 0


@pytest.mark.parametrize("app_overrides", [{"SESSION_COOKIE_SECURE": True, "ENV_NAME": "staging"}])
def test_demo_load_refuses_a_configuration_that_is_not_named_development_or_testing(runner, ctx):
    result = invoke(ctx, runner, "demo", "load")
    assert result.exit_code != 0
    assert "Refusing to load demo data" in result.output
    assert row_counts(ctx)["users"] == 0


def create_admin(ctx, runner, email: str = "root@example.gov.uk", password: str = ADMIN_PASSWORD):
    """Run flask users create-admin without prompts."""
    return invoke(ctx, runner, "users", "create-admin", "--email", email, "--name", "Ada Admin", "--password", password)


def test_create_admin_creates_a_verified_admin_holding_every_role(app, runner, ctx):
    result = create_admin(ctx, runner)
    assert result.exit_code == 0, result.output
    assert "Created administrator root@example.gov.uk" in result.output
    with ctx():
        user = db.session.scalars(select(User).where(User.email == "root@example.gov.uk")).one()
        assert user.roles == {Role.ADMIN, Role.MODERATOR, Role.CONTRACT_MANAGER}
        assert user.organisation.kind is OrganisationKind.BUYER
        assert user.organisation.name == app.config["COUNCIL_NAME"]
        assert user.can_use_service
    client = app.test_client()
    signed_in = post_form(client, "/sign-in", {"email": "root@example.gov.uk", "password": ADMIN_PASSWORD})
    assert signed_in.status_code == 303
    assert client.get("/admin/").status_code == 200
    assert client.get("/moderation/").status_code == 200


def test_create_admin_reuses_the_council_organisation(runner, ctx):
    assert create_admin(ctx, runner, "one@example.gov.uk").exit_code == 0
    assert create_admin(ctx, runner, "two@example.gov.uk").exit_code == 0
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


@pytest.mark.parametrize("password", ["short", "password1234"])
def test_create_admin_refuses_a_weak_password(runner, ctx, password):
    result = create_admin(ctx, runner, password=password)
    assert result.exit_code != 0
    assert "Password" in result.output
    assert row_counts(ctx)["users"] == 0


def test_create_admin_refuses_an_email_already_in_use(runner, make, ctx):
    make.user(email="root@example.gov.uk")
    result = create_admin(ctx, runner, "Root@Example.gov.uk")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert row_counts(ctx)["users"] == 1


def test_outbox_send_prints_counts(runner, make, ctx, monkeypatch):
    import app.email as email_module
    from app.email import queue_email

    users = [make.user(email=f"p{n}@example.org") for n in range(3)]
    with ctx():
        queue_email([db.session.get(User, u) for u in users], "password_changed", "Your password was changed")
        db.session.commit()
    real = email_module.deliver

    def fail_for_p0(message):
        if message.to_email == "p0@example.org":
            raise ConnectionRefusedError("no route")
        real(message)
    monkeypatch.setattr(email_module, "deliver", fail_for_p0)

    with mail.record_messages() as sent:
        result = invoke(ctx, runner, "outbox", "send")
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 1." in result.output
    assert sorted(m.recipients[0] for m in sent) == ["p1@example.org", "p2@example.org"]
    with ctx():
        statuses = dict(db.session.execute(select(OutboxMessage.to_email, OutboxMessage.status)).all())
    assert statuses == {"p0@example.org": OutboxStatus.PENDING, "p1@example.org": OutboxStatus.SENT,
                        "p2@example.org": OutboxStatus.SENT}

    again = invoke(ctx, runner, "outbox", "send")
    assert "Sent 0, failed 0." in again.output
