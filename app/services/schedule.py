"""The worker's schedule: jobs that run every so often, once per period, whatever the number of workers.

Add a job by adding one entry to JOBS at the bottom of this module:

    JOBS["send_daily_digests"] = Job(every=timedelta(days=1), run=send_daily_digests,
                                     description="Send each user's daily digest of new needs and offers.")

- `every`: the period. A job is due when it has never started, or last started at least this long ago.
- `run`: called with no arguments inside the worker's app context; it commits its own work (as services do)
  and may return anything (the worker logs a result that is not 0 or None). If it raises, its session is
  rolled back, the error is kept in `scheduled_jobs.last_error`, its lock is released and the worker goes on
  to the next job; it runs again next period.
- `description`: one line saying what it does, for whoever reads the schedule.

Each job has a row in `scheduled_jobs` (created on first sight, safely when workers race). A worker claims a
job with one atomic UPDATE that succeeds only if the job is due and no other worker holds it (or that worker's
lock has run out after JOB_LEASE, as after a crash), so each job runs once per period and never twice at once.
"""
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite

from app.email import purge_sent
from app.extensions import db
from app.models import ScheduledJob, utcnow
from app.services.needs import expire_needs
from app.services.offers import expire_offers
from app.services.notifications import send_digests
from app.services.reminders import send_due_reminders
from app.services.suggestions import carry_out_refreshes, rebuild_all

log = logging.getLogger(__name__)

# How long a claim holds a job: a worker that dies mid-job lets another run it after this.
JOB_LEASE = timedelta(hours=1)
ERROR_MAX = 4000


@dataclass(frozen=True)
class Job:
    """A scheduled job: how often it runs, what it calls, and what it does in words."""

    every: timedelta
    run: Callable[[], object]
    description: str


@dataclass(frozen=True)
class JobRun:
    """What one run of a job came to: its result, or the error it raised."""

    name: str
    result: object = None
    error: str = ""


def _insert_missing(names) -> None:
    """Add a row for each job that has none; two workers doing this at once both succeed."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ScheduledJob).values([{"name": name, "last_error": ""} for name in names])
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
    db.session.commit()


def claim(name: str, job: Job, now: datetime) -> bool:
    """Take a due job for this worker, unless another holds it; True if this worker now holds it."""
    result = db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name,
               or_(ScheduledJob.locked_until.is_(None), ScheduledJob.locked_until < now),
               or_(ScheduledJob.last_started_at.is_(None), ScheduledJob.last_started_at <= now - job.every))
        .values(locked_until=now + JOB_LEASE, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _release(name: str, error: str) -> None:
    """Record how a run ended and let the job go."""
    db.session.execute(
        update(ScheduledJob).where(ScheduledJob.name == name)
        .values(locked_until=None, last_finished_at=utcnow(), last_error=error[:ERROR_MAX])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_job(name: str, job: Job) -> JobRun:
    """Run a claimed job, keeping its error rather than raising it, then release it."""
    try:
        result = job.run()
    except Exception as error:  # a failing job must not stop the worker or the other jobs
        db.session.rollback()
        log.exception("Scheduled job %s failed", name)
        run = JobRun(name, error="".join(traceback.format_exception_only(error)).strip())
    else:
        run = JobRun(name, result=result)
    _release(name, run.error)
    return run


def run_due_jobs(jobs: dict[str, Job] | None = None, now: datetime | None = None) -> list[JobRun]:
    """Run every job that is due and not held by another worker; return what each run came to."""
    jobs = JOBS if jobs is None else jobs
    if not jobs:
        return []
    _insert_missing(jobs)
    return [run_job(name, job) for name, job in jobs.items() if claim(name, job, now or utcnow())]


JOBS: dict[str, Job] = {
    "expire_needs": Job(every=timedelta(days=1), run=expire_needs,
                        description="Mark open needs past their needed-by date as expired and email their groups."),
    "expire_offers": Job(every=timedelta(days=1), run=expire_offers,
                         description="Mark open offers past their available-until date as expired; waiting requests "
                                     "are declined."),
    "purge_sent_email": Job(every=timedelta(days=1), run=purge_sent,
                            description="Delete emails sent more than 30 days ago."),
    "refresh_suggestions": Job(every=timedelta(seconds=10), run=carry_out_refreshes,
                               description="Work out again the suggestions of needs and commitments that changed."),
    "rebuild_suggestions": Job(every=timedelta(days=1), run=rebuild_all,
                               description="Work out every suggestion again, so how far behind each commitment is "
                                           "stays current."),
    "send_reminders": Job(every=timedelta(hours=1), run=send_due_reminders,
                          description="Send the reminders that are due, each once per object and stage."),
    "send_digests": Job(every=timedelta(hours=1), run=send_digests,
                        description="Send the daily and weekly digests that are due (none when nothing is new)."),
}
