#!/usr/bin/env python
"""Benchmark the public needs list (/needs) on 100,000 needs through the real WSGI app.

    .venv/bin/python bench/needs_list.py --db sqlite
    .venv/bin/python bench/needs_list.py --db postgresql [--needs 100000 --orgs 10000 --requests 200]

Builds a fresh database with the real migrations (SQLite: /tmp/bench-needs.sqlite; PostgreSQL:
the database bench_needs, dropped and created again), loads the default reference data, generates
approved VCSE organisations and needs, then times GET requests with the Flask test client. Results
go to bench/results/needs_list-<db>.json and the results section of bench/README.md.
"""
import argparse
import gc
import itertools
import json
import os
import platform
import random
import re
import secrets
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Area, MeasureCategory, Need, NeedCategory, NeedStatus, Organisation, OrganisationKind,
    OrganisationStatus, Theme, User, need_themes, organisation_areas,
)
from app.services.reference_defaults import load_default_reference  # noqa: E402
from bench import words  # noqa: E402

HERE = Path(__file__).resolve().parent
SQLITE_PATH = Path("/tmp/bench-needs.sqlite")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DATABASE = "bench_needs"
TARGET_P95_MS = 50.0
WARM_UP = 10
BATCH = 5000
SEED = 20261122

STATUS_WEIGHTS = {
    NeedStatus.OPEN: 85, NeedStatus.FULFILLED: 4, NeedStatus.CLOSED: 3, NeedStatus.EXPIRED: 2,
    NeedStatus.PENDING_REVIEW: 2, NeedStatus.DRAFT: 2, NeedStatus.WITHDRAWN: 1,
    NeedStatus.CHANGES_REQUESTED: 0.5, NeedStatus.REJECTED: 0.5,
}
CATEGORY_WEIGHTS = {NeedCategory.VOLUNTEERS: 30, NeedCategory.EQUIPMENT: 25, NeedCategory.SPACE: 15,
                    NeedCategory.ADVICE: 20, NeedCategory.OTHER: 10}
AREA_WEIGHTS = [22, 18, 15, 14, 12, 10, 9]  # uneven, as real districts are
THEME_WEIGHTS = [30, 20, 25, 15, 10]
TOKEN = re.compile(r"\w+")


# ---------------------------------------------------------------- database and schema

def fresh_database(kind: str, name: str = PG_DATABASE, sqlite_path: Path = SQLITE_PATH) -> str:
    """Drop and create a benchmark's own database (PostgreSQL `name`, or a SQLite file); return its URL."""
    if kind == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{sqlite_path}"
    assert name.startswith("bench_")  # never anything else: test* and svm_dev belong to others
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{PG_SERVER}/{name}"


def bulk_insert(table, rows: list[dict]) -> None:
    """Insert rows in batches of BATCH, in one transaction."""
    with db.engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start:start + BATCH])


