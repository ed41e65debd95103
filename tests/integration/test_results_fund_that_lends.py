"""Issue #14 item 15: an outcome contract's payments assigned in part to repay the provider's loan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.audit import AuditEntry
from fundapp.auth.policy import Scope
from fundapp.banking import ledger
from fundapp.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fundapp.loans.models import EventKind, LoanEvent
from fundapp.outcomes import assignments, payments
from fundapp.outcomes.models import ClaimStatus
from tests.factories import ACTOR, make_loan
from tests.outcome_factories import item, make_claim, make_contract, make_result

D = Decimal
PAID_ON = date(2026, 5, 1)


def _contract(db_session, world, price="2500.00"):
    return make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], [item("JOB6", price)])


def _approved_claim(db_session, world, contract):
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    return make_claim(db_session, contract, world.investee_a, approve_by=[world.user("officer_a")])


def _assign(db_session, world, contract, loan, share="40", accept=True):
    manager = world.user("manager_a")
    data = {
        "investee_id": world.investee_a.id,
        "loan_id": loan.id,
        "share_percent": D(share),
        "valid_from": date(2026, 1, 1),
    }
    assignment = assignments.assign(db_session, manager, Scope.of_user(manager), contract, data)
    if accept:
        officer = world.user("officer_a")
        assignments.accept(db_session, officer, Scope.of_user(officer), contract)
    return assignment


def _pay(db_session, world, claim, reference="NRF-2026-0501"):
    officer = world.user("officer_a")
    return payments.record_payment(db_session, officer, Scope.of_user(officer), claim, PAID_ON, reference)


def test_forty_percent_of_a_claim_of_2500_repays_1000_of_the_loan_interest_first_then_principal(db_session, world):
    """docs/fund_economics.md, "Results fund that lends": 10,000.00 at 6 % over 24 months (annuity 443.21),
    disbursed 2026-01-15; on 2026-05-01 three installments are due. 1,000.00 pays the first two in full
    (50.00 + 393.21, 48.03 + 395.18) and of the third 46.06 interest and 67.52 principal."""
    loan = make_loan(db_session, world.investee_a, disbursement_date=date(2026, 1, 15))
    contract = _contract(db_session, world)
    claim = _approved_claim(db_session, world, contract)
    assert claim.approved_amount == D("2500.00")
    _assign(db_session, world, contract, loan)
    _pay(db_session, world, claim)

    assert claim.status == ClaimStatus.PAID
    assert claim.splits[0].assigned_amount == D("1000.00")
    event = db_session.get(LoanEvent, claim.splits[0].repayment_id)
    assert (event.kind, event.on, event.amount, event.reference) == (
        EventKind.REPAYMENT,
        PAID_ON,
        D("1000.00"),
        "NRF-2026-0501",
    )
    parts = [(a.interest, a.principal) for a in event.allocations]
    assert parts == [(D("50.00"), D("393.21")), (D("48.03"), D("395.18")), (D("46.06"), D("67.52"))]
    assert loan.outstanding_principal == D("9144.09")
    (entry,) = ledger.entries(db_session, world.fund_a.id, PAID_ON, PAID_ON)
    lines = {line.account.code: (line.debit, line.credit) for line in entry.lines}
    assert lines == {"1100": (D("1000.00"), D("0")), "0320": (D("0"), D("855.91")), "8310": (D("0"), D("144.09"))}


def test_the_assigned_part_is_rounded_half_up_to_the_cent():
    assert assignments.assigned_part(D("1234.57"), D("12.5")) == D("154.32")  # 154.32125
    assert assignments.assigned_part(D("0.05"), D("50")) == D("0.03")  # 0.025


def test_a_booking_the_loan_refuses_leaves_the_claim_unpaid_in_one_transaction(client, db_session, world, api_headers):
    # The loan is disbursed after the payment date: the loan refuses a repayment before it.
    loan = make_loan(db_session, world.investee_a, disbursement_date=date(2026, 6, 1))
    contract = _contract(db_session, world)
    claim = _approved_claim(db_session, world, contract)
    _assign(db_session, world, contract, loan)
    response = client.post(
        f"/api/v1/claims/{claim.id}/payment",
        json={"paid_on": PAID_ON.isoformat(), "reference": "NRF-1"},
        headers=api_headers(world.user("officer_a")),
    )
    assert response.status_code == 422
    db_session.expire_all()
    assert claim.status == ClaimStatus.APPROVED and claim.splits[0].paid_on is None
    assert (
        db_session.scalars(
            select(LoanEvent).where(LoanEvent.loan_id == loan.id, LoanEvent.kind == EventKind.REPAYMENT)
        ).all()
        == []
    )


def test_before_the_payer_accepted_the_whole_payment_goes_to_the_provider(db_session, world):
    loan = make_loan(db_session, world.investee_a, disbursement_date=date(2026, 1, 15))
    contract = _contract(db_session, world)
    claim = _approved_claim(db_session, world, contract)
    _assign(db_session, world, contract, loan, accept=False)
    _pay(db_session, world, claim)
    assert claim.status == ClaimStatus.PAID
    assert (claim.splits[0].assigned_amount, claim.splits[0].repayment_id) == (None, None)
    assert loan.outstanding_principal == D("10000.00")


def test_only_the_loans_fund_manager_assigns_and_only_an_officer_of_the_payer_accepts(db_session, world):
    contract = _contract(db_session, world)
    data = {
        "investee_id": world.investee_a.id,
        "loan_id": world.loan_a.id,
        "share_percent": D("40"),
        "valid_from": date(2026, 1, 1),
    }
    officer, member = world.user("officer_a"), world.user("member_a")
    with pytest.raises(NotFound):  # the officer may not see the loan: as if it did not exist
        assignments.assign(db_session, officer, Scope.of_user(officer), contract, data)
    with pytest.raises(Forbidden):  # the member sees it, but does not manage it
        assignments.assign(db_session, member, Scope.of_user(member), contract, data)
    with pytest.raises(ValidationFailed):
        other = make_loan(db_session, world.investee_b)
        assignments.assign(
            db_session, ACTOR, Scope.of_user(world.user("admin")), contract, {**data, "loan_id": other.id}
        )
    _assign(db_session, world, contract, world.loan_a, accept=False)
    with pytest.raises(Conflict):
        _assign(db_session, world, contract, world.loan_a, accept=False)
    manager = world.user("manager_a")
    with pytest.raises(Forbidden):
        assignments.accept(db_session, manager, Scope.of_user(manager), contract)
    assignments.accept(db_session, officer, Scope.of_user(officer), contract)
    with pytest.raises(Conflict):
        assignments.accept(db_session, officer, Scope.of_user(officer), contract)
    actions = db_session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "PaymentAssignment").order_by(AuditEntry.id)
    ).all()
    assert actions == ["assignment.created", "assignment.accepted"]
