"""The portfolio import page: download the workbook, upload it; the import's page: its progress, then the dry run's
figures, the counts, or every problem with the workbook marked."""

from __future__ import annotations

import base64
import io
from typing import Any

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.documents.storage import FileMissing, files
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import locale_name
from fundapp.portfolio_import import export
from fundapp.portfolio_import.api import XLSX
from fundapp.portfolio_import.jobs import outcome, queue_import
from fundapp.portfolio_import.models import PortfolioImport
from fundapp.portfolio_import.reading import Problem
from fundapp.web import done

bp = Blueprint("portfolio", __name__)
REFRESH_SECONDS = 3  # how often the page of an unfinished import looks again


@bp.get("/funds/<int:fund_id>/portfolio/workbook")
@access("login", obj=(Fund, "fund_id", "edit"))
def workbook(fund_id: int) -> Any:
    """The empty workbook (?filled=1: the fund's own portfolio in it)."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    rows = export.fund_rows(get_session(), fund.id, clock.today()) if request.args.get("filled") else None
    name = f"portfolio-{fund.id}.xlsx" if rows else "portfolio-import.xlsx"
    return send_file(io.BytesIO(export.build_workbook(rows)), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/funds/<int:fund_id>/portfolio/import", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def upload(fund_id: int) -> Any:
    """The upload goes to the job queue (a large portfolio takes longer than a request); its page shows the outcome."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    problems: list[Problem] = []
    form = request.form
    if request.method == "POST":
        data, problems = _uploaded()
        if data is not None:
            row = queue_import(
                get_session(),
                current_actor(),
                fund,
                data,
                request.files["file"].filename or "",
                dry_run=bool(form.get("dry_run")),
                accept_differences=bool(form.get("accept_differences")),
                reason=form.get("reason", ""),
                locale=locale_name(),
            )
            return done(
                _("The workbook is uploaded and waits its turn."), url_for("portfolio.status", import_id=row.id)
            )
    page = render_template("portfolio/import.html", fund=fund, problems=problems, result=None, marked=None, form=form)
    return page, (422 if problems else 200)


@bp.get("/portfolio-imports/<int:import_id>")
@access("login", obj=(PortfolioImport, "import_id", "view"))
def status(import_id: int) -> Any:
    """Queued or running (the page refreshes itself), then the counts, the differences or every problem."""
    row = load(get_session(), PortfolioImport, import_id, current_scope(), "view")
    result, problems = outcome(row)
    marked = _marked((row.result or {}).get("marked_sha256"))
    return render_template(
        "portfolio/import_status.html",
        row=row,
        fund=get_session().get(Fund, row.fund_id),
        result=result,
        problems=problems,
        marked=marked,
        refresh_seconds=REFRESH_SECONDS,
    )


def _uploaded() -> tuple[bytes | None, list[Problem]]:
    try:
        upload_file = request.files.get("file")
    except RequestEntityTooLarge:
        return None, [Problem("", "", _("The file is larger than the upload limit."))]
    if upload_file is None or not upload_file.filename:
        return None, [Problem("", "", _("Choose the filled-in portfolio workbook (.xlsx) to upload."))]
    return upload_file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1), []


def _marked(sha256: str | None) -> str | None:
    """The user's own workbook with the bad cells marked and commented, as a data: URL to download."""
    if not sha256:
        return None
    try:
        marked = files().get(sha256)
    except FileMissing:
        return None
    return "data:" + XLSX + ";base64," + base64.b64encode(marked).decode("ascii")
