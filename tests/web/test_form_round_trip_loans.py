"""Every field of every loan form survives the round trip; an unreadable number is refused beside its field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.loans import services as loan_services
from fundapp.loans.models import EventKind, Loan, LoanEvent
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment
from tests.factories import ACTOR, make_loan, make_plan
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

TERMS = {
    "principal": "125.000,50",
    "annual_interest_rate": "4,75",
    "disbursement_date": "2026-02-01",
    "first_due_date": "2026-05-01",
    "number_of_installments": "48",
    "frequency": "quarterly",
    "amortization": "linear",
    "grace_on_principal": "2",
    "day_count": "ACT/365",
    "installment_multiple": "0,05",
}
LOAN_EXTRAS = {
    "purpose": "Machines – “duurzaam” ü",
    "subordinated": "on",
    "subordinated__present": "1",
    "impact_discount_points": "0,5",
    "impact_indicator_code": "LP-EMPLOYED-HEADCOUNT",
}
TERMS_STORED = {
    "principal": D("125000.50"),
    "annual_rate": D("4.75"),
    "disbursement_date": date(2026, 2, 1),
    "first_due_date": date(2026, 5, 1),
    "number_of_installments": 48,
    "frequency": Frequency.QUARTERLY,
    "amortization": Amortization.LINEAR,
    "grace_periods": 2,
    "day_count": DayCount.ACT_365,
    "installment_multiple": D("0.05"),
}
LOAN_STORED = {
    **TERMS_STORED,
    "purpose": "Machines – “duurzaam” ü",
    "subordinated": True,
    "impact_discount_points": D("0.5"),
    "impact_indicator_code": "LP-EMPLOYED-HEADCOUNT",
}
TERMS_NUMBERS = {
    "principal": MONEY,
    "annual_interest_rate": PERCENT,
    "number_of_installments": WHOLE,
    "grace_on_principal": WHOLE,
    "installment_multiple": MONEY,
}
LOAN_NUMBERS = {**TERMS_NUMBERS, "impact_discount_points": PERCENT}


def _loan(loan: Loan) -> dict:
    return {key: getattr(loan, key) for key in LOAN_STORED}


def _event(session, loan_id: int, kind: EventKind, *keys: str) -> dict:
    event = session.scalar(
        select(LoanEvent).where(LoanEvent.loan_id == loan_id, LoanEvent.kind == kind).order_by(LoanEvent.id.desc())
    )
    return {key: getattr(event, key) for key in keys}


def _with_plan(session, world):
    make_plan(session, world.investee_a)
    return SimpleNamespace()


def _with_draft(session, world):
    make_plan(session, world.investee_a)
    return SimpleNamespace(loan=make_loan(session, world.investee_a, status="draft"))


def _with_approved(session, world):
    return SimpleNamespace(loan=make_loan(session, world.investee_a, status="approved"))


def _with_written_off(session, world):
    loan = make_loan(session, world.investee_a)
    loan_services.write_off(session, ACTOR, loan, date(2024, 6, 1), "Failliet")
    return SimpleNamespace(loan=loan)


def _selected(page: str) -> dict[str, str]:
    """What the re-rendered form holds: each text input's value and each select's chosen option."""
    values = dict(
        re.findall(r'<input (?:class="[^"]*" )?id="f-[a-z_]+" name="([a-z_]+)" type="[a-z]+" value="([^"]*)"', page)
    )
    for name, options in re.findall(
        r'<select (?:class="[^"]*" )?id="f-[a-z_]+" name="([a-z_]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        values[name] = re.search(r'<option value="([^"]*)" selected>', options).group(1)
    return values


CASES = [
    FormCase(
        "new loan",
        "manager_a",
        lambda ctx: "/loans/new",
        lambda ctx: {"investee_id": str(ctx.world.investee_a.id), "reference": "LN-2026-Ω1", **TERMS, **LOAN_EXTRAS},
        lambda s, ctx: (
            {"investee_id": (loan := s.scalar(select(Loan).where(Loan.reference == "LN-2026-Ω1"))).investee_id}
            | _loan(loan)
        ),
        lambda ctx: {"investee_id": ctx.world.investee_a.id, **LOAN_STORED},
        LOAN_NUMBERS,
        setup=_with_plan,
    ),
    FormCase(
        "edit loan",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/edit",
        lambda ctx: {**TERMS, **LOAN_EXTRAS},
        lambda s, ctx: _loan(s.get(Loan, ctx.loan.id)),
        lambda ctx: LOAN_STORED,
        LOAN_NUMBERS,
        setup=_with_draft,
        resaved=True,
    ),
    FormCase(
        "disbursement",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/disburse",
        lambda ctx: {"date": "2024-01-20", "amount": "4.000,50", "reference": "Afschrift 12 – ü"},
        lambda s, ctx: _event(s, ctx.loan.id, EventKind.DISBURSEMENT, "on", "amount", "reference"),
        lambda ctx: {"on": date(2024, 1, 20), "amount": D("4000.50"), "reference": "Afschrift 12 – ü"},
        {"amount": MONEY},
        setup=_with_approved,
    ),
    FormCase(
        "repayment",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/repay",
        lambda ctx: {
            "date": "2024-03-15",
            "amount": "1.443,21",
            "reference": "Bank – maart ü",
            "prepayment": "shorten_term",
        },
        lambda s, ctx: _event(s, ctx.world.loan_a.id, EventKind.REPAYMENT, "on", "amount", "reference", "prepayment"),
        lambda ctx: {
            "on": date(2024, 3, 15),
            "amount": D("1443.21"),
            "reference": "Bank – maart ü",
            "prepayment": Prepayment.SHORTEN_TERM,
        },
        {"amount": MONEY},
    ),
    FormCase(
        "recovery",
        "manager_a",
        lambda ctx: f"/loans/{ctx.loan.id}/recover",
        lambda ctx: {"date": "2024-07-01", "amount": "1.000,25", "reference": "Curator – ü"},
        lambda s, ctx: _event(s, ctx.loan.id, EventKind.RECOVERY, "on", "amount", "reference"),
        lambda ctx: {"on": date(2024, 7, 1), "amount": D("1000.25"), "reference": "Curator – ü"},
        {"amount": MONEY},
        setup=_with_written_off,
    ),
    FormCase(
        "write-off",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/write-off",
        lambda ctx: {"date": "2024-06-30", "reason": "Faillissement – curator “Ñ”"},
        lambda s, ctx: _event(s, ctx.world.loan_a.id, EventKind.WRITE_OFF, "on", "reason"),
        lambda ctx: {"on": date(2024, 6, 30), "reason": "Faillissement – curator “Ñ”"},
    ),
    FormCase(
        "restructuring",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/restructure",
        lambda ctx: {
            "date": "2024-04-15",
            "number_of_installments": "36",
            "annual_interest_rate": "3,5",
            "frequency": "quarterly",
            "amortization": "linear",
            "grace_on_principal": "1",
            "first_due_date": "2024-07-15",
            "reason": "Omzetdaling – één jaar",
        },
        lambda s, ctx: _event(s, ctx.world.loan_a.id, EventKind.RESTRUCTURE, "on", "reason", "terms"),
        lambda ctx: {
            "on": date(2024, 4, 15),
            "reason": "Omzetdaling – één jaar",
            "terms": {
                "number_of_installments": 36,
                "annual_rate": "3.5",
                "frequency": "quarterly",
                "amortization": "linear",
                "grace_periods": 1,
                "first_due_date": "2024-07-15",
            },
        },
        {"number_of_installments": WHOLE, "annual_interest_rate": PERCENT, "grace_on_principal": WHOLE},
    ),
    FormCase(
        "reversal",
        "manager_a",
        lambda ctx: f"/loans/{ctx.world.loan_a.id}/events/{ctx.world.repayment_a.id}/reverse",
        lambda ctx: {"reason": "Dubbel geboekt – ü"},
        lambda s, ctx: {"reversal_reason": s.get(LoanEvent, ctx.world.repayment_a.id).reversal_reason},
        lambda ctx: {"reversal_reason": "Dubbel geboekt – ü"},
    ),
    FormCase(
        "schedule calculator",
        "member_a",
        lambda ctx: "/loans/preview",
        lambda ctx: TERMS,
        lambda s, ctx: {
            "form": _selected(ctx.page),
            "installments": ctx.page.count('<tr><td class="utrecht-table__cell--numeric-column">'),
        },
        lambda ctx: {"form": TERMS, "installments": 48},
        TERMS_NUMBERS,
        ok=(200,),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_loan_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_in_a_loan_form_is_refused_beside_its_field_and_nothing_is_stored(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)
