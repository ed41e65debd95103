"""/api/v1 for claims: computed, listed a page at a time, read with their lines a page at a time, decided, paid.

A claim may have 100,000 lines. A claim's answer holds its first LINES_SHOWN lines and ``lines_total``; a list of
claims holds none; ``GET /claims/<id>/lines`` pages through all of them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.api import PagingArgsSchema, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, visible_claims
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.kept_answers import keeps_answers
from fundapp.listing import paginate
from fundapp.outcomes import claim_totals, claims, payments
from fundapp.outcomes.contract_api import acts_for, blp
from fundapp.outcomes.contract_schemas import (
    LINES_SHOWN,
    ClaimCreateSchema,
    ClaimLineSchema,
    ClaimSchema,
    ClaimSummarySchema,
    CorrectionSchema,
    DecisionReasonSchema,
    PaymentSchema,
)
from fundapp.outcomes.models import Claim, ClaimLine, ClaimStatus, LineStatus, OutcomeContract

ClaimPageSchema = page_schema(ClaimSummarySchema, "ClaimPage")
ClaimLinePageSchema = page_schema(ClaimLineSchema, "ClaimLinePage")


class ClaimAnswer:
    """A claim as the API answers it: the claim, its number of lines, how many officers sign it and, for one
    claim, its first lines (never all of them)."""

    def __init__(self, claim: Claim, lines_total: int, approvals_needed: int, lines: list[ClaimLine] | None) -> None:
        self.claim, self.lines_total, self.approvals_needed, self.lines = claim, lines_total, approvals_needed, lines
        self.lines_url = url_for("api_outcomes.list_claim_lines", claim_id=claim.id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.claim, name)


def _threshold() -> Decimal:
    return current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"]


def _answers(found: list[Claim]) -> list[ClaimAnswer]:
    """Answers for a page of claims, in three queries whatever their number and size."""
    session = get_session()
    counts = claim_totals.line_counts(session, [c.id for c in found])
    needed = claim_totals.approvals_needed_of(session, found, _threshold())
    return [ClaimAnswer(c, counts[c.id], needed[c.id], None) for c in found]


def _answer(claim: Claim) -> ClaimAnswer:
    answer = _answers([claim])[0]
    answer.lines = list(
        get_session().scalars(
            select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.position).limit(LINES_SHOWN)
        )
    )
    return answer


class ClaimListArgs(PagingArgsSchema):
    status = ma.fields.Enum(ClaimStatus, by_value=True, load_default=None)
    contract_id = ma.fields.Integer(load_default=None)


@blp.route("/claims", methods=["GET"])
@access("login")
@blp.arguments(ClaimListArgs, location="query")
@blp.response(200, ClaimPageSchema)
@keeps_answers
def list_claims(args: dict[str, Any]) -> Any:
    """The claims you may see, newest first, a page at a time, without their lines; `status` and `contract_id`
    filter them."""
    query = (
        select(Claim)
        # Only the contract's currency is shown: not its rate items, payers and providers.
        .options(selectinload(Claim.contract).load_only(OutcomeContract.currency).lazyload("*"))
        .where(visible_claims(current_scope()))
        .order_by(Claim.id.desc())
    )
    if args["status"]:
        query = query.where(Claim.status == args["status"])
    if args["contract_id"]:
        query = query.where(Claim.contract_id == args["contract_id"])
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(_answers(page.items), page.total, page.page, page.page_size)


@blp.route("/outcome-contracts/<int:contract_id>/claims", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
@blp.arguments(ClaimCreateSchema)
@blp.response(201, ClaimSchema)
def compute_claim(data: dict[str, Any], contract_id: int) -> Any:
    """A draft claim computed from the provider's verified, unclaimed results of the period."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope(), "claim")
    if not acts_for(contract, data["investee_id"]):
        raise ValidationFailed.field("investee_id", "You can claim only for your own enterprise or fund.")
    return _answer(claims.compute_claim(get_session(), current_actor(), contract, data["investee_id"], data["period"]))


@blp.route("/claims/<int:claim_id>", methods=["GET"])
@access("login", obj=(Claim, "claim_id", "view"))
@blp.response(200, ClaimSchema)
def get_claim(claim_id: int) -> Any:
    """The claim with its first 1,000 lines and `lines_total`; `lines_url` pages through all of them."""
    return _answer(load(get_session(), Claim, claim_id, current_scope()))


