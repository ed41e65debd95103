"""The job queue: one Huey instance per process, its storage taken from the app's configuration.

SQLite (a file beside the database) is the embedded default; with FUNDAPP_REDIS_URL the same tasks go
through Redis, so the consumers of several machines share them. A task declared with ``@job`` runs in an
app context, in one transaction of its own (committed when it succeeds, rolled back when it raises); a
failure is tried again after 1, 4, 16, 64 and 256 minutes, and after its last try it is kept in
``job_failures`` for an administrator. A job with a ``key`` does its work once per key: the key is written
in the transaction of the work (``job_runs``), so a second run of it, on any machine, finds it and stops.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.config import ROOT
from fundapp.db import get_session, session_scope, utcnow
from fundapp.jobs.models import JobFailure, JobRun

QUEUE = "fundapp"
RETRIES = 5
FIRST_RETRY_SECONDS = 60
BACKOFF = 4  # each wait four times the one before: 1, 4, 16, 64, 256 minutes
LOCAL = clock.ZONE
DAILY_AT = time(7, 0)  # Amsterdam time, summer and winter alike


class AppHuey(Huey):
    """A Huey whose storage is made on first use from the app bound to it (``bind``), not at import."""

    app: Flask | None = None
    _storage: Any = None
    _make_storage: Callable[[], Any] | None = None

    def create_storage(self) -> Any:
        return None

    @property
    def storage(self) -> Any:
        if self._storage is None:
            if self._make_storage is None:
                raise RuntimeError("the job queue is not bound to an app: create_app() binds it")
            self._storage = self._make_storage()
        return self._storage

    @storage.setter
    def storage(self, value: Any) -> None:
        self._storage = value

    def bind(self, app: Flask, storage: Any = None) -> None:
        """Run this process's tasks for ``app``, on ``storage`` or else the one its configuration names."""
        config = dict(app.config)
        self.app = app
        self._make_storage = lambda: make_storage(config)
        self._storage = storage


huey = AppHuey(QUEUE, results=False, utc=True)
JOBS: dict[str, Any] = {}
WITHHELD: set[str] = set()  # jobs whose failures keep no arguments (they held a secret)


def make_storage(config: dict[str, Any]) -> Any:
    name = config.get("JOBS_QUEUE") or QUEUE
    if config.get("REDIS_URL"):
        return RedisStorage(name, url=config["REDIS_URL"])
    path = jobs_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage(name, filename=str(path))


def jobs_file(config: dict[str, Any]) -> Path:
    """JOBS_FILE, else a file beside the SQLite database, else instance/jobs.sqlite3 (PostgreSQL)."""
    if config.get("JOBS_FILE"):
        return Path(config["JOBS_FILE"])
    url = config["DATABASE_URL"]
    if url.startswith("sqlite:///") and ":memory:" not in url:
        database = Path(url.removeprefix("sqlite:///"))
        return database.with_name(f"{database.stem}-jobs.sqlite3")
    return ROOT / "instance" / "jobs.sqlite3"


def job(
    name: str,
    key: Callable[..., str] | None = None,
    failed: Callable[..., None] | None = None,
    secret: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], Any]:
    """Declare ``func(session, *args)`` a task; its arguments are JSON values (they are stored with a failure).

    ``failed(session, error, last_try, *args)`` is told of each failed try, in a transaction of its own (the
    job's was rolled back), so the job's own rows can say what went wrong and whether it is tried again.
    ``secret(*args)``: the arguments hold a secret (a mail with a link that opens an account): a failure keeps
    only what this returns, never the arguments, and cannot be tried again from the failure.
    """

    def decorate(func: Callable[..., Any]) -> Any:
        def run(*args: Any, task: Any) -> None:
            assert huey.app is not None, "the job queue is not bound to an app"
            with huey.app.app_context():
                try:
                    with session_scope() as session:
                        if key is None or claim(session, f"{name}:{key(*args)}", name):
                            func(session, *args)
                except Exception as exc:
                    if not task.retries:
                        kept = args if secret is None else ({"withheld": secret(*args)},)
                        record_failure(name, kept, exc, RETRIES + 1)
                    if failed is not None:
                        with session_scope() as session:
                            failed(session, f"{type(exc).__name__}: {exc}"[:2000], not task.retries, *args)
                    raise

        wrapper = huey.task(
            retries=RETRIES, retry_delay=FIRST_RETRY_SECONDS, retry_backoff=BACKOFF, context=True, name=name
        )(run)
        wrapper.__doc__ = func.__doc__
        JOBS[name] = wrapper
        if secret is not None:
            WITHHELD.add(name)
        return wrapper

    return decorate


