"""No route answers with a server error (5xx), whatever a client sends.

Every rule in the URL map (read when the tests are collected, so a new route is covered without editing this
file) is sent, as each role (anonymous, VCSE member, supplier member, moderator, contract manager, admin, and a
user whose organisation is still pending), with every method it allows and one it does not, requests Hypothesis
makes up: real and out-of-range ids, malformed and huge numbers and page numbers, invalid UTF-8, NUL characters,
over-long and repeated values, GOV.UK date triples, the wrong content type, a file where text belongs, and a body
over MAX_CONTENT_LENGTH (which must be refused with 413). Field names come from the app itself: every WTForms
form's fields, and the names each route was seen to read when first sent a small form; values, mostly, from the
choices its page offers and from the kind of each field, so that many requests get past the forms into the services.

A failure names the request (role, method, path, query, body) and shows the server's traceback.
"""
import inspect
import json
import logging
import re
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import flask_wtf
import pytest
from flask import Flask, session, url_for
from flask_wtf.csrf import generate_csrf
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from wtforms import BooleanField, DateField, PasswordField
from wtforms.fields.core import UnboundField
from wtforms.validators import Email

from app import create_app
from app.extensions import db
from app.forms.fields import PoundsField, QuantityField
from app.models import (
    Area, Commitment, Contract, KpiRatingValue, LedgerEntry, Measure, Need, NeedStatus, Organisation, Pledge, Theme,
    TokenPurpose, User,
)
from app.models import CaseStudy, EvidenceFile
from app.models.base import MAX_ID, LabelledEnum
from app.services import kpis
from app.services.ledger import reverse_entry
from app.services.measures_csv import export_measures_csv
from app.services.passwords import issue_token
from app.web.request import AppRequest, TextParameters
from tests import factories_contracts as contracts
from tests import factories_evidence as evidence
from tests import factories_ledger as ledger
from tests.conftest import _empty_all_tables, login_as
from tests.factories import PASSWORD, Factories

ROLES = ("anonymous", "vcse", "supplier", "moderator", "contract_manager", "admin", "pending")
EXAMPLES = 4


def _area(endpoint: str) -> str:
    """The blueprint a route belongs to ("app" for the app's own, such as static files)."""
    return endpoint.rpartition(".")[0] or "app"


# The URL map as the test run finds it, by blueprint: a new route is fuzzed without editing this file. One test per
# blueprint rather than per route, so the world is put back (a TRUNCATE, slow on PostgreSQL) nine times, not ninety.
_URL_MAP = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map  # no database is opened
AREAS = sorted({_area(rule.endpoint) for rule in _URL_MAP.iter_rules()})

# Which rows an id in a URL names, by the parameter's name; any other id parameter gets every row's id.
ROWS = {"area_id": Area, "commitment_id": Commitment, "contract_id": Contract, "entry_id": LedgerEntry,
        "measure_id": Measure, "need_id": Need, "organisation_id": Organisation, "pledge_id": Pledge,
        "theme_id": Theme, "user_id": User, "file_id": EvidenceFile, "case_study_id": CaseStudy,
        "story_id": CaseStudy}
# A URL parameter: (converter, name); the converter is empty for plain strings.
RULE_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
EDGE_IDS = ("0", "-1", "00", str(MAX_ID), str(MAX_ID + 1), "99999999999999999999")
# Sent to every name a route reads at once, by each role its guard lets in: the values that have been 500s.
EDGE_VALUES = ("99999999999999999999", "-1", "0", "\x00", b"\xff\xfe", "x" * 40_000)
# Where the blueprints' guards send someone who may not come in (sign in first; wait for approval).
GUARD_PAGES = ("auth.sign_in", "account.waiting")


