"""`flask reminders run --date`: each reminder of the day arrives once by real SMTP, to the right people only,
in their language; a second run sends nothing; preferences keep a mail in the inbox or gather it in a digest."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from fundapp.auth.models import Role, User
from fundapp.auth.services import issue_token
from fundapp.clock import ZONE
from fundapp.notifications.models import Delivery, Notification, NotificationPreference
from tests.factories import make_loan, make_plan, make_user
from tests.smtp import html_of, text_of

QUARTER_END = date(2026, 9, 30)


@pytest.fixture(autouse=True)
def _base_url(app: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", "https://fundapp.example")


def take(inbox: Any) -> list[Any]:
    """The mails received since the last look."""
    taken = list(inbox.received)
    inbox.received.clear()
    return taken


def _reminder_world(db_session: Any, world: Any) -> SimpleNamespace:
    """As of ``day``: investee A's Q3 report is due in 14 days and a new loan's first installment in 7;
    investee B's Q3 report is 7 days overdue and its new loan's first installment was due yesterday, unpaid;
    one of A's members reads English and has an API token expiring in 7 days."""
    member_nl = world.user("member_a")
    member_nl.locale = "nl"
    member_en = make_user(db_session, Role.INVESTEE_MEMBER, world.investee_a.id, email="reader.en@test.example")
    member_en.locale = "en"
    loan_a = make_loan(db_session, world.investee_a, disbursement_date=date(2026, 9, 23), number_of_installments=12)
    day = loan_a.installments[0].due_date - timedelta(days=7)
    loan_b = make_loan(db_session, world.investee_b, disbursement_date=date(2026, 9, 15), number_of_installments=12)
    assert loan_b.installments[0].due_date == day - timedelta(days=1)
    make_plan(db_session, world.investee_a).due_days = (day + timedelta(days=14) - QUARTER_END).days
    make_plan(db_session, world.investee_b).due_days = (day - timedelta(days=7) - QUARTER_END).days
    expiring, _ = issue_token(db_session, member_en, "boekhouding")
    expiring.expires_at = datetime.combine(day + timedelta(days=7), time(12), ZONE)
    later, _ = issue_token(db_session, world.user("manager_a"), "later")
    later.expires_at = datetime.combine(day + timedelta(days=8), time(0, 30), ZONE)
    db_session.flush()
    return SimpleNamespace(day=day, nl=member_nl, en=member_en, loan_a=loan_a, loan_b=loan_b)


