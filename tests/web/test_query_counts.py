"""List pages issue a bounded number of queries whatever the number of rows (no query per row)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from tests.factories import ACTOR, make_investee, make_loan


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(app, client, url: str) -> int:
    with counting(app.extensions["fundapp.db"].engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _grow(db_session, world, n: int) -> None:
    for i in range(n):
        investee = make_investee(db_session, world.fund_a, name=f"Extra {i:03d}")
        loan = make_loan(db_session, investee, disbursement_date=date(2024, 3, 1))
        from fundapp.loans import services

        services.record_repayment(db_session, ACTOR, loan, date(2024, 4, 1), Decimal("100.00"), "part")
    db_session.flush()


@pytest.mark.parametrize(
    "url",
    ["/investees/?page_size=100", "/funds/{fund}/loans?page_size=100", "/loans/{loan}", "/funds/{fund}/reporting", "/"],
)
def test_a_page_issues_the_same_number_of_queries_for_few_and_for_many_rows(
    app, client, world, db_session, login_as, url
):
    login_as(world.user("manager_a"))
    path = url.format(fund=world.fund_a.id, loan=world.loan_a.id)
    _grow(db_session, world, 2)
    few = _queries(app, client, path)
    _grow(db_session, world, 12)
    many = _queries(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with many"
