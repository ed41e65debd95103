"""The notifications on the job queue (SQLite and Redis): the daily round sends the day's reminders by real SMTP,
an event's mail goes out once its change commits, one mail per job."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from fundapp.db import session_scope
from fundapp.notifications.events import notify
from fundapp.notifications.jobs import deliver_mail, run_day
from fundapp.notifications.models import Delivery, Notification
from tests.integration.test_reminders_mail import _by_recipient, _reminder_world, take


@pytest.fixture(autouse=True)
def _base_url(app: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", "https://fundapp.example")


def _queued(queue: Any) -> list[str]:
    return [task.name for task in queue.pending()]


def test_the_daily_round_sends_the_days_reminders_once_through_the_queue(job_queue, inbox, db_session, world):
    w = _reminder_world(db_session, world)
    job_queue.enqueue(run_day.s(w.day.isoformat()))
    mails = _by_recipient(take(inbox))
    member_b, manager_b = world.user("member_b").email, world.user("manager_b").email
    assert sorted(mails) == sorted([w.nl.email, w.en.email, member_b, manager_b])
    assert len(mails[w.nl.email]) == 2  # the report due in 14 days, the installment due in 7
    assert mails[w.en.email][0]["Content-Language"] == "en"
    job_queue.enqueue(run_day.s(w.day.isoformat()))  # the scheduler of a second machine fires too
    assert take(inbox) == []


def test_an_event_s_mail_is_queued_when_its_change_commits_and_not_when_it_rolls_back(
    app, job_queue, inbox, db_session, world
):
    member = world.user("member_a")
    params = {"investee": "Fietsfabriek", "period": "2026-Q3", "contract": "RF-1", "decision": "approved"}
    with pytest.raises(RuntimeError), session_scope(app) as session:
        notify(session, [member.id], "claim_decided", world.investee_a, "/claims", params, world_day())
        raise RuntimeError("the request fails")
    assert _queued(job_queue) == []
    with session_scope(app) as session:
        notify(session, [member.id], "claim_decided", world.investee_a, "/claims", params, world_day())
        notify(
            session, [member.id], "claim_paid", world.investee_a, "/claims", params | {"amount": "1.00"}, world_day()
        )
    assert _queued(job_queue) == ["deliver_mail"]  # once per transaction, however many were told
    assert [m["To"] for m in inbox.received] == [member.email, member.email]


def test_each_mail_job_sends_one_mail_and_queues_the_next(app, job_queue, inbox, db_session, world):
    member, manager = world.user("member_a"), world.user("manager_a")
    params = {"investee": "Fietsfabriek", "period": "2026-Q3", "contract": "RF-1", "decision": "approved"}
    with session_scope(app) as session:
        notify(session, [member.id, manager.id], "claim_decided", world.investee_a, "/claims", params, world_day())
    job_queue.execute(job_queue.dequeue())
    assert len(inbox.arrived) == 1
    mailed = select(func.count()).select_from(Notification).where(Notification.mailed_at.is_not(None))
    assert db_session.scalar(mailed) == 1
    assert _queued(job_queue) == ["deliver_mail"]
    assert len(inbox.received) == 2  # the next job sent the other one
    assert db_session.scalar(mailed) == 2
    job_queue.enqueue(deliver_mail.s())  # nothing left: a job run again sends nothing
    assert len(inbox.received) == 2
    assert _queued(job_queue) == []


def world_day():
    from fundapp import clock

    return clock.today()


def test_an_address_refused_for_good_keeps_its_notification_in_the_inbox_and_the_others_still_get_theirs(
    app, job_queue, inbox, db_session, world
):
    member, manager = world.user("member_a"), world.user("manager_a")
    inbox.refuse.add(member.email)
    params = {"investee": "Fietsfabriek", "period": "2026-Q3", "contract": "RF-1", "decision": "approved"}
    with session_scope(app) as session:
        notify(session, [member.id, manager.id], "claim_decided", world.investee_a, "/claims", params, world_day())
    assert [m["To"] for m in inbox.received] == [manager.email]
    rows = {n.user_id: n for n in db_session.scalars(select(Notification))}
    assert rows[member.id].delivery == Delivery.INBOX and rows[member.id].mailed_at is None
    assert rows[manager.id].mailed_at is not None


def test_a_mail_job_that_fails_for_good_keeps_no_link_and_cannot_be_tried_again_from_the_failure(
    app, job_queue, db_session, monkeypatch
):
    from datetime import UTC, datetime, timedelta

    from fundapp.errors import Conflict
    from fundapp.jobs.models import JobFailure
    from fundapp.jobs.queue import retry
    from fundapp.notifications.jobs import send_mail

    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:1")  # nothing listens: every try fails
    link = "https://fundapp.example/invitation/SECRET-TOKEN"
    message = {"to": "new@example.nl", "subject": "Invitation", "text": link, "html": None, "language": "nl"}
    job_queue.enqueue(send_mail.s(message))
    at = datetime.now(UTC).replace(tzinfo=None)
    while job_queue.pending_count() or job_queue.scheduled_count():
        for task in job_queue.read_schedule(at):
            job_queue.enqueue(task)
        while (task := job_queue.dequeue()) is not None:
            job_queue.execute(task, at)
        at += timedelta(days=1)
    [failure] = db_session.scalars(select(JobFailure).where(JobFailure.task == "send_mail")).all()
    assert "SECRET-TOKEN" not in failure.args and "new@example.nl" in failure.args
    with pytest.raises(Conflict):
        retry(db_session, None, failure)
