from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load, visible_funds
from fundapp.banking import page_parts as bank_parts
from fundapp.capital import nav as capital_nav
from fundapp.capital.models import Investor
from fundapp.db import get_session
from fundapp.funds import services
from fundapp.funds.models import Fund
from fundapp.funds.revolving import revolving
from fundapp.funds.schemas import FundCreateSchema
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.listing import paginate, search_clause, sort_by
from fundapp.web import as_of_arg, done, handle_form, list_args

bp = Blueprint("funds", __name__, url_prefix="/funds")
SORTABLE = {"name": Fund.name, "region": Fund.region, "created": Fund.created_at}


@bp.get("/")
@access("login")
def index() -> Any:
    args = list_args("name")
    query = (
        select(Fund)
        .where(visible_funds(current_scope()))
        .options(selectinload(Fund.investors).selectinload(Investor.calls))
    )
    clause = search_clause([Fund.name, Fund.region], args["q"])
    if clause is not None:
        query = query.where(clause)
    query, sort = sort_by(query, SORTABLE, args["sort"], "name")
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return render_template("funds/list.html", page=page, sort=sort, q=args["q"] or "")


@bp.get("/<int:fund_id>")
@access("login")
def detail(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    # The investors' paid-in capital sums their calls: read them all at once, not per investor.
    session.scalars(
        select(Fund)
        .where(Fund.id == fund.id)
        .options(selectinload(Fund.investors).selectinload(Investor.calls))
        .execution_options(populate_existing=True)
    ).one()
    args = list_args("name")
    investees = paginate(
        session,
        select(Investee).where(Investee.fund_id == fund.id).order_by(Investee.name, Investee.id),
        args["page"],
        args["page_size"],
    )
    can_edit = can(current_scope(), "edit", fund)
    return render_template(
        "funds/detail.html",
        fund=fund,
        investees=investees,
        can_edit=can_edit,
        # The NAV is for the fund's managers only (its investors' money).
        nav=capital_nav.nav(session, fund.id, clock.today()) if can_edit else None,
        **bank_parts.fund(session, current_scope(), fund),
    )


@bp.get("/<int:fund_id>/revolving")
@access("login", obj=(Fund, "fund_id", "view"))
def revolving_view(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    as_of = as_of_arg()
    return render_template("funds/revolving.html", fund=fund, as_of=as_of, years=revolving(session, fund.id, as_of))


def _fund_values(fund: Fund) -> dict[str, Any]:
    return {
        "name": fund.name,
        "region": fund.region,
        "description": fund.description,
        "founded_on": fund.founded_on.isoformat() if fund.founded_on else "",
        "creditor_id": fund.creditor_id or "",
        "auto_book_exact_matches": fund.auto_book_exact_matches,
        "disbursement_threshold": "" if fund.disbursement_threshold is None else fund.disbursement_threshold,
    }


@bp.route("/new", methods=["GET", "POST"])
@access("admin")
def create() -> Any:
    def save(data: dict[str, Any]) -> Any:
        fund = services.create_fund(get_session(), current_actor(), data)
        return done(_("Fund created."), url_for("funds.detail", fund_id=fund.id))

    return handle_form(FundCreateSchema(), {}, save, "funds/form.html", fund=None)


@bp.route("/<int:fund_id>/edit", methods=["GET", "POST"])
@access("login")
def edit(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")

    def save(data: dict[str, Any]) -> Any:
        services.update_fund(get_session(), current_actor(), current_scope(), fund, data)
        return done(_("Fund saved."), url_for("funds.detail", fund_id=fund.id))

    return handle_form(FundCreateSchema(), _fund_values(fund), save, "funds/form.html", fund=fund)
