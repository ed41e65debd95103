"""Found by probing two tenants of each kind: reads and actions that crossed from one to the other.

Each test failed before its fix; each names who could see or do what.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from fundapp.banking import booking
from fundapp.banking.models import BankTransaction
from fundapp.cofinancing import services as cofinancing
from fundapp.loans import services as loan_services
from tests.bank_factories import Entry, camt, fund_account, import_file
from tests.factories import ACTOR, make_loan


def _syndicated_loan_with_a_bank_collection(db_session, world):
    """Loan of fund A (fund B has 40%), disbursed, with a repayment booked from fund A's bank statement."""
    loan = make_loan(db_session, world.investee_a, status="approved", principal=Decimal("9000.00"))
    cofinancing.set_participations(
        db_session,
        ACTOR,
        loan,
        [
            {"fund_id": world.fund_a.id, "percentage": Decimal("60")},
            {"fund_id": world.fund_b.id, "percentage": Decimal("40")},
        ],
    )
    loan_services.disburse(db_session, ACTOR, loan, date(2024, 1, 15), Decimal("9000.00"))
    fund_account(db_session, world.fund_a)
    entry = Entry("398.89", booked=date(2024, 3, 15), end_to_end_id="FUNDA-BANK-E2E-7731", mandate_id="MANDATE-A-77")
    import_file(db_session, world.fund_a, camt([entry]))
    tx = db_session.scalar(select(BankTransaction).where(BankTransaction.end_to_end_id == "FUNDA-BANK-E2E-7731"))
    booking.book(db_session, ACTOR, tx, loan)
    db_session.flush()
    return loan


def test_a_co_financing_fund_sees_the_syndicated_loan_but_not_the_lead_funds_bank_transactions(
    db_session, world, client, login_as
):
    """The bank is the fund's: a fund with a share of a loan reads the loan, not the lead fund's statement lines
    booked on it (their end-to-end and mandate ids), which the BankTransaction rule keeps from it."""
    loan = _syndicated_loan_with_a_bank_collection(db_session, world)
    lead = login_as(world.user("manager_a")).get(f"/loans/{loan.id}").get_data(as_text=True)
    assert "FUNDA-BANK-E2E-7731" in lead  # the lead fund's managers see their own bank's collections

    co_financier = login_as(world.user("manager_b"))
    response = co_financier.get(f"/loans/{loan.id}")
    assert response.status_code == 200  # the loan itself, read-only
    html = response.get_data(as_text=True)
    assert "FUNDA-BANK-E2E-7731" not in html
    assert "MANDATE-A-77" not in html


def _claim_of_payer_b_on_investee_a(db_session, world):
    """Investee A also provides for payer B (contract RF-B-FOR-A): a claim approved by payer B's officer."""
    from fundapp.auth.policy import Scope
    from fundapp.outcomes import claims, results
    from tests.factories import THRESHOLD, make_contract

    contract = make_contract(
        db_session, world.payer_b, [world.investee_a], reference="RF-B-FOR-A", name="Werk B voor A"
    )
    result = results.record_result(
        db_session,
        ACTOR,
        contract,
        {
            "investee_id": world.investee_a.id,
            "item": "JOB-START",
            "participant": "P-0777",
            "achieved_on": date(2026, 2, 1),
            "months_on_benefit": 14,
            "evidence": "payroll",
        },
    )
    results.verify(db_session, ACTOR, result)
    claim = claims.compute_claim(db_session, ACTOR, contract, world.investee_a.id, "2026-Q1")
    claims.submit(db_session, ACTOR, claim, THRESHOLD)
    officer_b = world.user("officer_b")
    claims.approve(db_session, officer_b, Scope.of_user(officer_b), claim, THRESHOLD)
    db_session.flush()
    return contract


def test_an_officer_reading_a_providers_impact_report_sees_only_claims_on_its_own_payers_contracts(
    db_session, full_world, client, login_as, api_headers
):
    """A municipality's officers see only their own payer's contracts and claims: the impact report of a provider
    they contract lists the claims on their contracts, not the claims another municipality approved."""
    world = full_world
    _claim_of_payer_b_on_investee_a(db_session, world)
    period = "?period=2026"
    member = login_as(world.user("member_a")).get(f"/reports/investees/{world.investee_a.id}{period}")
    assert "RF-B-FOR-A" in member.get_data(as_text=True)  # the provider sees all its own payments

    officer = login_as(world.user("officer_a"))
    page = officer.get(f"/reports/investees/{world.investee_a.id}{period}")
    assert page.status_code == 200
    assert "RF-B-FOR-A" not in page.get_data(as_text=True)
    assert "Provincie B" not in page.get_data(as_text=True)
    html = client.get(
        f"/api/v1/investees/{world.investee_a.id}/impact-report{period}&format=html",
        headers=api_headers(world.user("officer_a")),
    )
    assert html.status_code == 200
    assert "RF-B-FOR-A" not in html.get_data(as_text=True)


def test_an_officer_reading_a_providers_impact_report_sees_none_of_its_loans(
    db_session, full_world, client, login_as, api_headers
):
    """The provider's loans are the fund's and the enterprise's business: its impact report shows them to the
    fund's managers and the enterprise, and leaves the loan summary out for a municipality's officer (page,
    workbook and the API's HTML)."""
    from io import BytesIO

    from openpyxl import load_workbook

    world = full_world
    loan = make_loan(db_session, world.investee_a, reference="LOAN-OF-A-4417")
    db_session.commit()
    report = f"/reports/investees/{world.investee_a.id}?period=2026"
    for who in ("manager_a", "member_a"):
        page = login_as(world.user(who)).get(report)
        assert 'id="loans"' in page.get_data(as_text=True) and loan.reference in page.get_data(as_text=True), who

    officer = login_as(world.user("officer_a"))
    page = officer.get(report)
    assert page.status_code == 200
    assert 'id="loans"' not in page.get_data(as_text=True) and loan.reference not in page.get_data(as_text=True)
    workbook = officer.get(f"{report}&format=xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(BytesIO(workbook.data)).sheetnames
    assert sheets and not any("loan" in name.lower() or "lening" in name.lower() for name in sheets)
    html = client.get(
        f"/api/v1/investees/{world.investee_a.id}/impact-report?period=2026&format=html",
        headers=api_headers(world.user("officer_a")),
    )
    assert html.status_code == 200 and loan.reference not in html.get_data(as_text=True)