def _subclasses(cls):
    """Every subclass of a class, however deep."""
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _kind(unbound: UnboundField) -> str:
    """What a form field takes, for choosing a believable value for it."""
    kinds = ((DateField, "date"), (QuantityField, "quantity"), (PoundsField, "pounds"), (PasswordField, "password"),
             (BooleanField, "flag"))
    if any(isinstance(check, Email) for check in unbound.kwargs.get("validators") or ()):
        return "email"
    return next((kind for field_class, kind in kinds if issubclass(unbound.field_class, field_class)), "text")


# Every field of every form in the app (create_app above imported them all), and what each takes.
FIELD_KINDS = {name: _kind(unbound) for form in _subclasses(flask_wtf.FlaskForm)
               for name, unbound in inspect.getmembers(form, lambda member: isinstance(member, UnboundField))}
FORM_FIELDS = sorted(FIELD_KINDS)
# The value of every enumeration the app offers in a select or radio (categories, statuses, roles...).
CHOICES = sorted({member.value for enum in _subclasses(LabelledEnum) for member in enum})


# --- Learning which names each route reads -------------------------------------------------------------------

class RecordingParameters(TextParameters):
    """The app's query-string and form values, noting every name looked up (so the fuzz can send those names)."""

    asked: set[str] = set()

    def __contains__(self, key):
        RecordingParameters.asked.add(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        RecordingParameters.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, *args, **kwargs):
        RecordingParameters.asked.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        RecordingParameters.asked.add(key)
        return super().getlist(key, *args, **kwargs)


class RecordingRequest(AppRequest):
    """The app's own request class, with recording parameters: it behaves exactly the same."""

    parameter_storage_class = RecordingParameters


# --- The world: a user per role, and rows in many states for the URLs' ids -----------------------------------

@dataclass(repr=False)
class World:
    """User ids per role, the ids that can fill each URL parameter, live tokens for the token links, the role
    users' email addresses, CSV files to upload (the app's own export, and it with a row added), and every row of
    every table (so each test can start from the same world without building it again)."""

    users: dict[str, int]
    ids: dict[str, list[int]]
    tokens: list[str]
    emails: list[str]
    files: list[bytes]
    rows: dict[str, list[dict]] = field(default_factory=dict)


def _set(app, model, row_id: int, **values) -> None:
    """Change a row's columns."""
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        db.session.remove()


