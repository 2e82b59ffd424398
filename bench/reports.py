#!/usr/bin/env python
"""Benchmark the reports at production size: 2,000 contracts and 1,000,000 ledger entries.

    .venv/bin/python bench/reports.py --db postgresql      # the database bench_reports, dropped first
    .venv/bin/python bench/reports.py --db postgresql --reuse   # time again on the data already loaded

Times, through the real WSGI app signed in as council staff: the council overview for this financial year
(target p95 <= 300 ms), the portfolio of 2,000 contracts (p95 <= 100 ms) and a filtered, sorted portfolio; then, in
a fresh process so its peak memory is its own, the CSV of every ledger entry streamed to the end (target: at least
50,000 rows a second, peak memory growth <= 100 MB). Results: bench/results/reports-<db>.json.
"""
import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Commitment, Contract, ContractStatus, LedgerEntry, Measure, Need, Organisation, OrganisationKind,
    OrganisationStatus, Pledge, PledgeStatus, Role, TargetKind, User, UserRole, commitment_themes,
)
from bench import needs_list  # noqa: E402
from bench.suggestions import analyse, catch_up_sequences  # noqa: E402

HERE = Path(__file__).resolve().parent
PG_DATABASE = "bench_reports"
SQLITE_PATH = Path("/tmp/bench-reports.sqlite")
SEED = 20261203
N_NEEDS, N_ORGS, N_SUPPLIERS, N_CONTRACTS, PER_CONTRACT, N_ENTRIES = 20_000, 2_000, 200, 2_000, 5, 1_000_000
REVERSED_SHARE = 0.01
CHUNK = 50_000
REQUESTS = {"overview": 30, "portfolio": 50, "portfolio_filtered": 50}
TARGETS_MS = {"overview": 300, "portfolio": 100, "portfolio_filtered": 100}


def add_contracts(rng: random.Random) -> dict:
    """A council with staff, suppliers with a member each, 2,000 contracts of 5 commitments, started over 5 years."""
    today = date.today()
    council = Organisation(name="Bench Council", kind=OrganisationKind.BUYER, status=OrganisationStatus.APPROVED)
    staff = User(organisation=council, name="Staff", email="staff@bench.example", password_hash="x",
                 email_verified_at=func.now(),
                 role_rows=[UserRole(role=Role.MODERATOR), UserRole(role=Role.CONTRACT_MANAGER)])
    suppliers = [Organisation(name=f"Supplier {i}", kind=OrganisationKind.SUPPLIER,
                              status=OrganisationStatus.APPROVED) for i in range(N_SUPPLIERS)]
    members = [User(organisation=s, name=f"Member {i}", email=f"member{i}@bench.example", password_hash="x",
                    email_verified_at=func.now()) for i, s in enumerate(suppliers)]
    db.session.add_all([council, staff, *suppliers, *members])
    db.session.commit()
    measures = {m.id: m.pence_per_unit_on(today) for m in db.session.scalars(select(Measure))}
    themes = list(db.session.scalars(select(text("id")).select_from(text("themes"))))
    contracts, commitments, theme_rows = [], [], []
    for index in range(N_CONTRACTS):
        contract_id = index + 1
        supplier = rng.choice(suppliers)
        starts = today - timedelta(days=rng.randint(30, 5 * 365))
        value = rng.choice([50_000, 250_000, 1_000_000, 5_000_000, 20_000_000]) * 100
        contracts.append(dict(id=contract_id, buyer_id=council.id, supplier_id=supplier.id, reference=f"B-{index:04d}",
                              title=f"Bench contract {index}", value_pence=value, starts_on=starts,
                              ends_on=starts + timedelta(days=rng.randint(365, 7 * 365)),
                              contract_manager_id=staff.id, target_kind=TargetKind.PERCENT,
                              target_percent=Decimal(10), status=ContractStatus.ACTIVE, end_reason="",
                              created_by_id=staff.id))
        for _ in range(PER_CONTRACT):
            commitment_id = len(commitments) + 1
            commitments.append(dict(id=commitment_id, contract_id=contract_id, measure_id=rng.choice(list(measures)),
                                    quantity=Decimal(rng.choice([100, 500, 1000, 5000])), note="",
                                    due_on=starts + timedelta(days=rng.randint(180, 2000))))
            theme_rows += [dict(commitment_id=commitment_id, theme_id=t) for t in rng.sample(themes, 1)]
    needs_list.bulk_insert(Contract.__table__, contracts)
    needs_list.bulk_insert(Commitment.__table__, commitments)
    needs_list.bulk_insert(commitment_themes, theme_rows)
    return dict(staff=staff.id, members={s.id: m.id for s, m in zip(suppliers, members)},
                contracts={c["id"]: c for c in contracts}, commitments=commitments, proxies=measures)


