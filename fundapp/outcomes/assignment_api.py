"""/api/v1/outcome-contracts/<id>/assignments: a provider's outcome payments assigned in part to repay its loan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from fundapp import clock
from fundapp.api import PagingArgsSchema, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.listing import paginate
from fundapp.outcomes import assignments
from fundapp.outcomes.contract_api import blp
from fundapp.outcomes.models import OutcomeContract
from fundapp.validation import Day, PercentField


class AssignmentCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True, strict=False, metadata={"description": "The provider."})
    loan_id = ma.fields.Integer(required=True, strict=False, metadata={"description": "One of the provider's loans."})
    share_percent = PercentField(
        required=True,
        min_value=Decimal("0.01"),
        metadata={"description": "The percentage of each payment that repays the loan.", "example": "40"},
    )
    valid_from = Day(load_default=clock.today, metadata={"description": "Payments from this date on."})


class AssignmentPayerSchema(ma.Schema):
    payer_id = ma.fields.Integer()
    name = ma.fields.Function(lambda row: row.payer.name)
    accepted_at = ma.fields.DateTime(allow_none=True)


class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer()
    contract_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    loan_id = ma.fields.Integer()
    loan_reference = ma.fields.Function(lambda a: a.loan.reference)
    share_percent = PercentField()
    valid_from = Day()
    payers = ma.fields.List(ma.fields.Nested(AssignmentPayerSchema))


AssignmentPageSchema = page_schema(AssignmentSchema, "AssignmentPage")


@blp.route("/outcome-contracts/<int:contract_id>/assignments", methods=["GET"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, AssignmentPageSchema)
def list_assignments(args: dict[str, Any], contract_id: int) -> Any:
    """The contract's assignments, each with the payers that accepted it (a payer's parts are assigned from then)."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope())
    page = paginate(
        get_session(), assignments.contract_query(contract, current_scope()), args["page"], args["page_size"]
    )
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/outcome-contracts/<int:contract_id>/assignments", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.arguments(AssignmentCreateSchema)
@blp.response(201, AssignmentSchema)
def assign_payments(data: dict[str, Any], contract_id: int) -> Any:
    """The loan's fund manager assigns a share of every payment to the provider to repay the provider's loan."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope())
    return assignments.assign(get_session(), current_actor(), current_scope(), contract, data)


@blp.route("/outcome-contracts/<int:contract_id>/assignments/accept", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200, AssignmentSchema(many=True))
def accept_assignments(contract_id: int) -> Any:
    """An officer of a payer accepts, for their own payers, every assignment of the contract still waiting for it;
    the answer lists the assignments accepted."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope())
    rows = assignments.accept(get_session(), current_actor(), current_scope(), contract)
    return list({row.assignment_id: row.assignment for row in rows}.values())
