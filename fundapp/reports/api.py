"""Reports through the API: the investee's impact report, the fund report and the municipal report."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from fundapp.api import make_blueprint
from fundapp.auth.access import access, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.impact.periods import Period, PeriodError
from fundapp.investees.models import Investee
from fundapp.payers.models import OutcomePayer
from fundapp.reports import documents

blp = make_blueprint("reports", "Reports: impact report, fund report, municipal report (HTML, PDF, Excel)")


def _valid_period(text: str) -> None:
    try:
        Period.parse(text)
    except PeriodError as exc:
        raise ma.ValidationError(str(exc)) from exc


PERIOD_HELP = "2026, 2026-H1 or 2026-Q1 (a year covers its halves and quarters); default: the current year"


class InvesteeReportArgsSchema(ma.Schema):
    period = ma.fields.String(load_default=None, validate=_valid_period, metadata={"description": PERIOD_HELP})
    format = ma.fields.String(
        load_default="pdf",
        validate=ma.validate.OneOf(documents.INVESTEE_FORMATS),
        metadata={"description": "html, pdf or xlsx"},
    )


class FileReportArgsSchema(ma.Schema):
    period = ma.fields.String(load_default=None, validate=_valid_period, metadata={"description": PERIOD_HELP})
    format = ma.fields.String(
        load_default="pdf", validate=ma.validate.OneOf(documents.FILE_FORMATS), metadata={"description": "pdf or xlsx"}
    )


def _files(*kinds: str) -> dict[str, Any]:
    content = {
        "html": {"text/html": {"schema": {"type": "string"}}},
        "pdf": {documents.PDF: {"schema": {"type": "string", "format": "binary"}}},
        "xlsx": {documents.XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }
    merged: dict[str, Any] = {}
    for kind in kinds:
        merged.update(content[kind])
    return {"responses": {"200": {"description": "The report", "content": merged}}}


@blp.route("/investees/<int:investee_id>/impact-report", methods=["GET"])
@access("login", obj=(Investee, "investee_id", "view"))
@blp.arguments(InvesteeReportArgsSchema, location="query")
@blp.doc(**_files("html", "pdf", "xlsx"))
def investee_impact_report(args: dict[str, Any], investee_id: int) -> Any:
    """The investee's impact report for a period: theory of change, indicators, trends, SDGs, payments, value, loans."""
    investee = load(get_session(), Investee, investee_id, current_scope())
    return documents.investee_document(investee, args["period"], args["format"])


@blp.route("/funds/<int:fund_id>/report", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(FileReportArgsSchema, location="query")
@blp.doc(**_files("pdf", "xlsx"))
def fund_report(args: dict[str, Any], fund_id: int) -> Any:
    """The fund report: investors, loan book as of the period's end, impact rolled up, outcome payments."""
    fund = load(get_session(), Fund, fund_id, current_scope())
    return documents.fund_document(fund, args["period"], args["format"])


@blp.route("/payers/<int:payer_id>/report", methods=["GET"])
@access("login", obj=(OutcomePayer, "payer_id", "view"))
@blp.arguments(FileReportArgsSchema, location="query")
@blp.doc(**_files("pdf", "xlsx"))
def payer_report(args: dict[str, Any], payer_id: int) -> Any:
    """The municipal report: contracts, outcomes by item, payments, budget use, cost per outcome, social value."""
    payer = load(get_session(), OutcomePayer, payer_id, current_scope())
    return documents.payer_document(payer, args["period"], args["format"])
