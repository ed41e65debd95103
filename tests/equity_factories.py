"""Equity participations for tests: the hand-worked example of docs/fund_economics.md and one per world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp.loans.schedule import Amortization, DayCount, Frequency
from tests.factories import ACTOR, World, make_loan

CONVERTIBLE = {
    "principal": Decimal("50000.00"),
    "annual_rate": Decimal("5"),
    "disbursement_date": date(2025, 1, 1),
    "number_of_installments": 3,
    "frequency": Frequency.ANNUAL,
    "amortization": Amortization.BULLET,
    "day_count": DayCount.THIRTY_360,
}
TERMS = {
    "price_per_share": None,
    "discount_percent": Decimal("20"),
    "cap": Decimal("1.90"),
    "trigger": "qualified_round",
}


def make_convertible(session: Session, investee: Any) -> Any:
    from fundapp.instruments import conversion
    from fundapp.instruments.models import ConversionTrigger

    loan = make_loan(session, investee, **CONVERTIBLE)
    conversion.set_terms(session, ACTOR, loan, {**TERMS, "trigger": ConversionTrigger.QUALIFIED_ROUND})
    return loan


def make_participation(session: Session, investee: Any, shares: int = 1000, price: str = "10.00") -> Any:
    from fundapp.instruments import services

    data = {"date": date(2026, 1, 10), "shares": shares, "price_per_share": Decimal(price)}
    return services.create_participation(session, ACTOR, investee, data)


def add_equity(session: Session, world: World) -> dict[str, Any]:
    """A participation with a valuation in each world ("A", "B")."""
    from fundapp.instruments import services
    from fundapp.instruments.models import ValuationMethod

    made = {}
    for name, investee in (("A", world.investee_a), ("B", world.investee_b)):
        participation = make_participation(session, investee)
        valuation = {
            "date": date(2026, 3, 31),
            "value_per_share": Decimal("12.00"),
            "method": ValuationMethod.FINANCING_ROUND,
            "decided_by": "Investeringscommissie",
        }
        services.record_valuation(session, ACTOR, participation, valuation)
        made[name] = participation
    session.flush()
    return made
