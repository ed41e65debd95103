"""The revolving view against the hand-worked example of docs/fund_economics.md ("Revolving view").

Loans, repayments and their journal go through the services; the capital calls are journal postings of a source
added for the test (the fund's investors and their calls book the same posting).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fundapp.banking import journal, ledger
from fundapp.banking.journal import EventKind, Posting
from fundapp.funds.revolving import revolving, years_of
from fundapp.loans import services
from fundapp.loans.schedule import Amortization, Frequency
from tests.factories import ACTOR, make_fund, make_investee, make_loan

D = Decimal
CALLS = ((date(2024, 1, 10), D("100000.00")), (date(2025, 1, 10), D("20000.00")))


def capital_calls(session, fund_id, start, end):
    return [
        Posting(EventKind.CAPITAL_CALL, day, f"call {day}", (("bank", amount),), (("paid_in_capital", amount),))
        for day, amount in CALLS
        if start <= day <= end
    ]


@pytest.fixture
def called_capital(monkeypatch):
    monkeypatch.setattr(ledger, "SOURCES", (*ledger.SOURCES, capital_calls))


def _pay(session, loan, count):
    for installment in loan.installments[:count]:
        services.record_repayment(session, ACTOR, loan, installment.due_date, installment.total_due, "bank")


def make_example(session):
    fund = make_fund(session, name="Revolving Fund")

    def loan(name, principal, on, installments, frequency, rate="0", amortization=Amortization.LINEAR):
        investee = make_investee(session, fund, name=name)
        return make_loan(
            session,
            investee,
            principal=D(principal),
            annual_rate=D(rate),
            disbursement_date=on,
            number_of_installments=installments,
            frequency=frequency,
            amortization=amortization,
        )

    _pay(session, loan("A", "60000.00", date(2024, 2, 1), 12, Frequency.MONTHLY), 12)
    _pay(session, loan("B", "40000.00", date(2024, 7, 1), 8, Frequency.QUARTERLY), 8)
    _pay(session, loan("C", "50000.00", date(2025, 3, 1), 5, Frequency.QUARTERLY), 5)
    _pay(session, loan("D", "25000.00", date(2026, 4, 1), 24, Frequency.MONTHLY, "6", Amortization.BULLET), 6)
    return fund


def test_the_revolving_view_gives_the_hand_worked_figures_per_year(db_session, called_capital):
    fund = make_example(db_session)

    years = revolving(db_session, fund.id, date(2026, 12, 31))

    figures = [
        (y.year, y.paid_in, y.lent_and_invested, y.returned, y.lent_again, y.lent_again_to_date, y.revolving_ratio)
        for y in years
    ]
    assert figures == [
        (2024, D("100000.00"), D("100000.00"), D("55000.00"), D("0.00"), D("0.00"), D("1.0000")),
        (2025, D("20000.00"), D("50000.00"), D("60000.00"), D("30000.00"), D("30000.00"), D("1.2500")),
        (2026, D("0.00"), D("25000.00"), D("35750.00"), D("25000.00"), D("55000.00"), D("1.4583")),
    ]
    last = years[-1]
    assert (last.paid_in_to_date, last.lent_and_invested_to_date, last.returned_to_date) == (
        D("120000.00"),
        D("175000.00"),
        D("150750.00"),
    )


def test_the_revolving_view_stops_at_the_date_asked_for(db_session, called_capital):
    fund = make_example(db_session)

    years = revolving(db_session, fund.id, date(2025, 6, 30))

    assert [(y.year, y.lent_and_invested, y.returned) for y in years] == [
        (2024, D("100000.00"), D("55000.00")),
        (2025, D("50000.00"), D("30000.00")),  # A: January and February, B: January and April, C: June
    ]


def _entry(kind, day, debits, credits):
    return journal.entries_for([Posting(kind, day, "x", debits, credits)])[0]


def test_lending_beyond_the_capital_is_lent_again_only_as_far_as_money_came_back():
    chart = journal.DEFAULT_CHART
    entries = [
        _entry(EventKind.CAPITAL_CALL, date(2020, 1, 1), (("bank", D("100.00")),), (("paid_in_capital", D("100.00")),)),
        _entry(EventKind.GRANT_PAYMENT, date(2020, 2, 1), (("grant_expense", D("80.00")),), (("bank", D("80.00")),)),
        _entry(EventKind.DIVIDEND, date(2022, 3, 1), (("bank", D("30.00")),), (("dividend_income", D("30.00")),)),
        _entry(
            EventKind.EQUITY_PURCHASE, date(2022, 4, 1), (("equity_investments", D("70.00")),), (("bank", D("70.00")),)
        ),
        # A revaluation moves no money: it is neither lent nor returned.
        _entry(
            EventKind.VALUATION,
            date(2022, 5, 1),
            (("equity_investments", D("9.00")),),
            (("unrealised_result", D("9.00")),),
        ),
    ]

    years = years_of(entries, chart, 2023)

    assert [(y.year, y.lent_and_invested, y.returned, y.lent_again, y.lent_again_to_date) for y in years] == [
        (2020, D("80.00"), D("0.00"), D("0.00"), D("0.00")),
        (2021, D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        (2022, D("70.00"), D("30.00"), D("30.00"), D("30.00")),
        (2023, D("0.00"), D("0.00"), D("0.00"), D("30.00")),
    ]
    assert [y.revolving_ratio for y in years] == [D("0.8000"), D("0.8000"), D("1.5000"), D("1.5000")]


def test_a_fund_without_journal_entries_has_no_revolving_years(db_session):
    assert revolving(db_session, make_fund(db_session).id, date(2026, 12, 31)) == []
