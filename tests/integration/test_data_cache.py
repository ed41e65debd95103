"""Figures cached per version of the data (fundapp/datacache.py): computed once, and never older than the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, insert

from fundapp import audit, datacache
from fundapp.loans import portfolio as book
from fundapp.loans import services
from tests.factories import ACTOR, make_fund, make_investee, make_loan

AS_OF = date(2024, 6, 1)


def _statements(engine, run) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def _fund_with_a_loan(db_session):
    fund = make_fund(db_session)
    loan = make_loan(db_session, make_investee(db_session, fund), principal=Decimal("1000.00"))
    db_session.flush()
    return fund, loan


@pytest.fixture()
def committed(tmp_path):
    """A database of its own whose rows are committed: the suite's own transaction has written rows, which is
    never served from the cache."""
    from fundapp import migrate
    from fundapp.db import Database

    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    migrate.upgrade(url)  # with the themes and SDGs the migrations seed
    database = Database(url)
    session = database.new_session()
    fund, loan = _fund_with_a_loan(session)
    session.commit()
    datacache.clear()
    yield database, fund.id, loan.id
    session.close()
    database.engine.dispose()


def test_a_funds_portfolio_is_computed_once_per_version_of_the_data(committed):
    database, fund_id, _loan_id = committed
    session = database.new_session()
    first = _statements(database.engine, lambda: book.portfolio(session, fund_id, AS_OF))
    again = _statements(database.engine, lambda: book.portfolio(session, fund_id, AS_OF))
    assert len(again) < len(first)
    assert not any("loan_allocations" in statement for statement in again)
    session.close()


def test_a_figure_worked_out_from_rows_that_were_rolled_back_is_never_served(committed):
    database, fund_id, loan_id = committed
    writer = database.new_session()
    from fundapp.loans.models import Loan

    writer.get(Loan, loan_id).outstanding_principal = Decimal("1.00")
    writer.flush()
    assert datacache.data_version(writer) is None, "a transaction with writes of its own"
    seen_inside = book.portfolio(writer, fund_id, AS_OF)
    writer.rollback()
    fresh = book._portfolio(writer, fund_id, AS_OF)
    assert fresh != seen_inside
    assert book.portfolio(writer, fund_id, AS_OF) == fresh
    writer.close()


def test_a_repayment_shows_in_the_next_portfolio_whatever_was_cached_before(db_session):
    fund, loan = _fund_with_a_loan(db_session)
    before = book.portfolio(db_session, fund.id, AS_OF)
    services.record_repayment(db_session, ACTOR, loan, date(2024, 2, 15), Decimal("100.00"))
    db_session.flush()
    after = book.portfolio(db_session, fund.id, AS_OF)
    assert after.principal_received + after.interest_received == Decimal("100.00")
    assert after.outstanding_principal < before.outstanding_principal
    assert after == book._portfolio(db_session, fund.id, AS_OF)


def test_rows_written_without_an_audit_entry_still_give_new_figures(db_session):
    """The connection's own writes count (SQLite's changed rows; PostgreSQL's own transaction is not cached)."""
    fund, loan = _fund_with_a_loan(db_session)
    book.portfolio(db_session, fund.id, AS_OF)
    loan.outstanding_principal = Decimal("1.00")
    db_session.flush()
    assert book.portfolio(db_session, fund.id, AS_OF) == book._portfolio(db_session, fund.id, AS_OF)


def test_the_cache_keeps_a_bounded_number_of_figures(db_session, monkeypatch):
    monkeypatch.setattr(datacache, "SIZE", 3)
    datacache.clear()
    for n in range(10):
        assert datacache.cached(db_session, "test", n, lambda n=n: n * 2) == n * 2
    assert len(datacache._figures) <= 3


