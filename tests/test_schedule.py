"""The worker's schedule: each job runs once per period, never twice at once, and a failing job stops nothing."""
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.email import queue_email
from app.extensions import db, mail
from app.models import Need, NeedStatus, OutboxMessage, OutboxStatus, ScheduledJob, utcnow
from app.services import schedule
from app.services.schedule import JOBS, Job, JobRun, run_due_jobs
from app.services.worker import PassReport
from tests.conftest import IS_POSTGRES

DAILY = timedelta(days=1)


class Calls:
    """A job body that counts its calls (thread-safe), optionally taking a while or failing."""

    def __init__(self, seconds: float = 0.0, error: Exception | None = None):
        self.count, self.seconds, self.error = 0, seconds, error
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.count += 1
        time.sleep(self.seconds)
        if self.error:
            raise self.error
        return "done"


def job_row(ctx, name: str) -> dict:
    """A snapshot of a job's schedule row."""
    with ctx():
        row = db.session.get(ScheduledJob, name)
        return {"started": row.last_started_at, "finished": row.last_finished_at, "error": row.last_error,
                "locked_until": row.locked_until}


def age_job(ctx, name: str, by: timedelta) -> None:
    """Pretend the job last started `by` ago."""
    with ctx():
        db.session.execute(update(ScheduledJob).where(ScheduledJob.name == name)
                           .values(last_started_at=utcnow() - by))
        db.session.commit()


def test_the_registry_starts_with_daily_expiry_and_purge():
    assert JOBS["expire_needs"].every == DAILY
    assert JOBS["purge_sent_email"].every == DAILY
    assert all(isinstance(job, Job) and job.description for job in JOBS.values())


def test_a_due_job_runs_once_and_not_again_before_its_period(ctx):
    calls = Calls()
    jobs = {"count": Job(every=DAILY, run=calls, description="Count.")}
    with ctx():
        runs = run_due_jobs(jobs)
    assert [(run.name, run.result, run.error) for run in runs] == [("count", "done", "")]
    row = job_row(ctx, "count")
    assert row["started"] and row["finished"] >= row["started"] and row["locked_until"] is None

    with ctx():
        assert run_due_jobs(jobs) == []
    age_job(ctx, "count", DAILY - timedelta(minutes=5))
    with ctx():
        assert run_due_jobs(jobs) == []
    assert calls.count == 1
    age_job(ctx, "count", DAILY)
    with ctx():
        assert [run.name for run in run_due_jobs(jobs)] == ["count"]
    assert calls.count == 2


def test_a_failing_job_records_its_error_releases_its_lock_and_the_others_still_run(ctx):
    failing, fine = Calls(error=RuntimeError("the digest template is missing")), Calls()
    jobs = {"failing": Job(every=DAILY, run=failing, description="Fails."),
            "fine": Job(every=DAILY, run=fine, description="Works.")}
    with ctx():
        runs = run_due_jobs(jobs)
    assert [(run.name, bool(run.error)) for run in runs] == [("failing", True), ("fine", False)]
    assert "RuntimeError: the digest template is missing" in runs[0].error
    row = job_row(ctx, "failing")
    assert "the digest template is missing" in row["error"] and row["locked_until"] is None
    assert fine.count == 1 and job_row(ctx, "fine")["error"] == ""

    with ctx():
        assert run_due_jobs(jobs) == []  # it runs again next period, not on every pass
    age_job(ctx, "failing", DAILY)
    failing.error = None
    with ctx():
        run_due_jobs(jobs)
    assert failing.count == 2 and job_row(ctx, "failing")["error"] == ""


