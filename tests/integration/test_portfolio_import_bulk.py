"""The portfolio import stores its loans in bulk: the same rows as the engine's loan-by-loan rebuild, in a number
of statements that does not grow with the number of loans."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from fundapp import audit, bulk
from fundapp.loans import engine, servicing
from fundapp.loans.models import Loan, LoanAllocation, LoanInstallment
from fundapp.loans.schedule import Amortization, DayCount, Frequency, LoanTerms, build_schedule
from fundapp.portfolio_import.service import import_portfolio
from tests.factories import ACTOR, kvk, make_fund, make_investee
from tests.portfolio_factories import investee_row, loan_row, outstanding_row, repayment_row, workbook

CUT_OVER = date(2025, 6, 30)
INSTALLMENT = ("number", "due_date", "principal_due", "interest_due", "principal_paid", "interest_paid", "balance")
INSTALLMENT += ("settled_on", "settlement")
ALLOCATION = ("event_id", "paid_on", "kind", "installment_number", "interest", "principal", "amount")
LOAN_TOTALS = ("status", "disbursed", "principal_repaid", "interest_received", "outstanding_principal", "repaid_on")


def _portfolio(seed: int, loans: int, existing_kvk: str | None = None) -> bytes:
    """Random terms, on-time, late, partial and extra repayments, and a fund figure a few cents off now and then."""
    rng = random.Random(seed)
    investees, loan_rows, repayments, outstanding = [], [], [], []
    for n in range(loans):
        number = existing_kvk if existing_kvk and n == 0 else kvk()
        investees.append(investee_row(number, f"Onderneming {seed}-{n}"))
        reference = f"GEN-{seed}-{n}"
        frequency = rng.choice([Frequency.MONTHLY, Frequency.QUARTERLY])
        terms = LoanTerms(
            principal=Decimal(rng.randrange(500_000, 5_000_000)) / 100,
            annual_rate=Decimal(rng.randrange(0, 900)) / 100,
            disbursement_date=date(2024, 1, 1) + timedelta(days=rng.randrange(150)),
            number_of_installments=rng.choice([24, 36, 48]),
            frequency=frequency,
            amortization=rng.choice([Amortization.ANNUITY, Amortization.LINEAR]),
            grace_periods=0,
            day_count=DayCount.THIRTY_360,
            installment_multiple=Decimal("0.01"),
        )
        loan_rows.append(
            loan_row(
                reference,
                number,
                principal=terms.principal,
                annual_rate=terms.annual_rate,
                disbursement_date=terms.disbursement_date,
                number_of_installments=terms.number_of_installments,
                frequency=frequency.value,
                amortization=terms.amortization.value,
            )
        )
        payments = []
        for i, installment in enumerate(build_schedule(terms).installments[: rng.randrange(0, 8)], start=1):
            late = timedelta(days=rng.choice([0, 0, 3, 40]))
            amount = installment.total + rng.choice([Decimal(0), Decimal(0), Decimal("-25.00"), Decimal("100.00")])
            if installment.due_date + late <= CUT_OVER:
                payments.append(servicing.Payment(installment.due_date + late, amount, f"bank {reference} {i}"))
        repayments += [repayment_row(reference, p.date, str(p.amount), p.reference) for p in payments]
        position = servicing.replay(
            terms, [servicing.Disbursement(terms.disbursement_date, terms.principal), *payments]
        )
        figure = position.disbursed - position.principal_repaid + rng.choice([Decimal(0), Decimal("0.05")])
        outstanding.append(outstanding_row(reference, CUT_OVER, str(figure)))
    return workbook(investees, loan_rows, repayments, outstanding)


def _stored(session, fund_id: int) -> dict[str, object]:
    """Everything the import derives, by loan reference (ids of installments and allocations aside)."""
    references = dict(session.execute(select(Loan.id, Loan.reference).where(Loan.fund_id == fund_id)).all())
    installments = session.execute(
        select(LoanInstallment).where(LoanInstallment.fund_id == fund_id).order_by(LoanInstallment.id)
    ).scalars()
    allocations = session.execute(
        select(LoanAllocation).where(LoanAllocation.fund_id == fund_id).order_by(LoanAllocation.id)
    ).scalars()
    loans = session.scalars(select(Loan).where(Loan.fund_id == fund_id).order_by(Loan.id))
    return {
        "installments": [(references[i.loan_id], *(getattr(i, name) for name in INSTALLMENT)) for i in installments],
        "allocations": [(references[a.loan_id], *(getattr(a, name) for name in ALLOCATION)) for a in allocations],
        "loans": [(loan.reference, *(getattr(loan, name) for name in LOAN_TOTALS)) for loan in loans],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bulk_import_stores_what_rebuilding_each_loan_stores_and_audits_each_row_in_one_chain(
    db_session, seed, monkeypatch
):
    monkeypatch.setattr(engine, "REBUILD_PART", 5)  # the 12 loans' schedules stored in three parts, the last short
    fund = make_fund(db_session)
    existing = make_investee(db_session, fund)
    head = db_session.scalar(select(audit.AuditEntry.id).order_by(audit.AuditEntry.id.desc()).limit(1)) or 0
    data = _portfolio(seed, 12, existing.kvk_number)
    result = import_portfolio(
        db_session, ACTOR, fund, data, accept_differences=True, reason="old books", today=CUT_OVER
    )
    assert result.loans == 12 and result.repayments > 0
    db_session.flush()
    imported = _stored(db_session, fund.id)
    assert imported["installments"] and imported["allocations"]

    for loan in db_session.scalars(select(Loan).where(Loan.fund_id == fund.id).order_by(Loan.id)):
        engine.rebuild(db_session, loan)
    db_session.flush()
    assert _stored(db_session, fund.id) == imported

    entries = db_session.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.id > head).order_by(audit.AuditEntry.id)
    )
    loans = {loan.id: loan for loan in db_session.scalars(select(Loan).where(Loan.fund_id == fund.id))}
    got = [(e.action, e.entity_type, e.changes) for e in entries]
    assert got[:11] == [("investee.imported", "Investee", {"kvk_number": [None, row]}) for row in _kvks(data)[1:]]
    assert got[11:23] == [
        (
            "loan.imported",
            "Loan",
            {"reference": [None, loan.reference], "outstanding_principal": [None, str(loan.outstanding_principal)]},
        )
        for loan in sorted(loans.values(), key=lambda loan: loan.id)
    ]
    assert got[23:] == [("portfolio.imported", "Fund", {"investees": [None, 11], "loans": [None, 12]})]
    assert audit.verify_chain(db_session).ok


def _kvks(data: bytes) -> list[str]:
    from fundapp.portfolio_import.reading import Reader, read_workbook

    book = read_workbook(data, Reader(str, CUT_OVER))
    return [row.values["kvk_number"] for row in book.rows["investees"]]


def _queries(db_session, loans: int, seed: int) -> int:
    fund = make_fund(db_session)
    data = _portfolio(seed, loans)
    statements: list[str] = []

    def count(*_args) -> None:
        statements.append(_args[2])

    connection = db_session.connection()
    event.listen(connection.engine, "before_cursor_execute", count)
    try:
        import_portfolio(db_session, ACTOR, fund, data, accept_differences=True, reason="old books", today=CUT_OVER)
        db_session.flush()
    finally:
        event.remove(connection.engine, "before_cursor_execute", count)
    import collections

    print(collections.Counter(s[:40] for s in statements))
    return len(statements)


def test_importing_ten_times_the_loans_takes_no_more_statements(db_session, monkeypatch):
    # One row per VALUES: bulk splits a long insert into two statements (whole chunks, then the rest; see
    # test_bulk_insert), which here would count a second statement only where the rows pass a chunk's size.
    monkeypatch.setattr(bulk, "_ROWS_PER_STATEMENT", 1)
    assert _queries(db_session, 30, seed=5) <= _queries(db_session, 3, seed=4)


def test_the_funds_figure_is_compared_with_the_replay_up_to_the_cut_over_date_not_with_later_repayments(db_session):
    number = kvk()
    sheets = (
        [investee_row(number)],
        [loan_row("OLD-1", number)],
        [repayment_row("OLD-1", date(2024, 2, 15), "443.21", "bank 1")],
    )
    before = workbook(*sheets, [outstanding_row("OLD-1", date(2024, 2, 1), "10000.00")])
    result = import_portfolio(db_session, ACTOR, make_fund(db_session), before, dry_run=True)
    assert result.differences == []
    after = workbook(*sheets, [outstanding_row("OLD-1", date(2024, 3, 1), "10000.00")])
    [difference] = import_portfolio(db_session, ACTOR, make_fund(db_session), after, dry_run=True).differences
    assert difference.replayed == Decimal("9606.79")


def test_a_fund_of_10000_loans_with_three_years_of_monthly_repayments_fits_the_row_limit(app):
    import inspect

    from fundapp.portfolio_import.api import upload_limits

    with app.test_request_context():
        assert upload_limits().max_rows >= 10_000 * 36
    assert inspect.signature(import_portfolio).parameters["limits"].default.max_rows >= 10_000 * 36
