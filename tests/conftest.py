"""Fixtures: a schema built by the real migrations, a fresh app per test, clients and helpers."""
import copy
import os
import re
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text

from app import create_app
from app.extensions import db, limiter
from app.queries.impact import CACHE_KEY as IMPACT_CACHE_KEY
from app.queries.overview import forget_ledger_sums

TEST_DB_URL = os.environ.get("TEST_DATABASE_URL")
IS_POSTGRES = bool(TEST_DB_URL and TEST_DB_URL.startswith("postgresql"))


def _worker_database(url: str, worker: str) -> str:
    """Each pytest-xdist worker's own PostgreSQL database, `<name>_<worker>`, created beside the named one."""
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": own.database}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


def _database_url(tmp_path_factory) -> str:
    """The database under test: TEST_DATABASE_URL (one per worker when run in parallel), or a temporary SQLite file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if IS_POSTGRES:
        url = make_url(_worker_database(TEST_DB_URL, worker) if worker else TEST_DB_URL)
        # A commit need not wait for the disk in tests (it took 20 ms, most of a short test's time on PostgreSQL);
        # what one connection commits is seen by the others exactly as before.
        return url.update_query_dict({"options": "-c synchronous_commit=off"}).render_as_string(hide_password=False)
    if TEST_DB_URL:
        return TEST_DB_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Build the schema once per run by running the real migrations."""
    url = _database_url(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if IS_POSTGRES:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    """Delete every row so the next test starts clean (much quicker than rebuilding the schema)."""
    db.session.remove()
    forget_ledger_sums()  # the reports' cache is keyed on a ledger that, outside tests, only ever grows
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if IS_POSTGRES:
            # DELETE as a replica fires no triggers (so the ledger's append-only trigger lets it through, and no
            # foreign key is checked), and on tables of a few rows it takes milliseconds where TRUNCATE of every
            # table took a second. Then every id sequence starts again from 1, as TRUNCATE ... RESTART IDENTITY did.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))
            sequences = connection.execute(text(
                "SELECT schemaname || '.' || sequencename FROM pg_sequences WHERE schemaname = current_schema()"))
            for (sequence,) in sequences.all():
                connection.execute(text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence})
        else:
            # The ledger's triggers refuse DELETE (migration 0005): drop them, empty the tables and
            # create them again from their own saved SQL, in one transaction (SQLite's DDL is
            # transactional), so no test ever runs without them and the app is not weakened.
            # BEGIN first: the sqlite3 driver would otherwise run the DROP outside any transaction.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            triggers = connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries'")).all()
            for name, _sql in triggers:
                connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))
            for _name, sql in triggers:
                connection.exec_driver_sql(sql)


@pytest.fixture
def app_overrides():
    """Settings a test module may override."""
    return {}


# Building an app (about 150 routes to compile, templates to compile) took a fifth of a second, a third of a short
# test's time; so each process builds one app per set of overrides and every test gets it back as new: its settings
# as built, its in-process caches empty, an empty database.
_BUILT_APPS: dict[str, tuple] = {}
APP_CACHES = (IMPACT_CACHE_KEY,)


def _app_for(database_url: str, overrides: dict):
    """The process's app for these settings, with its settings put back as they were when it was built."""
    key = repr((database_url, sorted(overrides.items(), key=lambda item: item[0])))
    if key not in _BUILT_APPS:
        built = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        _BUILT_APPS[key] = (built, copy.deepcopy(dict(built.config)))
    app, settings = _BUILT_APPS[key]
    app.config.clear()
    app.config.update(copy.deepcopy(settings))
    for cache in APP_CACHES:
        app.extensions.pop(cache, None)
    return app


@pytest.fixture
def app(request, database_url, app_overrides, tmp_path):
    """An app as new on an empty database, keeping evidence files in the test's own folder."""
    own = request.node.get_closest_marker("own_app") is not None
    app = (create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **app_overrides}) if own
           else _app_for(database_url, app_overrides))
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    with app.app_context():
        _empty_all_tables()
    limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        if own:
            db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app."""
    return app.test_cli_runner()


@contextmanager
def _ctx(app):
    """A short-lived app context: never hold one open across client calls."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def ctx(app):
    """Open a short-lived app context: `with ctx(): ...`."""
    return lambda: _ctx(app)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, page: str = "/sign-in") -> str:
    """Fetch a page and return the CSRF token its forms carry (and the session now expects)."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def without_csrf(html: str) -> str:
    """A page with its CSRF tokens blanked: a token carries the time to the second, so two requests may differ there."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)


def post_form(client, url: str, data: dict | None = None, *, page: str = "/sign-in", **kwargs):
    """POST a form with a valid CSRF token, the way a browser would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, page))
    return client.post(url, data=payload, **kwargs)


def login_as(client, app, user_id: int) -> None:
    """Sign a test client in as a user, as Flask-Login would after a real sign-in."""
    from app.models import User

    with _ctx(app):
        token = db.session.get(User, user_id).session_token
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


@pytest.fixture
def login(client, app):
    """Sign the default client in as a user id: `login(user_id)`."""
    return lambda user_id: login_as(client, app, user_id)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as counter:` block."""
    @contextmanager
    def counting():
        counter = {"n": 0, "statements": []}

        def before(conn, cursor, statement, parameters, context, executemany):
            counter["n"] += 1
            counter["statements"].append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)
    return counting


@pytest.fixture
def outbox(app):
    """The emails queued so far, as (to, subject, text) tuples, read fresh each call."""
    from sqlalchemy import select

    from app.models import OutboxMessage

    def read():
        with _ctx(app):
            return [(m.to_email, m.subject, m.body_text)
                    for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    return read


@pytest.fixture
def make(app):
    """Factories bound to this app: `make.user(...)` and friends return ids."""
    from tests import factories

    return factories.Factories(app)


@pytest.fixture(autouse=True)
def no_real_mail(monkeypatch):
    """Fail any test that sends mail through Flask-Mail uncaptured (outside `mail.record_messages()`) or opens SMTP."""
    import flask_mail

    escaped: list[str] = []
    real_send = flask_mail.Connection.send

    def refuse_smtp(self):
        escaped.append(f"an SMTP connection to {self.mail.server}:{self.mail.port}")
        raise RuntimeError("Tests never connect to a mail server.")

    def send_only_if_recorded(self, message, envelope_from=None):
        if not flask_mail.email_dispatched.receivers:
            escaped.append(f"{message.subject!r} to {', '.join(map(str, message.recipients))}")
            raise RuntimeError("Mail sent outside mail.record_messages() in a test.")
        return real_send(self, message, envelope_from)

    monkeypatch.setattr(flask_mail.Connection, "configure_host", refuse_smtp)
    monkeypatch.setattr(flask_mail.Connection, "send", send_only_if_recorded)
    yield
    if escaped:
        pytest.fail("A test sent real mail (capture it with mail.record_messages()): " + "; ".join(escaped),
                    pytrace=False)
