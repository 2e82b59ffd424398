#!/usr/bin/env python
"""Benchmark the public impact page (/impact) on the reports benchmark's data: 1,000,000 ledger entries.

    .venv/bin/python bench/reports.py --db postgresql        # loads bench_reports first (once)
    .venv/bin/python bench/public_impact.py --db postgresql  # reads it; writes nothing

Times, through the real WSGI app with no one signed in: the page served from its cache (the ledger unchanged since
the last request: target p95 <= 50 ms), and the page worked out from the ledger (the cache emptied before every
request, as after a new ledger entry). Results: bench/results/public_impact-<db>.json.
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import LedgerEntry  # noqa: E402
from app.queries.impact import CACHE_KEY  # noqa: E402
from bench import needs_list  # noqa: E402
from bench.reports import PG_DATABASE, SQLITE_PATH  # noqa: E402

HERE = Path(__file__).resolve().parent
REQUESTS = {"cached": 200, "worked_out": 10}
TARGET_MS = 50


def time_impact(app, n: int, *, empty_cache: bool) -> dict:
    """Warm up, then time n GETs of /impact (emptying the cache before each if asked)."""
    client, samples = app.test_client(), []
    for i in range(n + 3):
        if empty_cache:
            app.extensions.pop(CACHE_KEY, None)
        started = time.perf_counter()
        response = client.get("/impact")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200 and "Social value delivered" in response.get_data(as_text=True)
        if i >= 3:
            samples.append(elapsed)
    return dict(n=n, p50=round(needs_list.percentile(samples, 50), 1), p95=round(needs_list.percentile(samples, 95), 1))


def main(argv=None) -> int:
    """Time the page both ways and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args(argv)
    url = needs_list.PG_SERVER + "/" + PG_DATABASE if args.db == "postgresql" else f"sqlite:///{SQLITE_PATH}"
    app = needs_list.build_app(url)
    with app.app_context():
        entries = db.session.scalar(select(func.count(LedgerEntry.id)))
        db.session.remove()
    cached = time_impact(app, REQUESTS["cached"], empty_cache=False)
    worked_out = time_impact(app, REQUESTS["worked_out"], empty_cache=True)
    result = dict(machine=needs_list.machine(app), ledger_entries=entries,
                  cached=dict(cached, target_ms=TARGET_MS, met=cached["p95"] <= TARGET_MS), worked_out=worked_out)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"public_impact-{args.db}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
