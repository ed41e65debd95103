"""The equity and conversion forms: what is posted is what is stored."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.instruments.models import ConversionTerms, EquityEvent, EquityParticipation
from tests.equity_factories import make_convertible, make_participation
from tests.factories import make_loan
from tests.web.round_trip import (
    MONEY,
    NUMBER,
    PERCENT,
    WHOLE,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)

D = Decimal


def _participation(session, world):
    return SimpleNamespace(world=world, participation=make_participation(session, world.investee_a))


def _convertible(session, world):
    return SimpleNamespace(world=world, loan=make_convertible(session, world.investee_a))


def _plain_loan(session, world):
    return SimpleNamespace(world=world, loan=make_loan(session, world.investee_a, status="draft"))


def _newest(session, model, *fields):
    row = session.scalar(select(model).order_by(model.id.desc()))
    return {name: getattr(row, name) for name in fields}


NEW = {
    "date": "2026-02-03",
    "shares": "1.250",
    "price_per_share": "2,5",
    "amount_paid": "3.100,50",
    "note": "Série A – ü",
}
TERMS = {
    "price_per_share": "2,25",
    "discount_percent": "20",
    "cap": "1,9",
    "trigger": "other",
    "trigger_text": "Bij ‘exit’",
}

CASES = [
    FormCase(
        "new equity participation",
        "manager_a",
        lambda ctx: "/equity/new",
        lambda ctx: {**NEW, "investee_id": str(ctx.world.investee_a.id)},
        lambda s, ctx: _newest(s, EquityParticipation, "investee_id", "shares", "price_per_share", "cost", "note"),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "shares": 1250,
            "price_per_share": D("2.5"),
            "cost": D("3100.50"),
            "note": "Série A – ü",
        },
        numbers={"shares": WHOLE, "price_per_share": NUMBER, "amount_paid": MONEY},
    ),
    FormCase(
        "equity valuation",
        "manager_a",
        lambda ctx: f"/equity/{ctx.participation.id}/valuation",
        lambda ctx: {
            "date": "2026-03-31",
            "value_per_share": "12,125",
            "method": "multiples",
            "decided_by": "Investeringscommissie – Ω",
            "note": "EBITDA × 6",
        },
        lambda s, ctx: _newest(s, EquityEvent, "value_per_share", "method", "decided_by", "note", "carrying_change"),
        lambda ctx: {
            "value_per_share": D("12.125"),
            "method": "multiples",
            "decided_by": "Investeringscommissie – Ω",
            "note": "EBITDA × 6",
            "carrying_change": D("2125.00"),
        },
        numbers={"value_per_share": NUMBER},
        setup=_participation,
    ),
    FormCase(
        "equity dividend",
        "manager_a",
        lambda ctx: f"/equity/{ctx.participation.id}/dividend",
        lambda ctx: {"date": "2026-04-30", "amount": "1.234,56", "note": "Slotdividend"},
        lambda s, ctx: _newest(s, EquityEvent, "kind", "amount", "note"),
        lambda ctx: {"kind": "dividend", "amount": D("1234.56"), "note": "Slotdividend"},
        numbers={"amount": MONEY},
        setup=_participation,
    ),
    FormCase(
        "equity exit",
        "manager_a",
        lambda ctx: f"/equity/{ctx.participation.id}/exit",
        lambda ctx: {"date": "2026-05-31", "shares": "400", "proceeds": "5.000", "note": "Deelverkoop"},
        lambda s, ctx: _newest(s, EquityEvent, "kind", "shares_sold", "amount", "cost_sold"),
        lambda ctx: {"kind": "equity_exit", "shares_sold": 400, "amount": D("5000.00"), "cost_sold": D("4000.00")},
        numbers={"shares": WHOLE, "proceeds": MONEY},
        setup=_participation,
    ),
    FormCase(
        "conversion terms",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/conversion-terms",
        lambda ctx: TERMS,
        lambda s, ctx: _newest(
            s, ConversionTerms, "price_per_share", "discount_percent", "cap", "trigger", "trigger_text"
        ),
        lambda ctx: {
            "price_per_share": D("2.25"),
            "discount_percent": D("20"),
            "cap": D("1.9"),
            "trigger": "other",
            "trigger_text": "Bij ‘exit’",
        },
        numbers={"price_per_share": NUMBER, "discount_percent": PERCENT, "cap": NUMBER},
        setup=_plain_loan,
        resaved=True,
    ),
    FormCase(
        "conversion of a loan",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/convert",
        lambda ctx: {"date": "2025-07-01", "round_price": "2,50", "principal": "50.000"},
        lambda s, ctx: _newest(s, EquityParticipation, "loan_id", "shares", "price_per_share", "cost"),
        lambda ctx: {"loan_id": ctx.loan.id, "shares": 26973, "price_per_share": D("1.9"), "cost": D("51250.00")},
        numbers={"round_price": NUMBER, "principal": MONEY},
        setup=_convertible,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_equity_forms_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_in_an_equity_form_is_refused_beside_its_field(db_session, world, login_as, case, name):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
