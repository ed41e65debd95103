from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp import clock
from fundapp.api import PageArgsSchema, PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, managed_fund_ids, require_admin, visible_funds
from fundapp.capital import legacy
from fundapp.capital.models import Investor
from fundapp.db import get_session
from fundapp.funds import services
from fundapp.funds.consolidated import consolidated
from fundapp.funds.models import Fund
from fundapp.funds.revolving import revolving
from fundapp.funds.schemas import (
    AsOfArgsSchema,
    CapitalSourceCreateSchema,
    CapitalSourceSchema,
    ConsolidatedSchema,
    FundCreateSchema,
    FundSchema,
    RevolvingSchema,
)
from fundapp.i18n import locale_name
from fundapp.listing import paginate, search_clause

blp = make_blueprint("funds", "Place-based impact funds; their capital sources (deprecated: investors)")
FundPageSchema = page_schema(FundSchema, "FundPage")
CapitalSourcePageSchema = page_schema(CapitalSourceSchema, "CapitalSourcePage")


@blp.route("/funds", methods=["GET"])
@access("login")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, FundPageSchema)
def list_funds(args: dict[str, Any]) -> Any:
    query = (
        select(Fund)
        .where(visible_funds(current_scope()))
        .order_by(Fund.name)
        .options(selectinload(Fund.investors).selectinload(Investor.calls))
    )
    clause = search_clause([Fund.name, Fund.region], args["q"])
    if clause is not None:
        query = query.where(clause)
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds", methods=["POST"])
@access("admin")
@blp.arguments(FundCreateSchema)
@blp.response(201, FundSchema)
def create_fund(data: dict[str, Any]) -> Any:
    require_admin(current_scope())
    return services.create_fund(get_session(), current_actor(), data)


@blp.route("/funds/<int:fund_id>", methods=["GET"])
@access("login")
@blp.response(200, FundSchema)
def get_fund(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope())
    # Its investors and their calls in two queries (the totals add them up), not a query per investor.
    eager = selectinload(Fund.investors).selectinload(Investor.calls)
    return get_session().scalars(select(Fund).where(Fund.id == fund.id).options(eager)).one()


@blp.route("/funds/<int:fund_id>", methods=["PATCH"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(FundCreateSchema(partial=True))
@blp.response(200, FundSchema)
def update_fund(data: dict[str, Any], fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return services.update_fund(get_session(), current_actor(), current_scope(), fund, data)


# The capital-source paths answer from investors, for the systems that still use them.
@blp.route("/funds/<int:fund_id>/capital-sources", methods=["GET"])
@blp.doc(deprecated=True)
@access("login")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, CapitalSourcePageSchema)
def list_capital_sources(args: dict[str, Any], fund_id: int) -> Any:
    """Deprecated: use GET /api/v1/funds/<id>/investors."""
    fund = load(get_session(), Fund, fund_id, current_scope())
    query = (
        select(Investor).where(Investor.fund_id == fund.id).order_by(Investor.id).options(selectinload(Investor.calls))
    )
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/capital-sources", methods=["POST"])
@blp.doc(deprecated=True)
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(CapitalSourceCreateSchema)
@blp.response(201, CapitalSourceSchema)
def add_capital_source(data: dict[str, Any], fund_id: int) -> Any:
    """Deprecated: use POST /api/v1/funds/<id>/investors and POST /api/v1/investors/<id>/calls."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return legacy.add(get_session(), current_actor(), fund, data)


@blp.route("/capital-sources/<int:source_id>", methods=["PATCH"])
@blp.doc(deprecated=True)
@access("login", obj=(Investor, "source_id", "edit"))
@blp.arguments(CapitalSourceCreateSchema(partial=True))
@blp.response(200, CapitalSourceSchema)
def update_capital_source(data: dict[str, Any], source_id: int) -> Any:
    """Deprecated: use PATCH /api/v1/investors/<id>; paid-in capital follows the investor's capital calls."""
    investor = load(get_session(), Investor, source_id, current_scope(), "edit")
    return legacy.update(get_session(), current_actor(), investor, data)


@blp.route("/funds/<int:fund_id>/revolving", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, RevolvingSchema)
def fund_revolving(args: dict[str, Any], fund_id: int) -> Any:
    """Per calendar year up to the date: capital paid in, money lent and invested, returned and lent again."""
    as_of = args["as_of"] or clock.today()
    return {"fund_id": fund_id, "as_of": as_of, "years": revolving(get_session(), fund_id, as_of)}


@blp.route("/consolidated", methods=["GET"])
@access("login", check=lambda scope: scope.is_fund_manager)
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, ConsolidatedSchema)
def get_consolidated(args: dict[str, Any]) -> Any:
    """The funds the caller manages, each and in total: portfolio, journal balances, NAV and impact of the year."""
    as_of = args["as_of"] or clock.today()
    view = consolidated(get_session(), managed_fund_ids(current_scope()), as_of, locale_name())
    return {**vars(view), "period": str(view.period)}
