from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fundapp.api import PageArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, visible_payers
from fundapp.db import get_session
from fundapp.listing import paginate, search_clause
from fundapp.payers import services
from fundapp.payers.models import OutcomePayer
from fundapp.payers.schemas import PayerCreateSchema, PayerSchema

blp = make_blueprint("payers", "Municipalities and provinces that pay for outcomes")
PayerPageSchema = page_schema(PayerSchema, "PayerPage")


@blp.route("/payers", methods=["GET"])
@access("login")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PayerPageSchema)
def list_payers(args: dict[str, Any]) -> Any:
    query = select(OutcomePayer).where(visible_payers(current_scope())).order_by(OutcomePayer.name)
    clause = search_clause([OutcomePayer.name, OutcomePayer.region], args["q"])
    if clause is not None:
        query = query.where(clause)
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/payers", methods=["POST"])
@access("admin")
@blp.arguments(PayerCreateSchema)
@blp.response(201, PayerSchema)
def create_payer(data: dict[str, Any]) -> Any:
    return services.create_payer(get_session(), current_actor(), data)


@blp.route("/payers/<int:payer_id>", methods=["GET"])
@access("login")
@blp.response(200, PayerSchema)
def get_payer(payer_id: int) -> Any:
    return load(get_session(), OutcomePayer, payer_id, current_scope())


@blp.route("/payers/<int:payer_id>", methods=["PATCH"])
@access("login", obj=(OutcomePayer, "payer_id", "edit"))
@blp.arguments(PayerCreateSchema(partial=True))
@blp.response(200, PayerSchema)
def update_payer(data: dict[str, Any], payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "edit")
    return services.update_payer(get_session(), current_actor(), payer, data)
