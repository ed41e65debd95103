"""Every field of the co-financing forms survives the round trip; an unreadable amount or percentage is refused
beside its own row's field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.cofinancing import services
from fundapp.cofinancing.models import FinancingRound, InstrumentKind, PartyKind
from tests.factories import make_loan
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


def _round(session):
    financing_round = session.scalar(select(FinancingRound).where(FinancingRound.name == "Ronde “ü” 2026"))
    return {
        "name": financing_round.name,
        "on": financing_round.on,
        "notes": financing_round.notes,
        "parties": [
            (p.fund_id, p.party_name, p.party_kind, p.instrument, p.amount) for p in financing_round.participants
        ],
    }


def _approved(session, world):
    return SimpleNamespace(loan=make_loan(session, world.investee_a, status="approved"))


def _shares(session, ctx):
    return [
        (p.fund_id, p.party_name, p.party_kind, p.percentage) for p in services.participations_of(session, ctx.loan)
    ]


CASES = [
    FormCase(
        "financing round",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/financing-rounds/new",
        lambda ctx: {
            "name": "Ronde “ü” 2026",
            "date": "2026-03-01",
            "notes": "Met de provincie – ü",
            "fund_id_1": str(ctx.world.fund_a.id),
            "instrument_1": "convertible_loan",
            "amount_1": "150.000,50",
            "party_name_2": "Provincie Zuid-Holland",
            "party_kind_2": "province",
            "instrument_2": "grant",
            "amount_2": "25.000,05",
        },
        lambda s, ctx: _round(s),
        lambda ctx: {
            "name": "Ronde “ü” 2026",
            "on": date(2026, 3, 1),
            "notes": "Met de provincie – ü",
            "parties": [
                (ctx.world.fund_a.id, "", None, InstrumentKind.CONVERTIBLE_LOAN, D("150000.50")),
                (None, "Provincie Zuid-Holland", PartyKind.PROVINCE, InstrumentKind.GRANT, D("25000.05")),
            ],
        },
        {"amount_1": MONEY, "amount_2": MONEY},
        untouched=r"(fund_id_2|party_name_1|party_kind_1)|(fund_id|party_name|party_kind|instrument|amount)_[345]",
    ),
    FormCase(
        "participations",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/participations",
        lambda ctx: {
            "fund_id_1": str(ctx.world.fund_a.id),
            "percentage_1": "66,6667",
            "party_name_2": "Triodos – ü",
            "party_kind_2": "bank",
            "percentage_2": "33,3333",
        },
        _shares,
        lambda ctx: [
            (ctx.world.fund_a.id, "", None, D("66.6667")),
            (None, "Triodos – ü", PartyKind.BANK, D("33.3333")),
        ],
        {"percentage_1": PERCENT, "percentage_2": PERCENT},
        setup=_approved,
        untouched=r"(fund_id_2|party_name_1|party_kind_1)|(fund_id|party_name|party_kind|percentage)_[345]",
        resaved=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_cofinancing_forms_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_in_a_cofinancing_form_is_refused_beside_its_field_and_nothing_is_stored(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
