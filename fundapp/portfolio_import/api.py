"""A fund's portfolio as a workbook: export it, import one (all or nothing)."""

from __future__ import annotations

import io
from typing import Any

import marshmallow as ma
from flask import current_app, send_file
from flask_smorest.fields import Upload

from fundapp import clock
from fundapp.api import make_blueprint
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext
from fundapp.impact.spreadsheets.model import Limits
from fundapp.portfolio_import import export, layout
from fundapp.portfolio_import.service import ImportResult, PortfolioInvalid, import_portfolio
from fundapp.validation import MoneyField, TrimmedString

blp = make_blueprint("portfolio", "A fund's portfolio as a workbook: export, and import into another fund")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportArgsSchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={"description": "check and replay, import nothing"})
    accept_differences = ma.fields.Boolean(
        load_default=False, metadata={"description": "book each difference as an adjustment on its cut-over date"}
    )
    reason = TrimmedString(load_default="", validate=ma.validate.Length(max=2000))


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "the filled-in portfolio workbook (.xlsx)"})


class DifferenceSchema(ma.Schema):
    loan_reference = ma.fields.String()
    sheet = ma.fields.String()
    cell = ma.fields.String()
    cut_over_date = ma.fields.Date()
    fund_figure = MoneyField(metadata={"description": "the fund's own outstanding principal on the cut-over date"})
    replayed = MoneyField(metadata={"description": "replayed from the loan's terms and repayments"})
    difference = MoneyField(min_value=None, metadata={"description": "fund figure − replayed"})


class ImportResultSchema(ma.Schema):
    investees = ma.fields.Integer()
    loans = ma.fields.Integer()
    repayments = ma.fields.Integer()
    differences = ma.fields.List(ma.fields.Nested(DifferenceSchema))
    dry_run = ma.fields.Boolean()


@blp.route("/funds/<int:fund_id>/portfolio-export.xlsx", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
def portfolio_export(fund_id: int) -> Any:
    """The fund's investees, loans (terms), repayments and outstanding principal today, in the import workbook."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    data = export.build_workbook(export.fund_rows(get_session(), fund.id, clock.today()))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"portfolio-{fund.id}.xlsx")


@blp.route("/funds/<int:fund_id>/portfolio-imports", methods=["POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(ImportArgsSchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, ImportResultSchema)
def portfolio_import(args: dict[str, Any], files: dict[str, Any], fund_id: int) -> Any:
    """Import a filled portfolio workbook. All or nothing: any problem, or a difference between the replayed and
    the fund's outstanding principal not accepted, answers 422 invalid_spreadsheet with every problem by sheet and
    cell (and the differences); nothing is stored."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    data = files["file"].read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    return run_import(fund, data, args["dry_run"], args["accept_differences"], args["reason"])


def run_import(fund: Fund, data: bytes, dry_run: bool, accept: bool, reason: str) -> ImportResult:
    try:
        return import_portfolio(
            get_session(),
            current_actor(),
            fund,
            data,
            translate=gettext,
            dry_run=dry_run,
            accept_differences=accept,
            reason=reason,
            limits=upload_limits(),
        )
    except PortfolioInvalid as invalid:
        raise invalid_portfolio(invalid) from invalid


def upload_limits() -> Limits:
    return Limits(
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        max_uncompressed_bytes=current_app.config["MAX_UNCOMPRESSED_UPLOAD_BYTES"],
        max_rows=layout.MAX_ROWS,
    )


def invalid_portfolio(invalid: PortfolioInvalid) -> ValidationFailed:
    """Every problem by sheet and cell; a difference's cell also carries both figures and the difference."""
    differences = {(d.sheet, d.cell): DifferenceSchema().dump(d) for d in invalid.differences}
    return ValidationFailed(
        "The portfolio workbook has problems; nothing was imported. Correct them and upload it again.",
        [
            {"sheet": p.sheet, "cell": p.cell, "message": p.message} | differences.get((p.sheet, p.cell), {})
            for p in invalid.problems
        ],
        code="invalid_spreadsheet",
    )
