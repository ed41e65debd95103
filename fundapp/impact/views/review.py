"""Impact pages: the catalog, an investee's plan and reports, the KPI upload, the review, the reporting list."""

from __future__ import annotations

import base64
import io
from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import case, or_, select
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    can,
    can_see_participants,
    is_manager_or_admin,
    load,
    may_add_shared_indicator,
    visible,
    visible_indicators,
    visible_investees,
)
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import date_filter
from fundapp.impact import catalog, plans
from fundapp.impact import spreadsheets as sheets
from fundapp.impact import submissions as subs
from fundapp.impact.api import XLSX, participant_page, upload_limits
from fundapp.impact.models import Indicator, Submission, SubmissionStatus, TocLevel
from fundapp.impact.periods import Frequency, Period
from fundapp.impact.schemas import IndicatorCreateSchema, PlanIndicatorAddSchema, PlanSaveSchema, ReturnSchema
from fundapp.investees.models import Investee
from fundapp.labels import label, options
from fundapp.listing import paginate, paginate_list, sort_by
from fundapp.web import confirm_with_reason, done, handle_form, list_args, no_longer

bp = Blueprint("impact", __name__)


def _locale() -> str:
    from fundapp.i18n import locale_name

    return locale_name()


@bp.get("/indicators")
@access("login")
def indicators() -> Any:
    session = get_session()
    query = select(Indicator).where(Indicator.active.is_(True), visible_indicators(current_scope()))
    theme = request.args.get("theme") or None
    level = request.args.get("toc_level") or None
    q = (request.args.get("q") or "").strip()[:100]
    if theme:
        query = query.where(Indicator.theme_code == theme)
    if level in {t.value for t in TocLevel}:
        query = query.where(Indicator.toc_level == TocLevel(level))
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(Indicator.code.ilike(pattern), Indicator.name_nl.ilike(pattern), Indicator.name_en.ilike(pattern))
        )
    from fundapp.investees.queries import all_themes

    args = list_args("theme")
    query, sort = sort_by(query, _indicator_sorts(), args["sort"], "theme")
    page = paginate(session, query, args["page"], args["page_size"])
    return render_template(
        "impact/indicators.html",
        page=page,
        sort=sort,
        themes=all_themes(session),
        locale=_locale(),
        filters={"theme": theme, "toc_level": level, "q": q},
        levels=list(TocLevel),
        can_create=is_manager_or_admin(current_scope()),
    )


def _indicator_sorts() -> dict[str, Any]:
    # The levels in the order of the theory of change, not alphabetically.
    level = case({level: n for n, level in enumerate(TocLevel)}, value=Indicator.toc_level)
    name = Indicator.name_nl if _locale() == "nl" else Indicator.name_en
    return {
        "code": Indicator.code,
        "name": name,
        "theme": (Indicator.theme_code, level, Indicator.code),
        "level": (level, Indicator.code),
    }


