"""A KPI report under review: its values and participants, the uploaded file, submit, approve, return; the
fund's reporting list."""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from typing import Any

from flask import render_template, request, send_file, url_for
from sqlalchemy import select

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    can,
    can_see_participants,
    load,
    require,
    visible_investees,
)
from fundapp.db import get_session
from fundapp.documents.storage import FileMissing, files
from fundapp.errors import NotFound
from fundapp.funds.models import Fund
from fundapp.i18n import date_filter
from fundapp.i18n import gettext as _
from fundapp.impact import plans
from fundapp.impact import submissions as subs
from fundapp.impact.api import XLSX, participant_page
from fundapp.impact.models import Submission, SubmissionStatus
from fundapp.impact.periods import Period
from fundapp.impact.schemas import ReturnSchema
from fundapp.impact.views import bp, locale
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.labels import label
from fundapp.listing import paginate_list
from fundapp.web import confirm_with_reason, done, list_args, no_longer


@bp.get("/kpi-submissions/<int:submission_id>")
@access("login", obj=(Submission, "submission_id", "view"))
def submission(submission_id: int) -> Any:
    session = get_session()
    sub = load(session, Submission, submission_id, current_scope())
    scope = current_scope()
    show_participants = can_see_participants(scope, sub.investee)
    args = list_args("row")
    participants = (
        participant_page(session, sub, args["page"], args["page_size"], args["q"]) if show_participants else None
    )
    return render_template(
        "impact/submission.html",
        submission=sub,
        lines=subs.review_lines(session, sub, locale()),
        versions=subs.versions(session, sub.investee_id, sub.period),
        participants=participants,
        q=args["q"] or "",
        show_participants=show_participants,
        # The workbook holds the participant rows: only who may see them downloads it.
        file_kept=show_participants and files().exists(sub.file_sha256),
        can_submit=can(scope, "submit", sub) and sub.status == SubmissionStatus.DRAFT,
        can_review=can(scope, "review", sub) and sub.status == SubmissionStatus.SUBMITTED,
        SubmissionStatus=SubmissionStatus,
    )


@bp.get("/kpi-submissions/<int:submission_id>/file")
@access("login", obj=(Submission, "submission_id", "view"))
def submission_file(submission_id: int) -> Any:
    """The workbook as it was uploaded. It holds the participant rows, so the policy's participants rule decides."""
    sub = load(get_session(), Submission, submission_id, current_scope())
    require(current_scope(), "participants", sub.investee)
    try:
        data = files().get(sub.file_sha256)
    except FileMissing as exc:
        raise NotFound("The uploaded file of this report was not kept.") from exc
    name = sub.file_name or f"kpi-{sub.period}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


def _stale(sub: Submission, step: str) -> Any | None:
    """The page of a step the report can no longer take goes back to the report, saying why (None: it applies)."""
    why = None
    if sub.status == SubmissionStatus.APPROVED:
        why = _("This report was already approved on %(date)s.", date=date_filter(sub.reviewed_at, "long"))
    elif sub.status == SubmissionStatus.RETURNED:
        why = _("This report was returned for correction on %(date)s.", date=date_filter(sub.reviewed_at, "long"))
    elif (sub.status, step) not in subs.TRANSITIONS:
        why = _("This report is %(status)s. %(why)s", status=label(sub.status), why=_(subs.REFUSALS[step]))
    return no_longer(why, url_for("impact.submission", submission_id=sub.id))


@bp.route("/kpi-submissions/<int:submission_id>/submit", methods=["GET", "POST"])
@access("login", obj=(Submission, "submission_id", "submit"))
def submit(submission_id: int) -> Any:
    sub = load(get_session(), Submission, submission_id, current_scope(), "submit")
    if gone := _stale(sub, "submit"):
        return gone
    back = url_for("impact.submission", submission_id=sub.id)
    if request.method == "POST":
        subs.submit(get_session(), current_actor(), sub)
        return done(_("Report submitted for review. It is locked until the fund has reviewed it."), back)
    return render_template(
        "confirm.html",
        title=_("Submit report"),
        button=_("Submit for review"),
        button_class="primary",
        back=back,
        action=url_for("impact.submit", submission_id=sub.id),
        question=_(
            "Submit the %(period)s report (version %(v)s) for review? You cannot change it "
            "afterwards unless the fund returns it.",
            period=sub.period,
            v=sub.version,
        ),
    )


