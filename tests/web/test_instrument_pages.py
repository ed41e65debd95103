"""Grants and guarantees as people and programs use them: the API's verbs, the pages, who sees the exposure."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.loans.models import Loan, LoanStatus
from tests.instrument_factories import make_grant, make_guarantee

D = Decimal


def test_a_voucher_goes_from_payment_to_clawback_and_repayment_through_the_api(client, world, api_headers):
    headers = api_headers(world.user("manager_a"))
    body = {
        "investee_id": world.investee_a.id,
        "kind": "voucher",
        "amount": "5000.00",
        "paid_on": "2025-03-01",
        "conditions": "Twee banen",
        "period_from": "2025-03-01",
        "period_to": "2025-12-31",
    }
    created = client.post("/api/v1/grants", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    grant = created.get_json()
    assert (grant["status"], grant["amount"], grant["currency"]) == ("paid", "5000.00", "EUR")
    url = f"/api/v1/grants/{grant['id']}"
    early = client.post(f"{url}/clawbacks", json={"date": "2026-01-20", "amount": "10.00", "reason": "te vroeg"})
    assert early.status_code == 401  # a write needs a token
    early = client.post(
        f"{url}/clawbacks", json={"date": "2026-01-20", "amount": "10.00", "reason": "te vroeg"}, headers=headers
    )
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_transition"
    decided = client.post(f"{url}/decision", json={"met": False, "date": "2026-01-15"}, headers=headers)
    assert decided.get_json()["status"] == "not_met"
    too_much = client.post(
        f"{url}/clawbacks", json={"date": "2026-01-20", "amount": "5000.01", "reason": "niet gehaald"}, headers=headers
    )
    assert too_much.status_code == 422 and too_much.get_json()["error"]["details"][0]["field"] == "amount"
    client.post(
        f"{url}/clawbacks", json={"date": "2026-01-20", "amount": "2000.00", "reason": "niet gehaald"}, headers=headers
    )
    client.post(f"{url}/receipts", json={"date": "2026-02-10", "amount": "1200.00"}, headers=headers)
    shown = client.get(url, headers=headers).get_json()
    assert (shown["clawed_back"], shown["received"], shown["receivable"]) == ("2000.00", "1200.00", "800.00")
    assert [e["kind"] for e in shown["events"]] == ["clawback", "receipt"]
    member = api_headers(world.user("member_a"))
    assert client.get(url, headers=member).status_code == 200
    assert (
        client.post(f"{url}/receipts", json={"date": "2026-02-11", "amount": "1.00"}, headers=member).status_code == 403
    )
    assert client.get(url, headers=api_headers(world.user("manager_b"))).status_code == 404


def test_a_call_through_the_api_starts_a_loan_and_the_exposure_counts_it_once(client, world, db_session, api_headers):
    headers = api_headers(world.user("manager_a"))
    guarantee = make_guarantee(db_session, world.investee_a, reference="GA-API")
    call = {
        "date": "2025-09-15",
        "amount": "25000.00",
        "annual_interest_rate": "5",
        "number_of_installments": 24,
        "subordinated": True,
    }
    response = client.post(f"/api/v1/guarantees/{guarantee.id}/calls", json=call, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["loan_reference"] == "GA-API-C1"
    loan = db_session.scalar(select(Loan).where(Loan.reference == "GA-API-C1"))
    assert (loan.status, loan.disbursed, loan.subordinated) == (LoanStatus.ACTIVE, D("25000.00"), True)
    exposure = client.get(f"/api/v1/funds/{world.fund_a.id}/exposure?as_of=2025-09-15", headers=headers).get_json()
    [row] = [r for r in exposure["investees"] if r["investee_id"] == world.investee_a.id]
    assert (row["subordinated_loans"], row["guarantees_outstanding"]) == ("25000.00", "15000.00")
    detail = client.get(f"/api/v1/guarantees/{guarantee.id}", headers=headers).get_json()
    assert detail["uncalled"] == "15000.00" and len(detail["fee_schedule"]) == 11


def test_the_portfolio_and_the_investee_page_show_grants_guarantees_and_the_exposure_to_who_may_see_them(
    client, world, db_session, login_as
):
    make_grant(db_session, world.investee_a, reference="VOUCHER-A1")
    make_guarantee(db_session, world.investee_a, reference="GUARANTEE-A1")
    login_as(world.user("manager_a"))
    portfolio = client.get(f"/funds/{world.fund_a.id}/loans").get_data(as_text=True)
    assert "<h1>Portefeuille · Fund A</h1>" in portfolio
    assert "VOUCHER-A1" in portfolio and "GUARANTEE-A1" in portfolio
    investee = client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    assert "Risicopositie" in investee and "Uitstaande garanties (voorwaardelijk)" in investee
    assert "VOUCHER-A1" in investee
    login_as(world.user("member_a"))
    assert "Risicopositie" in client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)


def test_a_call_on_the_page_asks_for_the_loans_terms_and_leads_to_the_new_loan(client, world, db_session, login_as):
    guarantee = make_guarantee(db_session, world.investee_a, reference="GA-PAGE")
    login_as(world.user("manager_a"))
    before = db_session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.post(
        f"/guarantees/{guarantee.id}/call",
        data={
            "date": "2025-09-15",
            "amount": "10.000,00",
            "annual_interest_rate": "5",
            "number_of_installments": "12",
            "frequency": "monthly",
            "amortization": "annuity",
        },
    )
    loan = db_session.scalar(select(Loan).where(Loan.reference == "GA-PAGE-C1"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/loans/{loan.id}")
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) > before
    page = client.get(f"/guarantees/{guarantee.id}").get_data(as_text=True)
    assert "GA-PAGE-C1" in page, page[page.find("<h1") :]
    assert "€\xa030.000,00" in page  # guaranteed and not called
