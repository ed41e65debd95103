"""The notification tasks of the job queue (fundapp.jobs.queue): the daily round at 07:00 Amsterdam time, mail.

``daily`` is Huey's periodic task: each consumer's scheduler enqueues it at 07:00, so with several machines it
may run more than once; it only enqueues ``run_day`` for the day (and for the days missed while no worker ran,
at most ``CATCH_UP_DAYS`` back), whose key makes each day's work happen once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.db import session_scope, utcnow
from fundapp.jobs.models import JobRun
from fundapp.jobs.queue import at_daily_time, enqueue_once_after_commit, huey, job
from fundapp.notifications import mail

CATCH_UP_DAYS = 7  # a reminder older than a week is news to no one: days missed before that are skipped


@huey.periodic_task(at_daily_time, name="daily")
def daily() -> None:
    assert huey.app is not None, "the job queue is not bound to an app"
    with huey.app.app_context(), session_scope() as session:
        days = days_to_run(session, clock.today())
    for day in days:
        run_day(day.isoformat())


def days_to_run(session: Session, until: date) -> list[date]:
    """The days whose round has not run, up to ``until``: the days after the last round (a worker that was down
    missed them), at most ``CATCH_UP_DAYS`` back; just ``until`` when no round ever ran."""
    last = session.scalar(select(func.max(JobRun.key)).where(JobRun.task == "run_day"))
    first = until if last is None else date.fromisoformat(last.removeprefix("run_day:")) + timedelta(days=1)
    first = max(first, until - timedelta(days=CATCH_UP_DAYS - 1))
    return [first + timedelta(days=n) for n in range((until - first).days + 1)]


@job("run_day", key=lambda day: day)
def run_day(session: Session, day: str) -> None:
    """The work of one day, once per day, in one transaction."""
    run_daily(session, date.fromisoformat(day))


def run_daily(session: Session, day: date) -> None:
    """The day's work: the reminders as of the day, then the mails they cause (each in a job of its own)."""
    from fundapp.notifications.reminders import run_reminders

    run_reminders(session, day)
    enqueue_once_after_commit(deliver_mail, session=session)
    enqueue_once_after_commit(send_digest_mail, session=session)


@job("deliver_mail")
def deliver_mail(session: Session) -> None:
    """Send one pending notification mail, then queue the next: one mail per transaction, so a refusal (retried
    with back-off) never sends again the mails before it. Without a key: it sends only what is still pending."""
    from fundapp.notifications.delivery import deliver_pending

    if deliver_pending(session, current_app.config, utcnow(), limit=1):
        enqueue_once_after_commit(deliver_mail, session=session)


@job("send_digest_mail")
def send_digest_mail(session: Session) -> None:
    """Send one user's daily digest, then queue the next user's."""
    from fundapp.notifications.delivery import send_digests

    if send_digests(session, current_app.config, limit=1):
        enqueue_once_after_commit(send_digest_mail, session=session)


@job("send_mail", secret=lambda message: {"to": message["to"], "subject": message["subject"]})
def send_mail(session: Session, message: dict[str, Any]) -> None:
    """Send one mail (an invitation, a reset link): off the request, so a slow or refusing mail server neither
    delays the page nor loses the mail (it is tried again with back-off), and an address that exists answers
    as fast as one that does not."""
    mail.send(current_app.config, mail.Mail(**message))
