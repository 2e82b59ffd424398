"""The worker's schedule: one row per scheduled job, holding its lock and its last run."""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ScheduledJob(db.Model):
    """When a scheduled job last ran, how it ended, and which worker holds it now (until `locked_until`)."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    locked_until: Mapped[datetime | None]
