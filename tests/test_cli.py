"""The flask commands: demo data, the first administrator and the outbox."""
import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, DEMO_SIGN_INS
from app.extensions import db
from app.models import Organisation, OrganisationKind, OutboxMessage, OutboxStatus, Role, User
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


@pytest.mark.parametrize("app_overrides", [{"SESSION_COOKIE_SECURE": True}])
def test_demo_load_refuses_under_production_like_configuration(runner, ctx):
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

    result = invoke(ctx, runner, "outbox", "send")
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 1." in result.output
    with ctx():
        statuses = dict(db.session.execute(select(OutboxMessage.to_email, OutboxMessage.status)).all())
    assert statuses == {"p0@example.org": OutboxStatus.PENDING, "p1@example.org": OutboxStatus.SENT,
                        "p2@example.org": OutboxStatus.SENT}

    again = invoke(ctx, runner, "outbox", "send")
    assert "Sent 0, failed 0." in again.output