def build_app(url: str):
    """The real app on the benchmark database ("testing": no secrets needed, mail suppressed), its start-up objects
    frozen out of the garbage collector's way as wsgi.py does in production."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    gc.freeze()
    return app


def build_schema(app) -> None:
    """Run the real migrations and load the default areas, themes and measures."""
    with app.app_context():
        upgrade()
        load_default_reference()
        db.session.remove()


# ---------------------------------------------------------------- data

class Zipf:
    """Draw words with Zipf-like frequencies (rank k drawn in proportion to 1/k)."""

    def __init__(self, vocabulary: list[str], rng: random.Random):
        self.words = vocabulary[:]
        rng.shuffle(self.words)
        self.cumulative = list(itertools.accumulate(1 / k for k in range(1, len(self.words) + 1)))
        self.rng = rng

    def draw(self, k: int) -> list[str]:
        """k words, with repeats."""
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=k)


def _sentence(rng: random.Random, content: list[str]) -> str:
    """Content words with a little filler between them, capitalised, ending in a full stop."""
    out = []
    for word in content:
        if rng.random() < 0.45:
            out.append(rng.choice(words.FILLER))
        out.append(word)
    return " ".join(out).capitalize() + "."


def _need_text(rng: random.Random, zipf: Zipf, area: str) -> tuple[str, str, str, str]:
    """(title, summary, description source, description html) for one need."""
    n, n2 = zipf.draw(2)
    title = rng.choice(words.TITLE_TEMPLATES).format(
        a=rng.choice(words.ADJECTIVES), n=n, n2=n2, g=rng.choice(words.GROUPS), p=rng.choice(words.PLACES))
    title = title[0].upper() + title[1:]
    summary = _sentence(rng, zipf.draw(rng.randint(10, 16)))[:300]
    paragraphs = [_sentence(rng, zipf.draw(rng.randint(12, 20))) for _ in range(rng.randint(2, 4))]
    paragraphs.append(f"We are based in {area}.")
    source = "\n\n".join(paragraphs)
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return title[:120], summary, source, html


def generate(app, n_needs: int, n_orgs: int, rng: random.Random) -> dict:
    """Bulk-insert organisations, their users and needs; return the facts the checks need."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    zipf = Zipf(list(dict.fromkeys(w.lower() for w in words.CONTENT_WORDS)), rng)
    with app.app_context():
        areas = list(db.session.scalars(select(Area).order_by(Area.id)))
        theme_ids = list(db.session.scalars(select(Theme.id).order_by(Theme.id)))
        measures_for = {c: [] for c in NeedCategory}
        for measure_id, category in db.session.execute(select(MeasureCategory.measure_id, MeasureCategory.category)):
            measures_for[category].append(measure_id)
        first_org = (db.session.scalar(select(func.max(Organisation.id))) or 0) + 1
        first_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
        first_need = (db.session.scalar(select(func.max(Need.id))) or 0) + 1
        db.session.remove()

        orgs, users, org_areas = [], [], []
        for i in range(n_orgs):
            org_id, area = first_org + i, rng.choices(areas, weights=AREA_WEIGHTS)[0]
            name = f"{rng.choice(words.ORG_PREFIXES)} {area.name} {rng.choice(words.ORG_NOUNS)} {i + 1}"
            created = now - timedelta(days=800 - i * 60 / n_orgs, minutes=rng.randint(0, 1440))
            orgs.append(dict(id=org_id, name=name, kind=OrganisationKind.VCSE, status=OrganisationStatus.APPROVED,
                             registered_number=f"{1_100_000 + i}", decided_at=created, created_at=created))
            users.append(dict(id=first_user + i, organisation_id=org_id, name=f"Organiser {i + 1}",
                              email=f"organiser{i + 1}@org{i + 1}.example.org", password_hash=None,
                              session_token=secrets.token_urlsafe(24), is_org_admin=True, is_removed=False,
                              email_verified_at=created, created_at=created))
            org_areas.append(dict(organisation_id=org_id, area_id=area.id))

        with db.engine.begin() as connection:
            for table, rows in ((Organisation.__table__, orgs), (User.__table__, users),
                                (organisation_areas, org_areas)):
                for start in range(0, len(rows), BATCH):
                    connection.execute(insert(table), rows[start:start + BATCH])

        facts = {"needs": n_needs, "orgs": n_orgs, "open": 0, "by_category_area": {}, "by_theme": {},
                 "doc_freq": {}, "status": {}}
        statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        categories, category_weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
        span = timedelta(days=730).total_seconds()
        area_of = [next(a for a in areas if a.id == row["area_id"]) for row in org_areas]
        need_rows, theme_rows = [], []
        for i in range(n_needs):
            need_id = first_need + i
            org = rng.randrange(n_orgs)
            # Most needs are in the organisation's own area; some elsewhere.
            area = rng.choices(areas, weights=AREA_WEIGHTS)[0] if rng.random() < 0.3 else area_of[org]
            category = rng.choices(categories, weights=category_weights)[0]
            status = rng.choices(statuses, weights=status_weights)[0]
            # Ids rise with created_at, as they do in life; a little jitter so neither order is exact.
            created = now - timedelta(seconds=span * (1 - i / n_needs) + rng.uniform(0, 600))
            title, summary, source, html = _need_text(rng, zipf, area.name)
            search_text = " ".join([title, summary, re.sub(r"\s+", " ", source)])
            submitted = None if status in (NeedStatus.DRAFT,) else created
            opened = created if status in (NeedStatus.OPEN, NeedStatus.FULFILLED, NeedStatus.CLOSED,
                                           NeedStatus.EXPIRED) else None
            need_rows.append(dict(
                id=need_id, organisation_id=first_org + org, created_by_id=first_user + org, title=title,
                summary=summary, description_source=source, description_html=html, search_text=search_text,
                category=category, measure_id=rng.choice(measures_for[category]),
                quantity=Decimal(rng.choice([1, 2, 5, 10, 20, 40, 100, 250])), area_id=area.id,
                needed_by=(created + timedelta(days=rng.randint(14, 240))).date(),
                contact=f"Email organiser{org + 1}@org{org + 1}.example.org", status=status, moderation_note="",
                submitted_at=submitted, opened_at=opened,
                ended_at=created + timedelta(days=30) if opened and status is not NeedStatus.OPEN else None,
                created_at=created, updated_at=created))
            chosen_themes = rng.sample(theme_ids, rng.choice([1, 1, 2])) if rng.random() < 0.5 else \
                rng.choices(theme_ids, weights=THEME_WEIGHTS)[:1]
            theme_rows.extend(dict(need_id=need_id, theme_id=t) for t in chosen_themes)
            facts["status"][status.value] = facts["status"].get(status.value, 0) + 1
            if status is NeedStatus.OPEN:
                facts["open"] += 1
                key = f"{category.value}:{area.id}"
                facts["by_category_area"][key] = facts["by_category_area"].get(key, 0) + 1
                for t in chosen_themes:
                    facts["by_theme"][t] = facts["by_theme"].get(t, 0) + 1
                for token in set(TOKEN.findall(search_text.lower())):
                    facts["doc_freq"][token] = facts["doc_freq"].get(token, 0) + 1
            if len(need_rows) == BATCH or i == n_needs - 1:
                with db.engine.begin() as connection:
                    connection.execute(insert(Need.__table__), need_rows)
                    connection.execute(insert(need_themes), theme_rows)
                need_rows, theme_rows = [], []
    facts["areas"] = {a.id: a.name for a in areas}
    return facts


