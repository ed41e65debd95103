"""The job queue on a real storage (a SQLite file and a Redis server): retries with back-off, failures kept,
work done once per key, nothing enqueued by a transaction that rolls back, the daily round in Amsterdam time.

Tasks are run as Huey's consumer runs them (``huey.execute`` on what its scheduler finds due), in the test's
thread and transaction; ``test_a_worker_started_by_the_cli_runs_a_queued_job`` runs the real consumer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fundapp.audit import Actor, AuditEntry, record
from fundapp.jobs.models import JobFailure, JobRun
from fundapp.jobs.queue import JOBS, enqueue_after_commit, job, next_daily_run
from fundapp.notifications.jobs import run_day

TRIES: Counter[str] = Counter()
WORK: Counter[str] = Counter()


@job("test_fails_twice")
def fails_twice(session, name):
    TRIES[name] += 1
    if TRIES[name] <= 2:
        raise ConnectionError(f"the mail server is away (try {TRIES[name]})")
    record(session, Actor.system("test"), "test.done", name, entity_type="Test")


@job("test_always_fails")
def always_fails(session, name):
    TRIES[name] += 1
    record(session, Actor.system("test"), "test.tried", name, entity_type="Test")  # rolled back with the failure
    raise ValueError(f"no such recipient: {name}")


@job("test_keyed", key=lambda name: name)
def keyed(session, name):
    WORK[name] += 1
    record(session, Actor.system("test"), "test.work", name, entity_type="Test")


def now() -> datetime:
    """Huey's clock: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def run_due(huey, at: datetime) -> int:
    """What the consumer does at ``at``: its scheduler queues the tasks due, its worker runs them. Answers how many."""
    for task in huey.read_schedule(at):
        huey.enqueue(task)
    ran = 0
    while huey.pending_count():
        huey.execute(huey.dequeue(), at)
        ran += 1
    return ran


def waits(huey) -> list[float]:
    """The seconds from now until each scheduled task is due."""
    start = now()
    return sorted((task.eta - start).total_seconds() for task in huey.scheduled())


def entries(db_session, action: str, name: str) -> int:
    query = select(func.count()).where(AuditEntry.action == action, AuditEntry.entity_id == name)
    return db_session.scalar(query.select_from(AuditEntry))


def test_a_job_that_fails_twice_is_tried_again_after_growing_waits_and_then_succeeds(job_queue, db_session):
    name = f"twice-{job_queue.storage.name}"
    fails_twice(name)
    assert run_due(job_queue, now()) == 1
    [first_wait] = waits(job_queue)
    assert 50 <= first_wait <= 60
    assert run_due(job_queue, now()) == 0, "not tried again before its wait is over"
    assert run_due(job_queue, now() + timedelta(seconds=61)) == 1
    [second_wait] = waits(job_queue)
    assert 230 <= second_wait <= 240, "the second wait is four times the first"
    assert run_due(job_queue, now() + timedelta(seconds=241)) == 1
    assert TRIES[name] == 3
    assert job_queue.scheduled_count() == 0 and job_queue.pending_count() == 0
    assert entries(db_session, "test.done", name) == 1
    assert db_session.scalar(select(func.count()).select_from(JobFailure).where(JobFailure.args.contains(name))) == 0


def test_a_job_that_always_fails_is_kept_with_its_error_after_its_last_try(job_queue, db_session, app):
    name = f"always-{job_queue.storage.name}"
    always_fails(name)
    at = now()
    seen_waits = []
    while run_due(job_queue, at):
        seen_waits += waits(job_queue)
        at = now() + timedelta(days=1)
    assert TRIES[name] == 6, "the first try and five more"
    assert [round(w / 60) for w in seen_waits] == [1, 4, 16, 64, 256]
    failure = db_session.scalar(select(JobFailure).where(JobFailure.task == "test_always_fails"))
    assert failure.tries == 6 and not failure.resolved
    assert failure.error == f"ValueError: no such recipient: {name}"
    assert "always_fails" in failure.traceback and failure.args == f'["{name}"]'
    assert entries(db_session, "test.tried", name) == 0, "each try was rolled back"

    output = app.test_cli_runner().invoke(args=["jobs", "failed"]).output
    assert f"{failure.id:>5}  test_always_fails" in output and "6 tries" in output
    assert f"ValueError: no such recipient: {name}" in output


