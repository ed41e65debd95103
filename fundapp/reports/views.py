"""Report pages: pick a period, read the report, download it as PDF or Excel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, visible_funds, visible_investees, visible_payers
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.listing import search_clause
from fundapp.payers.models import OutcomePayer
from fundapp.reports import documents
from fundapp.reports.background import in_request, recent_files
from fundapp.web import done

bp = Blueprint("reports", __name__, url_prefix="/reports")
LIST_LIMIT = 200


def _asked() -> tuple[str | None, str]:
    return request.args.get("period") or None, (request.args.get("format") or "html").lower()


@bp.get("/report.css")
@access("public")
def stylesheet() -> Any:
    """The reports' layout for the page (the Content-Security-Policy allows no inline styles); the PDF inlines it."""
    response = Response(render_template("reports/report.css"), mimetype="text/css")
    response.cache_control.max_age = 3600
    response.cache_control.public = True
    return response


@bp.get("/")
@access("login")
def index() -> Any:
    """The reports this user may get, with a period to ask for."""
    scope = current_scope()
    session = get_session()
    q = (request.args.get("q") or "").strip()[:100]
    investees = select(Investee).where(visible_investees(scope)).order_by(Investee.name)
    clause = search_clause([Investee.name, Investee.municipality], q)
    if clause is not None:
        investees = investees.where(clause)
    return render_template(
        "reports/index.html",
        funds=session.scalars(select(Fund).where(visible_funds(scope)).order_by(Fund.name)).all(),
        payers=session.scalars(select(OutcomePayer).where(visible_payers(scope)).order_by(OutcomePayer.name)).all(),
        investees=session.scalars(investees.limit(LIST_LIMIT)).all(),
        limit=LIST_LIMIT,
        q=q,
        period=request.args.get("period") or str(clock.today().year),
    )


@bp.get("/investees/<int:investee_id>")
@access("login", obj=(Investee, "investee_id", "view"))
def investee(investee_id: int) -> Any:
    subject = load(get_session(), Investee, investee_id, current_scope())
    period, fmt = _asked()
    documents.check_format(fmt, documents.INVESTEE_FORMATS)
    if fmt == "html":
        return documents.investee_page(subject, period)
    return documents.investee_document(subject, period, fmt)


@bp.get("/funds/<int:fund_id>")
@access("login", obj=(Fund, "fund_id", "view"))
def fund(fund_id: int) -> Any:
    session = get_session()
    subject = load(session, Fund, fund_id, current_scope())
    period, fmt = _asked()
    documents.check_format(fmt, documents.INVESTEE_FORMATS)
    direct = in_request(session, subject)
    if fmt == "html":
        return documents.fund_page(subject, period, recent_files(session, subject, current_actor()), direct)
    if not direct:
        return done(
            _("This fund's report is too large to build while you wait: have the file prepared in the background."),
            url_for("reports.fund", fund_id=fund_id, period=period, _anchor="report-files"),
            "warning",
        )
    return documents.fund_document(subject, period, fmt)


@bp.get("/payers/<int:payer_id>")
@access("login", obj=(OutcomePayer, "payer_id", "view"))
def payer(payer_id: int) -> Any:
    subject = load(get_session(), OutcomePayer, payer_id, current_scope())
    period, fmt = _asked()
    documents.check_format(fmt, documents.INVESTEE_FORMATS)
    if fmt == "html":
        return documents.payer_page(subject, period)
    return documents.payer_document(subject, period, fmt)
