"""Grants, vouchers and guarantees through the services: their rules, their journal and the exposure per investee.

The hand-worked example is docs/fund_economics.md, section "Grants and guarantees"; the figures asserted here are
the ones written there.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fundapp import clock
from fundapp.banking import ledger
from fundapp.errors import InvalidTransition, ValidationFailed
from fundapp.instruments import exposure, grants, guarantees
from fundapp.instruments.grant_models import GrantStatus
from fundapp.loans.models import LoanStatus
from tests.factories import ACTOR, make_fund, make_investee, make_loan
from tests.instrument_factories import CALL_TERMS, make_example, make_grant, make_guarantee

D = Decimal


def _entries(session, fund):
    """The example's own entries: the month-end provision changes of the call's loan are the NAV's (capital part)."""
    made = ledger.entries(session, fund.id, date(2025, 1, 1), date(2026, 12, 31))
    return [
        (
            entry.date,
            entry.event.value,
            entry.reference,
            [(line.account.code, line.debit, line.credit) for line in entry.lines],
        )
        for entry in made
        if entry.event.value != "provision_change"
    ]


def test_the_worked_example_gives_exactly_the_journal_entries_written_in_the_docs(db_session):
    example = make_example(db_session)
    loan = example.call.loan
    assert loan.reference == "GA-2025-01-C1"
    assert _entries(db_session, example.fund) == [
        (date(2025, 3, 1), "grant_payment", "V-2025-01", [("4600", D("5000.00"), 0), ("1100", 0, D("5000.00"))]),
        (date(2025, 4, 1), "guarantee_fee", "GA-2025-01", [("1100", D("200.00"), 0), ("8350", 0, D("200.00"))]),
        (date(2025, 7, 1), "guarantee_fee", "GA-2025-01", [("1100", D("200.00"), 0), ("8350", 0, D("200.00"))]),
        (date(2025, 9, 15), "disbursement", "GA-2025-01-C1", [("0320", D("25000.00"), 0), ("1100", 0, D("25000.00"))]),
        (date(2026, 1, 20), "grant_clawback", "V-2025-01", [("1300", D("2000.00"), 0), ("4600", 0, D("2000.00"))]),
        (date(2026, 2, 10), "receivable_payment", "V-2025-01", [("1100", D("1200.00"), 0), ("1300", 0, D("1200.00"))]),
    ]


def test_the_worked_example_leaves_the_balances_and_the_exposure_written_in_the_docs(db_session):
    example = make_example(db_session)
    balances = ledger.role_balances(db_session, example.fund.id, date(2026, 2, 28))
    assert balances["grant_expense"] == D("3000.00")
    assert balances["other_receivables"] == D("800.00")
    assert balances["guarantee_fee_income"] == D("-400.00")
    assert balances["loans_receivable"] == D("25000.00")
    assert balances["bank"] == D("-28400.00")
    assert example.voucher.status is GrantStatus.NOT_MET and example.voucher.receivable == D("800.00")
    assert example.guarantee.uncalled == D("15000.00")
    assert example.call.loan.status is LoanStatus.ACTIVE
    [row] = exposure.exposures(db_session, example.fund.id, date(2025, 9, 15))
    assert (row.senior, row.subordinated, row.grant_receivables, row.guarantees, row.total) == (
        D("25000.00"),
        D("0"),
        D("0"),
        D("15000.00"),
        D("40000.00"),
    )
    [later] = exposure.exposures(db_session, example.fund.id, date(2026, 2, 10))
    assert (later.grant_receivables, later.total) == (D("800.00"), D("40800.00"))


def test_the_worked_example_guarantee_has_eleven_quarterly_fees_of_200(db_session):
    example = make_example(db_session)
    schedule = guarantees.fee_schedule(example.guarantee)
    assert len(schedule) == 11 and {fee.amount for fee in schedule} == {D("200.00")}
    assert (schedule[0].due_date, schedule[-1].due_date) == (date(2025, 4, 1), date(2027, 10, 1))
    assert sum(fee.amount for fee in schedule) == D("2200.00")
    assert [fee.open for fee in schedule[:3]] == [0, 0, D("200.00")]


def test_a_grant_is_judged_once_and_only_a_grant_not_met_is_clawed_back(db_session):
    investee = make_investee(db_session, make_fund(db_session))
    met = make_grant(db_session, investee)
    grants.decide(db_session, ACTOR, met, True, date(2026, 1, 5))
    with pytest.raises(InvalidTransition):
        grants.decide(db_session, ACTOR, met, False, date(2026, 1, 6))
    with pytest.raises(InvalidTransition):
        grants.claw_back(db_session, ACTOR, met, date(2026, 1, 6), D("1.00"), "te laat")
    assert met.status is GrantStatus.MET and met.clawed_back == 0


def test_a_clawback_is_at_most_what_was_paid_and_a_payment_at_most_what_is_owed(db_session):
    grant = make_grant(db_session, make_investee(db_session, make_fund(db_session)), amount=D("1000.00"))
    grants.decide(db_session, ACTOR, grant, False, date(2026, 1, 5))
    with pytest.raises(ValidationFailed) as refused:
        grants.claw_back(db_session, ACTOR, grant, date(2026, 1, 6), D("1000.01"), "niet gehaald")
    assert refused.value.details[0]["field"] == "amount"
    grants.claw_back(db_session, ACTOR, grant, date(2026, 1, 6), D("600.00"), "niet gehaald")
    grants.claw_back(db_session, ACTOR, grant, date(2026, 1, 7), D("400.00"), "ook de rest")
    with pytest.raises(ValidationFailed):
        grants.receive(db_session, ACTOR, grant, date(2026, 2, 1), D("1000.01"), "bank")
    grants.receive(db_session, ACTOR, grant, date(2026, 2, 1), D("1000.00"), "bank")
    assert grant.receivable == 0


