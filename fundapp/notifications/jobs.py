"""The notification tasks of the job queue (fundapp.jobs.queue): the daily round at 07:00 Amsterdam time, mail.

``daily`` is Huey's periodic task: each consumer's scheduler enqueues it at 07:00, so with several machines it
may run more than once; it only enqueues ``run_day`` for the day, whose key makes the day's work happen once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from fundapp.jobs.queue import LOCAL, at_daily_time, huey, job
from fundapp.notifications import mail


@huey.periodic_task(at_daily_time, name="daily")
def daily() -> None:
    run_day(today().isoformat())


def today() -> date:
    return datetime.now(LOCAL).date()


@job("run_day", key=lambda day: day)
def run_day(session: Session, day: str) -> None:
    """The work of one day, once per day, in one transaction."""
    run_daily(session, date.fromisoformat(day))


def run_daily(session: Session, day: date) -> None:
    """The one place where the day's work is called: reminders, then delivery of what is pending, then digests.

    Those come with the notifications (``reminders.run_reminders``, ``delivery.deliver_pending``,
    ``delivery.send_digests``); until they are wired in here, a day's run does nothing but record that it ran.
    """


@job("deliver_mail")
def deliver_mail(session: Session) -> None:
    """Send the mail that waits to be sent (``delivery.deliver_pending``, wired in with the notifications).

    It has no key: it may run any number of times a day, and sends only what is still pending.
    """


@job("send_mail")
def send_mail(session: Session, message: dict[str, Any]) -> None:
    """Send one mail (an invitation, a reset link): off the request, so a slow or refusing mail server neither
    delays the page nor loses the mail (it is tried again with back-off), and an address that exists answers
    as fast as one that does not."""
    mail.send(current_app.config, mail.Mail(**message))
