"""Grants and guarantees through the services, and the hand-worked example of docs/fund_economics.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp.instruments import grants, guarantees
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from tests.factories import ACTOR, make_fund, make_investee

D = Decimal


def grant_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "voucher",
        "amount": D("5000.00"),
        "paid_on": date(2025, 3, 1),
        "conditions": "Twee mensen met een afstand tot de arbeidsmarkt in dienst",
        "period_from": date(2025, 3, 1),
        "period_to": date(2025, 12, 31),
    } | overrides


def make_grant(session: Session, investee: Any, **overrides: Any) -> Any:
    from fundapp.instruments.grant_models import GrantKind

    data = grant_data(**overrides)
    data["kind"] = GrantKind(data["kind"])
    return grants.create_grant(session, ACTOR, investee, data)


def guarantee_data(**overrides: Any) -> dict[str, Any]:
    return {
        "bank_name": "Rabobank",
        "bank_loan_reference": "RB-2025-118",
        "bank_loan_amount": D("100000.00"),
        "guaranteed_amount": D("40000.00"),
        "fee_rate": D("2"),
        "fee_frequency": Frequency.QUARTERLY,
        "starts_on": date(2025, 1, 1),
        "expires_on": date(2027, 12, 31),
    } | overrides


def make_guarantee(session: Session, investee: Any, **overrides: Any) -> Any:
    return guarantees.create_guarantee(session, ACTOR, investee, guarantee_data(**overrides))


CALL_TERMS = {
    "annual_rate": D("5"),
    "first_due_date": None,
    "number_of_installments": 24,
    "frequency": Frequency.MONTHLY,
    "amortization": Amortization.ANNUITY,
    "grace_periods": 0,
    "day_count": DayCount.THIRTY_360,
    "subordinated": False,
}


@dataclass
class Example:
    fund: Any
    investee: Any
    voucher: Any
    guarantee: Any
    call: Any


def make_example(session: Session) -> Example:
    """docs/fund_economics.md, "Grants and guarantees": a voucher clawed back in part, a guarantee called."""
    fund = make_fund(session, name="Voorbeeldfonds")
    investee = make_investee(session, fund, name="Fietsenmakerij De Spaak")
    voucher = make_grant(session, investee, reference="V-2025-01")
    grants.decide(session, ACTOR, voucher, False, date(2026, 1, 15), "Eén persoon in dienst genomen")
    grants.claw_back(session, ACTOR, voucher, date(2026, 1, 20), D("2000.00"), "Voorwaarde half gehaald")
    grants.receive(session, ACTOR, voucher, date(2026, 2, 10), D("1200.00"), "Bank 2026-02-10")
    guarantee = make_guarantee(session, investee, reference="GA-2025-01")
    guarantees.record_fee(session, ACTOR, guarantee, date(2025, 4, 1), D("200.00"), "Provisie Q1")
    guarantees.record_fee(session, ACTOR, guarantee, date(2025, 7, 1), D("200.00"), "Provisie Q2")
    call = guarantees.call(session, ACTOR, guarantee, date(2025, 9, 15), D("25000.00"), CALL_TERMS, "Rabobank claim")
    return Example(fund, investee, voucher, guarantee, call)


def add_instruments(session: Session, world: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A voucher and a guarantee (with one fee paid) for each side's investee, by side ("A", "B")."""
    made_grants, made_guarantees = {}, {}
    for name, investee in (("A", world.investee_a), ("B", world.investee_b)):
        made_grants[name] = make_grant(session, investee, reference=f"GRANT-{name}")
        made_guarantees[name] = make_guarantee(session, investee, reference=f"GUAR-{name}")
        guarantees.record_fee(session, ACTOR, made_guarantees[name], date(2025, 4, 1), D("200.00"), f"fee {name}")
    return made_grants, made_guarantees
