"""The fund's investors, capital calls, distributions, fund expenses, provision percentages, NAV and capital accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.capital import nav, provision, services
from fundapp.capital.models import FundExpense, Investor
from fundapp.capital.schemas import (
    AsOfArgsSchema,
    CallCreateSchema,
    CallSchema,
    CapitalAccountSchema,
    DistributionCreateSchema,
    DistributionSchema,
    ExpenseCreateSchema,
    ExpenseSchema,
    FundInvestorSchema,
    InvestorCreateSchema,
    NavSchema,
    ProvisionRatesSchema,
)
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.listing import paginate

blp = make_blueprint("capital", "The fund's investors, their calls and distributions, fund expenses, provisions, NAV")
InvestorPageSchema = page_schema(FundInvestorSchema, "FundInvestorPage")
ExpensePageSchema = page_schema(ExpenseSchema, "ExpensePage")
FUND_EDIT = (Fund, "fund_id", "edit")
INVESTOR_EDIT = (Investor, "investor_id", "edit")


def _fund(fund_id: int) -> Fund:
    return load(get_session(), Fund, fund_id, current_scope(), "edit")


def _investor(investor_id: int) -> Investor:
    return load(get_session(), Investor, investor_id, current_scope(), "edit")


@blp.route("/funds/<int:fund_id>/investors", methods=["GET"])
@access("login", obj=FUND_EDIT)
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, InvestorPageSchema)
def list_investors(args: dict[str, Any], fund_id: int) -> Any:
    fund = _fund(fund_id)
    query = select(Investor).where(Investor.fund_id == fund.id).order_by(Investor.name, Investor.id)
    query = query.options(*(selectinload(rel) for rel in (Investor.fund, Investor.calls, Investor.distributions)))
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/investors", methods=["POST"])
@access("login", obj=FUND_EDIT)
@blp.arguments(InvestorCreateSchema)
@blp.response(201, FundInvestorSchema)
def add_investor(data: dict[str, Any], fund_id: int) -> Any:
    return services.add_investor(get_session(), current_actor(), _fund(fund_id), data)


@blp.route("/investors/<int:investor_id>", methods=["GET"])
@access("login", obj=INVESTOR_EDIT)
@blp.response(200, FundInvestorSchema)
def get_investor(investor_id: int) -> Any:
    return _investor(investor_id)


@blp.route("/investors/<int:investor_id>", methods=["PATCH"])
@access("login", obj=INVESTOR_EDIT)
@blp.arguments(InvestorCreateSchema(partial=True))
@blp.response(200, FundInvestorSchema)
def update_investor(data: dict[str, Any], investor_id: int) -> Any:
    return services.update_investor(get_session(), current_actor(), _investor(investor_id), data)


@blp.route("/investors/<int:investor_id>/calls", methods=["POST"])
@access("login", obj=INVESTOR_EDIT)
@blp.arguments(CallCreateSchema)
@blp.response(201, CallSchema)
def record_call(data: dict[str, Any], investor_id: int) -> Any:
    """A capital call: refused when it is larger than the investor's remaining commitment."""
    return services.record_call(get_session(), current_actor(), _investor(investor_id), data)


@blp.route("/investors/<int:investor_id>/distributions", methods=["POST"])
@access("login", obj=INVESTOR_EDIT)
@blp.arguments(DistributionCreateSchema)
@blp.response(201, DistributionSchema)
def record_distribution(data: dict[str, Any], investor_id: int) -> Any:
    """A distribution: refused when it is larger than the fund's cash (the journal's bank balance) on its date, or
    than what is left of it after the payments already recorded after that date."""
    return services.record_distribution(get_session(), current_actor(), _investor(investor_id), data)


@blp.route("/investors/<int:investor_id>/capital-account", methods=["GET"])
@access("login", obj=INVESTOR_EDIT)
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, CapitalAccountSchema)
def capital_account(args: dict[str, Any], investor_id: int) -> Any:
    investor = _investor(investor_id)
    return nav.capital_accounts(get_session(), investor.fund_id, args["as_of"])[1][investor.id]


@blp.route("/funds/<int:fund_id>/nav", methods=["GET"])
@access("login", obj=FUND_EDIT)
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, NavSchema)
def fund_nav(args: dict[str, Any], fund_id: int) -> Any:
    return nav.nav(get_session(), _fund(fund_id).id, args["as_of"])


@blp.route("/funds/<int:fund_id>/expenses", methods=["GET"])
@access("login", obj=FUND_EDIT)
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, ExpensePageSchema)
def list_expenses(args: dict[str, Any], fund_id: int) -> Any:
    fund = _fund(fund_id)
    query = select(FundExpense).where(FundExpense.fund_id == fund.id).order_by(FundExpense.on.desc(), FundExpense.id)
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/expenses", methods=["POST"])
@access("login", obj=FUND_EDIT)
@blp.arguments(ExpenseCreateSchema)
@blp.response(201, ExpenseSchema)
def record_expense(data: dict[str, Any], fund_id: int) -> Any:
    return services.record_expense(get_session(), current_actor(), _fund(fund_id), data)


@blp.route("/funds/<int:fund_id>/provision-rates", methods=["GET"])
@access("login", obj=FUND_EDIT)
@blp.response(200, ProvisionRatesSchema)
def get_provision_rates(fund_id: int) -> Any:
    return provision.rates_of(get_session(), _fund(fund_id).id)


@blp.route("/funds/<int:fund_id>/provision-rates", methods=["PUT"])
@access("login", obj=FUND_EDIT)
@blp.arguments(ProvisionRatesSchema)
@blp.response(200, ProvisionRatesSchema)
def set_provision_rates(data: dict[str, Any], fund_id: int) -> Any:
    """The provision percentages per arrears bucket (defaults 1, 5, 25 and 50 %)."""
    return provision.set_rates(get_session(), current_actor(), _fund(fund_id), data)
