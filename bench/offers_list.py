"""Benchmark `/offers` at 20,000 offers through the real WSGI app.

    .venv/bin/python bench/offers_list.py --db sqlite
    .venv/bin/python bench/offers_list.py --db postgresql    # the database bench_offers, dropped first

Loads the default reference data, 500 suppliers with a running contract and commitments, and 20,000 offers
(90% open, Zipf-distributed words, uneven areas and themes), then times 200 requests per case after 10 warm-up
requests. Target (issue 9): p95 at most 50 ms per request on both databases.
"""
import argparse
import json
import random
import re
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Area, Commitment, Contract, ContractStatus, Measure, MeasureCategory, Offer, OfferStatus, Organisation,
    OrganisationKind, OrganisationStatus, TargetKind, Theme, User, offer_areas, offer_themes,
)
from bench import needs_list, words  # noqa: E402

HERE = Path(__file__).resolve().parent
PG_DATABASE = "bench_offers"
SQLITE_PATH = Path("/tmp/bench-offers.sqlite")
SEED = 20261203
N_OFFERS, N_SUPPLIERS, REQUESTS = 20_000, 500, 200
TOKEN = re.compile(r"\w+")


def generate(app, rng: random.Random) -> dict:
    """Suppliers, each with a contract, a user and commitments, and 20,000 offers drawn on them."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    today = date.today()
    zipf = needs_list.Zipf(list(dict.fromkeys(w.lower() for w in words.CONTENT_WORDS)), rng)
    facts = {"open": 0, "doc_freq": {}, "by_category": {}}
    with app.app_context():
        areas = list(db.session.scalars(select(Area.id).order_by(Area.id)))
        themes = list(db.session.scalars(select(Theme.id).order_by(Theme.id)))
        measures = db.session.execute(select(Measure.id, MeasureCategory.category)
                                      .join(MeasureCategory, MeasureCategory.measure_id == Measure.id)).all()
        council = Organisation(name="Bench Council", kind=OrganisationKind.BUYER, status=OrganisationStatus.APPROVED)
        manager = User(organisation=council, name="Manager", email="manager@bench.example", password_hash="x")
        suppliers = [Organisation(name=f"{rng.choice(words.ORG_PREFIXES)} Supplier {i}", kind=OrganisationKind.SUPPLIER,
                                  status=OrganisationStatus.APPROVED) for i in range(N_SUPPLIERS)]
        members = [User(organisation=s, name=f"Member {i}", email=f"m{i}@bench.example", password_hash="x")
                   for i, s in enumerate(suppliers)]
        db.session.add_all([council, manager, *suppliers, *members])
        db.session.commit()
        contracts, commitments = [], []
        for i, (supplier, member) in enumerate(zip(suppliers, members)):
            contracts.append(dict(id=i + 1, buyer_id=council.id, supplier_id=supplier.id, reference=f"O-{i}",
                                  title="Bench contract", value_pence=100_000_000, starts_on=today - timedelta(days=90),
                                  ends_on=today + timedelta(days=900), contract_manager_id=manager.id,
                                  target_kind=TargetKind.PERCENT, target_percent=Decimal(10),
                                  status=ContractStatus.ACTIVE, end_reason="", created_by_id=manager.id))
            for j, (measure_id, _category) in enumerate(measures):
                commitments.append(dict(id=i * len(measures) + j + 1, contract_id=i + 1, measure_id=measure_id,
                                        quantity=Decimal(100_000), due_on=today + timedelta(days=800), note=""))
        needs_list.bulk_insert(Contract.__table__, contracts)
        needs_list.bulk_insert(Commitment.__table__, commitments)
        offers, area_rows, theme_rows = [], [], []
        for n in range(1, N_OFFERS + 1):
            i = rng.randrange(N_SUPPLIERS)
            j = rng.randrange(len(measures))
            measure_id, category = measures[j]
            status = OfferStatus.OPEN if rng.random() < 0.9 else rng.choice(
                [OfferStatus.PENDING_REVIEW, OfferStatus.CLOSED, OfferStatus.DRAFT])
            created = now - timedelta(minutes=(N_OFFERS - n) * 30 + rng.randint(0, 20))
            title = " ".join(zipf.draw(5)).capitalize()
            summary = " ".join(zipf.draw(14)).capitalize() + "."
            source = " ".join(zipf.draw(60)).capitalize() + "."
            search_text = f"{title} {summary} {source}"
            offers.append(dict(
                id=n, supplier_id=suppliers[i].id, commitment_id=i * len(measures) + j + 1,
                created_by_id=members[i].id, title=title[:120], summary=summary[:300], description_source=source,
                description_html=f"<p>{source}</p>", search_text=search_text, category=category,
                measure_id=measure_id, quantity=Decimal(rng.choice([10, 20, 50, 100, 300])),
                most_per_request=Decimal(10), available_from=today - timedelta(days=rng.randint(0, 60)),
                available_until=today + timedelta(days=rng.randint(7, 300)), how_to_request="Request it here.",
                status=status, moderation_note="", submitted_at=created,
                opened_at=created if status is OfferStatus.OPEN else None, created_at=created, updated_at=created))
            chosen_areas = rng.sample(areas, rng.choice([1, 1, 2, 3]))
            area_rows += [dict(offer_id=n, area_id=a) for a in chosen_areas]
            theme_rows += [dict(offer_id=n, theme_id=t) for t in rng.sample(themes, rng.choice([1, 2]))]
            if status is OfferStatus.OPEN:
                facts["open"] += 1
                facts["by_category"][category.value] = facts["by_category"].get(category.value, 0) + 1
                for token in set(TOKEN.findall(search_text.lower())):
                    facts["doc_freq"][token] = facts["doc_freq"].get(token, 0) + 1
        needs_list.bulk_insert(Offer.__table__, offers)
        needs_list.bulk_insert(offer_areas, area_rows)
        needs_list.bulk_insert(offer_themes, theme_rows)
        # The session's open transaction would hold a snapshot older than the inserts, and VACUUM could then not
        # mark their pages all-visible (so no index-only scans): end it first.
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
    return facts


def time_url(client, url: str) -> dict:
    """Warm up, then time REQUESTS GETs of a URL (each must answer 200)."""
    for _ in range(10):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return dict(url=url, p50=round(needs_list.percentile(samples, 50), 1),
                p95=round(needs_list.percentile(samples, 95), 1))


def main(argv=None) -> int:
    """Build the data, time the cases, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    app = needs_list.build_app(needs_list.fresh_database(args.db, PG_DATABASE, SQLITE_PATH))
    needs_list.build_schema(app)
    facts = generate(app, rng)
    # As the /needs bench: a word in about 2% and one in about 13% of open offers; and, harsher, the word in most.
    rarer, common = needs_list.search_word(facts, 0.02), needs_list.search_word(facts, 0.13)
    everywhere = max(facts["doc_freq"], key=facts["doc_freq"].get)
    with app.app_context():
        area = db.session.scalar(select(func.min(Area.id)))
        theme = db.session.scalar(select(func.min(Theme.id)))
    client = app.test_client()
    cases = [time_url(client, url) for url in (
        "/offers", f"/offers?q={rarer}", f"/offers?q={common}", f"/offers?q={everywhere}",
        f"/offers?category=volunteers&area={area}",
        f"/offers?theme={theme}&sort=ending", "/offers?page=40")]
    matches = {word: facts["doc_freq"][word] for word in (rarer, common, everywhere)}
    result = dict(machine=needs_list.machine(app), offers=N_OFFERS, open=facts["open"], word_matches=matches,
                  cases=cases)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"offers_list-{args.db}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
