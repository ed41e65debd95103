"""What the queue leaves in the database: the keys of jobs that ran, and the jobs that failed for good."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.db import Base, UTCDateTime, utcnow


class JobRun(Base):
    """A job's work, done: committed with that work, so a second run of the same key finds it and does nothing."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    task: Mapped[str] = mapped_column(String(100))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobFailure(Base):
    """A job that failed its last try: one row per task and arguments, reopened when it fails for good again."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task: Mapped[str] = mapped_column(String(100), index=True)
    args: Mapped[str] = mapped_column(Text)  # the task's arguments as a JSON list, to enqueue it again
    error: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str] = mapped_column(Text)
    tries: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
