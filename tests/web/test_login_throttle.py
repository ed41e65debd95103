"""Login throttling per address: after many failures from one address, even a right password waits."""

from __future__ import annotations

from datetime import timedelta

from fundapp.auth import services
from fundapp.auth.models import LoginFailure
from fundapp.db import utcnow
from tests.factories import PASSWORD


def _fail_from(db_session, address: str, times: int, ago: timedelta = timedelta(minutes=1)) -> None:
    for _ in range(times):
        db_session.add(LoginFailure(address=address, at=utcnow() - ago))
    db_session.flush()


ADDRESS = {"REMOTE_ADDR": "198.51.100.23"}  # a documentation address no other test logs in from


def test_an_address_with_twenty_recent_failures_is_told_to_wait_even_with_the_right_password(client, world, db_session):
    _fail_from(db_session, ADDRESS["REMOTE_ADDR"], services.ADDRESS_MAX_FAILURES)
    response = client.post(
        "/api/v1/auth/tokens", json={"email": world.user("admin").email, "password": PASSWORD}, environ_base=ADDRESS
    )
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_attempts"
    page = client.post(
        "/login?lang=en", data={"email": world.user("admin").email, "password": PASSWORD}, environ_base=ADDRESS
    )
    assert page.status_code == 401 and "quarter of an hour" in page.get_data(as_text=True)


def test_failures_older_than_the_window_or_from_another_address_do_not_count(client, world, db_session):
    _fail_from(db_session, ADDRESS["REMOTE_ADDR"], services.ADDRESS_MAX_FAILURES, ago=timedelta(minutes=20))
    _fail_from(db_session, "10.0.0.9", services.ADDRESS_MAX_FAILURES)
    response = client.post(
        "/api/v1/auth/tokens", json={"email": world.user("admin").email, "password": PASSWORD}, environ_base=ADDRESS
    )
    assert response.status_code == 201


def test_a_failed_login_is_noted_for_its_address_and_old_notes_are_cleared(db_session):
    from sqlalchemy import func, select

    _fail_from(db_session, "192.0.2.1", 3, ago=timedelta(days=2))
    services.note_failed_address(db_session, "192.0.2.7")
    db_session.flush()
    rows = dict(db_session.execute(select(LoginFailure.address, func.count()).group_by(LoginFailure.address)).all())
    assert rows.get("192.0.2.7") == 1
    assert "192.0.2.1" not in rows
