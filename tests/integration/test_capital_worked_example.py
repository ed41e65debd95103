"""The hand-worked example of docs/fund_economics.md, "Investors, NAV and capital accounts", figure by figure."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fundapp.banking import ledger
from fundapp.capital import nav, provision, services, statements
from fundapp.capital.models import DistributionKind
from fundapp.loans import services as loan_services
from fundapp.loans.schedule import Amortization
from tests.factories import ACTOR, make_fund, make_investee, make_loan

D = Decimal
AS_OF = date(2024, 6, 30)


@pytest.fixture()
def example(db_session):
    fund = make_fund(db_session, name="Voorbeeldfonds")
    a = services.add_investor(db_session, ACTOR, fund, {"name": "A", "commitment": D("600000.00")})
    b = services.add_investor(db_session, ACTOR, fund, {"name": "B", "commitment": D("400000.00")})
    services.record_call(db_session, ACTOR, a, {"date": date(2024, 1, 2), "amount": D("300000.00")})
    services.record_call(db_session, ACTOR, b, {"date": date(2024, 3, 1), "amount": D("200000.00")})
    terms = {"annual_rate": D("0"), "number_of_installments": 10, "amortization": Amortization.LINEAR}
    late = make_loan(
        db_session,
        make_investee(db_session, fund),
        principal=D("100000.00"),
        disbursement_date=date(2024, 1, 15),
        **terms,
    )
    current = make_loan(
        db_session,
        make_investee(db_session, fund),
        principal=D("50000.00"),
        disbursement_date=date(2024, 3, 1),
        **terms,
    )
    for day in (date(2024, 2, 15), date(2024, 3, 15)):
        loan_services.record_repayment(db_session, ACTOR, late, day, D("10000.00"), f"late {day}")
    for day in (date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)):
        loan_services.record_repayment(db_session, ACTOR, current, day, D("5000.00"), f"current {day}")
    services.record_expense(
        db_session, ACTOR, fund, {"date": date(2024, 3, 31), "amount": D("5000.00"), "description": "Audit"}
    )
    for investor, amount in ((a, D("12000.00")), (b, D("8000.00"))):
        services.record_distribution(
            db_session, ACTOR, investor, {"date": date(2024, 6, 28), "amount": amount, "kind": DistributionKind.INCOME}
        )
    db_session.flush()
    return fund, a, b


def test_the_worked_example_gives_the_nav_of_the_document(db_session, example):
    fund, _a, _b = example
    figures = nav.nav(db_session, fund.id, AS_OF)
    assert (figures.cash, figures.loans_outstanding, figures.provision, figures.equity_value, figures.receivables) == (
        D("360000.00"),
        D("115000.00"),
        D("20350.00"),
        D("0.00"),
        D("0.00"),
    )
    assert figures.nav == D("454650.00")


def test_the_worked_example_gives_each_capital_account_of_the_document(db_session, example):
    fund, a, b = example
    _nav, accounts = nav.capital_accounts(db_session, fund.id, AS_OF)
    got = {
        name: (x.paid_in, x.distributed, x.nav_share, x.dpi, x.rvpi, x.tvpi, x.irr)
        for name, x in (("A", accounts[a.id]), ("B", accounts[b.id]))
    }
    assert got == {
        "A": (D("300000.00"), D("12000.00"), D("272790.00"), D("0.0400"), D("0.9093"), D("0.9493"), D("-0.100175")),
        "B": (D("200000.00"), D("8000.00"), D("181860.00"), D("0.0400"), D("0.9093"), D("0.9493"), D("-0.145348")),
    }


def test_at_a_month_end_the_navs_provision_is_the_journals_loan_loss_provision(db_session, example):
    fund, _a, _b = example
    for month_end in (date(2024, 1, 31), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31), AS_OF):
        balances = ledger.role_balances(db_session, fund.id, month_end)
        assert -balances["loan_loss_provision"] == provision.provision_on(db_session, fund.id, month_end), month_end
    # Between month ends the journal keeps the last month end's provision; the NAV takes the day's own.
    assert -ledger.role_balances(db_session, fund.id, date(2024, 4, 29))["loan_loss_provision"] == D("1300.00")
    assert provision.provision_on(db_session, fund.id, date(2024, 4, 29)) == D("4450.00")
    changes = [e for e in ledger.events(db_session, fund.id, date(2024, 1, 1), AS_OF) if e.kind == "provision_change"]
    assert [(e.date, e.change) for e in changes] == [
        (date(2024, 1, 31), D("1000.00")),
        (date(2024, 2, 29), D("-100.00")),
        (date(2024, 3, 31), D("400.00")),
        (date(2024, 4, 30), D("3150.00")),
        (date(2024, 5, 31), D("15950.00")),
        (date(2024, 6, 30), D("-50.00")),
    ]


def test_provision_percentages_of_the_fund_replace_the_defaults(db_session, example):
    fund, _a, _b = example
    rates = {"current": D("2"), "days_1_30": D("5"), "days_31_90": D("40"), "over_90": D("50")}
    provision.set_rates(db_session, ACTOR, fund, rates)
    # 80,000.00 × 40 % + 35,000.00 × 2 %
    assert provision.provision_on(db_session, fund.id, AS_OF) == D("32700.00")


def test_the_navs_fast_balances_are_the_journals_own(db_session, example):
    fund, _a, _b = example
    for day in (date(2024, 1, 20), date(2024, 3, 31), AS_OF):
        fast, full = nav.balances(db_session, fund.id, day), ledger.role_balances(db_session, fund.id, day)
        provision_roles = {"loan_loss_provision", "provision_expense"}
        assert {k: v for k, v in fast.items() if k not in provision_roles} == {
            k: v for k, v in full.items() if k not in provision_roles
        }, day


def test_the_second_quarters_statement_of_the_worked_example_has_the_documents_figures(db_session, example):
    fund, a, b = example
    expected = {
        # opening on 2024-03-31 (NAV 493,700.00), closing on 2024-06-30 (NAV 454,650.00), the quarter's flows
        a.id: (
            (D("296220.00"), D("0.9874"), D("-0.050673")),
            (D("272790.00"), D("0.9493"), D("-0.100175")),
            "12000.00",
        ),
        b.id: ((D("197480.00"), D("0.9874"), D("-0.142963")), (D("181860.00"), D("0.9493"), D("-0.145348")), "8000.00"),
    }
    assert nav.nav(db_session, fund.id, date(2024, 3, 31)).nav == D("493700.00")
    for investor in (a, b):
        made = statements.statement(db_session, investor, 2024, 2)
        got = tuple((x.nav_share, x.tvpi, x.irr) for x in (made.opening, made.closing))
        flows = [(d.on, d.amount, d.kind) for d in made.distributions]
        assert (made.start, made.end, made.calls, made.nav.nav) == (date(2024, 4, 1), AS_OF, [], D("454650.00"))
        assert (*got, flows) == (
            *expected[investor.id][:2],
            [(date(2024, 6, 28), D(expected[investor.id][2]), "income")],
        )
    book = load_workbook(io.BytesIO(statements.statement_file(db_session, a, 2024, 2, "xlsx")))
    rows = [row for row in book.active.iter_rows(values_only=True) if row and row[0]]
    figures = [(label, value) for label, value, *_ in rows if isinstance(value, (int, float))]
    assert figures == [
        ("Committed", 600000),
        ("Paid in", 300000),
        ("Distributed", 0),
        ("NAV share", 296220),
        ("DPI", 0),
        ("RVPI", 0.9874),
        ("TVPI", 0.9874),
        ("IRR", -0.050673),
        ("Committed", 600000),
        ("Paid in", 300000),
        ("Distributed", 12000),
        ("NAV share", 272790),
        ("DPI", 0.04),
        ("RVPI", 0.9093),
        ("TVPI", 0.9493),
        ("IRR", -0.100175),
        ("Income 2024-06-28", -12000),
        ("Cash", 360000),
        ("Loans at outstanding principal", 115000),
        ("Loan-loss provision", -20350),
        ("Equity at last valuation", 0),
        ("Other receivables", 0),
        ("NAV", 454650),
    ]
