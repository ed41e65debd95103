"""The portfolio import page: download the workbook, upload it, see the dry run or every problem marked."""

from __future__ import annotations

import base64
import io
from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.i18n import locale_name
from fundapp.impact.spreadsheets import CellProblem, mark_errors
from fundapp.portfolio_import import export
from fundapp.portfolio_import.api import XLSX, upload_limits
from fundapp.portfolio_import.reading import Problem
from fundapp.portfolio_import.service import ImportResult, PortfolioInvalid, import_portfolio
from fundapp.web import done

bp = Blueprint("portfolio", __name__)


@bp.get("/funds/<int:fund_id>/portfolio/workbook")
@access("login", obj=(Fund, "fund_id", "edit"))
def workbook(fund_id: int) -> Any:
    """The empty workbook (?filled=1: the fund's own portfolio in it)."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    rows = export.fund_rows(get_session(), fund.id, date.today()) if request.args.get("filled") else None
    name = f"portfolio-{fund.id}.xlsx" if rows else "portfolio-import.xlsx"
    return send_file(io.BytesIO(export.build_workbook(rows)), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/funds/<int:fund_id>/portfolio/import", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def upload(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    problems: list[Problem] = []
    result: ImportResult | None = None
    marked = None
    form = request.form
    if request.method == "POST":
        data, problems = _uploaded()
        if data is not None:
            try:
                result = import_portfolio(
                    get_session(),
                    current_actor(),
                    fund,
                    data,
                    translate=_,
                    dry_run=bool(form.get("dry_run")),
                    accept_differences=bool(form.get("accept_differences")),
                    reason=form.get("reason", ""),
                    limits=upload_limits(),
                )
            except PortfolioInvalid as invalid:
                problems, marked = invalid.problems, _marked(data, invalid.problems)
            else:
                if not result.dry_run:
                    message = _(
                        "Imported %(investees)s investees, %(loans)s loans and %(repayments)s repayments.",
                        investees=result.investees,
                        loans=result.loans,
                        repayments=result.repayments,
                    )
                    return done(message, url_for("loans.loan_book", fund_id=fund.id))
    page = render_template(
        "portfolio/import.html", fund=fund, problems=problems, result=result, marked=marked, form=form
    )
    return page, (422 if problems else 200)


def _uploaded() -> tuple[bytes | None, list[Problem]]:
    try:
        upload_file = request.files.get("file")
    except RequestEntityTooLarge:
        return None, [Problem("", "", _("The file is larger than the upload limit."))]
    if upload_file is None or not upload_file.filename:
        return None, [Problem("", "", _("Choose the filled-in portfolio workbook (.xlsx) to upload."))]
    return upload_file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1), []


def _marked(data: bytes, problems: list[Problem]) -> str | None:
    """The user's own workbook with the bad cells marked and commented, as a data: URL to download."""
    try:
        cells = [CellProblem(p.sheet, p.cell, p.message) for p in problems]
        marked = mark_errors(data, cells, locale_name())
    except ValueError:
        return None
    return "data:" + XLSX + ";base64," + base64.b64encode(marked).decode("ascii")
