"""Grants, vouchers and guarantees under /api/v1: the fund's managers do everything, the investee reads its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp import clock
from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load, visible
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.instruments import exposure, grants, guarantees
from fundapp.instruments.grant_models import Grant, GrantEvent
from fundapp.instruments.grant_schemas import (
    FundExposureArgsSchema,
    FundExposureSchema,
    GrantClawbackSchema,
    GrantCreateSchema,
    GrantDecisionSchema,
    GrantDetailSchema,
    GrantEventSchema,
    GrantSchema,
    GuaranteeCallResultSchema,
    GuaranteeCallSchema,
    GuaranteeCreateSchema,
    GuaranteeDetailSchema,
    GuaranteeEventSchema,
    GuaranteeSchema,
    InstrumentListArgsSchema,
    InstrumentPaymentSchema,
)
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent
from fundapp.investees.models import Investee
from fundapp.listing import paginate

blp = make_blueprint("grants", "Grants, vouchers and guarantees; the exposure per investee")
GrantPageSchema = page_schema(GrantSchema, "GrantPage")
GrantEventPageSchema = page_schema(GrantEventSchema, "GrantEventPage")
GuaranteePageSchema = page_schema(GuaranteeSchema, "GuaranteePage")
GuaranteeEventPageSchema = page_schema(GuaranteeEventSchema, "GuaranteeEventPage")


def _listed(model: Any, args: dict[str, Any]) -> Any:
    query = select(model).where(visible(current_scope(), model)).options(selectinload(model.investee))
    for field in ("fund_id", "investee_id"):
        if args[field] is not None:
            query = query.where(getattr(model, field) == args[field])
    page = paginate(get_session(), query.order_by(model.id), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


def _events(model: Any, owner: str, owner_id: int, args: dict[str, Any]) -> Any:
    query = select(model).where(getattr(model, owner) == owner_id).order_by(model.on, model.id)
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/grants", methods=["GET"])
@access("login")
@blp.arguments(InstrumentListArgsSchema, location="query")
@blp.response(200, GrantPageSchema)
def list_grants(args: dict[str, Any]) -> Any:
    return _listed(Grant, args)


@blp.route("/grants", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(GrantCreateSchema)
@blp.response(201, GrantSchema)
def create_grant(data: dict[str, Any]) -> Any:
    """Record a grant or voucher paid to an investee (booked on its payment date)."""
    investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
    return grants.create_grant(get_session(), current_actor(), investee, data)


@blp.route("/grants/<int:grant_id>", methods=["GET"])
@access("login", obj=(Grant, "grant_id", "view"))
@blp.response(200, GrantDetailSchema)
def get_grant(grant_id: int) -> Any:
    return load(get_session(), Grant, grant_id, current_scope())


@blp.route("/grants/<int:grant_id>/events", methods=["GET"])
@access("login", obj=(Grant, "grant_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, GrantEventPageSchema)
def list_grant_events(args: dict[str, Any], grant_id: int) -> Any:
    """Clawbacks and the payments received on them, oldest first."""
    grant = load(get_session(), Grant, grant_id, current_scope())
    return _events(GrantEvent, "grant_id", grant.id, args)


@blp.route("/grants/<int:grant_id>/decision", methods=["POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
@blp.arguments(GrantDecisionSchema)
@blp.response(200, GrantSchema)
def decide_grant(data: dict[str, Any], grant_id: int) -> Any:
    """Mark the conditions met or not met (once)."""
    grant = load(get_session(), Grant, grant_id, current_scope(), "edit")
    return grants.decide(get_session(), current_actor(), grant, data["met"], data["date"], data["note"])


@blp.route("/grants/<int:grant_id>/clawbacks", methods=["POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
@blp.arguments(GrantClawbackSchema)
@blp.response(201, GrantEventSchema)
def claw_back_grant(data: dict[str, Any], grant_id: int) -> Any:
    """Claim (part of) a grant whose conditions were not met back: it becomes a receivable."""
    grant = load(get_session(), Grant, grant_id, current_scope(), "edit")
    return grants.claw_back(get_session(), current_actor(), grant, data["date"], data["amount"], data["reason"])


@blp.route("/grants/<int:grant_id>/receipts", methods=["POST"])
@access("login", obj=(Grant, "grant_id", "edit"))
@blp.arguments(InstrumentPaymentSchema)
@blp.response(201, GrantEventSchema)
def receive_grant_payment(data: dict[str, Any], grant_id: int) -> Any:
    """A payment received on what was clawed back."""
    grant = load(get_session(), Grant, grant_id, current_scope(), "edit")
    return grants.receive(get_session(), current_actor(), grant, data["date"], data["amount"], data["reference"])


@blp.route("/guarantees", methods=["GET"])
@access("login")
@blp.arguments(InstrumentListArgsSchema, location="query")
@blp.response(200, GuaranteePageSchema)
def list_guarantees(args: dict[str, Any]) -> Any:
    return _listed(Guarantee, args)


@blp.route("/guarantees", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(GuaranteeCreateSchema)
@blp.response(201, GuaranteeSchema)
def create_guarantee(data: dict[str, Any]) -> Any:
    investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
    return guarantees.create_guarantee(get_session(), current_actor(), investee, data)


@blp.route("/guarantees/<int:guarantee_id>", methods=["GET"])
@access("login", obj=(Guarantee, "guarantee_id", "view"))
@blp.response(200, GuaranteeDetailSchema)
def get_guarantee(guarantee_id: int) -> Any:
    """The guarantee with its fee schedule (what is paid and open per fee) and its events."""
    return load(get_session(), Guarantee, guarantee_id, current_scope())


@blp.route("/guarantees/<int:guarantee_id>/events", methods=["GET"])
@access("login", obj=(Guarantee, "guarantee_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, GuaranteeEventPageSchema)
def list_guarantee_events(args: dict[str, Any], guarantee_id: int) -> Any:
    """Fee payments and calls, oldest first; a call names the loan it became."""
    guarantee = load(get_session(), Guarantee, guarantee_id, current_scope())
    return _events(GuaranteeEvent, "guarantee_id", guarantee.id, args)


@blp.route("/guarantees/<int:guarantee_id>/fees", methods=["POST"])
@access("login", obj=(Guarantee, "guarantee_id", "edit"))
@blp.arguments(InstrumentPaymentSchema)
@blp.response(201, GuaranteeEventSchema)
def pay_guarantee_fee(data: dict[str, Any], guarantee_id: int) -> Any:
    """A guarantee fee received from the investee (it settles the oldest open fees)."""
    guarantee = load(get_session(), Guarantee, guarantee_id, current_scope(), "edit")
    return guarantees.record_fee(
        get_session(), current_actor(), guarantee, data["date"], data["amount"], data["reference"]
    )


@blp.route("/guarantees/<int:guarantee_id>/calls", methods=["POST"])
@access("login", obj=(Guarantee, "guarantee_id", "edit"))
@blp.arguments(GuaranteeCallSchema)
@blp.response(201, GuaranteeCallResultSchema)
def call_guarantee(data: dict[str, Any], guarantee_id: int) -> Any:
    """The bank calls the guarantee: the fund pays it, and a loan to the investee on the given terms starts."""
    guarantee = load(get_session(), Guarantee, guarantee_id, current_scope(), "edit")
    on, amount, reference = data.pop("date"), data.pop("amount"), data.pop("reference")
    return guarantees.call(get_session(), current_actor(), guarantee, on, amount, data, reference)


@blp.route("/funds/<int:fund_id>/exposure", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(FundExposureArgsSchema, location="query")
@blp.response(200, FundExposureSchema)
def fund_exposure(args: dict[str, Any], fund_id: int) -> Any:
    """Per investee: outstanding senior and subordinated loans, grant receivables, guarantees in force, the total."""
    fund = load(get_session(), Fund, fund_id, current_scope())
    as_of = args["as_of"] or clock.today()
    rows = exposure.exposures(get_session(), fund.id, as_of)
    return {"fund_id": fund.id, "as_of": as_of, "investees": rows, "totals": exposure.totals(rows)}
