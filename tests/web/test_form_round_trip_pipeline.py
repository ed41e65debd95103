"""Every field of the pipeline's forms survives the round trip: a new application, the committee's decision, and
the loan made from an approved application."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.instruments.grant_models import Grant, GrantKind
from fundapp.instruments.guarantee_models import Guarantee
from fundapp.instruments.models import ConversionTerms, EquityParticipation
from fundapp.loans.models import Loan
from fundapp.loans.schedule import Frequency
from fundapp.pipeline.models import Application, InstrumentKind, Vote
from tests.pipeline_factories import make_application
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
from tests.web.test_form_round_trip_equity import NEW as NEW_EQUITY
from tests.web.test_form_round_trip_equity import TERMS as CONVERSION
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
    ctx.application = make_application(session, world.investee_a, "approved", amount="200000.00")
    return ctx


def _approved_for(kind: str):
    def setup(session, world):
        ctx = _with_plan(session, world)
        instrument = InstrumentKind(kind)
        ctx.application = make_application(
            session, world.investee_a, "approved", amount="200000.00", instrument=instrument
        )
        return ctx

    return setup


def _made(session, ctx, model, *keys: str) -> dict:
    application = session.get(Application, ctx.application.id)
    made = session.get(model, application.made_id)
    return {key: getattr(made, key) for key in keys}


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
        lambda ctx: f"/applications/{ctx.application.id}/instrument",
        lambda ctx: {"reference": "LN-2026-Ω2", **TERMS, **LOAN_EXTRAS},
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
    FormCase(
        "convertible loan from an approved application",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/instrument",
        lambda ctx: {"reference": "CL-2026-Ω3", **TERMS, **LOAN_EXTRAS, **CONVERSION},
        lambda s, ctx: (
            _made(s, ctx, Loan, *LOAN_STORED)
            | {
                k: getattr(
                    s.scalar(select(ConversionTerms).where(ConversionTerms.loan_id == ctx.application.loan_id)), k
                )
                for k in ("price_per_share", "discount_percent", "cap", "trigger", "trigger_text")
            }
        ),
        lambda ctx: {
            **LOAN_STORED,
            "price_per_share": Decimal("2.25"),
            "discount_percent": Decimal("20"),
            "cap": Decimal("1.9"),
            "trigger": "other",
            "trigger_text": "Bij ‘exit’",
        },
        {**LOAN_NUMBERS, "price_per_share": NUMBER, "discount_percent": PERCENT, "cap": NUMBER},
        setup=_approved_for("convertible_loan"),
    ),
    FormCase(
        "equity participation from an approved application",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/instrument",
        lambda ctx: NEW_EQUITY,
        lambda s, ctx: _made(
            s, ctx, EquityParticipation, "investee_id", "on", "shares", "price_per_share", "cost", "note"
        ),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "on": date(2026, 2, 3),
            "shares": 1250,
            "price_per_share": Decimal("2.5"),
            "cost": Decimal("3100.50"),
            "note": "Série A – ü",
        },
        {"shares": WHOLE, "price_per_share": NUMBER, "amount_paid": MONEY},
        setup=_approved_for("equity"),
    ),
    FormCase(
        "grant from an approved application",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/instrument",
        lambda ctx: {
            "reference": "SUB-Ω-2",
            "kind": "voucher",
            "amount": "12.500,50",
            "paid_on": "2026-02-01",
            "conditions": "Twee banen – “duurzaam” ü",
            "period_from": "2026-02-01",
            "period_to": "2026-12-31",
        },
        lambda s, ctx: (
            _made(s, ctx, Grant, "investee_id", "reference", "kind", "amount", "paid_on", "conditions")
            | _made(s, ctx, Grant, "period_from", "period_to")
        ),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "reference": "SUB-Ω-2",
            "kind": GrantKind.VOUCHER,
            "amount": Decimal("12500.50"),
            "paid_on": date(2026, 2, 1),
            "conditions": "Twee banen – “duurzaam” ü",
            "period_from": date(2026, 2, 1),
            "period_to": date(2026, 12, 31),
        },
        {"amount": MONEY},
        setup=_approved_for("grant"),
    ),
    FormCase(
        "guarantee from an approved application",
        "manager_a",
        lambda ctx: f"/applications/{ctx.application.id}/instrument",
        lambda ctx: {
            "reference": "GAR-Ω-2",
            "bank_name": "Triodos – ü",
            "bank_loan_reference": "TR-77",
            "bank_loan_amount": "250.000,50",
            "guaranteed_amount": "160.000,25",
            "fee_percentage": "1,75",
            "fee_frequency": "semiannual",
            "starts_on": "2026-03-01",
            "expires_on": "2030-02-28",
        },
        lambda s, ctx: (
            _made(s, ctx, Guarantee, "investee_id", "reference", "bank_name", "bank_loan_reference", "bank_loan_amount")
            | _made(s, ctx, Guarantee, "guaranteed_amount", "fee_rate", "fee_frequency", "starts_on", "expires_on")
        ),
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "reference": "GAR-Ω-2",
            "bank_name": "Triodos – ü",
            "bank_loan_reference": "TR-77",
            "bank_loan_amount": Decimal("250000.50"),
            "guaranteed_amount": Decimal("160000.25"),
            "fee_rate": Decimal("1.75"),
            "fee_frequency": Frequency.SEMIANNUAL,
            "starts_on": date(2026, 3, 1),
            "expires_on": date(2030, 2, 28),
        },
        {"bank_loan_amount": MONEY, "guaranteed_amount": MONEY, "fee_percentage": PERCENT},
        setup=_approved_for("guarantee"),
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