def claim(session: Session, key: str, task: str) -> bool:
    """Whether this run does the work of ``key``: not when a run of it committed (or commits while we wait)."""
    if session.scalar(select(JobRun.id).where(JobRun.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(JobRun(key=key, task=task))
    except IntegrityError:
        # Another run claimed the key; PostgreSQL made this one wait until that run committed.
        return False
    return True


def record_failure(task: str, args: tuple[Any, ...], exc: BaseException, tries: int) -> None:
    """Keep a job's last failure for an administrator, in a transaction of its own (the job's was rolled back)."""
    stored = json.dumps(list(args))
    error = f"{type(exc).__name__}: {exc}"[:2000]
    trace = "".join(traceback.format_exception(exc))[-8000:]
    now = utcnow()
    with session_scope() as session:
        row = session.scalar(
            select(JobFailure).where(JobFailure.task == task, JobFailure.args == stored).order_by(JobFailure.id)
        )
        if row is None:
            row = JobFailure(task=task, args=stored, tries=0, first_failed_at=now)
            session.add(row)
        row.tries += tries
        row.error, row.traceback, row.last_failed_at, row.resolved = error, trace, now, False


def retry(session: Session, actor: Any, failure: JobFailure) -> None:
    """Put a failed job back in the queue (with all its tries) once this transaction commits.

    The failure is resolved now: if the job fails its last try again, the same row comes back.
    """
    from fundapp import audit
    from fundapp.errors import Conflict

    if failure.task not in JOBS:
        raise Conflict("This task no longer exists; it cannot be tried again.")
    if failure.task in WITHHELD:
        raise Conflict("This mail held a link that was not kept; send it again from its page (invite again).")
    failure.resolved = True
    audit.record(session, actor, "job.retry", failure, {"task": failure.task, "args": failure.args})
    enqueue_after_commit(JOBS[failure.task], *json.loads(failure.args), session=session)


def unresolved_failures(session: Session) -> list[JobFailure]:
    return list(
        session.scalars(
            select(JobFailure).where(JobFailure.resolved.is_(False)).order_by(JobFailure.last_failed_at.desc())
        )
    )


# --- enqueued when the transaction commits ------------------------------------------------------------------

PENDING = "fundapp.jobs.pending"


def enqueue_after_commit(task: Any, *args: Any, session: Session | None = None) -> None:
    """Enqueue ``task(*args)`` when the transaction (the request's, by default) commits; a rollback drops it."""
    target = session if session is not None else get_session()
    target.info.setdefault(PENDING, []).append(task.s(*args))


def enqueue_once_after_commit(task: Any, session: Session | None = None) -> None:
    """Like ``enqueue_after_commit`` for a task without arguments, once per transaction however often asked."""
    target = session if session is not None else get_session()
    if not any(signature.name == task.name for signature in target.info.get(PENDING, [])):
        enqueue_after_commit(task, session=target)


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    for signature in session.info.pop(PENDING, []):
        huey.enqueue(signature)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: Any) -> None:
    # After a commit (whose tasks went above) or a rollback of the whole transaction, not of a savepoint in it.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


# --- the daily schedule, in Amsterdam time ------------------------------------------------------------------


def amsterdam_time(timestamp: datetime) -> datetime:
    """Huey's timestamps are naive UTC (``utc=True``)."""
    return timestamp.replace(tzinfo=UTC).astimezone(LOCAL)


def at_daily_time(timestamp: datetime) -> bool:
    """Huey's periodic check (every minute): is it 07:00 in Amsterdam?"""
    local = amsterdam_time(timestamp)
    return (local.hour, local.minute) == (DAILY_AT.hour, DAILY_AT.minute)


def next_daily_run(after: datetime) -> datetime:
    """The first 07:00 in Amsterdam after ``after`` (aware), in UTC: an hour earlier in UTC in summer."""
    local = after.astimezone(LOCAL)
    day: date = local.date()
    candidate = datetime.combine(day, DAILY_AT, tzinfo=LOCAL)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=1), DAILY_AT, tzinfo=LOCAL)
    return candidate.astimezone(UTC)


def init_app(app: Flask) -> None:
    from fundapp.notifications import jobs  # noqa: F401 - declares the tasks
    from fundapp.portfolio_import import jobs as portfolio_jobs  # noqa: F401 - declares the tasks
    from fundapp.reports import background  # noqa: F401 - declares the tasks

    huey.bind(app)
