"""The fund report's files built in the background: ask for one, watch its progress, download it when done."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, render_template, url_for
from werkzeug.utils import secure_filename

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.db import get_session
from fundapp.documents.storage import FileMissing, files
from fundapp.errors import Conflict, NotFound, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import locale_name
from fundapp.reports import background
from fundapp.reports.models import ReportFile
from fundapp.web import done, load_form

bp = Blueprint("report_files", __name__)
REFRESH_SECONDS = 3


@bp.post("/reports/funds/<int:fund_id>/files")
@access("login", obj=(Fund, "fund_id", "view"))
def request_file(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    form = load_form(background.RequestSchema())
    if not form.ok:
        raise ValidationFailed(
            _("This file cannot be prepared."),
            details=[{"field": name, "message": " ".join(messages)} for name, messages in form.errors.items()],
        )
    row = background.request_file(session, current_actor(), fund, form.loaded, locale_name())
    return done(
        _("The file is being prepared; this page shows when it is ready."),
        url_for("report_files.detail", report_file_id=row.id),
    )


@bp.get("/report-files/<int:report_file_id>")
@access("login", obj=(ReportFile, "report_file_id", "view"))
def detail(report_file_id: int) -> Any:
    session = get_session()
    row = load(session, ReportFile, report_file_id, current_scope())
    return render_template("reports/file.html", file=row, fund=session.get(Fund, row.fund_id), refresh=REFRESH_SECONDS)


@bp.get("/report-files/<int:report_file_id>/download")
@access("login", obj=(ReportFile, "report_file_id", "view"))
def download(report_file_id: int) -> Any:
    row = load(get_session(), ReportFile, report_file_id, current_scope())
    if row.state != "done" or row.sha256 is None:
        raise Conflict(_("This file is not ready yet."))
    try:
        chunks = files().stream(row.sha256)
    except FileMissing as exc:
        raise NotFound(_("The file is missing from the store.")) from exc
    response = Response(chunks, mimetype=background.CONTENT_TYPES[row.kind], direct_passthrough=True)
    response.headers["Content-Length"] = str(row.size)
    fallback = secure_filename(row.name) or f"report.{row.kind}"
    response.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(row.name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