def analyse(app) -> None:
    """Bring the planner's statistics up to date, as autovacuum / PRAGMA optimize would."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in ("needs", "need_themes", "organisations", "users", "organisation_areas"):
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                            f"(SELECT max(id) FROM {table}))") if table in
                                       ("needs", "organisations", "users") else text("SELECT 1"))
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
                connection.execute(text("PRAGMA optimize"))
        db.engine.dispose()


# ---------------------------------------------------------------- cases

def _prefix_unique(word: str, tokens) -> bool:
    """Whether no other token starts with the word or is the start of it (so prefix and stem match agree)."""
    return not any(t != word and (t.startswith(word) or word.startswith(t[:max(4, len(t))])) for t in tokens)


def search_word(facts: dict, share: float) -> str:
    """A word in about `share` of open needs whose matches are the same by prefix (SQLite) and stem (PostgreSQL)."""
    tokens = [t for t in facts["doc_freq"] if not t.isdigit()]
    target = facts["open"] * share
    candidates = sorted((t for t in tokens if len(t) >= 5), key=lambda t: abs(facts["doc_freq"][t] - target))
    return next(t for t in candidates[:200] if _prefix_unique(t, tokens) and t.isalpha()
                and not t.endswith(("s", "ing", "ed", "y", "e")))


def build_cases(facts: dict) -> list[dict]:
    """The cases to time: the three the issue asks for, then extra rows."""
    word = search_word(facts, 0.02)
    busy = search_word(facts, 0.15)
    area_id = sorted(facts["areas"])[2]
    theme_id = max(facts["by_theme"], key=facts["by_theme"].get)
    open_ = facts["open"]
    return [
        dict(name="No filter", url="/needs", expect=open_, required=True),
        dict(name=f"Word search (q={word})", url=f"/needs?q={word}", expect=facts["doc_freq"][word], required=True),
        dict(name="Two filters (category + area)", url=f"/needs?category=volunteers&area={area_id}",
             expect=facts["by_category_area"].get(f"volunteers:{area_id}", 0), required=True),
        dict(name="Word search, needed soonest", url=f"/needs?q={word}&sort=needed_by",
             expect=facts["doc_freq"][word], required=False),
        dict(name=f"Common word (q={busy})", url=f"/needs?q={busy}", expect=facts["doc_freq"][busy], required=False),
        dict(name="No filter, page 40", url="/needs?page=40", expect=open_, required=False),
        dict(name="Theme, needed soonest", url=f"/needs?theme={theme_id}&sort=needed_by",
             expect=facts["by_theme"][theme_id], required=False),
    ]


def expected_text(count: int) -> str:
    """The count line the page shows."""
    return f"<strong>{count:,}</strong> open {'need' if count == 1 else 'needs'}"


# ---------------------------------------------------------------- measuring

class StatementLog:
    """Record the SQL (and its time) that one request runs."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_t0")) * 1000
        self.statements.append(dict(sql=statement, params=parameters, ms=ms))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def time_case(app, case: dict, n: int, deadline: float) -> dict:
    """Warm up, then time n GETs of the case's URL; check each answer."""
    client, expect = app.test_client(), expected_text(case["expect"])

    def get():
        response = client.get(case["url"])
        body = response.get_data(as_text=True)
        assert response.status_code == 200, f"{case['url']}: {response.status_code}"
        assert expect in body, f"{case['url']}: expected {expect!r}, page says " + \
            (re.search(r"<strong>[\d,]+</strong> open needs?", body) or [""])[0]

    for _ in range(WARM_UP):
        get()
    with app.app_context():
        engine = db.engine
    with StatementLog(engine) as log:
        get()
    samples = []
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        get()
        samples.append((time.perf_counter() - t0) * 1000)
    return dict(case, n=len(samples), p50=percentile(samples, 50), p95=percentile(samples, 95),
                mean=statistics.fmean(samples), queries=[dict(s, params=_jsonable(s["params"])) for s in log.statements],
                raw_queries=log.statements)


