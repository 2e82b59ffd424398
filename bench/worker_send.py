#!/usr/bin/env python
"""Benchmark the worker sending 10,000 queued emails to a local SMTP sink (target: at most 60 s).

    .venv/bin/python bench/worker_send.py [--emails 10000 --workers 1 --budget 300]

Builds the PostgreSQL database bench_worker afresh (dropped and created again) with the real migrations,
queues the emails through queue_email (rendered templates, as the app queues them), starts an aiosmtpd sink
on 127.0.0.1 in its own process, then times `flask worker --once` (one process per --workers) until the
outbox is empty, and checks that the sink got every message exactly once. Stops at --budget seconds whatever
happens. The result goes to bench/results/worker_send.json.
"""
import argparse
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.email import queue_email  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import OutboxMessage  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DATABASE = "bench_worker"
TARGET_SECONDS = 60.0
RESULTS = Path(__file__).resolve().parent / "results" / "worker_send.json"

CHILD_WORKER = """
import sys
from app import create_app
settings = {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[2]),
            "MAIL_SUPPRESS_SEND": False, "MAIL_PRINT_TO_CONSOLE": False, "OUTBOX_DELIVER_AFTER_REQUEST": False}
app = create_app("development", settings)
with app.app_context():
    app.cli.main(["worker", "--once"], standalone_mode=False)
"""


def fresh_database() -> str:
    """Drop and create the benchmark database; return its URL."""
    assert PG_DATABASE == "bench_worker"  # never anything else: test* and the others' databases are not ours
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    admin.dispose()
    return f"{PG_SERVER}/{PG_DATABASE}"


def run_sink(port: int, ready, stop, results) -> None:
    """In its own process: an SMTP sink on the port until `stop` is set; then send back what it accepted."""
    from tests.smtp_sink import SmtpSink

    with SmtpSink(port=port) as sink:
        ready.set()
        stop.wait()
        results.send(dict(sink.handler.subjects()))


def queue(app, count: int) -> float:
    """Queue `count` emails, rendered from a real template; return the seconds it took."""
    started = time.perf_counter()
    with app.app_context():
        for n in range(count):
            queue_email(f"person{n}@example.org", "password_changed", f"Bench message {n}")
            if n % 1000 == 999:
                db.session.commit()
        db.session.commit()
    return time.perf_counter() - started


def outbox_counts(app) -> Counter:
    """How many messages have each status."""
    with app.app_context():
        counts = Counter({status.value: n for status, n in db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))})
        db.session.remove()
    return counts


def send_all(url: str, port: int, workers: int, deadline: float) -> float:
    """Run `flask worker --once` in `workers` processes until they are done or the deadline; return seconds."""
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-c", CHILD_WORKER, url, str(port)], cwd=ROOT)
                for _ in range(workers)]
    for child in children:
        try:
            child.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait(timeout=30)
    return time.perf_counter() - started


def children_cpu() -> float:
    """CPU seconds (user and system) used so far by the child processes that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict:
    """The machine the figure comes from."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    server = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                            capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(), "postgresql": server}


def main(argv=None) -> int:
    """Build, queue, send, check and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--budget", type=float, default=300, help="seconds for the whole run, at most")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.budget

    from tests.smtp_sink import free_port

    url = fresh_database()
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_PRINT_TO_CONSOLE": False})
    with app.app_context():
        upgrade()
        db.session.remove()
    queue_seconds = queue(app, args.emails)
    print(f"Queued {args.emails:,} emails in {queue_seconds:.1f} s", flush=True)

    port = free_port()
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    receive, send = multiprocessing.Pipe(duplex=False)
    sink = multiprocessing.Process(target=run_sink, args=(port, ready, stop, send), daemon=True)
    sink.start()
    assert ready.wait(30), "the SMTP sink did not start"
    before, load_before = children_cpu(), os.getloadavg()[0]
    try:
        seconds = send_all(url, port, args.workers, deadline)
        workers_cpu = children_cpu() - before
    finally:
        stop.set()
        accepted = receive.recv() if receive.poll(30) else {}
        sink.join(timeout=30)
    load = os.getloadavg()[0]
    counts = outbox_counts(app)
    with app.app_context():
        db.engine.dispose()

    twice = sum(1 for n in accepted.values() if n > 1)
    result = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "emails": args.emails,
        "workers": args.workers, "seconds": round(seconds, 1), "per_second": round(args.emails / seconds),
        "accepted": len(accepted), "sent_twice": twice, "outbox": dict(counts),
        "worker_cpu_seconds": round(workers_cpu, 1),
        "worker_cpu_ms_per_email": round(workers_cpu * 1000 / args.emails, 2),
        "load_average_1min": {"before": round(load_before, 2), "after": round(load, 2)},
        "target_seconds": TARGET_SECONDS, "machine": machine(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ok = len(accepted) == args.emails and twice == 0 and counts.get("sent") == args.emails
    verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
    print(f"{'OK' if ok else 'WRONG'}: {args.emails:,} emails in {seconds:.1f} s ({verdict} the {TARGET_SECONDS:.0f} s "
          f"target) with {args.workers} worker(s); {len(accepted):,} accepted, {twice} sent twice.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
