"""Benchmark suggestions at production size: 10,000 commitments and 100,000 open needs.

    .venv/bin/python bench/suggestions.py --db postgresql     # the database bench_suggestions, dropped first
    .venv/bin/python bench/suggestions.py --db sqlite

Times (1) a full rebuild, (2) approving one need and carrying out the refresh it queues, as a moderator's click
and the worker's next pass would, and (3) "Suggested for you" for a supplier with 50 commitments, through the real
WSGI app. Targets (issue 9): rebuild <= 60 s, approval update <= 200 ms, the page p95 <= 50 ms.
"""
import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text, update  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Area, Commitment, Contract, ContractStatus, Measure, Need, NeedStatus, Organisation, OrganisationKind,
    OrganisationStatus, Role, TargetKind, Theme, User, UserRole, commitment_areas, commitment_themes,
)
from app.services.needs import approve_need  # noqa: E402
from app.services.suggestions import carry_out_refreshes, rebuild_all  # noqa: E402
from bench import needs_list  # noqa: E402

HERE = Path(__file__).resolve().parent
PG_DATABASE = "bench_suggestions"
SQLITE_PATH = Path("/tmp/bench-suggestions.sqlite")
SEED = 20261203
N_NEEDS, N_COMMITMENTS, PER_CONTRACT, N_SUPPLIERS, OURS = 100_000, 10_000, 20, 200, 50
PAGE_REQUESTS, APPROVALS = 200, 20


def add_council_and_suppliers(rng: random.Random) -> dict:
    """A council with a moderator and a manager, suppliers with a member each, and 10,000 commitments."""
    today = date.today()
    council = Organisation(name="Bench Council", kind=OrganisationKind.BUYER, status=OrganisationStatus.APPROVED)
    staff = User(organisation=council, name="Staff", email="staff@bench.example", password_hash="x",
                 role_rows=[UserRole(role=Role.MODERATOR), UserRole(role=Role.CONTRACT_MANAGER)])
    suppliers = [Organisation(name=f"Supplier {i}", kind=OrganisationKind.SUPPLIER,
                              status=OrganisationStatus.APPROVED) for i in range(N_SUPPLIERS)]
    members = [User(organisation=s, name=f"Member {i}", email=f"member{i}@bench.example", password_hash="x",
                    email_verified_at=db.func.now()) for i, s in enumerate(suppliers)]
    staff.email_verified_at = db.func.now()
    db.session.add_all([council, staff, *suppliers, *members])
    db.session.commit()
    areas = list(db.session.scalars(select(Area.id)))
    themes = list(db.session.scalars(select(Theme.id)))
    measures = list(db.session.scalars(select(Measure.id)))
    contracts, commitments, area_rows, theme_rows = [], [], [], []
    first_contract = (db.session.scalar(select(func.max(Contract.id))) or 0) + 1
    # The first supplier holds exactly OURS commitments (20 + 20 + 10); the others share the rest, 20 a contract.
    sizes = [(suppliers[0].id, n) for n in (PER_CONTRACT, PER_CONTRACT, OURS - 2 * PER_CONTRACT)]
    while sum(n for _s, n in sizes) < N_COMMITMENTS:
        sizes.append((rng.choice(suppliers[1:]).id, min(PER_CONTRACT, N_COMMITMENTS - sum(n for _s, n in sizes))))
    commitment_id = 0
    for index, (supplier_id, size) in enumerate(sizes):
        contract_id = first_contract + index
        starts = today - timedelta(days=rng.randint(30, 600))
        contracts.append(dict(id=contract_id, buyer_id=council.id, supplier_id=supplier_id, reference=f"B-{index}",
                              title="Bench contract", value_pence=100_000_000, starts_on=starts,
                              ends_on=today + timedelta(days=rng.randint(200, 1500)),
                              contract_manager_id=staff.id, target_kind=TargetKind.PERCENT,
                              target_percent=Decimal(10), status=ContractStatus.ACTIVE, end_reason="",
                              created_by_id=staff.id))
        for _ in range(size):
            commitment_id += 1
            commitments.append(dict(id=commitment_id, contract_id=contract_id, measure_id=rng.choice(measures),
                                    quantity=Decimal(rng.choice([100, 200, 500, 1000])), note="",
                                    due_on=today + timedelta(days=rng.randint(30, 900))))
            if rng.random() < 0.8:
                area_rows += [dict(commitment_id=commitment_id, area_id=a) for a in rng.sample(areas, rng.choice([1, 2]))]
            theme_rows += [dict(commitment_id=commitment_id, theme_id=t) for t in rng.sample(themes, rng.choice([1, 2]))]
    needs_list.bulk_insert(Contract.__table__, contracts)
    needs_list.bulk_insert(Commitment.__table__, commitments)
    needs_list.bulk_insert(commitment_areas, area_rows)
    needs_list.bulk_insert(commitment_themes, theme_rows)
    db.session.commit()
    ours = db.session.scalar(select(func.count(Commitment.id)).join(Commitment.contract)
                             .where(Contract.supplier_id == suppliers[0].id))
    return dict(staff=staff.id, member=members[0].id, commitments=len(commitments), ours=ours)