def test_a_job_held_by_another_worker_is_left_alone_until_its_lock_runs_out(ctx):
    calls = Calls()
    jobs = {"held": Job(every=timedelta(minutes=1), run=calls, description="Held.")}
    with ctx():
        run_due_jobs(jobs)
        db.session.execute(update(ScheduledJob).values(last_started_at=utcnow() - timedelta(hours=2),
                                                       locked_until=utcnow() + timedelta(minutes=30)))
        db.session.commit()
        assert run_due_jobs(jobs) == []  # due, but another worker holds it
        db.session.execute(update(ScheduledJob).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert [run.name for run in run_due_jobs(jobs)] == ["held"]  # its worker died: the lock ran out
    assert calls.count == 2


@pytest.mark.skipif(not IS_POSTGRES, reason="real parallel claims need PostgreSQL's row locks")
@pytest.mark.parametrize("app_overrides", [{"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 10}}])
def test_workers_at_once_run_a_due_job_exactly_once(app, ctx):
    calls = Calls(seconds=0.3)  # long enough that every other worker tries while it runs
    jobs = {"once": Job(every=DAILY, run=calls, description="Once.")}
    barrier, results, errors = threading.Barrier(8), [], []

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append([run.name for run in run_due_jobs(jobs)])
            except Exception as error:  # collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    assert errors == []
    assert calls.count == 1
    assert sorted(results) == [[]] * 7 + [["once"]]


def test_flask_worker_once_sends_the_outbox_and_runs_the_default_jobs(app, ctx, make, runner, monkeypatch):
    # Only this module's own jobs: jobs other parts add (digests, reminders) are tested where they are written.
    monkeypatch.setattr(schedule, "JOBS", {name: JOBS[name] for name in ("expire_needs", "purge_sent_email")})
    vcse = make.organisation(kind="vcse")
    overdue = make.need(vcse, status="open", needed_by=date.today() - timedelta(days=1))
    with ctx():
        queue_email("pat@example.org", "password_changed", "Your password was changed")
        db.session.add(OutboxMessage(to_email="old@example.org", subject="Old", template="password_changed",
                                     body_text="x", body_html="x", status=OutboxStatus.SENT,
                                     sent_at=utcnow() - timedelta(days=40)))
        db.session.commit()
    first = run_worker_once(ctx, runner)
    assert first == ["Your password was changed"]  # the outbox goes first, then the jobs run
    with ctx():
        assert db.session.get(Need, overdue).status is NeedStatus.EXPIRED
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == "old@example.org")) is None
        rows = {row.name: (row.last_started_at, row.last_finished_at, row.last_error)
                for row in db.session.scalars(select(ScheduledJob))}
    assert set(rows) == {"expire_needs", "purge_sent_email"}
    assert all(started and finished and error == "" for started, finished, error in rows.values())

    second = run_worker_once(ctx, runner)
    assert len(second) == 1 and "expired" in second[0].lower()  # the expiry's own email, queued by the job
    with ctx():
        again = {row.name: (row.last_started_at, row.last_finished_at, row.last_error)
                 for row in db.session.scalars(select(ScheduledJob))}
    assert again == rows  # not due again for a day


def run_worker_once(ctx, runner) -> list[str]:
    """Run `flask worker --once`; return the subjects it sent."""
    with ctx(), mail.record_messages() as sent:
        result = runner.invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output
        return [message.subject for message in sent]


def test_the_schedule_module_documents_how_to_add_a_job():
    assert "JOBS[" in schedule.__doc__ and "every" in schedule.__doc__


def test_a_pass_is_logged_only_when_it_did_something():
    quiet = PassReport(jobs=[JobRun("refresh_suggestions", result=0), JobRun("purge_sent_email", result=None)])
    assert not quiet.did_something
    busy = PassReport(sent=3, jobs=[JobRun("expire_needs", result=2), JobRun("refresh_suggestions", result=0),
                                    JobRun("send_digests", error="Traceback...\nRuntimeError: no template")])
    assert busy.did_something
    assert busy.summary() == "Sent 3, failed 0; expire_needs (2), send_digests failed (RuntimeError: no template)."
    assert PassReport(failed=1).summary() == "Sent 0, failed 1."