def _jsonable(params):
    """Statement parameters in a form JSON can hold."""
    if isinstance(params, dict):
        return {k: str(v) for k, v in params.items()}
    return [str(v) for v in params] if params else []


def explain(app, statements: list[dict]) -> list[dict]:
    """The plan of each statement a request ran: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    out = []
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.connect() as connection:
            for s in statements:
                if not s["sql"].lstrip().upper().startswith("SELECT") or s["sql"].strip() == "SELECT 1":
                    continue
                if dialect == "postgresql":
                    rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + s["sql"], s["params"])
                    plan = [r[0] for r in rows]
                else:
                    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + s["sql"], s["params"])
                    parents, plan = {}, []
                    for node, parent, _, detail in rows:
                        parents[node] = parents.get(parent, -1) + 1
                        plan.append("  " * parents[node] + detail)
                out.append(dict(sql=s["sql"], ms=round(s["ms"], 2), plan=plan))
        db.engine.dispose()
    return out


# ---------------------------------------------------------------- machine and report

def machine(app) -> dict:
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    with app.app_context():
        server = db.session.execute(text("SELECT version()" if db.engine.dialect.name == "postgresql"
                                         else "SELECT 'SQLite ' || sqlite_version()")).scalar()
        db.session.remove()
    return dict(cpus=os.cpu_count(), cpu=cpu, memory_gb=round(mem_kb / 1024 / 1024, 1),
                python=platform.python_version(), sqlite=sqlite3.sqlite_version,
                database=server.split(" on ")[0], date=datetime.now().strftime("%Y-%m-%d %H:%M"))


def save(kind: str, result: dict) -> None:
    """Write this run's JSON and rebuild the README's results section from every saved run."""
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"needs_list-{kind}.json").write_text(json.dumps(result, indent=1, default=str))
    runs = {k: json.loads(p.read_text()) for k in ("sqlite", "postgresql")
            if (p := results_dir / f"needs_list-{k}.json").exists()}
    readme = HERE / "README.md"
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    current = readme.read_text() if readme.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    head, rest = current.split(start, 1)
    tail = rest.split(end, 1)[1]
    readme.write_text(f"{head}{start}\n{render_results(runs)}\n{end}{tail}")


def render_results(runs: dict) -> str:
    """The Markdown tables: p50/p95 per case per database, the machine, and the plans."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = ["| case | URL | " + " | ".join(f"{names[k]} p50 | {names[k]} p95" for k in runs) + " |",
             "|---|---|" + "---:|---:|" * len(runs)]
    first = next(iter(runs.values()))
    for i, case in enumerate(first["cases"]):
        cells = []
        for run in runs.values():
            c = run["cases"][i] if i < len(run["cases"]) else None
            ok = c and c["p95"] <= TARGET_P95_MS
            cells += [f"{c['p50']:.1f}", f"{c['p95']:.1f}{'' if ok else ' ✗'}"] if c else ["–", "–"]
        label = case["name"] + ("" if case["required"] else " *(extra)*")
        url = re.sub(r"q=\w+", "q=…", case["url"])
        lines.append(f"| {label} | `{url}` | " + " | ".join(cells) + " |")
    lines += ["", "Milliseconds per whole request (routing, queries, template), ✗ = p95 over the "
              f"{TARGET_P95_MS:.0f} ms target. Word searches used: "
              + "; ".join(f"{names[k]}: " + ", ".join(f"`{c['url'].split('?', 1)[1]}` → {c['expect']:,}"
                                                     for c in run["cases"] if "q=" in c["url"] and "sort" not in c["url"])
                          for k, run in runs.items()) + ".", ""]
    for kind, run in runs.items():
        m, p = run["machine"], run["params"]
        lines += [f"### {names[kind]} run", "",
                  f"{m['date']}; {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB RAM; Python {m['python']}; "
                  f"{m['database']}. {p['needs']:,} needs ({run['facts_open']:,} open) across {p['orgs']:,} "
                  f"organisations; {p['requests']} timed requests per case after {WARM_UP} warm-up requests. "
                  f"Load {run['timings']['load_s']:.0f} s, whole run {run['timings']['total_s']:.0f} s.", ""]
        for case in run["cases"]:
            statements = case["queries"]
            lines += [f"<details><summary>{case['name']}: {len(statements)} statements, "
                      f"SQL {sum(s['ms'] for s in statements):.1f} ms of one request</summary>", "", "```"]
            for q in case["plans"]:
                sql = re.sub(r"\s+", " ", q["sql"])
                lines.append(f"-- {q['ms']:.2f} ms  {sql[:150]}{'…' if len(sql) > 150 else ''}")
                lines += [line for line in q["plan"] if _plan_line_wanted(line)]
            lines += ["```", "</details>", ""]
    return "\n".join(lines)


