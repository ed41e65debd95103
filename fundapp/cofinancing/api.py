from __future__ import annotations

from typing import Any

from fundapp.api import make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load
from fundapp.cofinancing import services
from fundapp.cofinancing.models import FinancingRound
from fundapp.cofinancing.queries import round_query
from fundapp.cofinancing.schemas import (
    LoanParticipationsSchema,
    ParticipationsSetSchema,
    RoundCreateSchema,
    RoundListArgsSchema,
    RoundSchema,
)
from fundapp.db import get_session
from fundapp.investees.models import Investee
from fundapp.listing import paginate
from fundapp.loans.models import Loan

blp = make_blueprint("cofinancing", "Co-financing: financing rounds and syndicated loans")
RoundPageSchema = page_schema(RoundSchema, "FinancingRoundPage")


@blp.route("/financing-rounds", methods=["GET"])
@access("login")
@blp.arguments(RoundListArgsSchema, location="query")
@blp.response(200, RoundPageSchema)
def list_rounds(args: dict[str, Any]) -> Any:
    query = round_query(current_scope(), args["investee_id"], args["fund_id"])
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/investees/<int:investee_id>/financing-rounds", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "view"), check=is_manager_or_admin)
@blp.arguments(RoundCreateSchema)
@blp.response(201, RoundSchema)
def create_round(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope())
    return services.create_round(get_session(), current_actor(), current_scope(), investee, data)


@blp.route("/financing-rounds/<int:round_id>", methods=["GET"])
@access("login", obj=(FinancingRound, "round_id", "view"))
@blp.response(200, RoundSchema)
def get_round(round_id: int) -> Any:
    return load(get_session(), FinancingRound, round_id, current_scope())


def _participations(loan: Loan) -> dict[str, Any]:
    rows = services.participations_of(get_session(), loan)
    return {
        "loan_id": loan.id,
        "lead_fund_id": loan.fund_id,
        "syndicated": bool(rows),
        "participations": [
            {
                "fund_id": row.fund_id,
                "party": row.party,
                "party_kind": row.party_kind,
                "percentage": row.percentage,
                "lead": row.fund_id == loan.fund_id,
            }
            for row in rows
        ],
    }


@blp.route("/loans/<int:loan_id>/participations", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.response(200, LoanParticipationsSchema)
def get_participations(loan_id: int) -> Any:
    return _participations(load(get_session(), Loan, loan_id, current_scope()))


@blp.route("/loans/<int:loan_id>/participations", methods=["PUT"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(ParticipationsSetSchema)
@blp.response(200, LoanParticipationsSchema)
def set_participations(data: dict[str, Any], loan_id: int) -> Any:
    loan = load(get_session(), Loan, loan_id, current_scope(), "edit")
    services.set_participations(get_session(), current_actor(), loan, data["participations"])
    return _participations(loan)
