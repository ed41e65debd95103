"""Money, percentages and quantities in /api/v1 are plain ASCII decimal text; anything else is a 422, never booked.

Python's Decimal() reads "1e2", "1_000.00", "NaN", full-width and Arabic-Indic digits; the API must not.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.capital.models import Investor
from fundapp.loans.models import LoanAllocation, LoanEvent

NOT_PLAIN = [
    "1_000.00",
    "1e2",
    "1E+2",
    "１０００.００",  # full-width digits
    "١٠٠٠.٠٠",  # Arabic-Indic digits
    "۱۰۰۰",  # extended Arabic-Indic digits
    "1000,00",
    "1.000,00",
    " 1000.00",
    "1000.00\n",
    "+1000",
    "1000.",
    "NaN",
    "Infinity",
]


def _details(response) -> list[dict]:
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == "validation_failed"
    return body["error"]["details"]


def _booked(db_session) -> tuple[int, ...]:
    db_session.expire_all()
    return tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (LoanEvent, LoanAllocation, Investor, AuditEntry)
    )


@pytest.fixture()
def manager(world, api_headers):
    return api_headers(world.user("manager_a"))


@pytest.mark.parametrize("amount", NOT_PLAIN)
def test_a_repayment_amount_that_is_not_plain_ascii_decimal_text_is_refused_and_not_booked(
    client, db_session, world, manager, amount
):
    before = _booked(db_session)
    response = client.post(
        f"/api/v1/loans/{world.loan_a.id}/repayments", json={"date": "2024-03-15", "amount": amount}, headers=manager
    )
    assert _details(response) == [{"field": "amount", "message": "Enter an amount such as 1234.50."}]
    assert _booked(db_session) == before


def test_a_plain_repayment_amount_is_booked(client, db_session, world, manager):
    before = _booked(db_session)
    response = client.post(
        f"/api/v1/loans/{world.loan_a.id}/repayments", json={"date": "2024-03-15", "amount": "100.5"}, headers=manager
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert _booked(db_session) != before


@pytest.mark.parametrize("committed", NOT_PLAIN)
def test_a_capital_source_amount_that_is_not_plain_ascii_decimal_text_is_refused(
    client, db_session, world, manager, committed
):
    before = _booked(db_session)
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources",
        json={"name": "Bank", "kind": "bank", "committed": committed},
        headers=manager,
    )
    assert _details(response) == [{"field": "committed", "message": "Enter an amount such as 1234.50."}]
    assert _booked(db_session) == before


@pytest.mark.parametrize("rate", ["1e1", "1_2", "１２", "١٢", "NaN", "Infinity", "12,5", " 12"])
def test_an_interest_rate_that_is_not_plain_ascii_decimal_text_is_refused(client, manager, rate):
    terms = {
        "principal": "5000.00",
        "annual_interest_rate": rate,
        "disbursement_date": "2022-11-01",
        "number_of_installments": 12,
    }
    response = client.post("/api/v1/loans/schedule-preview", json=terms, headers=manager)
    assert _details(response) == [{"field": "annual_interest_rate", "message": "Enter a percentage such as 2.5."}]


@pytest.mark.parametrize("percent", ["1e1", "1_0", "١٠", "NaN", "Infinity"])
def test_a_deadweight_or_share_percentage_that_is_not_plain_ascii_decimal_text_is_refused(
    client, world, api_headers, percent
):
    payload = {
        "deadweight_percent": percent,
        "payers": [{"name": "Gemeente Rotterdam", "share_percent": percent}],
        "items": [{"code": "JOB6", "name": "Six months in paid work", "price": "4000.00"}],
        "results": [{"item": "JOB6", "units": 1}],
    }
    response = client.post(
        "/api/v1/outcome-contracts/simulate", json=payload, headers=api_headers(world.user("officer_a"))
    )
    assert sorted(d["field"] for d in _details(response)) == ["deadweight_percent", "payers.0.share_percent"]


@pytest.mark.parametrize("baseline", ["1e2", "1_0", "١٠", "NaN", "12,5"])
def test_an_impact_quantity_that_is_not_plain_ascii_decimal_text_is_refused(client, world, manager, baseline):
    response = client.post(
        f"/api/v1/investees/{world.investee_a.id}/impact-plan/indicators",
        json={"indicator_code": "AP01", "baseline": baseline},
        headers=manager,
    )
    assert _details(response) == [{"field": "baseline", "message": "Enter a number."}]