class LineListArgs(PagingArgsSchema):
    page_size = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=LINES_SHOWN))
    status = ma.fields.Enum(LineStatus, by_value=True, load_default=None)


@blp.route("/claims/<int:claim_id>/lines", methods=["GET"])
@access("login", obj=(Claim, "claim_id", "view"))
@blp.arguments(LineListArgs, location="query")
@blp.response(200, ClaimLinePageSchema)
def list_claim_lines(args: dict[str, Any], claim_id: int) -> Any:
    """All lines of the claim by position, a page at a time (`page_size` up to 1,000); `status` filters them."""
    query = select(ClaimLine).where(ClaimLine.claim_id == claim_id).order_by(ClaimLine.position)
    if args["status"]:
        query = query.where(ClaimLine.status == args["status"])
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/claims/<int:claim_id>", methods=["DELETE"])
@access("login", obj=(Claim, "claim_id", "submit"))
@blp.response(204)
def discard_claim(claim_id: int) -> Any:
    claims.discard_draft(
        get_session(), current_actor(), load(get_session(), Claim, claim_id, current_scope(), "submit")
    )
    return None


@blp.route("/claims/<int:claim_id>/submit", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "submit"))
@blp.response(200, ClaimSchema)
def submit_claim(claim_id: int) -> Any:
    claim = load(get_session(), Claim, claim_id, current_scope(), "submit")
    return _answer(claims.submit(get_session(), current_actor(), claim, _threshold()))


@blp.route("/claims/<int:claim_id>/lines/<int:line_id>/reject", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
@blp.arguments(DecisionReasonSchema)
@blp.response(200, ClaimSchema)
def reject_claim_line(data: dict[str, Any], claim_id: int, line_id: int) -> Any:
    session = get_session()
    claim = load(session, Claim, claim_id, current_scope(), "decide")
    line = session.scalar(select(ClaimLine).where(ClaimLine.id == line_id, ClaimLine.claim_id == claim.id))
    if line is None:
        raise NotFound("This line is not part of the claim.")
    return _answer(claims.reject_line(session, current_actor(), current_scope(), claim, line, data["reason"]))


@blp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
@blp.response(200, ClaimSchema)
def approve_claim(claim_id: int) -> Any:
    """Sign the claim; above the dual-approval amount a second, different officer co-signs."""
    claim = load(get_session(), Claim, claim_id, current_scope(), "decide")
    return _answer(claims.approve(get_session(), current_actor(), current_scope(), claim, _threshold()))


@blp.route("/claims/<int:claim_id>/reject", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
@blp.arguments(DecisionReasonSchema)
@blp.response(200, ClaimSchema)
def reject_claim(data: dict[str, Any], claim_id: int) -> Any:
    claim = load(get_session(), Claim, claim_id, current_scope(), "decide")
    return _answer(claims.reject(get_session(), current_actor(), current_scope(), claim, data["reason"]))


@blp.route("/claims/<int:claim_id>/payment", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "decide"))
@blp.arguments(PaymentSchema)
@blp.response(200, ClaimSchema)
def record_payment(data: dict[str, Any], claim_id: int) -> Any:
    """Record that the caller's payer paid its part of the claim (date, reference): each payer records its own part
    (``splits`` shows which have paid), and the claim becomes ``paid`` once every part is. Recording a part twice,
    or paying a paid claim, is a 409."""
    claim = load(get_session(), Claim, claim_id, current_scope(), "decide")
    return _answer(
        payments.record_payment(
            get_session(), current_actor(), current_scope(), claim, data["paid_on"], data["reference"]
        )
    )


@blp.route("/claims/<int:claim_id>/corrections", methods=["POST"])
@access("login", obj=(Claim, "claim_id", "correct"))
@blp.arguments(CorrectionSchema)
@blp.response(201, ClaimSchema)
def correct_claim(data: dict[str, Any], claim_id: int) -> Any:
    """A new claim with negative lines that takes back approved lines (approved claims never change)."""
    claim = load(get_session(), Claim, claim_id, current_scope(), "correct")
    return _answer(claims.correct(get_session(), current_actor(), claim, data["line_ids"], data["reason"]))
