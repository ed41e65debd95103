"""The NAV and capital-account API calls cost the same queries, and the NAV books the same few journal events,
whatever the number of investees, loans, payments and instruments of the fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import event

from fundapp.banking import ledger
from fundapp.instruments import guarantees
from fundapp.instruments import services as equity_services
from fundapp.loans import services as loan_services
from tests.factories import ACTOR, make_investee, make_investor, make_loan
from tests.instrument_factories import make_grant, make_guarantee

AS_OF = date(2024, 9, 30)


def _count_queries(app, call) -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.get_json()
    return len(statements)


def _grow(session, fund, investees: int) -> None:
    """Investees with a loan paid for months (one in three stopped paying), shares valued, a grant, a guarantee."""
    for n in range(investees):
        investee = make_investee(session, fund)
        loan = make_loan(session, investee, principal=Decimal("6000.00"), number_of_installments=12)
        for month in range(2, 6 if n % 3 else 9):
            loan_services.record_repayment(session, ACTOR, loan, date(2024, month, 15), Decimal("516.40"), f"{month}")
        shares = equity_services.create_participation(
            session, ACTOR, investee, {"date": date(2024, 2, 1), "shares": 100, "price_per_share": Decimal("10.00")}
        )
        valued = {"date": date(2024, 6, 30), "value_per_share": Decimal("11.00"), "method": "multiples"}
        equity_services.record_valuation(session, ACTOR, shares, valued | {"decided_by": "IC"})
        make_grant(session, investee, paid_on=date(2024, 3, 1), period_from=date(2024, 3, 1))
        surety = make_guarantee(session, investee, starts_on=date(2024, 1, 1), expires_on=date(2026, 12, 31))
        guarantees.record_fee(session, ACTOR, surety, date(2024, 4, 1), Decimal("200.00"))
    session.flush()


def test_the_nav_and_a_capital_account_cost_the_same_queries_for_a_small_and_a_large_fund(
    app, client, db_session, world, api_headers
):
    fund = world.fund_a
    investor, _call = make_investor(db_session, fund, call=Decimal("90000.00"))
    headers = api_headers(world.user("manager_a"))
    paths = (f"/api/v1/funds/{fund.id}/nav", f"/api/v1/investors/{investor.id}/capital-account")

    def measure() -> tuple[int, ...]:
        db_session.expire_all()
        return tuple(_count_queries(app, lambda p=p: client.get(f"{p}?as_of={AS_OF}", headers=headers)) for p in paths)

    def booked() -> int:
        return len(ledger.events(db_session, fund.id, date.min, AS_OF, money_only=True, summed=True))

    _grow(db_session, fund, 1)
    measure()  # the first request also reads what the app keeps afterwards
    small, small_events = measure(), booked()
    _grow(db_session, fund, 8)
    assert measure() == small
    assert booked() == small_events
    assert max(small) <= 40
