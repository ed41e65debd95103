"""Equity participations and convertible loans: the hand-worked example of docs/fund_economics.md, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.banking import ledger
from fundapp.banking.journal import EventKind
from fundapp.errors import ValidationFailed
from fundapp.instruments import conversion, services
from fundapp.instruments.models import EquityParticipation, ValuationMethod
from fundapp.loans import portfolio
from fundapp.loans.models import LoanStatus
from tests.equity_factories import make_convertible, make_participation
from tests.factories import ACTOR, make_fund, make_investee

D = Decimal


def _lines(entry):
    return sorted((line.account.code, line.debit, line.credit) for line in entry.lines)


def _worked_example(db_session, world):
    loan = make_convertible(db_session, world.investee_a)
    participation = conversion.convert(
        db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": D("2.50"), "principal": None}
    )
    valuation = {
        "date": date(2025, 12, 31),
        "value_per_share": D("2.40"),
        "method": ValuationMethod.FINANCING_ROUND,
        "decided_by": "Investeringscommissie",
    }
    services.record_valuation(db_session, ACTOR, participation, valuation)
    services.record_dividend(db_session, ACTOR, participation, {"date": date(2026, 3, 31), "amount": D("1500.00")})
    services.record_exit(
        db_session, ACTOR, participation, {"date": date(2026, 6, 30), "shares": 10000, "proceeds": D("26000.00")}
    )
    return loan, participation


def test_the_worked_example_gives_the_figures_of_the_docs_to_the_cent(db_session, world):
    loan, participation = _worked_example(db_session, world)
    assert (loan.status, loan.outstanding_principal) == (LoanStatus.CONVERTED, D("0"))
    assert (participation.converted_principal, participation.converted_interest) == (D("50000.00"), D("1250.00"))
    assert (participation.price_per_share, participation.shares, participation.cost) == (
        D("1.90"),
        26973,
        D("51250.00"),
    )
    valuation, _dividend, sale = participation.events
    assert valuation.carrying_change == D("13485.20")
    assert (sale.cost_sold, sale.carrying_sold) == (D("19000.48"), D("24000.00"))
    held = services.holding_of(participation)
    assert (held.shares, held.cost, held.carrying) == (16973, D("32249.52"), D("40735.20"))
    assert (held.realised, held.unrealised, held.dividends) == (D("6999.52"), D("8485.68"), D("1500.00"))


def test_each_event_of_the_worked_example_has_its_journal_entry(db_session, world):
    _worked_example(db_session, world)
    made = [
        e
        for e in ledger.entries(db_session, world.fund_a.id, date(2025, 7, 1), date(2026, 6, 30))
        # the loans' own entries, and the month-end provision changes of the NAV (capital part), are tested elsewhere
        if e.event not in (EventKind.DISBURSEMENT, EventKind.REPAYMENT, EventKind.PROVISION_CHANGE)
    ]
    assert [(e.date, e.event) for e in made] == [
        (date(2025, 7, 1), EventKind.CONVERSION),
        (date(2025, 12, 31), EventKind.VALUATION),
        (date(2026, 3, 31), EventKind.DIVIDEND),
        (date(2026, 6, 30), EventKind.EQUITY_EXIT),
    ]
    z = D("0.00")
    assert _lines(made[0]) == [("0310", D("51250.00"), z), ("0320", z, D("50000.00")), ("8310", z, D("1250.00"))]
    assert _lines(made[1]) == [("0310", D("13485.20"), z), ("8320", z, D("13485.20"))]
    assert _lines(made[2]) == [("1100", D("1500.00"), z), ("8340", z, D("1500.00"))]
    assert _lines(made[3]) == [
        ("0310", z, D("24000.00")),
        ("1100", D("26000.00"), z),
        ("8320", D("4999.52"), z),
        ("8330", z, D("6999.52")),
    ]


def test_the_equity_balance_of_the_journal_is_the_carrying_value_on_every_date(db_session, world):
    _loan, participation = _worked_example(db_session, world)
    for day in (date(2025, 6, 30), date(2025, 7, 1), date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30)):
        balances = ledger.role_balances(db_session, world.fund_a.id, day)
        held = services.holding_of(participation, day) if day >= participation.on else None
        assert balances["equity_investments"] == (held.carrying if held else D("0"))
        assert -balances["unrealised_result"] == (held.unrealised if held else D("0"))
    balances = ledger.role_balances(db_session, world.fund_a.id, date(2026, 6, 30))
    # The converted loan has left the books: what remains is the other loans' outstanding principal.
    assert balances["loans_receivable"] == sum(portfolio.outstanding_on(db_session, world.fund_a.id, day).values())
    assert -balances["realised_result"] == D("6999.52")


def test_a_converted_loan_leaves_the_portfolio_on_its_conversion_date(db_session, world):
    loan = make_convertible(db_session, world.investee_a)
    conversion.convert(db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": D("2.50")})
    assert portfolio.outstanding_on(db_session, world.fund_a.id, date(2025, 6, 30))[loan.id] == D("50000.00")
    assert portfolio.outstanding_on(db_session, world.fund_a.id, date(2025, 7, 1))[loan.id] == D("0")


def test_the_portfolio_xirr_counts_what_was_converted_as_received_on_the_conversion_date(db_session):
    """50,000.00 lent on 1 Jan 2025, converted on 1 Jul 2025 with 1,250.00 accrued (5 %, 30/360, half a year):
    the fund's return is (51,250 / 50,000)^(365/181) - 1, not a total loss."""
    fund = make_fund(db_session)
    loan = make_convertible(db_session, make_investee(db_session, fund))
    made = conversion.convert(db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": D("2.50")})
    assert made.cost == D("51250.00")
    figures = portfolio.portfolio(db_session, fund.id, date(2025, 12, 31))
    expected = (D("51250") / D("50000")) ** (D(365) / D(181)) - 1
    assert abs(figures.xirr - expected) < D("0.000001")
    assert figures.outstanding_principal == D("0")


def test_a_partial_conversion_converts_that_principal_only_and_the_loan_runs_on(db_session, world):
    loan = make_convertible(db_session, world.investee_a)
    made = conversion.convert(
        db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": D("2.50"), "principal": D("19000.00")}
    )
    assert (made.shares, made.converted_interest, made.cost) == (10000, D("0"), D("19000.00"))
    assert loan.status == LoanStatus.ACTIVE
    assert loan.outstanding_principal == D("31000.00")
    balances = ledger.role_balances(db_session, world.fund_a.id, date(2025, 7, 1))
    outstanding = portfolio.outstanding_on(db_session, world.fund_a.id, date(2025, 7, 1))
    assert outstanding[loan.id] == D("31000.00")
    assert balances["loans_receivable"] == sum(outstanding.values())


def _state(db_session):
    return (
        db_session.scalar(select(func.count()).select_from(EquityParticipation)),
        db_session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_a_conversion_of_more_than_is_outstanding_is_refused_and_changes_nothing(db_session, world):
    loan = make_convertible(db_session, world.investee_a)
    before = _state(db_session)
    with pytest.raises(ValidationFailed) as refused:
        conversion.convert(
            db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": D("2.50"), "principal": D("50000.01")}
        )
    assert refused.value.details == [
        {"field": "principal", "message": "This is more than the loan's outstanding principal."}
    ]
    assert _state(db_session) == before
    assert loan.status == LoanStatus.ACTIVE


def test_a_discount_without_the_rounds_price_and_no_fixed_price_is_refused(db_session, world):
    loan = make_convertible(db_session, world.investee_a)
    with pytest.raises(ValidationFailed) as refused:
        conversion.convert(db_session, ACTOR, loan, {"date": date(2025, 7, 1), "round_price": None})
    assert refused.value.details[0]["field"] == "round_price"


def test_a_valuation_before_the_investment_date_is_refused_and_changes_nothing(db_session, world):
    participation = make_participation(db_session, world.investee_a)
    before = _state(db_session)
    data = {"date": date(2026, 1, 9), "value_per_share": D("11"), "method": ValuationMethod.DCF, "decided_by": "IC"}
    with pytest.raises(ValidationFailed) as refused:
        services.record_valuation(db_session, ACTOR, participation, data)
    assert refused.value.details == [{"field": "date", "message": "An event cannot come before the investment date."}]
    assert _state(db_session) == before
    assert participation.events == []


def test_selling_more_shares_than_are_held_is_refused(db_session, world):
    participation = make_participation(db_session, world.investee_a)
    with pytest.raises(ValidationFailed) as refused:
        services.record_exit(
            db_session, ACTOR, participation, {"date": date(2026, 2, 1), "shares": 1001, "proceeds": D("100")}
        )
    assert refused.value.details == [{"field": "shares", "message": "More shares are sold than the fund holds."}]


def test_a_full_exit_takes_the_whole_cost_and_carrying_value_and_leaves_nothing(db_session, world):
    participation = make_participation(db_session, world.investee_a, shares=3, price="10.00")
    data = {
        "date": date(2026, 2, 1),
        "value_per_share": D("3.333333"),
        "method": ValuationMethod.OTHER,
        "decided_by": "IC",
    }
    services.record_valuation(db_session, ACTOR, participation, data)
    services.record_exit(db_session, ACTOR, participation, {"date": date(2026, 3, 1), "shares": 3, "proceeds": D("12")})
    held = services.holding_of(participation)
    assert (held.shares, held.cost, held.carrying, held.realised) == (0, D("0"), D("0"), D("-18.00"))
    balances = ledger.role_balances(db_session, world.fund_a.id, date(2026, 3, 1))
    assert balances["equity_investments"] == D("0") and balances["unrealised_result"] == D("0")
