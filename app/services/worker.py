"""The worker: each pass sends the due outbox in batches, then runs the scheduled jobs that are due.

Several workers may run at once: outbox messages are claimed with SELECT ... FOR UPDATE SKIP LOCKED and a lease
(app/email.py), and each scheduled job with a guarded UPDATE of its row (app/services/schedule.py).
"""
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.email import send_pending
from app.extensions import db
from app.services.schedule import JobRun, run_due_jobs

log = logging.getLogger("app.worker")


def _never() -> bool:
    """A stop signal that never comes."""
    return False


@dataclass
class PassReport:
    """What one pass of the worker did."""

    sent: int = 0
    failed: int = 0
    jobs: list[JobRun] = field(default_factory=list)

    @property
    def notable_jobs(self) -> list[JobRun]:
        """The job runs worth a mention: those that failed or did something (a job with nothing to do returns
        0 or None, and a job that runs every few seconds would otherwise fill the log)."""
        return [run for run in self.jobs if run.error or run.result]

    @property
    def did_something(self) -> bool:
        """Whether the pass sent or failed to send an email, or a job did something or failed."""
        return bool(self.sent or self.failed or self.notable_jobs)

    def summary(self) -> str:
        """One line for the log."""
        jobs = ", ".join(f"{run.name} failed ({run.error.splitlines()[-1]})" if run.error
                         else f"{run.name} ({run.result})" for run in self.notable_jobs)
        return f"Sent {self.sent}, failed {self.failed}" + (f"; {jobs}." if jobs else ".")


def run_pass(batch_size: int = 100, should_stop: Callable[[], bool] = _never) -> PassReport:
    """Send every due outbox message, batch by batch, then run the due jobs; stop early if asked."""
    report = PassReport()
    while not should_stop():
        sent, failed = send_pending(batch_size, should_stop)
        report.sent, report.failed = report.sent + sent, report.failed + failed
        if sent + failed < batch_size:  # the outbox has nothing more due (or another worker took it)
            break
    if not should_stop():
        report.jobs = run_due_jobs()
    return report


def run_forever(interval: float, batch_size: int, stop: threading.Event) -> None:
    """Run passes `interval` seconds apart until `stop` is set, logging each pass that did something."""
    while not stop.is_set():
        try:
            report = run_pass(batch_size, stop.is_set)
        except Exception:  # the database or the mail server is away: keep going, try again next pass
            log.exception("Worker pass failed")
            db.session.rollback()
        else:
            if report.did_something:
                log.info(report.summary())
        finally:
            db.session.remove()
        stop.wait(interval)
