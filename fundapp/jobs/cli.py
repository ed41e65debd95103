"""flask jobs: the worker (Huey's consumer), the failed jobs, trying one again."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs: the worker and the jobs that failed.")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Threads running tasks.")
def worker(workers: int) -> None:
    """Run the queue's consumer: its tasks, their retries and the daily round at 07:00 Amsterdam time."""
    from datetime import timedelta

    from fundapp import clock
    from fundapp.db import session_scope, utcnow
    from fundapp.jobs.queue import DAILY_AT, huey, next_daily_run
    from fundapp.notifications.jobs import days_to_run, run_day

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # A worker that was down at 07:00 does the work of the days it missed when it starts (once each: the day's key).
    until = clock.today() if _past_daily_time() else clock.today() - timedelta(days=1)
    with session_scope() as session:
        days = days_to_run(session, until)
    for day in days:
        run_day(day.isoformat())
    click.echo(f"Next daily round at {next_daily_run(utcnow()):%Y-%m-%d %H:%M} UTC ({DAILY_AT:%H:%M} Amsterdam).")
    huey.create_consumer(workers=workers, worker_type="thread").run()


def _past_daily_time() -> bool:
    from datetime import datetime

    from fundapp.jobs.queue import DAILY_AT, LOCAL

    return datetime.now(LOCAL).time() >= DAILY_AT


@jobs_cli.command("failed")
def failed() -> None:
    """List the jobs that failed their last try and wait for someone."""
    from fundapp.db import session_scope
    from fundapp.jobs.queue import unresolved_failures

    with session_scope() as session:
        rows = unresolved_failures(session)
        for row in rows:
            click.echo(
                f"{row.id:>5}  {row.task:<20} {row.tries:>3} tries  {row.last_failed_at:%Y-%m-%d %H:%M} UTC  {row.error}"
            )
    if not rows:
        click.echo("No failed jobs.")


@jobs_cli.command("retry")
@click.argument("failure_id", type=int)
def retry(failure_id: int) -> None:
    """Put failed job FAILURE_ID back in the queue."""
    from fundapp import audit
    from fundapp.db import session_scope
    from fundapp.errors import AppError
    from fundapp.jobs import queue
    from fundapp.jobs.models import JobFailure

    try:
        with session_scope() as session:
            row = session.get(JobFailure, failure_id)
            if row is None or row.resolved:
                raise click.ClickException(f"No failed job {failure_id} waits to be tried again.")
            queue.retry(session, audit.Actor.system("cli"), row)
            task = row.task
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Job {failure_id} ({task}) is back in the queue.")
