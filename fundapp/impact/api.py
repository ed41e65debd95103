from __future__ import annotations

import io
from typing import Any

import marshmallow as ma
from flask import current_app, send_file
from flask_smorest.fields import Upload
from sqlalchemy import or_, select

from fundapp import clock
from fundapp.api import PageArgsSchema, PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can_see_participants, is_manager_or_admin, load, visible_indicators, visible_investees
from fundapp.db import get_session
from fundapp.documents.storage import files
from fundapp.errors import NotFound, ValidationFailed
from fundapp.funds.models import Fund
from fundapp.impact import catalog, plans
from fundapp.impact import spreadsheets as sheets
from fundapp.impact import submissions as subs
from fundapp.impact.models import Indicator, Participant, Submission
from fundapp.impact.schemas import (
    IndicatorCreateSchema,
    IndicatorListArgsSchema,
    IndicatorSchema,
    ParticipantSchema,
    PlanIndicatorAddSchema,
    PlanSaveSchema,
    PlanSchema,
    ReportingStatusSchema,
    ReturnSchema,
    SubmissionSchema,
    TemplateArgsSchema,
    UploadSchema,
)
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.listing import Page, paginate, paginate_list, search_clause
from fundapp.participants import normalise_reference

blp = make_blueprint("impact", "Impact: indicator catalog, impact plans, KPI templates and submissions")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IndicatorPageSchema = page_schema(IndicatorSchema, "IndicatorPage")
SubmissionPageSchema = page_schema(SubmissionSchema, "SubmissionPage")
ParticipantPageSchema = page_schema(ParticipantSchema, "ParticipantPage")
ReportingStatusPageSchema = page_schema(ReportingStatusSchema, "ReportingStatusPage")


class FileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "the filled-in KPI template (.xlsx)"})


@blp.route("/indicators", methods=["GET"])
@access("login")
@blp.arguments(IndicatorListArgsSchema, location="query")
@blp.response(200, IndicatorPageSchema)
def list_indicators(args: dict[str, Any]) -> Any:
    query = select(Indicator).where(Indicator.active.is_(True), visible_indicators(current_scope()))
    if args["theme"]:
        query = query.where(Indicator.theme_code == args["theme"])
    if args["toc_level"]:
        query = query.where(Indicator.toc_level == args["toc_level"])
    if args["q"]:
        pattern = f"%{args['q'].lower()}%"
        query = query.where(
            or_(Indicator.code.ilike(pattern), Indicator.name_nl.ilike(pattern), Indicator.name_en.ilike(pattern))
        )
    page = paginate(
        get_session(), query.order_by(Indicator.theme_code, Indicator.code), args["page"], args["page_size"]
    )
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/indicators", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(IndicatorCreateSchema)
@blp.response(201, IndicatorSchema)
def create_indicator(data: dict[str, Any]) -> Any:
    """A fund's own indicator (fund_id), or, for an administrator, one for the shared catalog."""
    return catalog.create_indicator(get_session(), current_actor(), current_scope(), data)


@blp.route("/investees/<int:investee_id>/impact-plan", methods=["GET"])
@access("login", obj=(Investee, "investee_id", "view"))
@blp.response(200, PlanSchema)
def get_plan(investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope())
    plan = plans.plan_of(get_session(), investee)
    if plan is None:
        raise NotFound("This investee has no impact plan yet.")
    return plan


