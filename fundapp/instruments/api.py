"""Equity participations and convertible loans under /api/v1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fundapp.api import make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load, visible
from fundapp.db import get_session
from fundapp.instruments import conversion, queries, services
from fundapp.instruments.models import EquityEventKind, EquityParticipation
from fundapp.instruments.schemas import (
    ConversionSchema,
    ConversionTermsSchema,
    EquityEventCreateSchema,
    EquityEventSchema,
    EquityParticipationCreateSchema,
    EquityParticipationDetailSchema,
    EquityParticipationListArgsSchema,
    EquityParticipationSchema,
)
from fundapp.investees.models import Investee
from fundapp.listing import paginate
from fundapp.loans.models import Loan

blp = make_blueprint("equity", "Equity participations and convertible loans: shares, valuations, dividends, exits")
ParticipationPageSchema = page_schema(EquityParticipationSchema, "EquityParticipationPage")


@blp.route("/equity-participations", methods=["GET"])
@access("login")
@blp.arguments(EquityParticipationListArgsSchema, location="query")
@blp.response(200, ParticipationPageSchema)
def list_participations(args: dict[str, Any]) -> Any:
    query = select(EquityParticipation).where(visible(current_scope(), EquityParticipation))
    for field in ("fund_id", "investee_id"):
        if args[field] is not None:
            query = query.where(getattr(EquityParticipation, field) == args[field])
    page = paginate(get_session(), query.order_by(EquityParticipation.id), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/equity-participations", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(EquityParticipationCreateSchema)
@blp.response(201, EquityParticipationSchema)
def create_participation(data: dict[str, Any]) -> Any:
    """Shares bought for cash: the amount paid is shares × price unless given."""
    investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
    return services.create_participation(get_session(), current_actor(), investee, data)


@blp.route("/equity-participations/<int:participation_id>", methods=["GET"])
@access("login", obj=(EquityParticipation, "participation_id", "view"))
@blp.response(200, EquityParticipationDetailSchema)
def get_participation(participation_id: int) -> Any:
    """The participation, its position today (shares held, cost, carrying value, results) and its events."""
    return queries.detail(load(get_session(), EquityParticipation, participation_id, current_scope()))


@blp.route("/equity-participations/<int:participation_id>/events", methods=["POST"])
@access("login", obj=(EquityParticipation, "participation_id", "edit"))
@blp.arguments(EquityEventCreateSchema)
@blp.response(201, EquityEventSchema)
def record_event(data: dict[str, Any], participation_id: int) -> Any:
    """A valuation (value_per_share, method, decided_by), a dividend (amount) or an exit (shares, amount = proceeds)."""
    participation = load(get_session(), EquityParticipation, participation_id, current_scope(), "edit")
    session, actor, kind = get_session(), current_actor(), data.pop("kind")
    if kind == EquityEventKind.VALUATION:
        return services.record_valuation(session, actor, participation, data)
    if kind == EquityEventKind.DIVIDEND:
        return services.record_dividend(session, actor, participation, data)
    return services.record_exit(session, actor, participation, {**data, "proceeds": data["amount"]})


@blp.route("/loans/<int:loan_id>/conversion-terms", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.response(200, ConversionTermsSchema)
def get_conversion_terms(loan_id: int) -> Any:
    from fundapp.errors import NotFound

    terms = conversion.terms_of(get_session(), load(get_session(), Loan, loan_id, current_scope()))
    if terms is None:
        raise NotFound("This loan has no conversion terms.")
    return terms


@blp.route("/loans/<int:loan_id>/conversion-terms", methods=["PUT"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(ConversionTermsSchema)
@blp.response(200, ConversionTermsSchema)
def set_conversion_terms(data: dict[str, Any], loan_id: int) -> Any:
    """Set (or replace) how the loan converts: a price per share and/or a discount on the round's price, a cap."""
    loan = load(get_session(), Loan, loan_id, current_scope(), "edit")
    return conversion.set_terms(get_session(), current_actor(), loan, data)


@blp.route("/loans/<int:loan_id>/conversion", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(ConversionSchema)
@blp.response(201, EquityParticipationSchema)
def convert_loan(data: dict[str, Any], loan_id: int) -> Any:
    """Convert the outstanding principal and accrued interest (or a part of the principal) into shares."""
    loan = load(get_session(), Loan, loan_id, current_scope(), "edit")
    return conversion.convert(get_session(), current_actor(), loan, data)
