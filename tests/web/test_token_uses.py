"""An API token's "last used" is written in batches (fundapp/auth/token_uses.py): at once after a quiet spell,
then at most every TOKEN_USE_WRITE_SECONDS per process, all uses meanwhile in one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fundapp.auth import token_uses
from fundapp.auth.models import ApiToken
from fundapp.auth.services import issue_token


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(app):
    """The app's notes of token uses, fresh and on a clock the test moves (60 s between writes)."""
    previous = app.extensions[token_uses.EXTENSION]
    ticking = Clock()
    app.extensions[token_uses.EXTENSION] = token_uses.TokenUses(60, clock=ticking)
    yield ticking
    app.extensions[token_uses.EXTENSION] = previous


def _token(db_session, user) -> tuple[ApiToken, dict[str, str]]:
    row, secret = issue_token(db_session, user, "script")
    db_session.flush()
    return row, {"Authorization": f"Bearer {secret}"}


def _last_used(db_session, row: ApiToken) -> datetime | None:
    return db_session.scalar(
        select(ApiToken.last_used_at).where(ApiToken.id == row.id).execution_options(populate_existing=True)
    )


def test_the_first_use_after_a_quiet_spell_is_written_with_its_request(app, client, db_session, world, clock):
    row, headers = _token(db_session, world.user("admin"))
    assert _last_used(db_session, row) is None
    assert client.get("/api/v1/funds", headers=headers).status_code == 200
    used = _last_used(db_session, row)
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=1)
    assert token_uses.of(app).pending == {}


def test_uses_within_the_interval_wait_and_are_then_written_together(app, client, db_session, world, clock):
    first, first_headers = _token(db_session, world.user("admin"))
    second, second_headers = _token(db_session, world.user("manager_a"))
    third, third_headers = _token(db_session, world.user("officer_a"))
    assert client.get("/api/v1/funds", headers=first_headers).status_code == 200
    assert _last_used(db_session, first) is not None  # written at once
    clock.now += 10
    assert client.get("/api/v1/funds", headers=second_headers).status_code == 200
    clock.now += 10
    assert client.get("/api/v1/me", headers=third_headers).status_code == 200
    assert _last_used(db_session, second) is None and _last_used(db_session, third) is None
    assert set(token_uses.of(app).pending) == {second.id, third.id}

    clock.now += 40  # 60 s after the last write: the next successful request of anyone writes both
    assert client.get("/api/v1/me", headers=first_headers).status_code == 200
    assert _last_used(db_session, second) is not None and _last_used(db_session, third) is not None
    assert _last_used(db_session, second) <= _last_used(db_session, third)
    assert token_uses.of(app).pending == {}


def test_a_failed_request_notes_no_use_and_writes_nothing(app, client, db_session, world, clock):
    written, written_headers = _token(db_session, world.user("admin"))
    waiting, waiting_headers = _token(db_session, world.user("manager_a"))
    assert client.get("/api/v1/funds", headers=written_headers).status_code == 200
    assert client.get("/api/v1/funds", headers=waiting_headers).status_code == 200
    assert _last_used(db_session, written) is not None
    assert set(token_uses.of(app).pending) == {waiting.id}
    failing, failing_headers = _token(db_session, world.user("officer_a"))
    clock.now += 61
    assert client.get("/api/v1/loans/999999", headers=failing_headers).status_code == 404
    assert set(token_uses.of(app).pending) == {waiting.id}  # the 404 noted nothing and wrote nothing
    assert _last_used(db_session, waiting) is None and _last_used(db_session, failing) is None


def test_a_note_never_moves_last_used_back_and_a_worker_ending_writes_what_is_left(app, db_session, world, clock):
    row, _headers = _token(db_session, world.user("admin"))
    later = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    row.last_used_at = later
    db_session.flush()
    token_uses.write(db_session, {row.id: later - timedelta(hours=1)})
    assert _last_used(db_session, row) == later

    uses = token_uses.of(app)
    uses.pending[row.id] = later + timedelta(hours=1)
    assert token_uses.write_left(app) == 1
    assert uses.pending == {}
    assert _last_used(db_session, row) == later + timedelta(hours=1)