def _plan_line_wanted(line: str) -> bool:
    """Keep the plan's nodes and timings; drop buffer and planning chatter."""
    return not line.strip().startswith(("Buffers:", "Planning:", "  Buffers:"))


# ---------------------------------------------------------------- main

def main(argv=None) -> int:
    """Build, load, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--budget", type=float, default=540, help="seconds; timing stops early past this")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rng = random.Random(SEED)

    url = fresh_database(args.db)
    app = build_app(url)
    build_schema(app)
    t0 = time.monotonic()
    facts = generate(app, args.needs, args.orgs, rng)
    analyse(app)
    load_s = time.monotonic() - t0
    print(f"loaded {args.needs:,} needs ({facts['open']:,} open), {args.orgs:,} organisations in {load_s:.0f} s",
          flush=True)

    cases, failures = [], []
    for case in build_cases(facts):
        measured = time_case(app, case, args.requests, started + args.budget)
        measured["plans"] = explain(app, measured.pop("raw_queries"))
        cases.append(measured)
        flag = "" if measured["p95"] <= TARGET_P95_MS else "  <-- over target"
        print(f"{case['name']:<40} n={measured['n']:<4} p50 {measured['p50']:6.1f} ms  "
              f"p95 {measured['p95']:6.1f} ms  ({len(measured['queries'])} statements){flag}", flush=True)
        if case["required"] and measured["p95"] > TARGET_P95_MS:
            failures.append(case["name"])

    result = dict(params=vars(args), machine=machine(app), facts_open=facts["open"], status_counts=facts["status"],
                  cases=cases, timings=dict(load_s=load_s, total_s=time.monotonic() - started))
    save(args.db, result)
    print(f"done in {result['timings']['total_s']:.0f} s; results in bench/README.md")
    if failures:
        print("over the p95 target: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