def build_world(app, make) -> World:
    """Needs in every status, pledges in every status, ended and reversed things, pending and rejected ones."""
    w = ledger.ledger_world(app, make)
    users = {"vcse": w.vcse_user, "supplier": w.supplier_user, "moderator": w.moderator,
             "contract_manager": w.manager, "admin": make.council_user("admin", organisation_id=w.council),
             "pending": make.user(kind="vcse", status="pending")}
    colleague = make.user(w.vcse, org_admin=False)
    make.user(w.supplier, org_admin=False, verified=False)
    for status in ("rejected", "suspended"):
        make.organisation(kind="supplier", status=status)

    area, theme = make.area(), make.theme()
    _set(app, Area, make.area(), is_active=False)
    _set(app, Theme, make.theme(), is_active=False)
    make.measure(pence=None)
    for status in NeedStatus:
        make.need(w.vcse, status=status.value, measure_id=w.measure, area_id=area, theme_ids=[theme])
    make.need(make.organisation(kind="vcse"), status="open", measure_id=w.measure, area_id=area, theme_ids=[theme])

    for status in ("offered", "accepted", "declined", "withdrawn", "delivered", "cancelled"):
        contracts.pledge(app, w.need, w.commitment, status=status)
    walk = (app, w.need, w.commitment, w.supplier_user, w.vcse_user)
    ledger.confirmed_entry(*walk)
    reversed_entry = ledger.confirmed_entry(*walk)
    ledger.disputed_pledge(*walk)
    story_entry = ledger.confirmed_entry(*walk)  # with evidence, and case studies published and waiting
    evidence.attach_file(app, evidence.entry_pledge(app, story_entry), w.supplier_user)
    evidence.case_study(app, story_entry, publish_as=w.moderator)
    evidence.case_study(app, ledger.confirmed_entry(*walk))
    ended = contracts.contract(app, w.supplier, w.council, w.manager, status="ended")
    contracts.commitment(app, ended, w.measure)
    other_supplier = make.organisation(kind="supplier")
    make.user(other_supplier)
    contracts.commitment(app, ledger.contract(app, w.council, other_supplier, w.manager), w.measure)

    with app.app_context():
        reverse_entry(reversed_entry, db.session.get(User, w.manager), reason="Entered twice")
        manager, today = db.session.get(User, w.manager), date.today()  # a published KPI, rated once
        kpis.publish_kpi(w.commitment, manager, True)
        kpis.record_kpi_ratings(w.contract, manager, period_start=today - timedelta(days=30), period_end=today,
                                ratings=[kpis.KpiRatingInput(w.commitment, KpiRatingValue.OTHER, "=Fuzz")])
        tokens = [issue_token(db.session.get(User, user_id), purpose, 1)
                  for user_id, purpose in ((users["pending"], TokenPurpose.VERIFY_EMAIL),
                                           (colleague, TokenPurpose.RESET_PASSWORD), (colleague, TokenPurpose.INVITE))]
        db.session.commit()
        exported = export_measures_csv().encode()
        files = [exported, exported + b"NEW-1,New measure,hour,volunteers;space,1221,2026-04-01,,yes\r\n",
                 exported + b"NEW-2,=HYPERLINK(1),hour,none,99999999999999999999,2026-02-30,x,maybe\r\n"]
        emails = list(db.session.scalars(select(User.email).where(User.id.in_(users.values())).order_by(User.id)))
        ids = {name: list(db.session.scalars(select(model.id).order_by(model.id))) for name, model in ROWS.items()}
        rows = {table.name: [dict(row._mapping) for row in db.session.execute(
            table.select().order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}
        db.session.remove()
    return World(users, ids, tokens, emails, files, rows)


def restore(app, world: World) -> None:
    """Put the world's rows back into the (emptied) tables, and PostgreSQL's id sequences past them."""
    with app.app_context(), db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if world.rows[table.name]:
                connection.execute(table.insert(), world.rows[table.name])
            if connection.dialect.name == "postgresql" and "id" in table.columns:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), MAX(id)) "
                                        f"FROM {table.name} HAVING MAX(id) IS NOT NULL"))


# --- What a client can send ----------------------------------------------------------------------------------

NUMBERS = ("0", "-1", "1", "2", "5", "10", "2.5", "0.001", "1,500", "1e3", "1e309", "NaN", "Infinity", "0x1F",
           "\u0663", "\uff11", "1_000", str(MAX_ID), str(MAX_ID + 1), "99999999999999999999",
           "-99999999999999999999", "9" * 400)
TEXTS = ("", " ", "\x00", "a\x00b", "%", "%ff", "y", "on", "true", "<script>alert(1)</script>", "' OR 1=1 --",
         "\u202eevil", "\U0001f600", "/account/", "//evil.example/", "\\\\evil.example", "javascript:alert(1)",
         "\r\nSet-Cookie: x=1", "Ä" * 300)
LONG = ("x" * 40_000, "\u00e9" * 20_000, "1" * 30_000)
DATE_PARTS = ("1", "12", "28", "29", "31", "32", "0", "-1", "2", "2025", "2026", "2030", "1900", "9999", "10000",
              "99999999999999999999", "", " ", "x", "\x00")
QUERY_TAILS = ("", "", "", "%ff%fe", "%", "%%", "%zz", "&&&", "=", "==&=x", "page=%ff%fe", "a=%00", "%00=1",
               "page=-1", "page=0", "page=99999999999999999999", "q=" + "x" * 20_000)