def test_money_received_on_a_date_still_to_come_is_refused(db_session):
    grant = make_grant(db_session, make_investee(db_session, make_fund(db_session)))
    grants.decide(db_session, ACTOR, grant, False, date(2026, 1, 5))
    grants.claw_back(db_session, ACTOR, grant, date(2026, 1, 6), D("100.00"), "niet gehaald")
    with pytest.raises(ValidationFailed):
        grants.receive(db_session, ACTOR, grant, clock.today() + timedelta(days=1), D("10.00"), "bank")


def test_a_call_is_refused_above_what_is_left_of_the_guarantee_or_after_its_expiry(db_session):
    guarantee = make_guarantee(
        db_session, make_investee(db_session, make_fund(db_session)), expires_on=date(2026, 6, 30)
    )
    guarantees.call(db_session, ACTOR, guarantee, date(2026, 1, 10), D("30000.00"), CALL_TERMS)
    with pytest.raises(ValidationFailed) as refused:
        guarantees.call(db_session, ACTOR, guarantee, date(2026, 2, 10), D("10000.01"), CALL_TERMS)
    assert refused.value.details[0]["field"] == "amount"
    with pytest.raises(ValidationFailed) as late:
        guarantees.call(db_session, ACTOR, guarantee, date(2026, 7, 1), D("100.00"), CALL_TERMS)
    assert late.value.details[0]["field"] == "date"
    second = guarantees.call(db_session, ACTOR, guarantee, date(2026, 2, 10), D("10000.00"), CALL_TERMS)
    assert second.loan.reference.endswith("-C2") and guarantee.uncalled == 0


def test_a_guarantee_above_the_banks_loan_is_refused(db_session):
    with pytest.raises(ValidationFailed) as refused:
        make_guarantee(db_session, make_investee(db_session, make_fund(db_session)), guaranteed_amount=D("100000.01"))
    assert refused.value.details[0]["field"] == "guaranteed_amount"


def test_fees_are_paid_oldest_first_and_never_beyond_the_whole_schedule(db_session):
    guarantee = make_guarantee(
        db_session, make_investee(db_session, make_fund(db_session)), expires_on=date(2025, 12, 31)
    )
    guarantees.record_fee(db_session, ACTOR, guarantee, date(2025, 5, 1), D("300.00"))
    schedule = guarantees.fee_schedule(guarantee)
    assert [(fee.due_date, fee.amount, fee.paid) for fee in schedule] == [
        (date(2025, 4, 1), D("200.00"), D("200.00")),
        (date(2025, 7, 1), D("200.00"), D("100.00")),
        (date(2025, 10, 1), D("200.00"), D("0")),
    ]
    with pytest.raises(ValidationFailed):
        guarantees.record_fee(db_session, ACTOR, guarantee, date(2025, 5, 2), D("300.01"))


def test_the_exposure_shows_senior_and_subordinated_loans_apart_and_an_expired_guarantee_not_at_all(db_session):
    fund = make_fund(db_session)
    investee = make_investee(db_session, fund, name="Rangorde BV")
    make_loan(db_session, investee, principal=D("8000.00"), disbursement_date=date(2025, 1, 10))
    make_loan(db_session, investee, principal=D("3000.00"), subordinated=True, disbursement_date=date(2025, 1, 10))
    make_guarantee(db_session, investee, expires_on=date(2025, 6, 30))
    [row] = exposure.exposures(db_session, fund.id, date(2025, 1, 31))
    assert (row.senior, row.subordinated, row.guarantees) == (D("8000.00"), D("3000.00"), D("40000.00"))
    [after] = exposure.exposures(db_session, fund.id, date(2025, 7, 1))
    assert (after.senior, after.subordinated, after.guarantees) == (D("8000.00"), D("3000.00"), 0)


def test_the_fund_report_figures_of_the_worked_example_over_2025_and_2026(db_session):
    from fundapp.instruments import report

    example = make_example(db_session)
    end = date(2026, 2, 28)
    figures = report.figures(
        db_session, example.fund.id, date(2025, 1, 1), end, exposure.exposures(db_session, example.fund.id, end)
    )
    assert (figures.grants_paid, figures.grants_met, figures.grants_not_met) == (D("5000.00"), 0, D("5000.00"))
    assert (figures.clawed_back, figures.received, figures.grant_receivables) == (
        D("2000.00"),
        D("1200.00"),
        D("800.00"),
    )
    assert (figures.fee_income, figures.called, figures.guarantees_outstanding) == (
        D("400.00"),
        D("25000.00"),
        D("15000.00"),
    )


def test_a_call_is_paid_by_one_manager_even_above_the_funds_second_person_threshold(db_session):
    """The bank's call is an obligation under the guarantee, not a lending decision: the loan that receives it is
    disbursed by whoever records the call, whatever the fund's maker-checker threshold."""
    from fundapp.auth.models import Role
    from fundapp.loans.models import Loan
    from tests.factories import make_user

    fund = make_fund(db_session, disbursement_threshold=D("1000.00"))
    guarantee = make_guarantee(db_session, make_investee(db_session, fund))
    manager = make_user(db_session, Role.FUND_MANAGER, fund.id)

    event = guarantees.call(db_session, manager, guarantee, date(2026, 1, 10), D("5000.00"), CALL_TERMS)

    loan = db_session.get(Loan, event.loan_id)
    assert (loan.created_by_id, loan.disbursed, loan.status) == (manager.id, D("5000.00"), LoanStatus.ACTIVE)
    assert guarantee.called == D("5000.00")