def add_ledger(world: dict, rng: random.Random) -> int:
    """1,000,000 confirmed pledges and their ledger entries (1% reversed), delivered within each contract's term."""
    today = date.today()
    needs = db.session.execute(select(Need.id, Need.organisation_id)).all()
    vcse_user = dict(db.session.execute(select(User.organisation_id, User.id)
                                        .join(Organisation, Organisation.id == User.organisation_id)
                                        .where(Organisation.kind == OrganisationKind.VCSE)).all())
    commitments, contracts, proxies = world["commitments"], world["contracts"], world["proxies"]
    entry_id = 0
    for start in range(0, N_ENTRIES, CHUNK):
        pledges, entries = [], []
        for pledge_id in range(start + 1, min(start + CHUNK, N_ENTRIES) + 1):
            commitment = rng.choice(commitments)
            contract = contracts[commitment["contract_id"]]
            need_id, vcse_id = rng.choice(needs)
            span = max(1, (min(today, contract["ends_on"]) - contract["starts_on"]).days)
            delivered = contract["starts_on"] + timedelta(days=rng.randrange(span))
            quantity = Decimal(rng.randint(1, 40))
            pence = proxies[commitment["measure_id"]]
            value = int(quantity * pence) if pence is not None else 0
            at = datetime.combine(delivered, datetime.min.time())
            pledges.append(dict(id=pledge_id, need_id=need_id, vcse_id=vcse_id, commitment_id=commitment["id"],
                                supplier_id=contract["supplier_id"],
                                created_by_id=world["members"][contract["supplier_id"]], quantity=quantity,
                                message="", proposed_on=delivered, status=PledgeStatus.CONFIRMED, reason="",
                                delivered_quantity=quantity, delivered_on=delivered, delivery_note="Done",
                                confirmed_quantity=quantity, story="", created_at=at, delivered_at=at,
                                confirmed_at=at))
            entry_id += 1
            entry = dict(id=entry_id, pledge_id=pledge_id, commitment_id=commitment["id"],
                         contract_id=contract["id"], need_id=need_id, measure_id=commitment["measure_id"],
                         vcse_id=vcse_id, supplier_id=contract["supplier_id"], quantity=quantity,
                         pence_per_unit=pence, value_pence=value, delivered_on=delivered,
                         confirmed_by_id=vcse_user[vcse_id], story="", reason="", reverses_id=None, created_at=at)
            entries.append(entry)
            if rng.random() < REVERSED_SHARE:
                entry_id += 1
                entries.append(dict(entry, id=entry_id, quantity=-quantity, value_pence=-value,
                                    reverses_id=entry["id"], reason="Recorded in error"))
        needs_list.bulk_insert(Pledge.__table__, pledges)
        needs_list.bulk_insert(LedgerEntry.__table__, entries)
        print(f"  {start + len(pledges):,} pledges and {entry_id:,} ledger entries", flush=True)
    return entry_id