@bp.route("/kpi-submissions/<int:submission_id>/approve", methods=["GET", "POST"])
@access("login", obj=(Submission, "submission_id", "review"))
def approve(submission_id: int) -> Any:
    sub = load(get_session(), Submission, submission_id, current_scope(), "review")
    if gone := _stale(sub, "approve"):
        return gone
    back = url_for("impact.submission", submission_id=sub.id)
    if request.method == "POST":
        subs.approve(get_session(), current_actor(), sub)
        return done(_("Report approved."), back)
    return render_template(
        "confirm.html",
        title=_("Approve report"),
        button=_("Approve"),
        button_class="primary",
        back=back,
        action=url_for("impact.approve", submission_id=sub.id),
        question=_(
            "Approve the %(period)s report of %(name)s? Approved figures count in the "
            "reports, and outcome events become results to verify.",
            period=sub.period,
            name=sub.investee.name,
        ),
    )


@bp.route("/kpi-submissions/<int:submission_id>/return", methods=["GET", "POST"])
@access("login", obj=(Submission, "submission_id", "review"))
def return_report(submission_id: int) -> Any:
    sub = load(get_session(), Submission, submission_id, current_scope(), "review")
    if gone := _stale(sub, "return"):
        return gone
    return confirm_with_reason(
        ReturnSchema(),
        lambda reason: subs.return_for_correction(get_session(), current_actor(), sub, reason),
        _("Report returned to the investee."),
        url_for("impact.submission", submission_id=sub.id),
        _("What needs correcting"),
        title=_("Return report"),
        button=_("Return for correction"),
        question=_(
            "Return the %(period)s report to %(name)s for correction?", period=sub.period, name=sub.investee.name
        ),
    )


@lru_cache(maxsize=1024)
def _start(label: str) -> date:
    """A period's first day; a fund's list holds thousands of rows of a few dozen periods."""
    return Period.parse(label).start


# The reporting list is computed per investee and period; each key ends in the row's own order, so ties keep theirs.
REPORTING_SORTS: dict[str, Any] = {
    "investee": lambda r: (r.investee_name.lower(), r.investee_id, _start(r.period)),
    "period": lambda r: (_start(r.period), r.investee_name.lower(), r.investee_id),
    "due": lambda r: (r.due_on, r.investee_name.lower(), r.investee_id),
    "status": lambda r: (r.state, r.investee_name.lower(), r.investee_id, _start(r.period)),
}


@bp.get("/funds/<int:fund_id>/reporting")
@access("login", obj=(Fund, "fund_id", "view"))
@keeps_answers
def reporting(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    # Ids and names are all the list needs (not each investee's themes, goals and labels).
    listed = (Investee.fund_id == fund.id, visible_investees(current_scope()))
    investees = session.execute(select(Investee.id, Investee.name).where(*listed).order_by(Investee.name)).all()
    rows = plans.reporting_status(session, investees, clock.today(), select(Investee.id).where(*listed))
    wanted = request.args.get("state") or None
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    shown = [
        r for r in rows if (wanted is None and r.state != "approved" and r.state != "not_due_yet") or r.state == wanted
    ]
    args = list_args("investee")
    sort = args["sort"] if args["sort"].lstrip("-") in REPORTING_SORTS else "investee"
    shown.sort(key=REPORTING_SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    planned = {r.investee_id for r in rows}
    return render_template(
        "impact/reporting.html",
        fund=fund,
        sort=sort,
        page=paginate_list(shown, args["page"], args["page_size"]),
        counts=counts,
        wanted=wanted,
        missing_plans=[i for i in investees if i.id not in planned],
    )
