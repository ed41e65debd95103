"""Every field of every grant and guarantee form survives the round trip; an unreadable number is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.instruments import grants
from fundapp.instruments.grant_models import Grant, GrantEvent, GrantKind, GrantStatus
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent, GuaranteeEventKind
from fundapp.loans.models import Loan
from fundapp.loans.schedule import Amortization, Frequency
from tests.factories import ACTOR
from tests.instrument_factories import make_grant, make_guarantee
from tests.web.round_trip import (
    MONEY,
    PERCENT,
    WHOLE,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)

D = Decimal


def _with_grant(session, world):
    return SimpleNamespace(grant=make_grant(session, world.investee_a))


def _with_grant_not_met(session, world):
    grant = make_grant(session, world.investee_a)
    grants.decide(session, ACTOR, grant, False, date(2026, 1, 10))
    return SimpleNamespace(grant=grant)


def _with_grant_clawed_back(session, world):
    ctx = _with_grant_not_met(session, world)
    grants.claw_back(session, ACTOR, ctx.grant, date(2026, 1, 12), D("3000.00"), "Niet gehaald")
    return ctx


def _with_guarantee(session, world):
    return SimpleNamespace(guarantee=make_guarantee(session, world.investee_a))


def _last(session, model, **where):
    query = select(model).filter_by(**where).order_by(model.id.desc())
    return session.scalars(query).first()


def _grant_event(session, ctx):
    event = _last(session, GrantEvent, grant_id=ctx.grant.id)
    return {"on": event.on, "amount": event.amount, "note": event.note, "kind": event.kind.value}


def _guarantee_event(session, ctx, kind):
    event = _last(session, GuaranteeEvent, guarantee_id=ctx.guarantee.id, kind=kind)
    return {"on": event.on, "amount": event.amount, "reference": event.reference}


GRANT_FIELDS = ("investee_id", "kind", "amount", "paid_on", "conditions", "period_from", "period_to")
GUARANTEE_FIELDS = (
    "investee_id",
    "bank_name",
    "bank_loan_reference",
    "bank_loan_amount",
    "guaranteed_amount",
    "fee_rate",
    "fee_frequency",
    "starts_on",
    "expires_on",
)


def _call(session, ctx):
    event = _last(session, GuaranteeEvent, guarantee_id=ctx.guarantee.id, kind=GuaranteeEventKind.CALL)
    loan = session.get(Loan, event.loan_id)
    return {
        "on": event.on,
        "amount": event.amount,
        "reference": event.reference,
        "terms": (
            loan.annual_rate,
            loan.number_of_installments,
            loan.frequency,
            loan.amortization,
            loan.grace_periods,
            loan.first_due_date,
            loan.subordinated,
        ),
    }


CASES = [
    FormCase(
        "new grant",
        "manager_a",
        lambda ctx: "/grants/new",
        lambda ctx: {
            "investee_id": str(ctx.world.investee_a.id),
            "reference": "SUB-Ω-1",
            "kind": "grant",
            "amount": "12.500,50",
            "paid_on": "2026-02-01",
            "conditions": "Twee banen – “duurzaam” ü",
            "period_from": "2026-02-01",
            "period_to": "2026-12-31",
        },
        lambda s, ctx: {
            k: getattr(s.scalar(select(Grant).where(Grant.reference == "SUB-Ω-1")), k) for k in GRANT_FIELDS
        },
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "kind": GrantKind.GRANT,
            "amount": D("12500.50"),
            "paid_on": date(2026, 2, 1),
            "conditions": "Twee banen – “duurzaam” ü",
            "period_from": date(2026, 2, 1),
            "period_to": date(2026, 12, 31),
        },
        {"amount": MONEY},
    ),
    FormCase(
        "grant decision",
        "manager_a",
        lambda ctx: f"/grants/{ctx.grant.id}/decide",
        lambda ctx: {"met": "false", "date": "2026-01-20", "note": "Eén baan – ü"},
        lambda s, ctx: {k: getattr(s.get(Grant, ctx.grant.id), k) for k in ("status", "decided_on", "decision_note")},
        lambda ctx: {"status": GrantStatus.NOT_MET, "decided_on": date(2026, 1, 20), "decision_note": "Eén baan – ü"},
        setup=_with_grant,
    ),
    FormCase(
        "clawback",
        "manager_a",
        lambda ctx: f"/grants/{ctx.grant.id}/claw-back",
        lambda ctx: {"date": "2026-01-15", "amount": "2.000,25", "reason": "Half gehaald – “Ñ”"},
        _grant_event,
        lambda ctx: {
            "on": date(2026, 1, 15),
            "amount": D("2000.25"),
            "note": "Half gehaald – “Ñ”",
            "kind": "clawback",
        },
        {"amount": MONEY},
        setup=_with_grant_not_met,
    ),
    FormCase(
        "payment on a clawback",
        "manager_a",
        lambda ctx: f"/grants/{ctx.grant.id}/receive",
        lambda ctx: {"date": "2026-02-01", "amount": "1.200,10", "reference": "Afschrift – ü"},
        _grant_event,
        lambda ctx: {"on": date(2026, 2, 1), "amount": D("1200.10"), "note": "Afschrift – ü", "kind": "receipt"},
        {"amount": MONEY},
        setup=_with_grant_clawed_back,
    ),
    FormCase(
        "new guarantee",
        "manager_a",
        lambda ctx: "/guarantees/new",
        lambda ctx: {
            "investee_id": str(ctx.world.investee_a.id),
            "reference": "GAR-Ω-1",
            "bank_name": "Triodos – ü",
            "bank_loan_reference": "TR-77",
            "bank_loan_amount": "150.000,50",
            "guaranteed_amount": "60.000,25",
            "fee_percentage": "1,75",
            "fee_frequency": "semiannual",
            "starts_on": "2026-03-01",
            "expires_on": "2030-02-28",
        },
        lambda s, ctx: {
            k: getattr(s.scalar(select(Guarantee).where(Guarantee.reference == "GAR-Ω-1")), k) for k in GUARANTEE_FIELDS
        },
        lambda ctx: {
            "investee_id": ctx.world.investee_a.id,
            "bank_name": "Triodos – ü",
            "bank_loan_reference": "TR-77",
            "bank_loan_amount": D("150000.50"),
            "guaranteed_amount": D("60000.25"),
            "fee_rate": D("1.75"),
            "fee_frequency": Frequency.SEMIANNUAL,
            "starts_on": date(2026, 3, 1),
            "expires_on": date(2030, 2, 28),
        },
        {"bank_loan_amount": MONEY, "guaranteed_amount": MONEY, "fee_percentage": PERCENT},
    ),
    FormCase(
        "guarantee fee",
        "manager_a",
        lambda ctx: f"/guarantees/{ctx.guarantee.id}/fee",
        lambda ctx: {"date": "2025-04-02", "amount": "350,50", "reference": "Provisie – ü"},
        lambda s, ctx: _guarantee_event(s, ctx, GuaranteeEventKind.FEE_PAYMENT),
        lambda ctx: {"on": date(2025, 4, 2), "amount": D("350.50"), "reference": "Provisie – ü"},
        {"amount": MONEY},
        setup=_with_guarantee,
    ),
    FormCase(
        "guarantee call",
        "manager_a",
        lambda ctx: f"/guarantees/{ctx.guarantee.id}/call",
        lambda ctx: {
            "date": "2025-09-15",
            "amount": "25.000,50",
            "reference": "Claim – ü",
            "annual_interest_rate": "4,5",
            "number_of_installments": "36",
            "frequency": "quarterly",
            "amortization": "linear",
            "grace_on_principal": "2",
            "first_due_date": "2025-12-31",
            "subordinated": "on",
            "subordinated__present": "1",
        },
        _call,
        lambda ctx: {
            "on": date(2025, 9, 15),
            "amount": D("25000.50"),
            "reference": "Claim – ü",
            "terms": (D("4.5"), 36, Frequency.QUARTERLY, Amortization.LINEAR, 2, date(2025, 12, 31), True),
        },
        {
            "amount": MONEY,
            "annual_interest_rate": PERCENT,
            "number_of_installments": WHOLE,
            "grace_on_principal": WHOLE,
        },
        setup=_with_guarantee,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_grant_and_guarantee_forms_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_in_a_grant_or_guarantee_form_is_refused_beside_its_field(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
