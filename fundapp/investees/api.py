from __future__ import annotations

from typing import Any

from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load
from fundapp.db import get_session
from fundapp.investees import services, support
from fundapp.investees.models import Investee, Label
from fundapp.investees.queries import investee_query
from fundapp.investees.schemas import (
    GrowthLevelCreateSchema,
    GrowthLevelSchema,
    InvesteeCreateSchema,
    InvesteeListArgsSchema,
    InvesteeSchema,
    LabelCreateSchema,
    LabelSchema,
    SupportCreateSchema,
    SupportSchema,
)
from fundapp.kept_answers import keeps_answers
from fundapp.listing import paginate

blp = make_blueprint("investees", "Impact enterprises, their themes, SDGs and labels")
InvesteePageSchema = page_schema(InvesteeSchema, "InvesteePage")
GrowthLevelPageSchema = page_schema(GrowthLevelSchema, "GrowthLevelPage")
SupportPageSchema = page_schema(SupportSchema, "SupportPage")


@blp.route("/investees", methods=["GET"])
@access("login")
@blp.arguments(InvesteeListArgsSchema, location="query")
@blp.response(200, InvesteePageSchema)
@keeps_answers
def list_investees(args: dict[str, Any]) -> Any:
    query = investee_query(current_scope(), args["q"], args["fund_id"], args["theme"], args["municipality"])
    page = paginate(get_session(), query.order_by(Investee.name, Investee.id), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/investees", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(InvesteeCreateSchema)
@blp.response(201, InvesteeSchema)
def create_investee(data: dict[str, Any]) -> Any:
    return services.create_investee(get_session(), current_actor(), current_scope(), data)


@blp.route("/investees/<int:investee_id>", methods=["GET"])
@access("login")
@blp.response(200, InvesteeSchema)
@keeps_answers
def get_investee(investee_id: int) -> Any:
    return load(get_session(), Investee, investee_id, current_scope())


@blp.route("/investees/<int:investee_id>", methods=["PATCH"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(InvesteeCreateSchema(partial=True))
@blp.response(200, InvesteeSchema)
def update_investee(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return services.update_investee(get_session(), current_actor(), current_scope(), investee, data)


@blp.route("/investees/<int:investee_id>/labels", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(LabelCreateSchema)
@blp.response(201, LabelSchema)
def add_label(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return services.add_label(get_session(), current_actor(), investee, data)


@blp.route("/labels/<int:label_id>", methods=["PATCH"])
@access("login", obj=(Label, "label_id", "edit"))
@blp.arguments(LabelCreateSchema(partial=True))
@blp.response(200, LabelSchema)
def update_label(data: dict[str, Any], label_id: int) -> Any:
    label = load(get_session(), Label, label_id, current_scope(), "edit")
    return services.update_label(get_session(), current_actor(), label, data)


@blp.route("/labels/<int:label_id>", methods=["DELETE"])
@access("login")
@blp.response(204)
def delete_label(label_id: int) -> Any:
    label = load(get_session(), Label, label_id, current_scope(), "edit")
    services.remove_label(get_session(), current_actor(), label)
    return None


@blp.route("/investees/<int:investee_id>/growth-levels", methods=["GET"])
@access("login")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, GrowthLevelPageSchema)
def list_growth_levels(args: dict[str, Any], investee_id: int) -> Any:
    """The investee's Impactpad growth levels, newest first: the first is the current level."""
    investee = load(get_session(), Investee, investee_id, current_scope(), "support")
    page = paginate(get_session(), support.growth_query(investee), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/investees/<int:investee_id>/growth-levels", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(GrowthLevelCreateSchema)
@blp.response(201, GrowthLevelSchema)
def record_growth_level(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return support.record_growth_level(get_session(), current_actor(), investee, data)


@blp.route("/investees/<int:investee_id>/support", methods=["GET"])
@access("login")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, SupportPageSchema)
def list_support(args: dict[str, Any], investee_id: int) -> Any:
    """The non-financial support the investee got, newest first."""
    investee = load(get_session(), Investee, investee_id, current_scope(), "support")
    page = paginate(get_session(), support.support_query(investee), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/investees/<int:investee_id>/support", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(SupportCreateSchema)
@blp.response(201, SupportSchema)
def record_support(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return support.record_support(get_session(), current_actor(), investee, data)
