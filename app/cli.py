"""Flask commands: demo data, the first admin, reference defaults and the outbox."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.extensions import db

DEMO_ENVIRONMENTS = {"development", "testing"}


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reference_cli)
    app.cli.add_command(needs_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(suggestions_cli)
    app.cli.add_command(worker_command)


@click.group("demo", cls=AppGroup)
def demo_cli():
    """Demo data."""


@demo_cli.command("load")
def demo_load():
    """Load demo data (idempotent); refused under production configuration."""
    from app.demo import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo

    # Decided by the configuration's name, not guessed from other settings; anything unnamed is refused too.
    if current_app.config.get("ENV_NAME") not in DEMO_ENVIRONMENTS:
        raise click.ClickException("Refusing to load demo data under production configuration "
                                   "(only development and testing may have it).")
    load_demo()
    click.echo("Demo data loaded. Sign in at /sign-in with any of these (password: %s):" % DEMO_PASSWORD)
    for email, what in DEMO_SIGN_INS:
        click.echo(f"  {email:<28} {what}")


@click.group("users", cls=AppGroup)
def users_cli():
    """User accounts."""


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Full name")
@click.option("--council", default=None, help="The council's name (defaults to COUNCIL_NAME).")
@click.password_option()
def create_admin(email: str, name: str, council: str | None, password: str):
    """Create the first administrator (and the council organisation if missing)."""
    from app.models import Organisation, OrganisationKind, OrganisationStatus, Role, User, UserRole, utcnow
    from app.services.accounts import normalise_email, user_by_email
    from app.services.passwords import hash_password, password_problem

    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    if user_by_email(email):
        raise click.ClickException("A user with that email already exists.")
    council_name = council or current_app.config["COUNCIL_NAME"]
    organisation = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.BUYER, Organisation.name == council_name)
    ).first() or Organisation(name=council_name, kind=OrganisationKind.BUYER, status=OrganisationStatus.APPROVED,
                              decided_at=utcnow())
    db.session.add(User(organisation=organisation, email=normalise_email(email), name=name,
                        password_hash=hash_password(password), email_verified_at=utcnow(), is_org_admin=True,
                        role_rows=[UserRole(role=r) for r in Role]))
    db.session.commit()
    click.echo(f"Created administrator {email} for {council_name}.")


@click.group("outbox", cls=AppGroup)
def outbox_cli():
    """The email outbox."""


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def outbox_send(limit: int):
    """Send pending emails that are due; failures are kept for retry with back-off."""
    from app.email import send_pending

    sent, failed = send_pending(limit)
    click.echo(f"Sent {sent}, failed {failed}.")


@outbox_cli.command("purge")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=0),
              help="Delete sent emails older than this many days.")
def outbox_purge(days: int):
    """Delete sent emails older than --days days (unsent and failed ones are kept)."""
    from app.email import purge_sent

    click.echo(f"Deleted {purge_sent(days)} sent emails older than {days} days.")


@click.group("reference", cls=AppGroup)
def reference_cli():
    """The council's reference lists."""


@reference_cli.command("load-defaults")
def reference_load_defaults():
    """Add the default themes, measures and areas that are missing."""
    from app.services.reference_defaults import load_default_reference

    added = load_default_reference()
    click.echo(", ".join(f"{n} {k} added" for k, n in added.items()))


@click.group("needs", cls=AppGroup)
def needs_cli():
    """Needs."""


@needs_cli.command("expire")
def needs_expire():
    """Mark open needs past their needed-by date as expired and email their organisations."""
    from app.services.needs import expire_needs

    click.echo(f"Expired {expire_needs()} needs.")


@click.group("notifications", cls=AppGroup)
def notifications_cli():
    """Reminders and daily or weekly digest emails."""


@notifications_cli.command("send-reminders")
def notifications_send_reminders():
    """Send the reminders that are due (each once per object and stage)."""
    from app.services.reminders import send_reminders

    sent = send_reminders()
    click.echo(f"Sent {sum(sent.values())} reminders: " + ", ".join(f"{n} {s.label.lower()}" for s, n in sent.items()))


@notifications_cli.command("send-digests")
def notifications_send_digests():
    """Send the daily and weekly digests that are due (none when nothing is new)."""
    from app.services.notifications import send_digests

    click.echo(f"Sent {send_digests()} digests.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit (for cron: every minute).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None,
              help="Seconds to sleep between passes (default: WORKER_POLL_SECONDS).")
@with_appcontext
def worker_command(once: bool, interval: float | None):
    """Send the outbox and run the scheduled jobs, for ever (or --once); stops cleanly on SIGTERM or Ctrl+C."""
    import logging
    import signal
    import threading

    from app.services.worker import log, run_forever, run_pass

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    batch_size = current_app.config["WORKER_BATCH_SIZE"]
    if once:
        report = run_pass(batch_size)
        if report.did_something:
            log.info(report.summary())
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    interval = interval or current_app.config["WORKER_POLL_SECONDS"]
    log.info("Worker started: a pass every %g seconds (Ctrl+C or SIGTERM to stop).", interval)
    run_forever(interval, batch_size, stop)
    log.info("Worker stopped.")


@click.group("suggestions", cls=AppGroup)
def suggestions_cli():
    """Suggestions of open needs for suppliers' commitments."""


@suggestions_cli.command("rebuild")
def suggestions_rebuild():
    """Work out every suggestion again from scratch."""
    from app.services.suggestions import rebuild_all

    click.echo(f"Rebuilt {rebuild_all()} suggestions.")


@suggestions_cli.command("refresh")
def suggestions_refresh():
    """Carry out the refreshes queued by changes to needs, commitments and pledges."""
    from app.services.suggestions import carry_out_refreshes

    click.echo(f"Refreshed {carry_out_refreshes()} needs and commitments.")
