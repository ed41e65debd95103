"""Bringing in an existing portfolio: all or nothing, every problem by sheet and cell, replayed by the loan engine."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.investees.models import Investee
from fundapp.loans import services as loan_services
from fundapp.loans.models import EventKind, Loan, LoanEvent
from fundapp.loans.portfolio import portfolio
from fundapp.portfolio_import.export import build_workbook, fund_rows
from fundapp.portfolio_import.service import PortfolioInvalid, import_portfolio
from tests.factories import ACTOR, kvk, make_fund, make_investee, make_loan
from tests.portfolio_factories import (
    investee_row,
    loan_row,
    outstanding_row,
    repayment_row,
    simple_workbook,
    workbook,
)


def _loans(session, fund) -> int:
    return session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund.id))


def _cells(invalid: PortfolioInvalid) -> set[tuple[str, str]]:
    return {(p.sheet, p.cell) for p in invalid.problems}


def test_a_workbook_whose_figures_agree_imports_investees_loans_and_repayments_through_the_engine(db_session):
    fund = make_fund(db_session)
    number = kvk()
    result = import_portfolio(db_session, ACTOR, fund, simple_workbook(number))
    assert (result.investees, result.loans, result.repayments, result.differences) == (1, 1, 1, [])
    loan = db_session.scalar(select(Loan).where(Loan.fund_id == fund.id))
    assert loan.reference == "OLD-1" and loan.investee.kvk_number == number
    assert loan.outstanding_principal == Decimal("9606.79")
    assert loan.installments[0].settled_on == date(2024, 2, 15)
    assert loan.installments[1].due_date == date(2024, 3, 15)


def test_a_dry_run_reports_what_it_would_import_and_stores_nothing(db_session):
    fund = make_fund(db_session)
    result = import_portfolio(db_session, ACTOR, fund, simple_workbook(kvk(), "9000.00"), dry_run=True)
    assert (result.investees, result.loans, result.repayments) == (1, 1, 1)
    [difference] = result.differences
    assert (difference.fund_figure, difference.replayed, difference.difference) == (
        Decimal("9000.00"),
        Decimal("9606.79"),
        Decimal("-606.79"),
    )
    assert _loans(db_session, fund) == 0


def test_a_difference_is_marked_on_its_row_with_both_figures_and_nothing_imported_until_accepted(db_session):
    fund = make_fund(db_session)
    data = simple_workbook(kvk(), "9000.00")
    with pytest.raises(PortfolioInvalid) as refused:
        import_portfolio(db_session, ACTOR, fund, data)
    [problem] = refused.value.problems
    assert (problem.sheet, problem.cell) == ("outstanding", "C2")
    assert "9000.00" in problem.message and "9606.79" in problem.message and "-606.79" in problem.message
    assert _loans(db_session, fund) == 0
    with pytest.raises(PortfolioInvalid):
        import_portfolio(db_session, ACTOR, fund, data, accept_differences=True)  # accepting needs a reason
    assert _loans(db_session, fund) == 0


def test_an_accepted_difference_is_booked_as_an_adjustment_with_its_reason(db_session):
    fund = make_fund(db_session)
    data = simple_workbook(kvk(), "9000.00")
    import_portfolio(db_session, ACTOR, fund, data, accept_differences=True, reason="Old system wrote off 606.79")
    loan = db_session.scalar(select(Loan).where(Loan.fund_id == fund.id))
    adjustment = db_session.scalar(
        select(LoanEvent).where(LoanEvent.loan_id == loan.id, LoanEvent.kind == "adjustment")
    )
    assert (adjustment.on, adjustment.amount, adjustment.reason) == (
        date(2024, 3, 1),
        Decimal("-606.79"),
        "Old system wrote off 606.79",
    )
    assert loan.outstanding_principal == Decimal("9000.00")
    assert sum(i.principal_due - i.principal_paid for i in loan.installments if i.settled_on is None) == Decimal(
        "9000.00"
    )
    assert portfolio(db_session, fund.id, date(2024, 2, 20)).outstanding_principal == Decimal("9606.79")
    assert portfolio(db_session, fund.id, date(2024, 3, 1)).outstanding_principal == Decimal("9000.00")


def test_bad_input_lists_every_problem_by_sheet_and_cell_and_imports_nothing(db_session):
    fund, other = make_fund(db_session), make_fund(db_session)
    theirs = make_investee(db_session, other)
    ours = kvk()
    tomorrow = clock.today() + timedelta(days=1)
    data = workbook(
        [investee_row(ours), investee_row(theirs.kvk_number, "Not ours BV")],
        [
            loan_row("L-1", ours),
            loan_row("l-1", ours),  # the same reference, other case
            loan_row("L-2", theirs.kvk_number),
            loan_row("L-3", ours, disbursement_date=tomorrow),
        ],
        [
            repayment_row("L-1", date(2023, 12, 1), "100.00"),  # before the disbursement
            repayment_row("L-2", tomorrow, "100.00"),
            repayment_row("L-3", date(2024, 2, 15), "100.00", "bank 7"),
            repayment_row("L-3", date(2024, 2, 15), "100.00", "bank 7"),  # booked twice
        ],
        [outstanding_row("L-1", tomorrow, "10000.00")],
    )
    with pytest.raises(PortfolioInvalid) as refused:
        import_portfolio(db_session, ACTOR, fund, data)
    assert _cells(refused.value) >= {
        ("investees", "B3"),  # another fund's investee
        ("loans", "A3"),  # duplicate reference
        ("loans", "E5"),  # disbursement still to come
        ("repayments", "B2"),  # before the disbursement
        ("repayments", "B3"),  # still to come
        ("repayments", "D5"),  # the same bank payment twice
        ("outstanding", "B2"),  # cut-over still to come
    }
    assert _loans(db_session, fund) == 0
    assert db_session.scalar(select(func.count()).select_from(Investee).where(Investee.fund_id == fund.id)) == 0


def test_a_loan_reference_the_fund_already_has_and_terms_without_a_schedule_are_named_by_cell(db_session):
    fund = make_fund(db_session)
    existing = make_loan(db_session, make_investee(db_session, fund))
    number = kvk()
    data = workbook(
        [investee_row(number)],
        [loan_row(existing.reference, number), loan_row("L-9", number, number_of_installments=0)],
        outstanding=[outstanding_row(existing.reference, date(2024, 3, 1), "10000.00")],
    )
    with pytest.raises(PortfolioInvalid) as refused:
        import_portfolio(db_session, ACTOR, fund, data)
    assert {("loans", "A2"), ("loans", "G3")} <= _cells(refused.value)
    assert _loans(db_session, fund) == 1


def test_a_loan_without_the_funds_outstanding_principal_is_refused(db_session):
    fund = make_fund(db_session)
    number = kvk()
    with pytest.raises(PortfolioInvalid) as refused:
        import_portfolio(db_session, ACTOR, fund, workbook([investee_row(number)], [loan_row("L-1", number)]))
    assert _cells(refused.value) == {("loans", "A2")}
    assert _loans(db_session, fund) == 0


def test_an_investee_the_fund_already_has_is_matched_by_its_kvk_number(db_session):
    fund = make_fund(db_session)
    investee = make_investee(db_session, fund)
    result = import_portfolio(db_session, ACTOR, fund, simple_workbook(investee.kvk_number))
    assert (result.investees, result.loans) == (0, 1)
    assert db_session.scalar(select(Loan).where(Loan.fund_id == fund.id)).investee_id == investee.id


def _serviced_fund(session):
    """A fund with a loan paid on time, one in arrears, one prepaid (shorten the term) and one linear quarterly."""
    fund = make_fund(session)
    on_time = make_loan(session, make_investee(session, fund), disbursement_date=date(2024, 1, 15))
    for month in range(2, 8):
        loan_services.record_repayment(session, ACTOR, on_time, date(2024, month, 15), Decimal("443.21"), f"b{month}")
    late = make_loan(session, make_investee(session, fund), disbursement_date=date(2024, 3, 10))
    loan_services.record_repayment(session, ACTOR, late, date(2024, 4, 20), Decimal("300.00"))
    prepaid = make_loan(session, make_investee(session, fund), principal=Decimal("20000.00"))
    loan_services.record_repayment(session, ACTOR, prepaid, date(2024, 2, 15), Decimal("5000.00"), "", "shorten_term")
    linear = make_loan(
        session,
        make_investee(session, fund),
        amortization="linear",
        frequency="quarterly",
        number_of_installments=12,
        annual_rate=Decimal("4.5"),
        disbursement_date=date(2023, 6, 30),
    )
    loan_services.record_repayment(session, ACTOR, linear, date(2023, 9, 30), Decimal("945.83"))
    session.flush()
    return fund


def test_a_funds_export_imported_into_an_empty_fund_gives_the_same_outstanding_arrears_and_xirr(db_session):
    today = clock.today()
    moving = db_session.begin_nested()  # the fund of the old installation: gone once its export is made
    old = _serviced_fund(db_session)
    before = portfolio(db_session, old.id, today)
    exported = build_workbook(fund_rows(db_session, old.id, today))
    moving.rollback()
    db_session.expunge_all()  # the new installation's ids start again where the old one's did

    new = make_fund(db_session)
    result = import_portfolio(db_session, ACTOR, new, exported)
    assert (result.investees, result.loans, result.repayments, result.differences) == (4, 4, 9, [])
    after = portfolio(db_session, new.id, today)
    assert after.outstanding_principal == before.outstanding_principal > 0
    assert after.buckets == before.buckets
    assert (after.par30, after.par90) == (before.par30, before.par90)
    assert after.xirr == before.xirr is not None
    assert after.interest_received == before.interest_received


def test_an_adjustment_is_not_a_cash_flow_of_the_fund(db_session):
    fund = make_fund(db_session)
    import_portfolio(db_session, ACTOR, fund, simple_workbook(kvk(), "9606.80"), accept_differences=True, reason="x")
    events = db_session.scalars(select(LoanEvent).where(LoanEvent.fund_id == fund.id)).all()
    assert sorted(e.kind for e in events) == sorted([EventKind.DISBURSEMENT, EventKind.REPAYMENT, EventKind.ADJUSTMENT])
    figures = portfolio(db_session, fund.id, date(2024, 3, 1))
    assert figures.disbursed == Decimal("10000.00") and figures.outstanding_principal == Decimal("9606.80")


def test_empty_required_cells_and_unreadable_values_are_each_named_and_nothing_else_breaks(db_session):
    fund = make_fund(db_session)
    number = kvk()
    data = workbook(
        [investee_row(number) | {"name": None}],
        [loan_row("L-1", number, principal=None, frequency="weekly"), loan_row("L-2", number, annual_rate="six")],
        [repayment_row("L-1", date(2024, 2, 15), "100.00") | {"date": None}],
        [outstanding_row("L-2", date(2024, 3, 1), "1.00") | {"outstanding_principal": None}],
    )
    with pytest.raises(PortfolioInvalid) as refused:
        import_portfolio(db_session, ACTOR, fund, data)
    assert _cells(refused.value) == {
        ("investees", "A2"),
        ("loans", "C2"),
        ("loans", "H2"),
        ("loans", "D3"),
        ("repayments", "B2"),
        ("outstanding", "C2"),
    }


def test_the_benchmarks_workbook_imports_without_a_difference(db_session):
    from benchmarks.bench_import import CUT_OVER
    from benchmarks.bench_import import workbook as bench_workbook

    fund = make_fund(db_session)
    result = import_portfolio(db_session, ACTOR, fund, bench_workbook(3, 36), today=CUT_OVER)
    assert (result.investees, result.loans, result.repayments, result.differences) == (3, 3, 108, [])


def test_the_import_reads_plans_and_stores_with_the_collector_paused_and_turns_it_on_again_after_a_refusal(
    db_session, monkeypatch
):
    import gc

    from fundapp.portfolio_import import service

    seen = []
    plain_read, plain_plan, plain_write = service.read_workbook, service.plan_import, service._write

    def step(name, plain):
        def run(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return plain(*args, **kwargs)

        return run

    monkeypatch.setattr(service, "read_workbook", step("read", plain_read))
    monkeypatch.setattr(service, "plan_import", step("plan", plain_plan))
    monkeypatch.setattr(service, "_write", step("store", plain_write))
    fund = make_fund(db_session)
    assert gc.isenabled()
    import_portfolio(db_session, ACTOR, fund, simple_workbook(kvk()))
    assert seen == [("read", False), ("plan", False), ("store", False)]
    assert gc.isenabled()
    with pytest.raises(PortfolioInvalid):
        import_portfolio(db_session, ACTOR, make_fund(db_session), simple_workbook(kvk(), "9000.00"))
    assert gc.isenabled()