def test_on_postgresql_a_write_without_an_audit_entry_leaves_the_version_but_an_audited_one_changes_it(app):
    engine = app.extensions["fundapp.db"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's version of the data")
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from fundapp.audit import Actor, record

    def version():
        with Session(engine) as reader:
            return datacache.data_version(reader)

    before = version()
    with Session(engine) as writer:
        writer.execute(text("SELECT pg_current_xact_id()"))  # a writer's transaction, in progress
        assert datacache.data_version(writer) is None, "its own writes are no one else's"
        assert version() == before, "what it has not committed is in no one's figures"
        record(writer, Actor.system("test"), "test.changed", "1", entity_type="test")
        assert version() == before
        writer.rollback()
    assert version() == before, "it ended with nothing committed: the figures read before still hold"


def _theme_in_bulk(session) -> None:
    from fundapp import bulk
    from fundapp.investees.models import Theme

    row = {"code": ["bulk-test"], "name_nl": ["x"], "name_en": ["x"], "description_nl": [""], "description_en": [""]}
    bulk.insert_columns(session, Theme.__table__, row)


def test_the_version_is_read_once_per_transaction_and_again_after_it_writes(committed):
    database, _fund_id, loan_id = committed
    from fundapp.loans.models import Loan

    session = database.new_session()
    assert datacache.data_version(session) is not None
    assert _statements(database.engine, lambda: datacache.data_version(session)) == [], "remembered"
    session.get(Loan, loan_id).outstanding_principal = Decimal("2.00")
    session.flush()
    assert datacache.data_version(session) is None, "its own writes: no longer anyone's version"
    session.rollback()
    assert datacache.data_version(session) is not None, "a new transaction reads it again"
    session.close()


def test_rows_stored_in_bulk_make_the_transaction_a_writer_on_sqlite(committed):
    database, _fund_id, _loan_id = committed
    session = database.new_session()
    assert datacache.data_version(session) is not None
    _theme_in_bulk(session)
    assert datacache.data_version(session) is None
    session.rollback()
    session.close()


def test_rows_copied_in_bulk_make_the_transaction_a_writer_on_postgresql(app):
    engine = app.extensions["fundapp.db"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        datacache.data_version(session)
        remembered = session.connection().connection.info
        assert datacache.VERSION in remembered
        _theme_in_bulk(session)  # COPY: no statement event tells that the transaction wrote
        assert datacache.VERSION not in remembered, "forgotten: read again"
        assert datacache.data_version(session) is None
        session.rollback()


def test_an_api_token_issued_meanwhile_keeps_the_figures_but_a_repayment_does_not(committed):
    """Logging in (an app's token) changes no figure: the figures are not worked out again for it."""
    from fundapp.auth.models import Role
    from fundapp.auth.services import issue_token
    from fundapp.db import Database
    from fundapp.loans.models import Loan
    from tests.factories import make_user

    database, fund_id, loan_id = committed
    other = Database(database.url)  # another process's connection
    with other.new_session() as writer:
        user_id = make_user(writer, Role.ADMIN).id
        writer.commit()
    reader = database.new_session()
    book.portfolio(reader, fund_id, AS_OF)
    reader.commit()
    with other.new_session() as writer:
        from fundapp.auth.models import User

        issue_token(writer, writer.get(User, user_id))
        writer.commit()
    assert not any(
        "loan_allocations" in s for s in _statements(database.engine, lambda: book.portfolio(reader, fund_id, AS_OF))
    )
    reader.commit()
    with other.new_session() as writer:
        services.record_repayment(writer, ACTOR, writer.get(Loan, loan_id), date(2024, 2, 15), Decimal("100.00"))
        writer.commit()
    after = book.portfolio(reader, fund_id, AS_OF)
    assert after.principal_received + after.interest_received == Decimal("100.00")
    reader.close()
    other.engine.dispose()


def test_the_version_finds_the_last_entry_other_than_a_token_s_through_its_index(db_session):
    """Token entries pile up (each app's log-in): the version must not step back over them on every request."""
    connection = db_session.connection()
    # Asked before anything is written: a connection that has written reads no version.
    statements = _statements(connection.engine, lambda: datacache._read_version(db_session, connection))
    assert any(audit.SEEN in statement for statement in statements), statements
    # The pile the docstring speaks of, and the planner told of it: with few rows, or statistics of another test's
    # table, PostgreSQL may step back along the primary key instead. The rows and the column statistics go with
    # the test's rollback; the table's row estimate (pg_class.reltuples, updated in place) stays raised.
    pile = [
        {"actor": "app", "action": "api_token.issued", "entity_type": "ApiToken", "entity_id": str(n)}
        | {"changes": {}, "prev_hash": "", "hash": f"pile-{n:059d}"}
        for n in range(3_000)
    ]
    db_session.execute(insert(audit.AuditEntry), pile)
    connection.exec_driver_sql("ANALYZE audit_entries")
    query = "SELECT max(id) FROM audit_entries WHERE " + audit.SEEN  # the text the version query uses
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # whether the index applies, whatever the size
        plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + query))
    else:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + query))
    assert "ix_audit_entries_seen_id" in plan, plan