def _run(app: Any, day: date) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _by_recipient(mails: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for mail in mails:
        found[mail["To"]].append(mail)
    return dict(found)


def test_each_reminder_arrives_once_to_the_right_people_in_their_language_and_to_nobody_else(
    app, db_session, world, inbox
):
    w = _reminder_world(db_session, world)
    output = _run(app, w.day)
    mails = _by_recipient(take(inbox))

    member_b, manager_b = world.user("member_b").email, world.user("manager_b").email
    assert sorted(mails) == sorted([w.nl.email, w.en.email, member_b, manager_b])
    assert len(mails[w.nl.email]) == 2  # the report due in 14 days, the installment due in 7
    assert len(mails[w.en.email]) == 3  # the same two, and the expiring token
    assert len(mails[member_b]) == 2 and len(mails[manager_b]) == 2  # the overdue report, the missed installment
    assert "reminders: 9" in output and "mails sent: 9" in output

    for mail in mails[w.nl.email]:
        assert mail["Content-Language"] == "nl"
    nl_subjects = sorted(m["Subject"] for m in mails[w.nl.email])
    assert nl_subjects == [
        f"Aflossing van lening {w.loan_a.reference} vervalt op 23 oktober 2026",
        "Impactrapportage over 2026-Q3 moet binnen zijn op 30 oktober 2026",
    ]
    en_subjects = sorted(m["Subject"] for m in mails[w.en.email])
    assert en_subjects == [
        "Impact report for 2026-Q3 due on 30 October 2026",
        f"Installment of loan {w.loan_a.reference} due on 23 October 2026",
        "Your API token expires on 23 October 2026",
    ]
    assert all(m["Content-Language"] == "en" for m in mails[w.en.email])
    report = next(m for m in mails[w.en.email] if m["Subject"].startswith("Impact report"))
    link = f"https://fundapp.example/investees/{world.investee_a.id}/impact"
    assert link in text_of(report) and f'href="{link}"' in html_of(report)
    assert "Investee A" in text_of(report)
    overdue = next(m for m in mails[manager_b] if "Impactrapportage" in m["Subject"])
    assert "Investee B" in overdue["Subject"] and "te laat" in overdue["Subject"]
    missed = next(m for m in mails[member_b] if "Aflossing" in m["Subject"])
    assert f"/loans/{w.loan_b.id}" in text_of(missed)


def test_a_second_run_for_the_same_day_sends_nothing(app, db_session, world, inbox):
    w = _reminder_world(db_session, world)
    _run(app, w.day)
    assert len(take(inbox)) == 9
    output = _run(app, w.day)
    assert take(inbox) == []
    assert "reminders: 0" in output and "mails sent: 0" in output
    assert db_session.scalar(select(Notification.id).where(Notification.mailed_at.is_(None))) is None


def test_the_next_day_brings_only_that_days_reminders(app, db_session, world, inbox):
    w = _reminder_world(db_session, world)
    _run(app, w.day)
    take(inbox)
    _run(app, w.day + timedelta(days=1))
    # No report or installment is 14 or 7 days away, or 1 or 7 days late, that day; manager A's token expires
    # just after midnight a week after it (Amsterdam time), so it is that day's only reminder.
    [mail] = take(inbox)
    assert mail["To"] == world.user("manager_a").email
    assert mail["Subject"].startswith("Je API-token verloopt op")


def test_inbox_only_sends_no_mail_and_the_daily_digest_sends_one(app, db_session, world, inbox):
    w = _reminder_world(db_session, world)
    db_session.add_all(
        [
            NotificationPreference(user_id=w.en.id, kind="installment_due_soon", mode=Delivery.INBOX),
            NotificationPreference(user_id=w.nl.id, kind="installment_due_soon", mode=Delivery.DIGEST),
            NotificationPreference(user_id=w.nl.id, kind="kpi_due_soon", mode=Delivery.DIGEST),
        ]
    )
    db_session.flush()
    output = _run(app, w.day)
    mails = _by_recipient(take(inbox))
    assert sorted(m["Subject"] for m in mails[w.en.email]) == [
        "Impact report for 2026-Q3 due on 30 October 2026",
        "Your API token expires on 23 October 2026",
    ]
    [digest] = mails[w.nl.email]
    assert digest["Subject"] == "Je meldingen in fundapp: 2 nieuw"
    assert "Impactrapportage over 2026-Q3" in text_of(digest) and w.loan_a.reference in text_of(digest)
    assert "digests sent: 1" in output
    told = db_session.scalars(select(Notification.kind).where(Notification.user_id == w.en.id)).all()
    assert sorted(told) == ["installment_due_soon", "kpi_due_soon", "token_expiring"]
    _run(app, w.day)
    assert take(inbox) == []


def test_a_refused_mail_fails_the_run_and_is_sent_by_the_next_one(app, db_session, world, inbox, monkeypatch):
    w = _reminder_world(db_session, world)
    url = app.config["SMTP_URL"]
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:1")
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--date", w.day.isoformat()])
    assert result.exit_code != 0
    assert db_session.scalar(select(Notification.id).where(Notification.mailed_at.is_not(None))) is None
    monkeypatch.setitem(app.config, "SMTP_URL", url)
    _run(app, w.day)
    assert len(take(inbox)) == 9


@pytest.mark.parametrize("inactive", ["member_b", "manager_b"])
def test_an_inactive_user_is_told_nothing(app, db_session, world, inbox, inactive):
    w = _reminder_world(db_session, world)
    world.user(inactive).active = False
    db_session.flush()
    _run(app, w.day)
    assert world.user(inactive).email not in _by_recipient(take(inbox))
    assert db_session.scalar(select(Notification.id).join(User).where(User.active.is_(False))) is None
