"""The fund's capital forms (investors, calls, distributions, expenses, provision): what is posted is stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp.capital.models import (
    CapitalCall,
    Distribution,
    DistributionKind,
    FundExpense,
    Investor,
    InvestorKind,
    ProvisionRates,
)
from tests.web.round_trip import (
    MONEY,
    PERCENT,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)

D = Decimal
INVESTOR = {
    "name": "Stichting Één – Ω",
    "kind": "eu_fund",
    "commitment": "1.250.000,50",
    "fixed_share_percent": "12,5",
    "expected_return_percent": "-1,25",
    "term_years": "12",
    "notes": "EFRO — “kansen”",
}
INVESTOR_FIELDS = (
    "name",
    "kind",
    "commitment",
    "fixed_share_percent",
    "expected_return_percent",
    "term_years",
    "notes",
)


def _investor(investor: Investor) -> dict:
    return {k: getattr(investor, k) for k in INVESTOR_FIELDS}


def _last(session, model, world):
    return session.scalar(select(model).where(model.fund_id == world.fund_a.id).order_by(model.id.desc()))


RATES = {"current": "0,5", "days_1_30": "7,25", "days_31_90": "30", "over_90": "100"}

CASES = [
    FormCase(
        "new investor",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/investors/new",
        lambda ctx: INVESTOR,
        lambda s, ctx: _investor(s.scalar(select(Investor).where(Investor.name == INVESTOR["name"]))),
        lambda ctx: {
            **INVESTOR,
            "kind": InvestorKind.EU_FUND,
            "commitment": D("1250000.50"),
            "fixed_share_percent": D("12.5"),
            "expected_return_percent": D("-1.25"),
            "term_years": 12,
        },
        {"commitment": MONEY, "fixed_share_percent": PERCENT},
    ),
    FormCase(
        "edit investor",
        "manager_a",
        lambda ctx: f"/investors/{ctx.world.investor_a.id}/edit",
        lambda ctx: {**INVESTOR, "name": "Investor A – Ω", "fixed_share_percent": "", "term_years": ""},
        lambda s, ctx: _investor(s.get(Investor, ctx.world.investor_a.id)),
        lambda ctx: {
            **INVESTOR,
            "name": "Investor A – Ω",
            "kind": InvestorKind.EU_FUND,
            "commitment": D("1250000.50"),
            "fixed_share_percent": None,
            "expected_return_percent": D("-1.25"),
            "term_years": None,
        },
        {"commitment": MONEY, "expected_return_percent": PERCENT},
        resaved=True,
    ),
    FormCase(
        "record a capital call",
        "manager_a",
        lambda ctx: f"/investors/{ctx.world.investor_a.id}/calls/new",
        lambda ctx: {"date": "2024-03-31", "amount": "1.234,56", "confirmed": "1"},
        lambda s, ctx: {"on": (c := _last(s, CapitalCall, ctx.world)).on, "amount": c.amount},
        lambda ctx: {"on": date(2024, 3, 31), "amount": D("1234.56")},
        {"amount": MONEY},
    ),
    FormCase(
        "record a distribution",
        "manager_a",
        lambda ctx: f"/investors/{ctx.world.investor_a.id}/distributions/new",
        lambda ctx: {"date": "2024-03-31", "amount": "1.000,01", "kind": "gain", "confirmed": "1"},
        lambda s, ctx: {"on": (d := _last(s, Distribution, ctx.world)).on, "amount": d.amount, "kind": d.kind},
        lambda ctx: {"on": date(2024, 3, 31), "amount": D("1000.01"), "kind": DistributionKind.GAIN},
        {"amount": MONEY},
    ),
    FormCase(
        "record a fund expense",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/expenses/new",
        lambda ctx: {
            "date": "2024-03-31",
            "amount": "2.500,00",
            "description": "Accountant – jaarrekening",
            "confirmed": "1",
        },
        lambda s, ctx: {
            "on": (e := _last(s, FundExpense, ctx.world)).on,
            "amount": e.amount,
            "description": e.description,
        },
        lambda ctx: {"on": date(2024, 3, 31), "amount": D("2500.00"), "description": "Accountant – jaarrekening"},
        {"amount": MONEY},
    ),
    FormCase(
        "provision percentages",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/provision",
        lambda ctx: RATES,
        lambda s, ctx: {k: getattr(s.get(ProvisionRates, ctx.world.fund_a.id), k) for k in RATES},
        lambda ctx: {"current": D("0.5"), "days_1_30": D("7.25"), "days_31_90": D("30"), "over_90": D("100")},
        dict.fromkeys(RATES, PERCENT),
        resaved=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_is_refused_beside_its_field_and_nothing_is_stored(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)


def test_a_call_is_shown_back_for_confirmation_and_only_recorded_once_confirmed(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    url = f"/investors/{world.investor_a.id}/calls/new"
    form = client.get(url).get_data(as_text=True)
    assert 'name="confirmed" value="0"' in form
    asked = client.post(url, data={"date": "2024-03-31", "amount": "500", "confirmed": "0"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert 'name="confirmed" value="1"' in page and 'name="amount" value="500"' in page
    assert len(db_session.scalars(select(CapitalCall).where(CapitalCall.investor_id == world.investor_a.id)).all()) == 1
    done = client.post(url, data={"date": "2024-03-31", "amount": "500", "confirmed": "1"})
    assert done.status_code == 303
    assert len(db_session.scalars(select(CapitalCall).where(CapitalCall.investor_id == world.investor_a.id)).all()) == 2


@pytest.mark.parametrize(
    ("path", "fields", "message"),
    [
        ("calls", {}, "De storting is groter dan wat er van de toezegging van de investeerder over is."),
        (
            "distributions",
            {"kind": "gain"},
            "De uitkering is groter dan de liquide middelen van het fonds op die datum",
        ),
    ],
)
def test_a_call_or_distribution_that_will_be_refused_is_refused_before_the_confirmation_not_after_it(
    db_session, world, login_as, path, fields, message
):
    client = login_as(world.user("manager_a"))
    counts = [db_session.scalar(select(func.count()).select_from(m)) for m in (CapitalCall, Distribution)]
    data = {"date": "2024-03-31", "amount": "99999999", "confirmed": "0", **fields}
    asked = client.post(f"/investors/{world.investor_a.id}/{path}/new", data=data)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert message in page and 'name="confirmed" value="1"' not in page
    assert [db_session.scalar(select(func.count()).select_from(m)) for m in (CapitalCall, Distribution)] == counts