def compact_ledger_totals() -> None:
    """Rewrite commitment_ledger_totals after the bulk load. Loading 50,000 entries a transaction updates each
    commitment's row many times inside one transaction, leaving ~7,000 pages of dead versions for 10,000 rows;
    in use each confirmation is its own short transaction and PostgreSQL prunes the old versions as it goes."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (FULL, ANALYZE) commitment_ledger_totals"))


def signed_in_client(app, user_id: int):
    """A test client signed in as a user."""
    client = app.test_client()
    with app.app_context():
        token = db.session.get(User, user_id).session_token
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    return client


def time_get(client, url: str, n: int, expect: str) -> dict:
    """Warm up, then time n GETs; every answer must be a 200 saying `expect`."""
    samples = []
    for i in range(n + 3):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200 and expect in response.get_data(as_text=True), url
        if i >= 3:
            samples.append(elapsed)
    return dict(url=url, n=n, p50=round(needs_list.percentile(samples, 50), 1),
                p95=round(needs_list.percentile(samples, 95), 1))


def stream_csv(url: str, staff_id: int) -> dict:
    """Stream the whole ledger CSV to the end in this process: rows a second and peak memory growth."""
    app = needs_list.build_app(url)
    client = signed_in_client(app, staff_id)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(f"/reports/overview/entries.csv?from={date.today() - timedelta(days=366 * 19)}&to={date.today()}", buffered=False)
    assert response.status_code == 200, response.status_code
    rows = size = 0
    for chunk in response.response:
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(data)
        rows += data.count(b"\r\n")
    seconds = time.perf_counter() - started
    after_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return dict(rows=rows - 1, seconds=round(seconds, 1), rows_per_s=round((rows - 1) / seconds),
                megabytes=round(size / 1e6, 1), peak_rss_growth_mb=round((after_kb - before_kb) / 1024, 1))


def main(argv=None) -> int:
    """Load (unless --reuse), time the pages, stream the CSV in a child process, and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--reuse", action="store_true", help="time the data already loaded")
    parser.add_argument("--csv-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.csv_child:
        url, staff = args.csv_child.rsplit("|", 1)
        print(json.dumps(stream_csv(url, int(staff))))
        return 0
    rng = random.Random(SEED)
    url = (needs_list.PG_SERVER + "/" + PG_DATABASE if args.db == "postgresql" else f"sqlite:///{SQLITE_PATH}") \
        if args.reuse else needs_list.fresh_database(args.db, PG_DATABASE, SQLITE_PATH)
    app = needs_list.build_app(url)
    load_s = None
    if not args.reuse:
        begun = time.monotonic()
        needs_list.build_schema(app)
        needs_list.generate(app, N_NEEDS, N_ORGS, rng)
        with app.app_context():
            catch_up_sequences()
            world = add_contracts(rng)
            add_ledger(world, rng)
            if db.engine.dialect.name == "postgresql":
                for table in ("pledges", "ledger_entries", "contracts", "commitments"):
                    db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                            f"(SELECT max(id) FROM {table}))"))
            analyse()
            compact_ledger_totals()
        load_s = round(time.monotonic() - begun, 1)
    with app.app_context():
        staff = db.session.scalars(select(User.id).where(User.email == "staff@bench.example")).one()
        counts = dict(contracts=db.session.scalar(select(func.count(Contract.id))),
                      ledger_entries=db.session.scalar(select(func.count(LedgerEntry.id))))
        db.session.remove()
    client = signed_in_client(app, staff)
    pages = {
        "overview": time_get(client, "/reports/overview", REQUESTS["overview"], "Council overview"),
        "portfolio": time_get(client, "/contracts/", REQUESTS["portfolio"], "2000 contracts"),
        "portfolio_filtered": time_get(client, "/contracts/?rag=red&sort=value&order=desc&page=3",
                                       REQUESTS["portfolio_filtered"], "Contract portfolio"),
    }
    child = subprocess.run([sys.executable, __file__, "--csv-child", f"{url}|{staff}"], capture_output=True,
                           text=True, check=True)
    result = dict(machine=needs_list.machine(app), load_s=load_s, **counts,
                  pages={k: dict(v, target_ms=TARGETS_MS[k], met=v["p95"] <= TARGETS_MS[k]) for k, v in pages.items()},
                  csv=json.loads(child.stdout.strip().splitlines()[-1]))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"reports-{args.db}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
