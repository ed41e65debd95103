"""An adjustment (an accepted difference at a portfolio import) moves principal without moving money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fundapp.loans import servicing
from fundapp.loans.arrears import lender_cashflows
from fundapp.loans.schedule import Amortization, DayCount, Frequency, LoanTerms

TERMS = LoanTerms(
    principal=Decimal("10000.00"),
    annual_rate=Decimal("6"),
    disbursement_date=date(2024, 1, 15),
    number_of_installments=24,
    frequency=Frequency.MONTHLY,
    amortization=Amortization.ANNUITY,
    grace_periods=0,
    day_count=DayCount.THIRTY_360,
    installment_multiple=Decimal("0.01"),
)
START = servicing.Disbursement(date(2024, 1, 15), Decimal("10000.00"))
PAID = servicing.Payment(date(2024, 2, 15), Decimal("443.21"))


def _outstanding(position: servicing.LoanPosition) -> Decimal:
    return position.disbursed + position.principal_adjusted - position.principal_repaid


@pytest.mark.parametrize("amount", ["-606.79", "250.00"])
def test_an_adjustment_changes_the_outstanding_principal_and_the_schedule_still_ends_at_zero(amount):
    adjusted = servicing.replay(TERMS, [START, PAID, servicing.Adjustment(date(2024, 3, 1), Decimal(amount))])
    assert _outstanding(adjusted) == Decimal("9606.79") + Decimal(amount) == adjusted.outstanding_principal
    assert adjusted.installments[-1].balance == 0
    assert len(adjusted.installments) == 24


def test_an_adjustment_is_no_cash_flow_and_counts_as_neither_disbursed_nor_repaid():
    plain = servicing.replay(TERMS, [START, PAID])
    adjusted = servicing.replay(TERMS, [START, PAID, servicing.Adjustment(date(2024, 3, 1), Decimal("-100.00"))])
    assert lender_cashflows(adjusted) == lender_cashflows(plain)
    assert (adjusted.disbursed, adjusted.principal_repaid) == (plain.disbursed, plain.principal_repaid)


def test_an_adjustment_cannot_take_off_more_than_is_planned():
    with pytest.raises(servicing.ServicingError):
        servicing.replay(TERMS, [START, servicing.Adjustment(date(2024, 3, 1), Decimal("-20000.00"))])
