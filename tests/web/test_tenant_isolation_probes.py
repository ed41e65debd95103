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