def catch_up_sequences() -> None:
    """After inserts with explicit ids, move PostgreSQL's id sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("organisations", "users", "needs"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
    db.session.commit()


def open_every_need() -> int:
    """Make every generated need open and wanted within the next 8 months (the bench is 100,000 open needs)."""
    days = (Need.id % 227) + 14
    if db.engine.dialect.name == "postgresql":
        needed_by = text("CURRENT_DATE + (needs.id % 227 + 14)")
    else:
        needed_by = func.date("now", func.printf("+%d days", days))
    db.session.execute(update(Need).values(status=NeedStatus.OPEN, needed_by=needed_by, ended_at=None))
    db.session.commit()
    return db.session.scalar(select(func.count(Need.id)).where(Need.status == NeedStatus.OPEN))


def analyse() -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum would (the session's transaction ended
    first, so its snapshot does not stop VACUUM marking pages all-visible)."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def time_approvals(world: dict, rng: random.Random) -> tuple[list[float], list[float]]:
    """Approve needs one at a time, then carry out the refresh each queues: milliseconds for each step."""
    approvals, updates = [], []
    organisation_id, user_id = db.session.execute(select(Need.organisation_id, Need.created_by_id).limit(1)).one()
    measures = list(db.session.scalars(select(Measure.id)))
    areas = list(db.session.scalars(select(Area.id)))
    for i in range(APPROVALS):
        need = Need(organisation_id=organisation_id, created_by_id=user_id, title=f"Bench pending {i}",
                    summary="", category="volunteers", measure_id=rng.choice(measures), quantity=Decimal(10),
                    area_id=rng.choice(areas), needed_by=date.today() + timedelta(days=60),
                    status=NeedStatus.PENDING_REVIEW, search_text="")
        db.session.add(need)
        db.session.commit()
        carry_out_refreshes()  # the insert's own refresh, not part of what is timed
        moderator = db.session.get(User, world["staff"])
        started = time.perf_counter()
        approve_need(need.id, moderator)
        approved = time.perf_counter()
        assert carry_out_refreshes() == 1
        approvals.append((approved - started) * 1000)
        updates.append((time.perf_counter() - approved) * 1000)
        # A new need joins only the commitments whose 20 best it beats, so it may join none: that is a valid answer.
    return approvals, updates


def time_page(app, member_id: int) -> list[float]:
    """GET "Suggested for you" as a member of the supplier with 50 commitments; milliseconds per request."""
    client = app.test_client()
    with app.app_context():
        token = db.session.get(User, member_id).session_token
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    for _ in range(10):
        assert client.get("/supplier/suggestions").status_code == 200
    samples = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        response = client.get("/supplier/suggestions")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and "Why it fits" in response.get_data(as_text=True)
    return samples


def main(argv=None) -> int:
    """Build the data, time the three cases, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    url = needs_list.fresh_database(args.db, PG_DATABASE, SQLITE_PATH)
    app = needs_list.build_app(url)
    begun = time.monotonic()
    needs_list.build_schema(app)
    needs_list.generate(app, N_NEEDS, 10_000, rng)
    with app.app_context():
        catch_up_sequences()
        opened = open_every_need()
        world = add_council_and_suppliers(rng)
        analyse()
        loaded = time.monotonic() - begun
        started = time.perf_counter()
        rows = rebuild_all()
        rebuild_s = time.perf_counter() - started
        approvals, updates = time_approvals(world, rng)
        db.session.remove()
    page = time_page(app, world["member"])
    result = dict(
        machine=needs_list.machine(app), open_needs=opened, commitments=world["commitments"],
        supplier_commitments=world["ours"], suggestion_rows=rows, load_s=round(loaded, 1),
        rebuild_s=round(rebuild_s, 2),
        approval_ms=dict(p50=round(statistics.median(approvals), 1), max=round(max(approvals), 1)),
        update_ms=dict(p50=round(statistics.median(updates), 1), p95=round(needs_list.percentile(updates, 95), 1),
                       max=round(max(updates), 1)),
        page_ms=dict(p50=round(needs_list.percentile(page, 50), 1), p95=round(needs_list.percentile(page, 95), 1),
                     n=len(page)))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"suggestions-{args.db}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
