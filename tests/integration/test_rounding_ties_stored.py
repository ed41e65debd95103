"""Rounding sites that read the database round an exact tie half-up, as fundapp.money does (never banker's rounding)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundapp import i18n
from fundapp.loans import portfolio as book
from fundapp.outcomes.budget import budget
from tests.factories import make_fund, make_investee, make_loan
from tests.outcome_factories import make_contract

D = Decimal
NBSP = "\u00a0"


def test_the_investors_ceiling_of_capital_plus_maximum_return_rounds_a_tie_half_up(db_session, world):
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        investor_name="Impact Investor",
        investor_capital="1000.20",
        investor_max_return_percent="12.5",
    )
    # 1,000.20 x 1.125 = 1,125.225 -> 1,125.23
    assert budget(db_session, contract).investor.max_repayment == D("1125.23")


def test_a_payers_share_of_the_contract_cap_on_the_home_page_rounds_a_tie_half_up(db_session, world, login_as):
    make_contract(
        db_session,
        [(world.payer_a, "12.5", None), (world.payer_b, "87.5", None)],
        [world.investee_a],
        contract_cap="1000.20",
    )
    client = login_as(world.user("officer_a"))
    client.set_cookie("fundapp_lang", "en")
    page = client.get("/").get_data(as_text=True)
    assert "(Commitment €125.03)" in page  # 1,000.20 x 12.5 % = 125.025, under the budget bar


def test_the_part_at_risk_of_the_portfolio_rounds_a_tie_half_up(db_session):
    fund = make_fund(db_session, name="Tie Fund")
    late, current = make_investee(db_session, fund), make_investee(db_session, fund)
    make_loan(db_session, late, principal=D("1000.00"), disbursement_date=date(2024, 1, 15))  # nothing paid
    make_loan(db_session, current, principal=D("15999000.00"), disbursement_date=date(2024, 7, 20))
    db_session.flush()
    result = book.portfolio(db_session, fund.id, date(2024, 7, 30))
    assert result.outstanding_principal == D("16000000.00")
    # 1,000 / 16,000,000 = 0.0000625 -> 0.000063
    assert (result.par30, result.par90) == (D("0.000063"), D("0.000063"))


def test_pages_show_money_numbers_and_percentages_rounded_half_up(app):
    with app.test_request_context("/", headers={"Cookie": "fundapp_lang=nl"}):
        assert i18n.money(D("125.025")) == f"€{NBSP}125,03"
        assert i18n.money(D("-125.025")) == f"€{NBSP}-125,03"
        assert i18n.number(D("0.125"), 2) == "0,13"
        assert i18n.number(D("1.0005")) == "1,001"
        assert i18n.percent(D("6.25")) == "6,3 %"