def test_the_cli_puts_a_failed_job_back_in_the_queue_and_it_comes_back_when_it_fails_again(job_queue, db_session, app):
    name = f"again-{job_queue.storage.name}"
    always_fails(name)
    at = now()
    while run_due(job_queue, at):
        at = now() + timedelta(days=1)
    failure = db_session.scalar(select(JobFailure).where(JobFailure.task == "test_always_fails"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "retry", str(failure.id)])
    assert result.exit_code == 0, result.output
    assert "back in the queue" in result.output
    assert job_queue.pending_count() == 1
    db_session.refresh(failure)
    assert failure.resolved
    assert "No failed jobs." in runner.invoke(args=["jobs", "failed"]).output
    assert runner.invoke(args=["jobs", "retry", str(failure.id)]).exit_code == 1, "nothing waits any more"

    at = now()
    while run_due(job_queue, at):
        at = now() + timedelta(days=1)
    db_session.refresh(failure)
    assert not failure.resolved and failure.tries == 12, "the same job, failed for good twice"
    assert db_session.scalar(select(func.count()).select_from(JobFailure)) == 1


def test_the_same_job_key_run_twice_does_its_work_once(job_queue, db_session):
    name = f"once-{job_queue.storage.name}"
    keyed(name)
    keyed(name)
    assert run_due(job_queue, now()) == 2
    assert WORK[name] == 1
    assert entries(db_session, "test.work", name) == 1
    assert db_session.scalar(select(func.count()).select_from(JobRun).where(JobRun.key == f"test_keyed:{name}")) == 1


def test_a_job_enqueued_in_a_request_that_rolls_back_is_never_enqueued(job_queue, app):
    with app.test_request_context("/", method="POST"):
        enqueue_after_commit(JOBS["test_keyed"], "rolled back")
        assert job_queue.pending_count() == 0, "not before the commit"
        app.process_response(app.response_class("refused", status=422))
    assert job_queue.pending_count() == 0
    with app.test_request_context("/", method="POST"):
        enqueue_after_commit(JOBS["test_keyed"], "committed")
        app.process_response(app.response_class("done", status=303))
    assert [task.args for task in job_queue.pending()] == [("committed",)]


def test_a_job_enqueued_in_a_savepoint_that_rolls_back_still_goes_with_its_transaction(job_queue, app):
    """Only the whole transaction decides: a savepoint rolled back inside it (a claimed key) drops nothing."""
    with app.test_request_context("/", method="POST"):
        from fundapp.db import get_session

        enqueue_after_commit(JOBS["test_keyed"], "outer")
        get_session().begin_nested().rollback()
        app.process_response(app.response_class("done", status=303))
    assert job_queue.pending_count() == 1


def test_the_daily_round_fires_at_seven_in_amsterdam_in_winter_and_in_summer(job_queue):
    def fires(utc: datetime) -> bool:
        return any(task.name == "daily" for task in job_queue.read_periodic(utc))

    assert fires(datetime(2026, 1, 15, 6, 0)) and not fires(datetime(2026, 1, 15, 7, 0)), "winter: UTC+1"
    assert fires(datetime(2026, 7, 15, 5, 0)) and not fires(datetime(2026, 7, 15, 6, 0)), "summer: UTC+2"
    assert not fires(datetime(2026, 7, 15, 5, 1))
    # Across the change to summer time (28 March 2027) and back (25 October 2026), always 07:00 local.
    spring = next_daily_run(datetime(2027, 3, 27, 6, 0, tzinfo=UTC))
    assert spring == datetime(2027, 3, 28, 5, 0, tzinfo=UTC)
    autumn = next_daily_run(datetime(2026, 10, 24, 5, 0, tzinfo=UTC))
    assert autumn == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
    assert fires(spring.replace(tzinfo=None)) and fires(autumn.replace(tzinfo=None))


