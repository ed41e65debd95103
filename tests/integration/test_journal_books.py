"""The journal of a realistic fund history: every entry balances to the cent, and each period's journal reconciles
with the portfolio figures of that period (run on SQLite, and on PostgreSQL with FUNDAPP_TEST_DATABASE_URL).

The history (2024-2025), built through the services as a fund manager would book it:

    on time     20,000 at 6 % / 24 monthly, every installment paid on its due date
    late        15,000 at 7.5 %, installments paid 20 days late, one partly; a payment reversed and booked again
    prepaid     12,000 at 5 %, six installments, then 4,000.37 prepaid (lower installments), then 3 more
    overpaid     6,000 at 4 % / 6, paid in full with 25 cents too much on the last installment (owed back)
    tranches    30,000 at 6 % in two tranches of 18,000 and 12,000; restructured after a year
    written off 10,000 at 8 %: three installments, written off, two recoveries from the receiver
    approved     5,000 not yet disbursed (no event at all)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fundapp.banking import ledger
from fundapp.banking.journal import EventKind
from fundapp.loans import services
from fundapp.loans.schedule import Amortization
from fundapp.loans.servicing import Prepayment
from tests.factories import ACTOR, make_fund, make_investee, make_loan

D = Decimal


def _quarters() -> list[tuple[date, date]]:
    periods = []
    for year in (2024, 2025):
        for month in (1, 4, 7, 10):
            start = date(year, month, 1)
            after = date(year + (month == 10), 1 if month == 10 else month + 3, 1)
            periods.append((start, after - timedelta(days=1)))
    return periods


def _pay(session, loan, count, late=0, short=D("0"), first=0):
    for inst in loan.installments[first : first + count]:
        amount = inst.total_due - inst.total_paid - short
        services.record_repayment(
            session, ACTOR, loan, inst.due_date + timedelta(days=late), amount, f"bank {loan.reference} {inst.number}"
        )


def make_history(session):
    fund = make_fund(session, name="Journal Fund")

    def loan(name, **terms):
        return make_loan(session, make_investee(session, fund, name=name), **terms)

    on_time = loan("Op tijd", principal=D("20000.00"), disbursement_date=date(2024, 1, 10))
    _pay(session, on_time, 24)

    late = loan("Laat", principal=D("15000.00"), annual_rate=D("7.5"), disbursement_date=date(2024, 2, 1))
    _pay(session, late, 5, late=20)
    _pay(session, late, 1, late=20, short=D("33.33"), first=5)
    wrong = services.record_repayment(session, ACTOR, late, date(2024, 10, 3), D("700.00"), "typo")
    services.reverse_event(session, ACTOR, wrong, "wrong amount")
    services.record_repayment(session, ACTOR, late, date(2024, 10, 3), D("707.00"), "right")

    prepaid = loan("Vooruit", principal=D("12000.00"), annual_rate=D("5"), disbursement_date=date(2024, 3, 15))
    _pay(session, prepaid, 6)
    services.record_repayment(
        session,
        ACTOR,
        prepaid,
        date(2024, 9, 20),
        prepaid.installments[6].total_due + D("4000.37"),
        "extra",
        Prepayment.LOWER_INSTALLMENTS,
    )
    _pay(session, prepaid, 3, first=7)

    overpaid = loan(
        "Te veel",
        principal=D("6000.00"),
        annual_rate=D("4"),
        number_of_installments=6,
        disbursement_date=date(2024, 5, 1),
    )
    _pay(session, overpaid, 5)
    last = overpaid.installments[5]
    services.record_repayment(session, ACTOR, overpaid, last.due_date, last.total_due + D("0.25"), "last")

    tranches = loan(
        "Tranches",
        principal=D("30000.00"),
        disbursement_date=date(2024, 4, 1),
        status="approved",
        amortization=Amortization.LINEAR,
    )
    services.disburse(session, ACTOR, tranches, date(2024, 4, 1), D("18000.00"), "tranche 1")
    _pay(session, tranches, 2)
    services.disburse(session, ACTOR, tranches, date(2024, 6, 20), D("12000.00"), "tranche 2")
    _pay(session, tranches, 10, first=2)
    services.restructure(
        session, ACTOR, tranches, date(2025, 4, 15), {"number_of_installments": 18, "annual_rate": D("5")}, "new plan"
    )
    _pay(session, tranches, 5, first=12)

    gone = loan("Failliet", principal=D("10000.00"), annual_rate=D("8"), disbursement_date=date(2024, 1, 20))
    _pay(session, gone, 3)
    services.write_off(session, ACTOR, gone, date(2024, 8, 31), "bankrupt")
    services.record_recovery(session, ACTOR, gone, date(2024, 11, 5), D("1250.50"), "curator")
    services.record_recovery(session, ACTOR, gone, date(2025, 2, 3), D("300.00"), "second distribution")

    loan("Goedgekeurd", principal=D("5000.00"), disbursement_date=date(2026, 1, 5), status="approved")
    session.flush()
    fund.overpaid = (overpaid.reference, last.due_date, last.total_due)  # for the test of the owed-back cents
    return fund


@pytest.fixture()
def history(db_session):
    return make_history(db_session)


@pytest.mark.parametrize(("start", "end"), [*_quarters(), (date(2024, 1, 1), date(2025, 12, 31))])
def test_every_entry_balances_and_the_journal_reconciles_with_the_portfolio_of_the_period(
    db_session, history, start, end
):
    entries = ledger.entries(db_session, history.id, start, end)

    assert entries, "every period of this history has events"
    for entry in entries:
        assert entry.total_debit == entry.total_credit > 0
        assert all(
            line.debit.as_tuple().exponent == -2 and line.credit.as_tuple().exponent == -2 for line in entry.lines
        )
        assert start <= entry.date <= end
    rows = ledger.reconcile(db_session, history.id, start, end, entries)
    assert [(row.figure, row.journal) for row in rows] == [(row.figure, row.portfolio) for row in rows]


def test_the_whole_history_has_every_kind_of_entry_and_the_portfolio_totals(db_session, history):
    from fundapp.loans.portfolio import portfolio

    entries = ledger.entries(db_session, history.id, date(2024, 1, 1), date(2025, 12, 31))
    book = portfolio(db_session, history.id, date(2025, 12, 31))
    figures = {
        row.figure: row.journal
        for row in ledger.reconcile(db_session, history.id, date(2024, 1, 1), date(2025, 12, 31), entries)
    }

    assert {entry.event for entry in entries} == {
        EventKind.DISBURSEMENT,
        EventKind.REPAYMENT,
        EventKind.WRITE_OFF,
        EventKind.RECOVERY,
        EventKind.PROVISION_CHANGE,
    }
    assert figures == {
        "disbursed": book.disbursed,
        "principal_received": book.principal_received,
        "interest_received": book.interest_received,
        "recoveries": book.recoveries,
        "written_off": book.written_off,
    }
    assert figures["disbursed"] == D("93000.00")
    assert figures["recoveries"] == D("1550.50")
    # The 25 cents paid too much are owed back: the repayment's bank line is what was due, not what came in.
    reference, due_date, due = history.overpaid
    (last,) = [e for e in entries if (e.reference, e.date) == (reference, due_date)]
    assert last.total_debit == due


def test_the_journal_books_on_the_funds_own_accounts(db_session, history):
    ledger.set_ledger_accounts(
        db_session, ACTOR, history, {"bank": {"code": "1110", "name": "Triodos", "rgs_code": "BLimBanRba"}}
    )
    entries = ledger.entries(db_session, history.id, date(2024, 1, 1), date(2024, 3, 31))
    codes = {line.account.code for entry in entries for line in entry.lines}
    assert "1110" in codes and "1100" not in codes
    rows = ledger.reconcile(db_session, history.id, date(2024, 1, 1), date(2024, 3, 31), entries)
    assert all(row.agrees for row in rows)


def test_role_balances_up_to_a_date_are_the_portfolio_as_of_that_date(db_session, history):
    from fundapp.loans.portfolio import portfolio

    for as_of in (date(2024, 6, 30), date(2025, 12, 31)):
        book = portfolio(db_session, history.id, as_of)
        figures = ledger.role_balances(db_session, history.id, as_of)

        assert figures["loans_receivable"] == book.outstanding_principal
        assert figures["bank"] == (book.principal_received + book.interest_received + book.recoveries - book.disbursed)
        assert sum(figures.values()) == 0