def test_a_token_used_again_within_five_minutes_of_its_last_note_is_not_noted(app, db_session, world, clock):
    row, _headers = _token(db_session, world.user("admin"))
    now = datetime.now(UTC)
    row.last_used_at = now - timedelta(minutes=4)
    token_uses.of(app).note(row, now)
    assert token_uses.of(app).pending == {}
    row.last_used_at = now - timedelta(minutes=6)
    token_uses.of(app).note(row, now)
    assert token_uses.of(app).pending == {row.id: now}
    token_uses.of(app).note(row, now + timedelta(seconds=30))  # used again before the write: the last use counts
    token_uses.of(app).note(row, now + timedelta(seconds=10))  # a slower request's note does not move it back
    assert token_uses.of(app).pending == {row.id: now + timedelta(seconds=30)}


def test_with_zero_seconds_every_use_is_written_with_its_request(app, client, db_session, world):
    previous = app.extensions[token_uses.EXTENSION]
    app.extensions[token_uses.EXTENSION] = token_uses.TokenUses(0)
    try:
        for role in ("admin", "manager_a"):
            row, headers = _token(db_session, world.user(role))
            assert client.get("/api/v1/funds", headers=headers).status_code == 200
            assert _last_used(db_session, row) is not None
    finally:
        app.extensions[token_uses.EXTENSION] = previous


def test_gunicorn_writes_a_worker_s_noted_uses_when_the_worker_ends(app, db_session, world, clock):
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    row, _headers = _token(db_session, world.user("admin"))
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    token_uses.of(app).pending[row.id] = at
    settings["worker_exit"](None, SimpleNamespace(wsgi=app, log=None))
    assert _last_used(db_session, row) == at


def test_every_process_writes_the_rows_in_the_order_of_their_ids(app, db_session, world, clock):
    """Two processes writing the same tokens in different orders would each hold a row the other needs."""
    from sqlalchemy import event

    rows = [_token(db_session, world.user(role))[0] for role in ("admin", "manager_a", "officer_a")]
    seen: list[list[int]] = []

    def record(_conn, clause, multiparams, _params, _options):
        if getattr(clause, "table", None) is not None and clause.table.name == "api_tokens":
            seen.append([p["token_id"] for p in multiparams])

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_execute", record)
    try:
        at = datetime.now(UTC)
        token_uses.write(db_session, {row.id: at for row in reversed(rows)})
    finally:
        event.remove(engine, "before_execute", record)
    assert seen == [sorted(row.id for row in rows)]


def test_a_write_the_database_refuses_keeps_the_uses_and_fails_no_request(
    app, client, db_session, world, clock, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    waiting, waiting_headers = _token(db_session, world.user("admin"))
    other, other_headers = _token(db_session, world.user("manager_a"))
    uses = token_uses.of(app)
    uses.written_at = clock.now  # a write just happened: the next uses wait
    assert client.get("/api/v1/funds", headers=waiting_headers).status_code == 200
    assert set(uses.pending) == {waiting.id}

    def deadlock(_session, _uses):
        raise OperationalError("UPDATE api_tokens", {}, Exception("deadlock detected"))

    monkeypatch.setattr(token_uses, "write", deadlock)
    clock.now += 61
    response = client.get("/api/v1/funds", headers=other_headers)
    assert response.status_code == 200 and response.get_json()["items"] is not None
    assert set(uses.pending) == {waiting.id, other.id}  # kept for the next write
    assert _last_used(db_session, waiting) is None

    monkeypatch.undo()
    clock.now += 61
    assert client.get("/api/v1/me", headers=other_headers).status_code == 200
    assert uses.pending == {}
    assert _last_used(db_session, waiting) is not None and _last_used(db_session, other) is not None
