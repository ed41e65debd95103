"""The KPI workbook: the template to fill in, and the upload that checks it and stores it as a draft."""

from __future__ import annotations

import base64
import io
from typing import Any

from flask import current_app, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp.auth.access import access, current_actor
from fundapp.db import get_session
from fundapp.documents.storage import files
from fundapp.i18n import gettext as _
from fundapp.impact import spreadsheets as sheets
from fundapp.impact import submissions as subs
from fundapp.impact.api import XLSX, upload_limits
from fundapp.impact.periods import Period
from fundapp.impact.views import bp, investee_of, locale
from fundapp.investees.models import Investee
from fundapp.web import done


@bp.get("/investees/<int:investee_id>/kpi/template")
@access("login", obj=(Investee, "investee_id", "report"))
def template(investee_id: int) -> Any:
    investee = investee_of(investee_id, "report")
    context = subs.template_context(
        get_session(), investee, request.args.get("period", ""), current_app.config["SECRET_KEY"], locale()
    )
    return send_file(
        io.BytesIO(sheets.build_template(context)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=sheets.template_file_name(context),
    )


@bp.route("/investees/<int:investee_id>/kpi/upload", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "report"))
def upload(investee_id: int) -> Any:
    investee = investee_of(investee_id, "report")
    period = _asked_period(request.values.get("period"))
    problems: list[Any] = []
    marked = None
    file_name = ""
    if request.method == "POST":
        try:
            upload_file = request.files.get("file")
        except RequestEntityTooLarge:
            upload_file = None
            problems = [sheets.CellProblem("", "", _("The file is larger than the upload limit."))]
        if upload_file is None and not problems:
            problems = [sheets.CellProblem("", "", _("Choose the filled-in KPI workbook (.xlsx) to upload."))]
        if upload_file is not None:
            data = upload_file.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
            file_name = upload_file.filename or "upload.xlsx"
            try:
                submission = subs.upload(
                    get_session(),
                    current_actor(),
                    investee,
                    period,
                    data,
                    file_name,
                    current_app.config["SECRET_KEY"],
                    upload_limits(),
                    locale(),
                )
            except sheets.SpreadsheetInvalid as exc:
                problems = exc.problems
                marked = _marked_workbook(exc.checked, problems) if exc.checked else None
            else:
                files().put(data)  # the reviewer downloads what was sent (the row keeps its hash)
                return done(
                    _(
                        "Your report for %(period)s is uploaded as a draft (version %(v)s). Check it and submit it.",
                        period=submission.period,
                        v=submission.version,
                    ),
                    url_for("impact.submission", submission_id=submission.id),
                )
    return render_template(
        "impact/upload.html", investee=investee, period=period, problems=problems, marked=marked, file_name=file_name
    ), (422 if problems else 200)


def _asked_period(text: str | None) -> str | None:
    """The period the upload is for, as the dashboard's link names it; anything else is left to the workbook."""
    try:
        return str(Period.parse(text)) if text else None
    except ValueError:
        return None


def _marked_workbook(checked: sheets.CheckedUpload, problems: list[Any]) -> str | None:
    """The investee's own workbook with the bad cells marked and commented, as a data: URL to download."""
    try:
        marked = sheets.mark_errors(checked, problems, locale())
    except ValueError:
        return None
    return "data:" + XLSX + ";base64," + base64.b64encode(marked).decode("ascii")
