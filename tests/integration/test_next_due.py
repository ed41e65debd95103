"""The next installment due of each loan, and what was still to pay of it on the date, as the plain way reads it:
every installment and allocation of the loan loaded and added up in Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.loans import portfolio as book
from fundapp.loans import services as loan_services
from fundapp.loans.models import LoanAllocation, LoanInstallment
from tests.factories import ACTOR, make_loan


def _plain_next_due(session, loan_ids, as_of):
    due = {}
    for loan_id in loan_ids:
        installments = session.scalars(select(LoanInstallment).where(LoanInstallment.loan_id == loan_id)).all()
        open_ = [i for i in installments if i.due_date >= as_of and (i.settled_on is None or i.settled_on > as_of)]
        if not open_:
            continue
        first = min(open_, key=lambda i: i.due_date)
        paid = sum(
            (
                a.amount
                for a in session.scalars(select(LoanAllocation).where(LoanAllocation.loan_id == loan_id))
                if a.installment_number == first.number and a.paid_on <= as_of
            ),
            Decimal("0"),
        )
        due[loan_id] = (first.due_date, first.principal_due + first.interest_due - paid)
    return due


@pytest.mark.parametrize(
    "as_of", [date(2024, 2, 1), date(2024, 2, 15), date(2024, 2, 20), date(2024, 3, 10), date(2024, 4, 16)]
)
def test_the_next_installment_due_and_what_is_left_of_it_are_those_the_plain_way_reads(db_session, world, as_of):
    # One loan paid on time and then ahead in part, one paid ahead, one paid in part on the day its first
    # installment falls due, one repaid in full (no next installment).
    loans = [make_loan(db_session, world.investee_a) for _ in range(3)]
    loans.append(make_loan(db_session, world.investee_a, number_of_installments=2, principal=Decimal("1000.00")))
    loan_services.record_repayment(db_session, ACTOR, loans[0], date(2024, 2, 15), Decimal("443.21"), "ok")
    loan_services.record_repayment(db_session, ACTOR, loans[0], date(2024, 3, 5), Decimal("200.00"), "part")
    loan_services.record_repayment(db_session, ACTOR, loans[1], date(2024, 2, 10), Decimal("1000.00"), "ahead")
    loan_services.record_repayment(db_session, ACTOR, loans[2], date(2024, 2, 15), Decimal("100.00"), "part")
    loan_services.record_repayment(db_session, ACTOR, loans[3], date(2024, 2, 10), Decimal("1015.00"), "all")
    db_session.flush()
    ids = [loan.id for loan in loans]
    expected = _plain_next_due(db_session, ids, as_of)
    assert book.next_due(db_session, ids, as_of) == expected
    assert book.next_due(db_session, ids[2:3], as_of) == {k: v for k, v in expected.items() if k == ids[2]}
    if as_of == date(2024, 2, 15):  # 10,000.00 at 6 % over 24 months: 443.21 a month, 100.00 of the first paid
        assert expected[ids[2]] == (date(2024, 2, 15), Decimal("343.21"))
    assert ids[3] not in expected