CONTENT_TYPES = ("application/x-www-form-urlencoded; charset=utf-16", "application/x-www-form-urlencoded; charset=zz",
                 "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=zz",
                 "application/xml", "text/html", 'x/y; a="', "application/json; charset=latin-1", "*/*", "")
JSON_BODIES = ("{", "[1, 2]", "[[1, 2, 3]]", "5", "null", '"x"', '{"a": {"b": [1]}}', '{"a": null}', "\ufeff{}")
FILENAMES = ("measures.csv", "", "../../etc/passwd", "x\x00.csv", "\u00e9.csv", "a" * 300)
FILE_CONTENTS = (b"", b"code,name,unit\r\n", b"\xef\xbb\xbfcode,name\nM1,=cmd|' /C calc'!A0,hour\n",
                 b"\xff\xfe\x00c\x00o", b"\x00" * 16, b"code\n" + b"x," * 1000)

_SOON, _LATER, _YESTERDAY = (date.today() + timedelta(days=n) for n in (40, 400, -1))
# Values a person could type, by the kind of field (dates as day, month and year).
BELIEVABLE = {
    "date": tuple((str(d.day), str(d.month), str(d.year)) for d in (_SOON, _LATER, _YESTERDAY)),
    "quantity": ("5", "1", "2.5", "100"),
    "pounds": ("1,000", "12.50", "250000"),
    "password": (PASSWORD, "a long and unusual passphrase 42"),
    "email": ("fuzz.person@example.org", "someone.new@example.org"),
    "flag": ("y",),
    "text": ("Fuzz text", "A short note about it."),
}


def _bytes(text) -> bytes:
    """Text as UTF-8 (raw bytes, which may not be UTF-8 at all, are sent as they are)."""
    return text if isinstance(text, bytes) else text.encode()


def _shown(text, limit: int = 60) -> str:
    """A value as a failure message shows it: quoted, cut short, its full length said."""
    shown = repr(text[:limit])
    return shown if len(text) <= limit else f"{shown}... ({len(text)} long)"


def _urlencoded(pairs) -> str:
    """Name=value pairs percent-encoded byte for byte (so invalid UTF-8 and NULs go through as sent)."""
    return "&".join(f"{quote(_bytes(name), safe='')}={quote(_bytes(value), safe='')}" for name, value in pairs)


def _multipart(pairs, file) -> tuple[str, bytes]:
    """A multipart/form-data body of the pairs and one file, built by hand so any byte can be in it."""
    boundary = b"fuzzboundary7MA4YWxk"
    parts = [b'Content-Disposition: form-data; name="' + _bytes(name) + b'"\r\n\r\n' + _bytes(value)
             for name, value in pairs]
    name, filename, content = file
    parts.append(b'Content-Disposition: form-data; name="' + _bytes(name) + b'"; filename="' + _bytes(filename)
                 + b'"\r\nContent-Type: text/csv\r\n\r\n' + content)
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    return f"multipart/form-data; boundary={boundary.decode()}", body


@dataclass(repr=False)
class Body:
    """A request body: what kind, its Content-Type and bytes, and the fields it carries (for the message)."""

    kind: str = "none"
    content_type: str | None = None
    data: bytes = b""
    fields: list = field(default_factory=list)


@dataclass(repr=False)
class Attempt:
    """One made-up request: path, query string, CSRF header and body."""

    path: str
    query: str
    csrf: str
    body: Body

    def send(self, client, method: str):
        """Send it with a method."""
        return client.open(self.path, method=method, query_string=self.query, data=self.body.data,
                           content_type=self.body.content_type,
                           headers={"X-CSRFToken": self.csrf} if self.csrf else {})

    def _repr_pretty_(self, printer, cycle) -> None:
        """One line for Hypothesis's report of what it drew (it would otherwise print every field, and the bytes)."""
        printer.text(f"<{self.path}?{_shown(self.query, 80)}, {self.body.kind} body of {len(self.body.data)} bytes>")

    def describe(self) -> str:
        """The request as a failure message shows it."""
        body = self.body
        fields = "".join(f"\n    {_shown(name)} = {_shown(value)}" for name, value in body.fields[:20])
        return (f"  path: {self.path}\n  query: {_shown(self.query, 300)}\n  X-CSRFToken: {_shown(self.csrf)}\n"
                f"  body: {body.kind}, Content-Type {body.content_type!r}, {len(body.data)} bytes: "
                f"{_shown(body.data, 200)}" + (f"\n  fields:{fields}" if fields else ""))


