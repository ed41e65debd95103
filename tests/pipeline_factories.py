"""Applications in the pipeline, through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.pipeline import services
from fundapp.pipeline.models import InstrumentKind, Vote
from tests.factories import ACTOR

MAJORITY_FOR = [
    {"member": "A. de Vries", "vote": Vote.FOR},
    {"member": "B. Bakker", "vote": Vote.FOR},
    {"member": "C. Jansen", "vote": Vote.AGAINST},
]


def make_application(
    session: Session, investee: Any, stage: str = "intake", amount: str = "40000.00", actor: Any = ACTOR, **extra: Any
) -> Any:
    """An application brought to ``stage``: intake, due_diligence, investment_committee, approved or declined."""
    data = {
        "instrument": InstrumentKind.LOAN,
        "amount": Decimal(amount),
        "purpose": "A second bakery oven",
        "impact_case": "Six more jobs for people far from the labour market",
        **extra,
    }
    application = services.create_application(session, actor, investee, data)
    steps = {"due_diligence": 1, "investment_committee": 2, "approved": 2, "declined": 1}.get(stage, 0)
    for action in ("start_due_diligence", "refer_to_committee")[:steps]:
        services.move(session, ACTOR, application, action)
    if stage == "approved":
        decide(session, application)
    if stage == "declined":
        services.move(session, ACTOR, application, "decline")
    return application


def decide(session: Session, application: Any, outcome: str = "approved", votes: Any = None) -> Any:
    data = {
        "decided_on": clock.today(),
        "outcome": outcome,
        "conditions": "A personal guarantee of the director",
        "votes": MAJORITY_FOR if votes is None else votes,
    }
    return services.record_decision(session, ACTOR, application, data)