@blp.route("/investees/<int:investee_id>/impact-plan", methods=["PUT"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(PlanSaveSchema)
@blp.response(200, PlanSchema)
def save_plan(data: dict[str, Any], investee_id: int) -> Any:
    """Create or update the theory of change and the reporting schedule."""
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return plans.save_plan(get_session(), current_actor(), investee, data)


@blp.route("/investees/<int:investee_id>/impact-plan/indicators", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(PlanIndicatorAddSchema)
@blp.response(201, PlanSchema)
def add_plan_indicator(data: dict[str, Any], investee_id: int) -> Any:
    """Add an indicator to the plan with its baseline and targets per period."""
    session = get_session()
    investee = load(session, Investee, investee_id, current_scope(), "edit")
    plan = plans.plan_of(session, investee)
    if plan is None:
        raise ValidationFailed.field("indicator_code", "Save the impact plan (theory of change) first.")
    indicator = session.scalar(select(Indicator).where(Indicator.code == data["indicator_code"].strip().upper()))
    if indicator is None:
        raise ValidationFailed.field("indicator_code", f"There is no indicator {data['indicator_code']}.")
    item = plans.add_indicator(
        session, current_actor(), plan, indicator, data["baseline"], data["baseline_note"], data["allow_negative"]
    )
    for period, target in sorted(data["targets"].items()):
        plans.set_target(session, current_actor(), item, period, target)
    return plan


@blp.route("/investees/<int:investee_id>/kpi-template", methods=["GET"])
@access("login", obj=(Investee, "investee_id", "report"))
@blp.arguments(TemplateArgsSchema, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
def kpi_template(args: dict[str, Any], investee_id: int) -> Any:
    """The KPI workbook made for this investee and period: fill it in and upload it."""
    investee = load(get_session(), Investee, investee_id, current_scope(), "report")
    context = subs.template_context(
        get_session(), investee, args["period"], current_app.config["SECRET_KEY"], _language()
    )
    data = sheets.build_template(context)
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=sheets.template_file_name(context),
    )


def _language() -> str:
    from fundapp.i18n import locale_name

    return locale_name()


@blp.route("/investees/<int:investee_id>/kpi-submissions", methods=["GET"])
@access("login", obj=(Investee, "investee_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, SubmissionPageSchema)
@keeps_answers
def list_submissions(args: dict[str, Any], investee_id: int) -> Any:
    query = (
        select(Submission).where(Submission.investee_id == investee_id).order_by(Submission.period, Submission.version)
    )
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/investees/<int:investee_id>/kpi-submissions", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "report"))
@blp.arguments(UploadSchema, location="query")
@blp.arguments(FileSchema, location="files")
@blp.response(201, SubmissionSchema)
def upload_submission(args: dict[str, Any], files: dict[str, Any], investee_id: int) -> Any:
    """Upload a filled-in KPI template. All or nothing: any problem answers 422 invalid_spreadsheet listing
    every problem with its sheet and cell, and stores nothing."""
    investee = load(get_session(), Investee, investee_id, current_scope(), "report")
    upload = files["file"]
    data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    return store_upload(investee, args.get("period"), data, upload.filename or "upload.xlsx")


def store_upload(investee: Investee, period: str | None, data: bytes, file_name: str) -> Submission:
    limits = upload_limits()
    try:
        submission = subs.upload(
            get_session(),
            current_actor(),
            investee,
            period,
            data,
            file_name,
            current_app.config["SECRET_KEY"],
            limits,
            _language(),
        )
    except sheets.SpreadsheetInvalid as exc:
        raise invalid_spreadsheet(exc.problems) from exc
    files().put(data)  # kept by its hash, which the submission records
    return submission


def upload_limits() -> sheets.Limits:
    return sheets.Limits(
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        max_uncompressed_bytes=current_app.config["MAX_UNCOMPRESSED_UPLOAD_BYTES"],
    )


def invalid_spreadsheet(problems: list[Any]) -> ValidationFailed:
    return ValidationFailed(
        "The spreadsheet has problems; nothing was stored. Correct them and upload it again.",
        [{"sheet": p.sheet, "cell": p.cell, "message": p.message} for p in problems],
        code="invalid_spreadsheet",
    )


@blp.route("/kpi-submissions/<int:submission_id>", methods=["GET"])
@access("login", obj=(Submission, "submission_id", "view"))
@blp.response(200, SubmissionSchema)
def get_submission(submission_id: int) -> Any:
    return load(get_session(), Submission, submission_id, current_scope())


@blp.route("/kpi-submissions/<int:submission_id>/participants", methods=["GET"])
@access("login", obj=(Submission, "submission_id", "view"))
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ParticipantPageSchema)
def list_participants(args: dict[str, Any], submission_id: int) -> Any:
    """Participant rows in sheet order, a page at a time (q: part of a reference). Personal data: visible to the
    investee, its fund's managers and contracting payers only."""
    session = get_session()
    submission = load(session, Submission, submission_id, current_scope())
    if not can_see_participants(current_scope(), submission.investee):
        raise NotFound("Not found, or not yours to see.")
    page = participant_page(session, submission, args["page"], args["page_size"], args["q"])
    return page_of(page.items, page.total, page.page, page.page_size)


def participant_page(session: Any, submission: Submission, page: int, page_size: int, q: str | None = None) -> Page:
    """One page of a report's participant rows with their events, by day then code (2 queries, whatever the
    report's size)."""
    query = select(Participant).where(Participant.submission_id == submission.id)
    clause = search_clause([Participant.reference], normalise_reference(q) if q else None)
    if clause is not None:
        query = query.where(clause)
    rows = paginate(session, query.order_by(Participant.row), page, page_size)
    items = [
        {
            "reference": p.reference,
            "start_date": p.start_date,
            "benefit_type": p.benefit_type,
            "months_on_benefit": p.months_on_benefit,
            "hours_per_week": p.hours_per_week,
            "events": [{"code": code, "date": day} for day, code in sorted((day, code) for code, day in p.events)],
        }
        for p in rows.items
    ]
    return Page(items, rows.total, page, page_size)


@blp.route("/kpi-submissions/<int:submission_id>/submit", methods=["POST"])
@access("login", obj=(Submission, "submission_id", "submit"))
@blp.response(200, SubmissionSchema)
def submit_submission(submission_id: int) -> Any:
    """Submit a draft for review; it is then locked for the investee."""
    submission = load(get_session(), Submission, submission_id, current_scope(), "submit")
    return subs.submit(get_session(), current_actor(), submission)


@blp.route("/kpi-submissions/<int:submission_id>/approve", methods=["POST"])
@access("login", obj=(Submission, "submission_id", "review"))
@blp.response(200, SubmissionSchema)
def approve_submission(submission_id: int) -> Any:
    submission = load(get_session(), Submission, submission_id, current_scope(), "review")
    return subs.approve(get_session(), current_actor(), submission)


@blp.route("/kpi-submissions/<int:submission_id>/return", methods=["POST"])
@access("login", obj=(Submission, "submission_id", "review"))
@blp.arguments(ReturnSchema)
@blp.response(200, SubmissionSchema)
def return_submission(data: dict[str, Any], submission_id: int) -> Any:
    """Return a submitted report to the investee with the reason; they upload a corrected version."""
    submission = load(get_session(), Submission, submission_id, current_scope(), "review")
    return subs.return_for_correction(get_session(), current_actor(), submission, data["reason"])


@blp.route("/funds/<int:fund_id>/reporting-status", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, ReportingStatusPageSchema)
def reporting_status(args: dict[str, Any], fund_id: int) -> Any:
    """Per investee of the fund: each reporting period due, overdue or awaiting review."""
    session = get_session()
    investees = list(
        session.scalars(
            select(Investee)
            .where(Investee.fund_id == fund_id, visible_investees(current_scope()))
            .order_by(Investee.name)
        )
    )
    page = paginate_list(plans.reporting_status(session, investees, clock.today()), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


UPLOAD_ENDPOINTS = {"api_impact.upload_submission", "impact.upload"}


def too_large_as_spreadsheet_problem(endpoint: str | None) -> Any:
    """An upload over the limit on a KPI endpoint answers like any other spreadsheet problem."""
    limit_mb = current_app.config["MAX_UPLOAD_BYTES"] / (1024 * 1024)
    if endpoint in UPLOAD_ENDPOINTS:
        return invalid_spreadsheet(
            [sheets.CellProblem("", "", f"The file is larger than the limit of {limit_mb:.0f} MB.")]
        )
    return None