def _is_date(name: str) -> bool:
    """Whether a field name (perhaps with a form's prefix) is a date's, which is sent as three values."""
    return FIELD_KINDS.get(name.rpartition("-")[2]) == "date"


def _believable(name: str, choices: dict[str, list[str]], emails: list[str]) -> st.SearchStrategy[list]:
    """Values a person could submit for a field: one of the choices its page offers, or one of its kind's (an email
    address may be a world user's, so signing in and inviting can succeed or meet a clash)."""
    if choices.get(name):
        return st.sampled_from(choices[name]).map(lambda value: [value])
    kind = FIELD_KINDS.get(name.rpartition("-")[2], "text")
    values = BELIEVABLE[kind] + (tuple(emails) if kind == "email" else ())
    return st.sampled_from(values).map(lambda value: list(value) if kind == "date" else [value])


def attempts(rule, names: list[str], choices: dict[str, list[str]], live: dict[str, str], world: "World",
             csrf: str, max_body: int) -> st.SearchStrategy[Attempt]:
    """Requests to one rule: real and edge ids in its path (and, for text, often the value that names something
    real), made-up query strings and bodies, and mostly a valid CSRF token in the header (Flask-WTF reads it
    whatever the content type), so bodies reach the views."""
    every_id = sorted({str(i) for ids in world.ids.values() for i in ids})
    common = st.sampled_from(NUMBERS + TEXTS + tuple(CHOICES) + tuple(every_id))
    short = st.one_of(common, common, common, st.integers().map(str), st.text(max_size=12),
                      st.binary(min_size=1, max_size=4))
    values = st.one_of(short, short, short, short, st.sampled_from(LONG))
    known = st.sampled_from(names or FORM_FIELDS)
    field_names = st.one_of(known, known, st.sampled_from(FORM_FIELDS), st.text(max_size=12))
    date = st.lists(st.sampled_from(DATE_PARTS), min_size=3, max_size=3)
    one = st.tuples(field_names, values).map(lambda pair: [pair])
    triple = st.tuples(field_names, date).map(lambda pair: [(pair[0], part) for part in pair[1]])
    repeated = st.tuples(field_names, st.lists(values, min_size=2, max_size=4)).map(
        lambda pair: [(pair[0], value) for value in pair[1]])
    loose = st.lists(st.one_of(one, one, triple, repeated), max_size=5).map(lambda groups: sum(groups, []))
    # A query string's values are short, bar the one a tail may bring: servers refuse URLs past a few kilobytes.
    in_query = st.lists(st.tuples(field_names, short), max_size=5)

    def every_name(value_for) -> st.SearchStrategy[list]:
        """Each name the route reads, with its value(s) (a date as its three boxes)."""
        return st.tuples(*(value_for(name) for name in names)).map(
            lambda groups: [(name, value) for name, group in zip(names, groups, strict=True) for value in group])

    def wild(name: str):
        """Any value at all (a date as three boxes of anything)."""
        return date if _is_date(name) else values.map(lambda value: [value])

    def mostly_believable(name: str):
        """Seven times in eight a believable value, else a wild one."""
        believable = _believable(name, choices, world.emails)
        return st.one_of(*[believable] * 7, wild(name))

    # Every name the route reads, with mostly believable values, which get past the forms' checks into the
    # services (first: Hypothesis favours the first choice); each with a wild value; or made-up names and values.
    pairs = st.one_of(every_name(mostly_believable), every_name(wild), loose) if names else loose

    def path_value(converter: str, name: str):
        """An id of a real row or an edge one; text that names something real, or any text or bytes."""
        if converter == "int":
            return st.sampled_from([str(i) for i in world.ids.get(name, every_id)] + list(EDGE_IDS))
        text = st.one_of(st.just(live[name]), st.just(live[name]),
                         st.sampled_from([*world.tokens, "../config.py", "%2e%2e/config.py", "x" * 3000]),
                         st.text(max_size=40), st.binary(min_size=1, max_size=8))
        return text.map(lambda value: quote(_bytes(value), safe="/" if converter == "path" else ""))

    params = st.fixed_dictionaries({name: path_value(converter, name)
                                    for converter, name in RULE_PARAM.findall(rule.rule)})
    file = st.tuples(field_names, st.sampled_from(FILENAMES), st.sampled_from(FILE_CONTENTS + tuple(world.files)))

    @st.composite
    def body(draw) -> Body:
        kind = draw(st.sampled_from(("form", "form", "form", "multipart", "json", "text", "garbage", "none",
                                     "too large")))
        if kind == "garbage":
            return Body(kind, draw(st.sampled_from(CONTENT_TYPES)), draw(st.binary(max_size=64)))
        if kind == "too large":
            return Body(kind, "application/x-www-form-urlencoded", b"reason=" + b"x" * max_body)
        if kind == "none":
            return Body()
        fields = draw(pairs)
        if kind == "form":
            return Body(kind, "application/x-www-form-urlencoded", _urlencoded(fields).encode(), fields)
        if kind == "multipart":
            return Body(kind, *_multipart(fields, draw(file)), fields)
        if kind == "json":
            data = draw(st.one_of(st.sampled_from(JSON_BODIES), st.just(json.dumps(
                {_bytes(name).decode("latin-1"): _bytes(value).decode("latin-1") for name, value in fields}))))
            return Body(kind, "application/json", data.encode(), fields)
        return Body(kind, "text/plain; charset=utf-8", _urlencoded(fields).encode(), fields)

    @st.composite
    def attempt(draw) -> Attempt:
        filled = draw(params)
        path = RULE_PARAM.sub(lambda m: filled[m.group(2)], rule.rule)
        query = "&".join(filter(None, (_urlencoded(draw(in_query)), draw(st.sampled_from(QUERY_TAILS)))))
        return Attempt(path, query, draw(st.sampled_from((csrf, csrf, csrf, "", "forged"))), draw(body()))

    return attempt()