@bp.route("/indicators/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def new_indicator() -> Any:
    session = get_session()
    from fundapp.impact.models import Aggregation, ValueType
    from fundapp.investees.queries import all_themes
    from fundapp.navigation import theme_name

    funds = session.scalars(select(Fund).where(visible(current_scope(), Fund, "add_indicator")).order_by(Fund.name))
    fund_options = [(f.id, f.name) for f in funds]
    fields = [
        {
            "name": "fund_id",
            "label": _("Fund"),
            "options": fund_options,
            "help": _("Leave empty (administrators) for the shared catalog."),
            "required": not may_add_shared_indicator(current_scope()),
        },
        {"name": "code", "label": _("Code"), "required": True, "help": _("Stable, e.g. SIF-LP-BUDDIES")},
        {"name": "name_nl", "label": _("Name (Dutch)"), "required": True},
        {"name": "name_en", "label": _("Name (English)"), "required": True},
        {
            "name": "theme",
            "label": _("Theme"),
            "required": True,
            "options": [(t.code, theme_name(t)) for t in all_themes(session)],
        },
        {
            "name": "toc_level",
            "label": _("Level in the theory of change"),
            "required": True,
            "options": options(list(TocLevel)),
        },
        {
            "name": "unit",
            "label": _("Unit"),
            "required": True,
            "help": _(
                "A unit code (people, households, fte, hours, eur, kg, tco2e, percent, count) is shown in each "
                "reader's language; any other word is shown as typed."
            ),
        },
        {"name": "value_type", "label": _("Value type"), "required": True, "options": options(list(ValueType))},
        {
            "name": "aggregation",
            "label": _("Aggregation across investees and periods"),
            "required": True,
            "options": options(list(Aggregation)),
        },
        {"name": "definition_nl", "label": _("Definition (Dutch)"), "type": "textarea"},
        {"name": "definition_en", "label": _("Definition (English)"), "type": "textarea"},
        {"name": "measurement_nl", "label": _("How to measure (Dutch)"), "type": "textarea"},
        {"name": "measurement_en", "label": _("How to measure (English)"), "type": "textarea"},
    ]

    def save(data: dict[str, Any]) -> Any:
        indicator = catalog.create_indicator(session, current_actor(), current_scope(), data)
        return done(_("Indicator %(code)s added.", code=indicator.code), url_for("impact.indicators"))

    initial = {
        "fund_id": fund_options[0][0] if len(fund_options) == 1 else "",
        "value_type": "integer",
        "aggregation": "sum",
        "toc_level": "output",
    }
    return handle_form(
        IndicatorCreateSchema(),
        initial,
        save,
        "form_page.html",
        title=_("New indicator"),
        fields=fields,
        back=url_for("impact.indicators"),
    )


def _investee(investee_id: int, action: str = "view") -> Investee:
    return load(get_session(), Investee, investee_id, current_scope(), action)


@bp.get("/investees/<int:investee_id>/impact")
@access("login", obj=(Investee, "investee_id", "view"))
def investee_impact(investee_id: int) -> Any:
    session = get_session()
    investee = _investee(investee_id)
    plan = plans.plan_of(session, investee)
    status = plans.reporting_status(session, [investee], date.today()) if plan else []
    args = list_args("period")
    submissions = paginate(
        session,
        select(Submission)
        .where(Submission.investee_id == investee.id)
        .order_by(Submission.period.desc(), Submission.version.desc()),
        args["page"],
        args["page_size"],
    )
    scope = current_scope()
    periods = _template_periods(plan) if plan else []
    return render_template(
        "impact/investee.html",
        investee=investee,
        plan=plan,
        status=status,
        submissions=submissions,
        periods=periods,
        locale=_locale(),
        can_edit=can(scope, "edit", investee),
        can_report=can(scope, "report", investee),
    )


def _template_periods(plan: Any) -> list[str]:
    current = Period.containing(date.today(), plan.frequency)
    first = Period.parse(plan.first_period)
    recent = [current.previous(), current, current.next()]
    return [str(p) for p in recent if p >= first or p.start >= first.start]


@bp.route("/investees/<int:investee_id>/impact/plan", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def edit_plan(investee_id: int) -> Any:
    session = get_session()
    investee = _investee(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    values: dict[str, Any] = {
        "frequency": Frequency.QUARTERLY.value,
        "first_period": str(Period.containing(date.today(), Frequency.QUARTERLY)),
        "due_days": 30,
        "problem": investee.problem,
    }
    if plan is not None:
        values = {f: getattr(plan, f) for f in plans.TOC_FIELDS} | {
            "frequency": plan.frequency.value,
            "first_period": plan.first_period,
            "due_days": plan.due_days,
        }
    fields = [
        {"name": "problem", "label": _("Problem"), "type": "textarea", "help": _("What social or ecological problem?")},
        {"name": "activities", "label": _("Activities"), "type": "textarea"},
        {
            "name": "outputs",
            "label": _("Outputs"),
            "type": "textarea",
            "help": _("What the activities directly deliver."),
        },
        {"name": "outcomes", "label": _("Outcomes"), "type": "textarea", "help": _("The change for the target group.")},
        {"name": "impact", "label": _("Impact"), "type": "textarea", "help": _("The lasting change in the city.")},
        {"name": "frequency", "label": _("Reporting"), "required": True, "options": options(list(Frequency))},
        {
            "name": "first_period",
            "label": _("First period"),
            "required": True,
            "help": _("e.g. 2026-Q1, 2026-H1, 2026"),
        },
        {"name": "due_days", "label": _("Days after the period to report"), "attrs": {"inputmode": "numeric"}},
    ]

    def save(data: dict[str, Any]) -> Any:
        plans.save_plan(session, current_actor(), investee, data)
        return done(_("Impact plan saved."), url_for("impact.investee_impact", investee_id=investee.id))

    return handle_form(
        PlanSaveSchema(),
        values,
        save,
        "form_page.html",
        title=_("Theory of change and reporting"),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
        back_label=investee.name,
    )


@bp.route("/investees/<int:investee_id>/impact/indicators/new", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def add_plan_indicator(investee_id: int) -> Any:
    session = get_session()
    investee = _investee(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    if plan is None:
        raise ValidationFailed(_("Save the theory of change first."))
    chosen = {pi.indicator_id for pi in plan.indicators}
    choices = [
        (i.code, f"{i.code} · {i.name(_locale())}")
        for i in catalog.catalog_for_fund(session, investee.fund_id)
        if i.id not in chosen
    ]
    fields = [
        {"name": "indicator_code", "label": _("Indicator"), "required": True, "options": choices},
        {"name": "baseline", "label": _("Baseline (nulmeting)"), "attrs": {"inputmode": "decimal"}},
        {"name": "baseline_note", "label": _("Baseline source or date")},
    ]

    def save(data: dict[str, Any]) -> Any:
        indicator = session.scalar(select(Indicator).where(Indicator.code == data["indicator_code"]))
        if indicator is None:
            raise ValidationFailed.field("indicator_code", _("Choose an indicator from the list."))
        plans.add_indicator(
            session, current_actor(), plan, indicator, data["baseline"], data["baseline_note"], data["allow_negative"]
        )
        return done(_("Indicator added to the plan."), url_for("impact.investee_impact", investee_id=investee.id))

    return handle_form(
        PlanIndicatorAddSchema(),
        {},
        save,
        "form_page.html",
        title=_("Add an indicator"),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
    )


@bp.route("/investees/<int:investee_id>/impact/indicators/<code>/target", methods=["GET", "POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
def set_target(investee_id: int, code: str) -> Any:
    import marshmallow as ma

    from fundapp.impact.schemas import PeriodField, QuantityField

    session = get_session()
    investee = _investee(investee_id, "edit")
    plan = plans.plan_of(session, investee)
    if plan is None:
        raise ValidationFailed(_("Save the theory of change first."))
    item = plans.find_plan_indicator(plan, code)
    schema = ma.Schema.from_dict({"period": PeriodField(required=True), "target": QuantityField(required=True)})()
    fields = [
        {"name": "period", "label": _("Period"), "required": True, "help": _("e.g. 2026-Q1")},
        {"name": "target", "label": _("Target"), "required": True, "attrs": {"inputmode": "decimal"}},
    ]

    def save(data: dict[str, Any]) -> Any:
        plans.set_target(session, current_actor(), item, data["period"], data["target"])
        return done(_("Target saved."), url_for("impact.investee_impact", investee_id=investee.id))

    period = str(Period.containing(date.today(), plan.frequency))
    return handle_form(
        schema,
        {"period": period},
        save,
        "form_page.html",
        title=_("Target for %(name)s", name=item.indicator.name(_locale())),
        fields=fields,
        back=url_for("impact.investee_impact", investee_id=investee.id),
    )


@bp.get("/investees/<int:investee_id>/kpi/template")
@access("login", obj=(Investee, "investee_id", "report"))
def template(investee_id: int) -> Any:
    investee = _investee(investee_id, "report")
    context = subs.template_context(
        get_session(), investee, request.args.get("period", ""), current_app.config["SECRET_KEY"], _locale()
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
    investee = _investee(investee_id, "report")
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
                    request.form.get("period") or None,
                    data,
                    file_name,
                    current_app.config["SECRET_KEY"],
                    upload_limits(),
                    _locale(),
                )
            except sheets.SpreadsheetInvalid as exc:
                problems = exc.problems
                marked = _marked_workbook(exc.checked, problems) if exc.checked else None
            else:
                return done(
                    _(
                        "Your report for %(period)s is uploaded as a draft (version %(v)s). Check it and submit it.",
                        period=submission.period,
                        v=submission.version,
                    ),
                    url_for("impact.submission", submission_id=submission.id),
                )
    return render_template(
        "impact/upload.html", investee=investee, problems=problems, marked=marked, file_name=file_name
    ), (422 if problems else 200)


def _marked_workbook(checked: sheets.CheckedUpload, problems: list[Any]) -> str | None:
    """The investee's own workbook with the bad cells marked and commented, as a data: URL to download."""
    try:
        marked = sheets.mark_errors(checked, problems, _locale())
    except ValueError:
        return None
    return "data:" + XLSX + ";base64," + base64.b64encode(marked).decode("ascii")


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
        lines=subs.review_lines(session, sub, _locale()),
        versions=subs.versions(session, sub.investee_id, sub.period),
        participants=participants,
        q=args["q"] or "",
        show_participants=show_participants,
        can_submit=can(scope, "submit", sub) and sub.status == SubmissionStatus.DRAFT,
        can_review=can(scope, "review", sub) and sub.status == SubmissionStatus.SUBMITTED,
        SubmissionStatus=SubmissionStatus,
    )


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


# The reporting list is computed per investee and period; each key ends in the row's own order, so ties keep theirs.
REPORTING_SORTS: dict[str, Any] = {
    "investee": lambda r: (r.investee_name.lower(), r.investee_id, Period.parse(r.period).start),
    "period": lambda r: (Period.parse(r.period).start, r.investee_name.lower(), r.investee_id),
    "due": lambda r: (r.due_on, r.investee_name.lower(), r.investee_id),
    "status": lambda r: (r.state, r.investee_name.lower(), r.investee_id, Period.parse(r.period).start),
}


@bp.get("/funds/<int:fund_id>/reporting")
@access("login", obj=(Fund, "fund_id", "view"))
def reporting(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    investees = list(
        session.scalars(
            select(Investee)
            .where(Investee.fund_id == fund.id, visible_investees(current_scope()))
            .order_by(Investee.name)
        )
    )
    rows = plans.reporting_status(session, investees, date.today())
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
    return render_template(
        "impact/reporting.html",
        fund=fund,
        sort=sort,
        page=paginate_list(shown, args["page"], args["page_size"]),
        counts=counts,
        wanted=wanted,
        missing_plans=[i for i in investees if i.id not in {r.investee_id for r in rows}],
    )