def test_the_daily_round_queues_the_days_work_which_runs_once_a_day(job_queue, db_session):
    [daily] = job_queue.read_periodic(datetime(2026, 7, 15, 5, 0))
    job_queue.enqueue(daily)
    job_queue.enqueue(daily)  # a second machine's scheduler
    # Two daily rounds, two runs of the day; only the first does the day's work and queues its mail and digests.
    assert run_due(job_queue, now()) == 6
    keys = db_session.scalars(select(JobRun.key).where(JobRun.task == "run_day")).all()
    assert len(keys) == 1 and keys[0].startswith("run_day:20")


def test_a_worker_started_by_the_cli_runs_a_queued_job(job_queue, tmp_path):
    """The real consumer, in its own process, on its own database: ``flask jobs worker``."""
    from huey.storage import RedisStorage
    from sqlalchemy import create_engine

    from fundapp import migrate
    from fundapp.jobs.queue import make_storage
    from tests.conftest import test_redis_url

    url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    migrate.upgrade(url)
    env = {**os.environ, "FUNDAPP_DATABASE_URL": url, "FUNDAPP_JOBS_FILE": str(tmp_path / "worker-jobs.sqlite3")}
    env["FUNDAPP_REDIS_URL"] = test_redis_url() if isinstance(job_queue.storage, RedisStorage) else ""
    env["FUNDAPP_JOBS_QUEUE"] = f"{job_queue.storage.name}_worker"  # apart from other checkouts on one Redis
    settings = ("JOBS_FILE", "JOBS_QUEUE", "REDIS_URL")
    storage = make_storage({"DATABASE_URL": url, **{name: env[f"FUNDAPP_{name}"] for name in settings}})
    storage.flush_all()
    job_queue.storage = storage
    run_day("2026-12-02")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    worker = subprocess.Popen(
        [flask, "--app", "wsgi", "jobs", "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts the app slowly; a pass takes ~2 s
        done = False
        while not done and time.monotonic() < deadline:
            time.sleep(0.2)
            with engine.connect() as connection:
                done = (
                    connection.execute(select(JobRun.id).where(JobRun.key == "run_day:2026-12-02")).first() is not None
                )
    finally:
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=30)[0].decode()
        engine.dispose()
        storage.flush_all()
    assert done, output
    assert "Next daily round at" in output


def test_the_daily_round_catches_up_the_days_a_worker_missed_at_most_a_week_back(db_session):
    from datetime import date

    from fundapp.notifications.jobs import days_to_run

    today = date(2026, 12, 10)
    assert days_to_run(db_session, today) == [today], "no round ever ran: today only"
    db_session.add(JobRun(key="run_day:2026-12-07", task="run_day"))
    db_session.flush()
    assert days_to_run(db_session, today) == [date(2026, 12, 8), date(2026, 12, 9), today]
    db_session.add(JobRun(key="run_day:2026-12-10", task="run_day"))
    db_session.flush()
    assert days_to_run(db_session, today) == [], "today's round ran"
    assert days_to_run(db_session, date(2026, 12, 30)) == [date(2026, 12, 24) + timedelta(days=n) for n in range(7)]


def test_the_daily_round_after_two_missed_days_runs_each_of_them_once(job_queue, db_session, monkeypatch):
    from fundapp import clock

    monkeypatch.setenv(clock.PIN, "2026-07-15")
    db_session.add(JobRun(key="run_day:2026-07-12", task="run_day"))
    db_session.commit()
    [daily] = job_queue.read_periodic(datetime(2026, 7, 15, 5, 0))
    job_queue.enqueue(daily)
    run_due(job_queue, now())
    keys = db_session.scalars(select(JobRun.key).where(JobRun.task == "run_day").order_by(JobRun.key)).all()
    assert keys == ["run_day:2026-07-12", "run_day:2026-07-13", "run_day:2026-07-14", "run_day:2026-07-15"]