class FormChoices(HTMLParser):
    """The choices a page's forms offer, by field name: each radio's, checkbox's and drop-down option's value."""

    def __init__(self):
        super().__init__()
        self.choices: dict[str, set[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        """Note a choice, or which drop-down the options that follow belong to."""
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and attrs.get("value"):
            self.choices.setdefault(self._select, set()).add(attrs["value"])
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox") and attrs.get("name"):
            self.choices.setdefault(attrs["name"], set()).add(attrs.get("value") or "y")

    def handle_endtag(self, tag) -> None:
        """The end of a drop-down."""
        if tag == "select":
            self._select = None


# --- Sending them as everyone --------------------------------------------------------------------------------

class Tracebacks(logging.Handler):
    """Keeps what the app logs at ERROR or worse (the 500 handler logs the exception with its traceback)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.setFormatter(logging.Formatter("%(message)s"))
        self.texts: list[str] = []

    def emit(self, record) -> None:
        """Keep the message and its traceback."""
        self.texts.append(self.format(record))


@dataclass(repr=False)
class Fuzz:
    """The app under fuzz, its world, a client per role, a CSRF token they all hold, and the server's tracebacks."""

    app: Flask
    world: World
    clients: dict
    csrf: tuple[str, str]  # (the secret in the session, the token a form or header carries)
    tracebacks: Tracebacks
    guard_pages: set[str]
    sessions: dict = field(default_factory=dict)  # role -> (the user's session token, the signed-in cookie)

    def sign_in_everyone(self) -> None:
        """Give each role's client its signed-in session again: an earlier request may have signed it out, ended
        its sessions or changed what its session holds. A user whose session token changed is signed in afresh."""
        with self.app.app_context():
            tokens = dict(db.session.execute(select(User.id, User.session_token)).all())
            db.session.remove()
        for role, client in self.clients.items():
            token = tokens.get(self.world.users.get(role))
            if role in self.sessions and self.sessions[role][0] == token:
                client.set_cookie("session", self.sessions[role][1])
                continue
            if role in self.world.users:
                login_as(client, self.app, self.world.users[role])
            with client.session_transaction() as session:
                session["csrf_token"] = self.csrf[0]
            self.sessions[role] = (token, client.get_cookie("session").value)

    def check(self, role: str, method: str, attempt: Attempt):
        """Send the attempt and return the response; fail, saying what was sent and what the server logged, if the
        answer is a 5xx, or if a body over MAX_CONTENT_LENGTH sent to a route is not refused with 413."""
        __tracebackhide__ = True
        self.tracebacks.texts.clear()
        try:
            response = attempt.send(self.clients[role], method)
        except Exception:  # an error inside the error handlers themselves escapes the test client
            status, detail = "with an exception", traceback.format_exc()
        else:
            response.get_data()
            response.close()
            status, detail = response.status_code, "\n".join(self.tracebacks.texts) or "(nothing logged)"
            # Every POST passes the CSRF check, which reads the body: only a URL that names no route (404, 405)
            # is answered before the body is read.
            too_large = attempt.body.kind == "too large" and method == "POST" and status not in (404, 405, 413)
            if status < 500 and not too_large:
                return response
        raise AssertionError(f"{method} {attempt.path} as {role} answered {status}\n{attempt.describe()}\n"
                             f"Server traceback:\n{detail}")


@pytest.fixture(scope="module")
def world(database_url) -> World:
    """The world, built once for this module."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _empty_all_tables()
    built = build_world(app, Factories(app))
    with app.app_context():
        db.engine.dispose()
    return built


@pytest.fixture
def app_overrides():
    """No rate limits: the fuzz sends far more than any limit allows (tests/test_security.py tests the limits)."""
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def fuzz(app, world):
    """The app with the world restored, a recording request class, a traceback catcher and a client per role."""
    restore(app, world)
    app.request_class = RecordingRequest
    with app.test_request_context():
        token = generate_csrf()  # signs the secret it keeps in the session
        csrf = session["csrf_token"], token
        guard_pages = {url_for(endpoint) for endpoint in GUARD_PAGES}
    tracebacks = Tracebacks()
    app.logger.addHandler(tracebacks)
    yield Fuzz(app, world, {role: app.test_client() for role in ROLES}, csrf, tracebacks, guard_pages)
    app.logger.removeHandler(tracebacks)


@dataclass(repr=False)
class Route:
    """One rule under fuzz: its methods, some it does not allow, and the requests to make up for it."""

    endpoint: str
    methods: list[str]
    other_methods: list[str]
    attempts: st.SearchStrategy[Attempt]


def _filled(rule, world: World, text: str) -> str:
    """The rule's path with a real id in each id parameter, and the text in each other one."""
    return RULE_PARAM.sub(lambda m: str(world.ids.get(m.group(2), [1])[0]) if m.group(1) == "int" else text,
                          rule.rule)


def _live_text(fuzz: Fuzz, rule) -> str:
    """A value for the rule's text parameters that names something real: the live token (or static file) that it
    answers without an error."""
    static = Path(fuzz.app.static_folder)
    candidates = [*fuzz.world.tokens, *(str(file.relative_to(static)) for file in sorted(static.rglob("*.css"))[:1])]
    if "GET" in rule.methods and any(converter != "int" for converter, _ in RULE_PARAM.findall(rule.rule)):
        for candidate in candidates:
            attempt = Attempt(_filled(rule, fuzz.world, candidate), "", "", Body())
            if fuzz.check("anonymous", "GET", attempt).status_code < 400:
                return candidate
    return candidates[0]


def learn(fuzz: Fuzz, rule) -> Route:
    """A rule, the names it reads and the choices its page offers, learnt by sending it one small form per role and
    method (and one method it does not allow). Then, not left to chance, each edge value in every name it reads, in
    the query string and the body, as each role its guard lets in."""
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    other = [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m not in rule.methods] + ["HEAD", "OPTIONS"]
    world, token = fuzz.world, fuzz.csrf[1]
    text = _live_text(fuzz, rule)
    path = _filled(rule, world, text)
    probe = Attempt(path, "probe=1", token, Body("form", "application/x-www-form-urlencoded", b"probe=1"))
    RecordingParameters.asked.clear()
    page, let_in = FormChoices(), []
    fuzz.sign_in_everyone()
    for role in ROLES:
        for method in [*methods, other[0]]:
            response = fuzz.check(role, method, probe)
            if method == "GET" and response.mimetype == "text/html":
                page.feed(response.get_data(as_text=True))
            if method in methods and response.status_code not in (401, 403) and (
                    urlsplit(response.location or "").path not in fuzz.guard_pages):
                let_in.append((role, method))
    # The CSRF token travels in the header; a made-up one in the form would stop every body at the check.
    names = sorted(name for name in RecordingParameters.asked if name != "probe" and not name.endswith("csrf_token"))
    choices = {name: sorted(values) for name, values in page.choices.items()}
    for value in EDGE_VALUES:
        fields = [(name, value) for name in names for _ in range(3 if _is_date(name) else 1)]
        edge = Attempt(path, _urlencoded(fields), token,
                       Body("form", "application/x-www-form-urlencoded", _urlencoded(fields).encode(), fields))
        for role, method in let_in:
            fuzz.check(role, method, edge)
    live = {name: text for converter, name in RULE_PARAM.findall(rule.rule) if converter != "int"}
    return Route(rule.endpoint, methods, other,
                 attempts(rule, names, choices, live, world, token, fuzz.app.config["MAX_CONTENT_LENGTH"]))


def fuzz_route(fuzz: Fuzz, route: Route) -> None:
    """Made-up requests to one route, as every role with every method it allows, and as one role with another."""

    @settings(database=None, derandomize=True, deadline=None, max_examples=EXAMPLES,
              # Shrinking would replay requests against a world the earlier ones changed; a failure says what was sent.
              phases=(Phase.explicit, Phase.generate),
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def examples(data) -> None:
        # Everything is drawn before anything is sent, so what is drawn never depends on how the app answered.
        plan = [(role, method, data.draw(route.attempts, label=f"{route.endpoint} as {role}"))
                for role in ROLES for method in route.methods]
        role, method = data.draw(st.tuples(st.sampled_from(ROLES), st.sampled_from(route.other_methods)))
        plan.append((role, method, data.draw(route.attempts, label=f"{route.endpoint} {method} as {role}")))
        fuzz.sign_in_everyone()
        for role, method, attempt in plan:
            fuzz.check(role, method, attempt)

    examples()


@pytest.mark.parametrize("area", AREAS)
def test_no_request_to_any_route_is_a_server_error(fuzz, area):
    rules = sorted((rule for rule in fuzz.app.url_map.iter_rules() if _area(rule.endpoint) == area),
                   key=lambda rule: (rule.rule, rule.endpoint))
    assert rules
    for rule in rules:
        fuzz_route(fuzz, learn(fuzz, rule))
