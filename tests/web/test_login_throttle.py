"""Login throttling: per address (high: many people share one behind a proxy or NAT) and per address and account.

Which address a request comes from is the peer's, unless FUNDAPP_TRUSTED_PROXIES
says how many proxies in front may be believed about X-Forwarded-For.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fundapp.auth import services
from fundapp.auth.models import LoginFailure
from fundapp.config import load_config
from fundapp.db import utcnow
from tests.conftest import test_config
from tests.factories import PASSWORD

SHARED = "198.51.100.23"  # a documentation address no other test logs in from
ADDRESS = {"REMOTE_ADDR": SHARED}
PROXY = {"REMOTE_ADDR": "10.0.0.2"}


def _fail_from(db_session, address: str, times: int, ago=timedelta(minutes=1), accounts=("someone@test.example",)):
    for i in range(times):
        account = accounts[i % len(accounts)]
        db_session.add(LoginFailure(address=address, account=account, at=utcnow() - ago))
    db_session.flush()


def _token(client, user, environ=ADDRESS, **kwargs):
    return client.post(
        "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}, environ_base=environ, **kwargs
    )


def test_an_address_at_the_limit_of_failures_on_any_accounts_is_told_to_wait_even_with_the_right_password(
    app, client, world, db_session
):
    spraying = [f"guess{i}@test.example" for i in range(50)]
    _fail_from(db_session, SHARED, app.config["LOGIN_ADDRESS_MAX_FAILURES"], accounts=spraying)
    response = _token(client, world.user("admin"))
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_attempts"
    page = client.post(
        "/login?lang=en", data={"email": world.user("admin").email, "password": PASSWORD}, environ_base=ADDRESS
    )
    assert page.status_code == 401 and "quarter of an hour" in page.get_data(as_text=True)


def test_thirty_recent_failures_from_a_shared_address_do_not_lock_out_the_people_behind_it(client, world, db_session):
    _fail_from(db_session, SHARED, 30, accounts=[f"typo{i}@test.example" for i in range(6)])
    assert _token(client, world.user("admin")).status_code == 201
    assert _token(client, world.user("manager_a")).status_code == 201


def test_one_address_failing_on_one_account_is_throttled_on_that_account_only(app, client, world, db_session):
    victim = world.user("manager_a")
    limit = app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"]
    assert limit < app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    _fail_from(db_session, SHARED, limit, ago=timedelta(hours=3), accounts=[victim.email])

    refused = client.post(
        "/api/v1/auth/tokens", json={"email": victim.email.upper(), "password": PASSWORD}, environ_base=ADDRESS
    )
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_attempts"
    assert _token(client, world.user("admin")).status_code == 201, "others behind the address log in"
    assert _token(client, victim, environ={"REMOTE_ADDR": "192.0.2.80"}).status_code == 201, "the victim elsewhere"


def test_the_account_throttle_answers_alike_for_an_unknown_email(app, client, world, db_session):
    limit = app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"]
    _fail_from(db_session, SHARED, limit, ago=timedelta(hours=3), accounts=["nobody@test.example"])
    _fail_from(db_session, SHARED, limit, ago=timedelta(hours=3), accounts=[world.user("admin").email])
    unknown = client.post(
        "/api/v1/auth/tokens", json={"email": "nobody@test.example", "password": PASSWORD}, environ_base=ADDRESS
    )
    known = _token(client, world.user("admin"))
    assert unknown.status_code == known.status_code == 429
    assert unknown.get_json() == known.get_json()


def test_failures_older_than_their_window_or_from_another_address_do_not_count(app, client, world, db_session):
    admin = world.user("admin")
    _fail_from(db_session, SHARED, app.config["LOGIN_ADDRESS_MAX_FAILURES"], ago=timedelta(minutes=20))
    _fail_from(db_session, SHARED, app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"], ago=timedelta(hours=25))
    _fail_from(db_session, "10.0.0.9", app.config["LOGIN_ADDRESS_MAX_FAILURES"], accounts=[admin.email])
    assert _token(client, admin).status_code == 201


def test_a_failed_login_is_noted_for_its_address_and_account_and_old_notes_are_cleared(db_session):
    _fail_from(db_session, "192.0.2.1", 3, ago=timedelta(days=2))
    services.note_failed_address(db_session, "192.0.2.7", " Someone@Test.Example ")
    db_session.flush()
    rows = db_session.execute(
        select(LoginFailure.address, LoginFailure.account, func.count()).group_by(
            LoginFailure.address, LoginFailure.account
        )
    ).all()
    assert ("192.0.2.7", "someone@test.example", 1) in [tuple(r) for r in rows]
    assert "192.0.2.1" not in {r.address for r in rows}


# --- which address: X-Forwarded-For only from trusted proxies -------------------------------------


@pytest.fixture()
def proxied_client(db_session):
    """A client of an app behind one trusted proxy, whose sessions join the test's transaction."""
    from fundapp import create_app

    application = create_app(test_config(TRUSTED_PROXIES=1))
    database = application.extensions["fundapp.db"]
    database.session_factory = sessionmaker(
        bind=db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield application.test_client()
    database.engine.dispose()


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app, client, world, db_session):
    _fail_from(db_session, SHARED, app.config["LOGIN_ADDRESS_MAX_FAILURES"])
    admin = world.user("admin")
    assert _token(client, admin, headers={"X-Forwarded-For": "192.0.2.44"}).status_code == 429
    assert _token(client, admin, environ=PROXY, headers={"X-Forwarded-For": SHARED}).status_code == 201


def test_behind_one_trusted_proxy_the_client_address_comes_from_x_forwarded_for(app, proxied_client, world, db_session):
    _fail_from(db_session, SHARED, app.config["LOGIN_ADDRESS_MAX_FAILURES"])
    admin = world.user("admin")
    assert _token(proxied_client, admin, environ=PROXY, headers={"X-Forwarded-For": SHARED}).status_code == 429
    assert _token(proxied_client, admin, environ=PROXY, headers={"X-Forwarded-For": "192.0.2.44"}).status_code == 201
    # What a client writes itself comes before what the proxy appends, and is not believed.
    spoofed = {"X-Forwarded-For": f"{SHARED}, 192.0.2.44"}
    assert _token(proxied_client, admin, environ=PROXY, headers=spoofed).status_code == 201


def test_the_trusted_proxies_and_throttle_limits_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FUNDAPP_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("FUNDAPP_LOGIN_ADDRESS_MAX_FAILURES", "300")
    monkeypatch.setenv("FUNDAPP_LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES", "10")
    config = load_config()
    assert (config["TRUSTED_PROXIES"], config["LOGIN_ADDRESS_MAX_FAILURES"]) == (2, 300)
    assert config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"] == 10
    monkeypatch.delenv("FUNDAPP_TRUSTED_PROXIES")
    assert load_config()["TRUSTED_PROXIES"] == 0
