"""Browser sessions live on the server: logging out ends them, a copied or forged cookie does not bring them back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from fundapp.auth import user_sessions
from fundapp.auth.access import SESSION_KEY
from fundapp.auth.models import UserSession
from fundapp.auth.services import hash_token
from fundapp.db import utcnow
from tests.factories import PASSWORD


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _client_with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _sid(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session[SESSION_KEY]


def _sessions_of(db_session, user) -> int:
    return db_session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app, world, login_as):
    client = login_as(world.user("admin"))
    copied = _session_cookie(client)
    assert _client_with_cookie(app, copied).get("/funds/").status_code == 200

    assert client.post("/logout").status_code == 303

    replay = _client_with_cookie(app, copied)
    page = replay.get("/funds/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert replay.get("/api/v1/me").status_code == 401


def test_logging_out_ends_that_session_only(app, db_session, world, login_as):
    admin = world.user("admin")
    elsewhere = app.test_client()
    assert elsewhere.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 303
    client = login_as(admin)
    assert _sessions_of(db_session, admin) == 2

    client.post("/logout")

    assert _sessions_of(db_session, admin) == 1
    assert elsewhere.get("/funds/").status_code == 200


def test_a_session_is_stored_only_as_the_sha256_of_the_id_in_the_cookie(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    sid = _sid(client)
    row = db_session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(sid)))
    assert row.user_id == world.user("manager_a").id
    raw = db_session.execute(text("SELECT * FROM user_sessions WHERE id = :id"), {"id": row.id}).one()
    assert all(sid not in str(value) for value in raw)


def test_a_remember_me_cookie_alone_logs_nobody_in(app, world):
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        forged = encode_cookie(str(world.user("admin").id))
    client = app.test_client()
    client.set_cookie("remember_token", forged)
    assert client.get("/funds/").status_code == 302


def test_a_session_idle_for_longer_than_the_limit_is_refused(app, db_session, world, login_as):
    client = login_as(world.user("admin"))
    row = db_session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(_sid(client))))
    row.last_seen_at = utcnow() - timedelta(hours=app.config["SESSION_IDLE_HOURS"], minutes=1)
    db_session.flush()
    assert client.get("/funds/").status_code == 302


def test_a_used_session_notes_when_it_was_last_seen_and_a_new_login_clears_idle_ones(db_session, world):
    admin, idle = world.user("admin"), timedelta(hours=12)
    start = utcnow() - timedelta(hours=20)
    stale = user_sessions.start(db_session, admin, idle, now=start)
    sid = user_sessions.start(db_session, admin, idle, now=start + timedelta(hours=10))
    db_session.flush()

    later = start + timedelta(hours=10, minutes=6)
    assert user_sessions.user_of(db_session, sid, idle, now=later) is admin
    row = db_session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(sid)))
    assert row.last_seen_at == later

    next_login = start + timedelta(hours=12, seconds=1)
    user_sessions.start(db_session, admin, idle, now=next_login)
    assert db_session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(stale))) is None
    assert user_sessions.user_of(db_session, stale, idle, now=next_login) is None
    assert user_sessions.user_of(db_session, sid, idle, now=next_login) is admin


def test_the_session_of_a_deactivated_user_ends_at_once(db_session, world, login_as):
    user = world.user("manager_b")
    client = login_as(user)
    assert client.get("/funds/").status_code == 200
    user.active = False
    db_session.flush()
    assert client.get("/funds/").status_code == 302
