"""Equity pages and API: a fund manager follows a participation; the investee's members only read their own."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fundapp.instruments.models import EquityParticipation
from tests.equity_factories import add_equity, make_convertible


def test_a_fund_manager_converts_a_loan_and_follows_the_shares_through_the_api(client, db_session, world, api_headers):
    loan = make_convertible(db_session, world.investee_a)
    headers = api_headers(world.user("manager_a"))
    terms = client.get(f"/api/v1/loans/{loan.id}/conversion-terms", headers=headers).get_json()
    assert terms == {
        "price_per_share": None,
        "discount_percent": "20",
        "cap": "1.9",
        "trigger": "qualified_round",
        "trigger_text": "",
    }
    converted = client.post(
        f"/api/v1/loans/{loan.id}/conversion", headers=headers, json={"date": "2025-07-01", "round_price": "2.50"}
    )
    assert converted.status_code == 201, converted.get_json()
    made = converted.get_json()
    assert (made["shares"], made["price_per_share"], made["cost"]) == (26973, "1.9", "51250.00")
    assert (made["converted_principal"], made["converted_interest"]) == ("50000.00", "1250.00")
    url = f"/api/v1/equity-participations/{made['id']}"
    body = {"kind": "valuation", "date": "2025-12-31", "value_per_share": "2.40", "method": "financing_round"}
    refused = client.post(f"{url}/events", headers=headers, json={**body, "date": "2025-06-30", "decided_by": "IC"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"] == [
        {"field": "date", "message": "An event cannot come before the investment date."}
    ]
    assert client.post(f"{url}/events", headers=headers, json={**body, "decided_by": "IC"}).status_code == 201
    sale = {"kind": "equity_exit", "date": "2026-06-30", "shares": 10000, "amount": "26000.00"}
    assert client.post(f"{url}/events", headers=headers, json=sale).status_code == 201
    position = client.get(url, headers=headers).get_json()["position"]
    assert position == {
        "shares_held": 16973,
        "cost_held": "32249.52",
        "carrying_value": "40735.20",
        "value_per_share": "2.4",
        "realised_result": "6999.52",
        "unrealised_result": "8485.68",
        "dividends": "0.00",
    }
    assert client.get(f"/api/v1/loans/{loan.id}", headers=headers).get_json()["status"] == "converted"


def test_converting_more_than_is_outstanding_through_the_api_is_refused_and_nothing_changes(
    client, db_session, world, api_headers
):
    loan = make_convertible(db_session, world.investee_a)
    headers = api_headers(world.user("manager_a"))
    body = {"date": "2025-07-01", "round_price": "2.50", "principal": "60000.00"}
    response = client.post(f"/api/v1/loans/{loan.id}/conversion", headers=headers, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "principal"
    assert db_session.scalar(select(func.count()).select_from(EquityParticipation)) == 0


def test_the_investees_member_sees_their_own_participation_but_cannot_change_it(client, db_session, world, login_as):
    made = add_equity(db_session, world)
    client = login_as(world.user("member_a"))
    page = client.get(f"/equity/{made['A'].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "12.000,00" in text and "Waardering vastleggen" not in text
    assert client.get(f"/equity/{made['B'].id}").status_code == 404
    assert (
        client.post(f"/equity/{made['A'].id}/dividend", data={"date": "2026-04-01", "amount": "5"}).status_code == 403
    )
    investee_page = client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    assert f"/equity/{made['A'].id}" in investee_page


def test_the_loan_book_and_the_fund_report_show_the_funds_equity(client, db_session, world, login_as):
    made = add_equity(db_session, world)
    client = login_as(world.user("manager_a"))
    book = client.get(f"/funds/{world.fund_a.id}/loans").get_data(as_text=True)
    assert f"/equity/{made['A'].id}" in book and f"/equity/{made['B'].id}" not in book
    listed = client.get(f"/funds/{world.fund_a.id}/equity").get_data(as_text=True)
    assert "10.000,00" in listed and "12.000,00" in listed  # cost and carrying value
    from fundapp.reports import fund_report
    from fundapp.reports.periods import report_period

    report = fund_report.build(db_session, world.fund_a, report_period("2026"), "nl", date(2026, 12, 31))
    totals = report.equity_totals
    assert (totals.cost, totals.value, totals.unrealised) == (10000, 12000, 2000)


def _queries_of(app, call):
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.extensions["fundapp.db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert call().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_funds_equity_page_costs_the_same_queries_for_one_or_many_participations(
    app, client, db_session, world, login_as
):
    from tests.equity_factories import make_participation

    add_equity(db_session, world)
    client = login_as(world.user("manager_a"))
    url = f"/funds/{world.fund_a.id}/equity"
    few = _queries_of(app, lambda: client.get(url))
    for _ in range(5):
        make_participation(db_session, world.investee_a)
    db_session.flush()
    assert _queries_of(app, lambda: client.get(url)) == few
