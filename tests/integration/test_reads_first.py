"""A GET request's reads on PostgreSQL run without BEGIN and COMMIT (two round trips a page); its first write or
lock begins the transaction, so what it writes still commits or rolls back as one (fundapp/db.py)."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select

from fundapp.db import get_session, session_scope
from fundapp.models import Fund
from tests.conftest import _recreate_database, test_config, test_database_url
from tests.factories import make_fund


@pytest.fixture(scope="module")
def app():
    from fundapp import create_app, migrate

    base = test_database_url()
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no round trips to save")
    url = f"{base}_reads"
    _recreate_database(url)
    migrate.upgrade(url)
    application = create_app(test_config(DATABASE_URL=url))
    yield application
    application.extensions["fundapp.db"].engine.dispose()


def _status(session) -> TransactionStatus:
    return session.connection().connection.dbapi_connection.info.transaction_status


def _funds(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count(Fund.id)))


def test_a_page_that_only_reads_opens_no_transaction(app):
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.execute(select(Fund.id)).all()
        assert _status(session) == TransactionStatus.IDLE


def test_a_pages_first_write_begins_its_transaction_and_a_failure_rolls_all_of_it_back(app):
    before = _funds(app)
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.execute(select(Fund.id)).all()
        make_fund(session)
        make_fund(session)
        session.flush()
        assert _status(session) == TransactionStatus.INTRANS
        session.rollback()  # the request failed
    assert _funds(app) == before


def test_a_pages_write_commits_with_the_request(app):
    before = _funds(app)
    with app.test_request_context("/", method="GET"):
        session = get_session()
        make_fund(session)
        session.commit()
    assert _funds(app) == before + 1


def test_a_locking_read_begins_the_transaction_so_the_lock_lasts_until_the_end(app):
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.execute(select(Fund.id).with_for_update()).all()
        assert _status(session) == TransactionStatus.INTRANS
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.execute(select(func.pg_advisory_xact_lock(4242)))
        assert _status(session) == TransactionStatus.INTRANS


def test_a_form_post_reads_inside_its_transaction_as_before(app):
    with app.test_request_context("/", method="POST"):
        session = get_session()
        session.execute(select(Fund.id)).all()
        assert _status(session) == TransactionStatus.INTRANS


def test_a_connection_goes_back_to_the_pool_beginning_transactions(app):
    engine = app.extensions["fundapp.db"].engine
    engine.dispose()
    for end in ("commit", "close"):
        with app.test_request_context("/", method="GET"):
            session = get_session()
            session.execute(select(Fund.id)).all()
            if end == "commit":
                session.commit()
        with session_scope(app) as session:  # a CLI command or a job, on the same pooled connection
            session.execute(select(Fund.id)).all()
            assert _status(session) == TransactionStatus.INTRANS
            assert engine.pool.checkedout() == 1


@pytest.mark.parametrize("read_first", [False, True])
def test_a_pages_savepoint_begins_its_transaction_and_rolls_back_alone(app, read_first):
    """A savepoint in a GET (token uses, fundapp/auth/token_uses.py) begins the transaction like any write; what it
    wrote goes back alone when it fails, and the rest commits with the request."""
    before = _funds(app)
    with app.test_request_context("/", method="GET"):
        session = get_session()
        if read_first:
            session.execute(select(Fund.id)).all()
        with session.begin_nested():
            make_fund(session)
        try:
            with session.begin_nested():
                make_fund(session)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        assert _status(session) == TransactionStatus.INTRANS
        session.commit()
    assert _funds(app) == before + 1


def test_a_get_with_an_api_token_writes_its_use_when_due(app):
    from fundapp.auth import token_uses
    from fundapp.auth.models import ApiToken
    from fundapp.auth.services import issue_token
    from tests.factories import make_user

    with session_scope(app) as session:
        user = make_user(session, "admin")
        row, secret = issue_token(session, user, "script")
        session.flush()
        token_id = row.id
    uses = app.extensions[token_uses.EXTENSION] = token_uses.TokenUses(60)
    response = app.test_client().get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert uses.pending == {}
    with session_scope(app) as session:
        assert session.get(ApiToken, token_id).last_used_at is not None
