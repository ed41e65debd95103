"""The inbox: each user's own notifications, newest first, in the reader's language, with an unread count in the
header; marking read; and the preferences per kind that decide how the next ones are delivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fundapp import clock
from fundapp.notifications.events import link, notify
from fundapp.notifications.kinds import KINDS
from fundapp.notifications.models import Delivery, Notification, NotificationPreference
from tests.web.round_trip import field_error, footprint
from tests.web.statements import statements_sent


def _tell(session: Any, world: Any, role: str, kind: str = "kpi_due_today", period: str = "2026-Q3") -> Notification:
    user = world.user(role)
    investee = world.investee_a if role.endswith("_a") else world.investee_b
    params = {"investee": investee.name, "period": period, "due_on": "2026-10-30"}
    path = link("impact.investee_impact", investee_id=investee.id)
    notify(session, [user.id], kind, investee, path, params, clock.today(), variant=period)
    return session.scalar(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()))


def test_the_inbox_shows_only_the_users_own_notifications_newest_first_in_their_language(db_session, world, login_as):
    _tell(db_session, world, "member_a", period="2026-Q2")
    _tell(db_session, world, "member_a", period="2026-Q3")
    _tell(db_session, world, "member_b")
    page = login_as(world.user("member_a")).get("/inbox").get_data(as_text=True)
    q3, q2 = page.index("Impactrapportage over 2026-Q3"), page.index("Impactrapportage over 2026-Q2")
    assert q3 < q2
    assert "30 oktober 2026" in page
    assert f'href="/investees/{world.investee_a.id}/impact"' in page
    assert "Investee B" not in page
    english = login_as(world.user("member_a")).get("/inbox?lang=en").get_data(as_text=True)
    assert "Impact report for 2026-Q3 due today" in english


def test_the_header_counts_the_unread_notifications(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    assert "utrecht-badge-counter" not in client.get("/").get_data(as_text=True)
    _tell(db_session, world, "member_a", period="2026-Q2")
    _tell(db_session, world, "member_a", period="2026-Q3")
    page = client.get("/").get_data(as_text=True)
    assert '<span class="utrecht-badge-counter">2<span class="visually-hidden"> ongelezen</span></span>' in page


def test_marking_ones_own_notification_read_takes_it_off_the_count(db_session, world, login_as):
    mine = _tell(db_session, world, "member_a")
    client = login_as(world.user("member_a"))
    response = client.post(f"/inbox/{mine.id}/read")
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Notification, mine.id).read_at is not None
    assert "utrecht-badge-counter" not in client.get("/inbox").get_data(as_text=True)


def test_another_users_notification_cannot_be_marked_read(db_session, world, login_as):
    theirs = _tell(db_session, world, "member_b")
    client = login_as(world.user("member_a"))
    assert client.post(f"/inbox/{theirs.id}/read").status_code == 404
    db_session.expire_all()
    assert db_session.get(Notification, theirs.id).read_at is None


def test_mark_all_read_marks_only_the_users_own(db_session, world, login_as):
    _tell(db_session, world, "member_a", period="2026-Q2")
    _tell(db_session, world, "member_a", period="2026-Q3")
    theirs = _tell(db_session, world, "member_b")
    assert login_as(world.user("member_a")).post("/inbox/read-all").status_code == 303
    db_session.expire_all()
    unread = db_session.scalars(select(Notification.user_id).where(Notification.read_at.is_(None))).all()
    assert set(unread) == {theirs.user_id}


def test_a_preference_decides_how_the_next_notification_of_that_kind_is_delivered(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    chosen = {**dict.fromkeys(KINDS, "email"), "kpi_due_today": "digest", "kpi_overdue": "inbox"}
    assert client.post("/account/notifications", data=chosen).status_code == 303
    assert _tell(db_session, world, "member_a").delivery == Delivery.DIGEST
    assert _tell(db_session, world, "member_a", kind="kpi_overdue").delivery == Delivery.INBOX
    assert _tell(db_session, world, "member_a", kind="claim_paid").delivery == Delivery.EMAIL
    page = client.get("/account/notifications").get_data(as_text=True)
    assert '<option value="digest" selected>Dagelijks overzicht</option>' in page


def test_an_unknown_choice_is_refused_beside_its_field_and_nothing_is_stored(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    before = footprint(db_session)
    chosen = {**dict.fromkeys(KINDS, "email"), "kpi_due_today": "pigeon", "kpi_overdue": "inbox"}
    response = client.post("/account/notifications", data=chosen)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "kpi_due_today") == "Kies direct per e-mail, dagelijks overzicht of alleen in je inbox."
    assert '<option value="inbox" selected>' in page  # what was chosen elsewhere is kept
    assert footprint(db_session) == before
    assert db_session.scalar(select(NotificationPreference.id)) is None


def test_a_choice_sent_empty_or_left_out_is_refused(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    every = dict.fromkeys(KINDS, "email")
    for sent in (
        {**every, "kpi_due_today": ""},
        {kind: mode for kind, mode in every.items() if kind != "kpi_due_today"},
    ):
        response = client.post("/account/notifications", data=sent)
        assert response.status_code == 422
        assert field_error(response.get_data(as_text=True), "kpi_due_today") is not None
    assert db_session.scalar(select(NotificationPreference.id)) is None


def test_the_header_count_is_read_with_the_session_and_a_page_asks_no_count_of_its_own(
    app, db_session, world, login_as
):
    for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
        _tell(db_session, world, "member_a", period=period)
    read = _tell(db_session, world, "member_a", period="2026-Q4")
    read.read_at = read.created_at
    _tell(db_session, world, "member_b")
    db_session.flush()
    client = login_as(world.user("member_a"))
    with statements_sent(app) as seen:
        page = client.get("/").get_data(as_text=True)
    assert '<span class="utrecht-badge-counter">3<span class="visually-hidden"> ongelezen</span></span>' in page
    asking = [s for s in seen if "FROM notifications" in s]
    assert len(asking) == 1 and "FROM user_sessions" in asking[0], asking


def test_the_kept_count_is_dropped_when_the_request_writes_notification_rows(db_session, world):
    from datetime import timedelta

    from sqlalchemy import update

    from fundapp.auth import user_sessions
    from fundapp.db import utcnow
    from fundapp.notifications import unread

    user = world.user("member_a")
    sid = user_sessions.start(db_session, user, timedelta(hours=1))
    db_session.flush()

    def fresh() -> int | None:
        db_session.info.pop(unread.KEPT, None)
        assert user_sessions.user_of(db_session, sid, timedelta(hours=1)) is not None
        return unread.kept(db_session, user.id)

    assert fresh() == 0
    assert unread.kept(db_session, world.user("member_b").id) is None  # another user's count is not this one
    mine = _tell(db_session, world, "member_a")  # a bulk INSERT
    assert unread.kept(db_session, user.id) is None
    assert fresh() == 1
    mine.read_at = utcnow()  # the ORM
    db_session.flush()
    assert unread.kept(db_session, user.id) is None
    assert fresh() == 0
    db_session.execute(update(Notification).where(Notification.id == mine.id).values(read_at=None))  # a bulk UPDATE
    assert unread.kept(db_session, user.id) is None
    assert fresh() == 1
    db_session.scalar(select(Notification.id).where(Notification.user_id == user.id))  # reading keeps it
    assert unread.kept(db_session, user.id) == 1
