"""Every field of the pipeline's forms survives the round trip: a new application, the committee's decision, and
the loan made from an approved application."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.loans.models import Loan
from fundapp.pipeline.models import Application, InstrumentKind, Vote
from tests.pipeline_factories import make_application
from tests.web.round_trip import (
    MONEY,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)
from tests.web.test_form_round_trip_loans import LOAN_EXTRAS, LOAN_NUMBERS, LOAN_STORED, TERMS, _loan, _with_plan

APPLICATION = {
    "instrument": "convertible_loan",
    "amount": "1.250.000,50",
    "purpose": "Een tweede vestiging – “circulair”",
    "impact_case": "Tien leerwerkplekken, één ü",
}


def _application(application: Application) -> dict:
    keys = ("investee_id", "instrument", "amount", "purpose", "impact_case")
    return {key: getattr(application, key) for key in keys}


def _in_committee(session, world):
    from types import SimpleNamespace

    return SimpleNamespace(world=world, application=make_application(session, world.investee_a, "investment_committee"))


def _approved(session, world):
    ctx = _with_plan(session, world)
    ctx.application = make_application(session, world.investee_a, "approved")
    return ctx


def _decision(session, ctx) -> dict:
    decision = session.get(Application, ctx.application.id).decision
    votes = [(v.member, v.vote) for v in decision.votes]
    return {"on": decision.decided_on, "outcome": decision.outcome, "conditions": decision.conditions, "votes": votes}


CASES = [
    FormCase(
        "new application",
        "member_a",
        lambda ctx: "/applications/new",
        lambda ctx: {"investee_id": str(ctx.world.investee_a.id), **APPLICATION},
        lambda s, ctx: _application(s.scalar(select(Application).where(Application.purpose == APPLICATION["purpose"]))),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "instrument": InstrumentKind.CONVERTIBLE_LOAN,
            "amount": Decimal("1250000.50"),
            "purpose": APPLICATION["purpose"],
            "impact_case": APPLICATION["impact_case"],
        },
        {"amount": MONEY},
    ),
    FormCase(
        "investment committee decision",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/decision",
        lambda ctx: {
            "decided_on": "2026-03-04",
            "member0": "Anneke de Vries – ü",
            "vote0": "for",
            "member1": "Bram Çelik",
            "vote1": "abstain",
            "outcome": "approved",
            "conditions": "Jaarcijfers elk kwartaal – “op tijd”",
        },
        _decision,
        lambda ctx: {
            "on": date(2026, 3, 4),
            "outcome": "approved",
            "conditions": "Jaarcijfers elk kwartaal – “op tijd”",
            "votes": [("Anneke de Vries – ü", Vote.FOR), ("Bram Çelik", Vote.ABSTAIN)],
        },
        setup=_in_committee,
        untouched=r"member[2-6]|vote[2-6]",
    ),
    FormCase(
        "loan from an approved application",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/loan",
        lambda ctx: {"investee_id": str(ctx.world.investee_a.id), "reference": "LN-2026-Ω2", **TERMS, **LOAN_EXTRAS},
        lambda s, ctx: (
            {
                "linked": (loan := s.scalar(select(Loan).where(Loan.reference == "LN-2026-Ω2"))).id
                == ctx.application.loan_id
            }
            | _loan(loan)
        ),
        lambda ctx: {"linked": True, **LOAN_STORED},
        LOAN_NUMBERS,
        setup=_approved,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_form_is_stored_as_typed(case, db_session, world, login_as):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_is_refused_beside_its_field_and_nothing_is_stored(
    case, name, db_session, world, login_as
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
