from __future__ import annotations

from typing import Any

from fundapp.api import make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load
from fundapp.db import get_session
from fundapp.investees import services
from fundapp.investees.models import Investee, Label
from fundapp.investees.queries import investee_query
from fundapp.investees.schemas import (
    InvesteeCreateSchema,
    InvesteeListArgsSchema,
    InvesteeSchema,
    LabelCreateSchema,
    LabelSchema,
)
from fundapp.listing import paginate

blp = make_blueprint("investees", "Impact enterprises, their themes, SDGs and labels")
InvesteePageSchema = page_schema(InvesteeSchema, "InvesteePage")


@blp.route("/investees", methods=["GET"])
@access("login")
@blp.arguments(InvesteeListArgsSchema, location="query")
@blp.response(200, InvesteePageSchema)
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
