"""Test fixtures: the app on a migrated database, each test inside a transaction rolled back at the end.

Set FUNDAPP_TEST_DATABASE_URL to run the suite on PostgreSQL
(e.g. postgresql://fundapp:fundapp@localhost/fundapp_test); the default is a
SQLite file per test worker.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    """One day for the whole run, in every process it starts (xdist's workers, a live server, a CLI), so that a run
    that goes past midnight does not see yesterday's data with today's rules (fundapp.clock)."""
    from fundapp import clock

    os.environ.setdefault(clock.PIN, clock.today().isoformat())


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _checkout() -> str:
    """A short tag of this checkout, so two checkouts on one machine never share a test database."""
    return hashlib.sha256(os.path.dirname(os.path.dirname(os.path.abspath(__file__))).encode()).hexdigest()[:8]


def test_database_url() -> str:
    base = os.environ.get("FUNDAPP_TEST_DATABASE_URL")
    if not base:
        path = os.path.join(tempfile.gettempdir(), f"fundapp-test-{os.getuid()}-{_checkout()}-{_worker()}.sqlite3")
        return f"sqlite:///{path}"
    if base.startswith("postgresql"):
        return f"{base}_{_worker()}"
    return base


def _recreate_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def test_files_dir() -> str:
    """Uploaded files of this checkout's test worker, apart from the instance folder and from other checkouts."""
    return os.path.join(tempfile.gettempdir(), f"fundapp-files-{os.getuid()}-{_checkout()}-{_worker()}")


def test_jobs_file() -> str:
    """The job queue's SQLite file of this checkout's test worker (never instance/, shared by every run)."""
    return os.path.join(tempfile.gettempdir(), f"fundapp-jobs-{os.getuid()}-{_checkout()}-{_worker()}.sqlite3")


def test_config(**overrides: Any) -> dict[str, Any]:
    config = {
        "DATABASE_URL": test_database_url(),
        "FILES_DIR": test_files_dir(),
        # Mails the tests cause (invitations, reset links) go here, not into the checkout's instance folder.
        "OUTBOX_DIR": os.path.join(tempfile.gettempdir(), f"fundapp-outbox-{os.getuid()}-{_checkout()}-{_worker()}"),
        "JOBS_FILE": test_jobs_file(),
        "REDIS_URL": "",  # a developer's FUNDAPP_REDIS_URL is not the tests' queue
        "SECRET_KEY": TEST_SECRET,
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
        "LOGIN_MAX_FAILURES": 5,
        # A token's "last used" written with its request: what a request writes does not hang on the clock and
        # on the tests before it (tests/web/test_token_uses.py tests the batches on a clock of its own).
        "TOKEN_USE_WRITE_SECONDS": 0,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def app() -> Iterator[Any]:
    from fundapp import create_app, migrate
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.jobs import queue
    from tests.conformance import SchemaCheckingClient

    use_fast_hashing_for_tests()
    url = test_database_url()
    _recreate_database(url)
    migrate.upgrade(url)
    application = create_app(test_config())
    application.test_client_class = SchemaCheckingClient
    queue.huey.storage.flush_all()  # what an earlier run's pages queued
    yield application
    application.extensions["fundapp.db"].engine.dispose()


@pytest.fixture()
def db_session(app: Any) -> Iterator[Any]:
    """A session inside an outer transaction that is rolled back after the test.

    The app's own sessions join the same connection through SAVEPOINTs, so the
    request's commit and rollback behave as in production, and nothing stays.
    """
    from sqlalchemy.orm import sessionmaker

    database = app.extensions["fundapp.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    original = database.session_factory
    database.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = database.session_factory()
    try:
        yield session
    finally:
        session.close()
        database.session_factory = original
        outer.rollback()
        connection.close()


def test_redis_url() -> str:
    return os.environ.get("FUNDAPP_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["sqlite", "redis"])
def job_queue(request: Any, app: Any, db_session: Any, tmp_path: Any) -> Iterator[Any]:
    """The app's job queue on a fresh storage: a SQLite file, and a real Redis server.

    Without a Redis server the Redis half is skipped, unless FUNDAPP_TEST_REDIS_URL names one (as .ci/run
    does): then an unreachable server fails the tests, so CI never passes with the Redis half left out.
    """
    from huey.storage import RedisStorage, SqliteStorage
    from redis.exceptions import ConnectionError as RedisDown

    from fundapp.jobs.queue import huey

    if request.param == "redis":
        storage = RedisStorage(f"fundapp_test_{_checkout()}_{_worker()}", url=test_redis_url())
        try:
            storage.conn.ping()
        except RedisDown:
            if os.environ.get("FUNDAPP_TEST_REDIS_URL"):
                pytest.fail(f"FUNDAPP_TEST_REDIS_URL={test_redis_url()} names no reachable Redis server")
            pytest.skip(f"no Redis server at {test_redis_url()} (start one, or set FUNDAPP_TEST_REDIS_URL)")
    else:
        storage = SqliteStorage("fundapp_test", filename=str(tmp_path / "jobs.sqlite3"))
    storage.flush_all()
    previous = (huey.app, huey._storage, huey._make_storage)
    huey.bind(app, storage)
    try:
        yield huey
    finally:
        storage.flush_all()
        huey.app, huey._storage, huey._make_storage = previous


@pytest.fixture()
def client(app: Any, db_session: Any) -> Any:
    return app.test_client()


@pytest.fixture()
def world(db_session: Any) -> Any:
    from tests.factories import make_world

    return make_world(db_session)


@pytest.fixture()
def login_as(client: Any) -> Any:
    """login_as(user) logs the test client in through the login page, as a person would."""
    from tests.factories import PASSWORD

    def login(user: Any) -> Any:
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return login


@pytest.fixture()
def api_headers(db_session: Any) -> Any:
    """api_headers(user) gives the Authorization header of a fresh API token of that user."""
    from fundapp.auth.services import issue_token

    def headers(user: Any) -> dict[str, str]:
        _row, token = issue_token(db_session, user, "test")
        db_session.flush()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture()
def inbox(app: Any, monkeypatch: Any, tmp_path: Any, request: Any) -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) that receives the app's mails during the test (``tests.smtp.Inbox``), sent
    by the queued jobs when the test reads the inbox: on the ``job_queue`` of the test if it has one (SQLite and
    Redis), else on a queue of its own (a SQLite file)."""
    from huey.storage import SqliteStorage

    from fundapp.jobs.queue import huey
    from tests.smtp import serve

    if "job_queue" in request.fixturenames:
        yield from serve(app, monkeypatch, request.getfixturevalue("job_queue"))
        return
    previous = (huey.app, huey._storage, huey._make_storage)
    huey.bind(app, SqliteStorage("fundapp_mail", filename=str(tmp_path / "mail-jobs.sqlite3")))
    try:
        yield from serve(app, monkeypatch, huey)
    finally:
        huey.app, huey._storage, huey._make_storage = previous


test_database_url.__test__ = False  # type: ignore[attr-defined] - helpers, not tests
test_config.__test__ = False  # type: ignore[attr-defined]
test_files_dir.__test__ = False  # type: ignore[attr-defined]
test_jobs_file.__test__ = False  # type: ignore[attr-defined]
test_redis_url.__test__ = False  # type: ignore[attr-defined]
