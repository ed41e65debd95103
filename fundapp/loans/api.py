from __future__ import annotations

from typing import Any

from flask import send_file
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from fundapp import clock
from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import is_manager_or_admin, load, visible_loans
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.listing import paginate
from fundapp.loans import portfolio as book
from fundapp.loans import services
from fundapp.loans.excel import schedule_workbook
from fundapp.loans.models import Loan, LoanEvent
from fundapp.loans.queries import load_for_detail, loan_view
from fundapp.loans.schedule import LoanTerms, TermsErrors, build_schedule
from fundapp.loans.schemas import (
    AsOfSchema,
    DisbursementSchema,
    EventSchema,
    LoanCreateSchema,
    LoanDetailSchema,
    LoanListArgsSchema,
    LoanSchema,
    LoanUpdateSchema,
    PortfolioArgsSchema,
    PortfolioSchema,
    ReasonSchema,
    RepaymentSchema,
    RestructureSchema,
    SchedulePreviewSchema,
    TermsSchema,
    WriteOffSchema,
)

blp = make_blueprint("loans", "Loans: schedules, repayments, arrears and the portfolio")
LoanPageSchema = page_schema(LoanSchema, "LoanPage")
EventPageSchema = page_schema(EventSchema, "EventPage")


@blp.route("/loans/schedule-preview", methods=["POST"])
@access("login")
@blp.arguments(TermsSchema)
@blp.response(200, SchedulePreviewSchema)
def schedule_preview(terms: dict[str, Any]) -> Any:
    """The repayment schedule these terms give; writes nothing."""
    try:
        return build_schedule(LoanTerms(**terms))
    except TermsErrors as exc:
        raise ValidationFailed(
            "These terms do not give a schedule.", [{"field": e.field, "message": e.message} for e in exc.errors]
        ) from exc


@blp.route("/loans", methods=["GET"])
@access("login")
@blp.arguments(LoanListArgsSchema, location="query")
@blp.response(200, LoanPageSchema)
@keeps_answers
def list_loans(args: dict[str, Any]) -> Any:
    # Each loan's investee for its name, in one query (not the investees' themes, goals and labels).
    query = select(Loan).where(visible_loans(current_scope())).options(selectinload(Loan.investee).lazyload("*"))
    for field in ("fund_id", "investee_id", "status"):
        if args[field] is not None:
            query = query.where(getattr(Loan, field) == args[field])
    page = paginate(get_session(), query.order_by(Loan.id), args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/loans", methods=["POST"])
@access("login", check=is_manager_or_admin)
@blp.arguments(LoanCreateSchema)
@blp.response(201, LoanSchema)
def create_loan(data: dict[str, Any]) -> Any:
    investee = load(get_session(), Investee, data.pop("investee_id"), current_scope(), "edit")
    return services.create_loan(get_session(), current_actor(), investee, data)


def _loan(loan_id: int, action: str = "view") -> Loan:
    session = get_session()
    loan = load_for_detail(session, loan_id)
    return load(session, Loan, loan.id if loan else 0, current_scope(), action)


@blp.route("/loans/<int:loan_id>", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, LoanDetailSchema)
def get_loan(args: dict[str, Any], loan_id: int) -> Any:
    """The loan, its schedule with what is paid, due and overdue, and its events, as of a date (default today)."""
    return loan_view(get_session(), _loan(loan_id), args["as_of"] or clock.today())


@blp.route("/loans/<int:loan_id>", methods=["PATCH"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(LoanUpdateSchema(partial=True))
@blp.response(200, LoanSchema)
def update_loan(data: dict[str, Any], loan_id: int) -> Any:
    return services.update_draft(get_session(), current_actor(), _loan(loan_id, "edit"), data)


@blp.route("/loans/<int:loan_id>/approve", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.response(200, LoanSchema)
def approve_loan(loan_id: int) -> Any:
    return services.approve(get_session(), current_actor(), _loan(loan_id, "edit"))


@blp.route("/loans/<int:loan_id>/disbursements", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(DisbursementSchema)
@blp.response(201, EventSchema)
def disburse(data: dict[str, Any], loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    return services.disburse(get_session(), current_actor(), loan, data["date"], data["amount"], data["reference"])


@blp.route("/loans/<int:loan_id>/repayments", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, EventPageSchema)
def list_repayments(args: dict[str, Any], loan_id: int) -> Any:
    """Repayments and recoveries, oldest first."""
    from fundapp.loans.models import EventKind

    loan = _loan(loan_id)
    query = (
        select(LoanEvent)
        .where(LoanEvent.loan_id == loan.id, LoanEvent.kind.in_([EventKind.REPAYMENT, EventKind.RECOVERY]))
        .order_by(LoanEvent.on, LoanEvent.id)
    )
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/loans/<int:loan_id>/repayments", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(RepaymentSchema)
@blp.response(201, EventSchema)
def record_repayment(data: dict[str, Any], loan_id: int) -> Any:
    """Record a repayment; the answer shows how it was allocated (oldest installment first, interest first)."""
    loan = _loan(loan_id, "edit")
    return services.record_repayment(
        get_session(), current_actor(), loan, data["date"], data["amount"], data["reference"], data["prepayment"]
    )


@blp.route("/loans/<int:loan_id>/events/<int:event_id>/reversal", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(ReasonSchema)
@blp.response(200, EventSchema)
def reverse_event(data: dict[str, Any], loan_id: int, event_id: int) -> Any:
    """Reverse a wrong repayment or recovery, with a reason; the loan is replayed without it."""
    event = load(get_session(), LoanEvent, event_id, current_scope(), "edit")
    if event.loan_id != loan_id:
        from fundapp.errors import NotFound

        raise NotFound("This payment does not belong to this loan.")
    return services.reverse_event(get_session(), current_actor(), event, data["reason"])


@blp.route("/loans/<int:loan_id>/write-off", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(WriteOffSchema)
@blp.response(201, EventSchema)
def write_off(data: dict[str, Any], loan_id: int) -> Any:
    """Write off what is outstanding (irreversible; recoveries can be recorded after it)."""
    return services.write_off(get_session(), current_actor(), _loan(loan_id, "edit"), data["date"], data["reason"])


@blp.route("/loans/<int:loan_id>/recoveries", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(DisbursementSchema)
@blp.response(201, EventSchema)
def record_recovery(data: dict[str, Any], loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    return services.record_recovery(
        get_session(), current_actor(), loan, data["date"], data["amount"], data["reference"]
    )


@blp.route("/loans/<int:loan_id>/restructure", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(RestructureSchema)
@blp.response(201, EventSchema)
def restructure(data: dict[str, Any], loan_id: int) -> Any:
    """New terms for what remains from a date; the history is kept."""
    loan = _loan(loan_id, "edit")
    on, reason = data.pop("date"), data.pop("reason")
    return services.restructure(get_session(), current_actor(), loan, on, data, reason)


@blp.route("/loans/<int:loan_id>/schedule.xlsx", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.arguments(AsOfSchema, location="query")
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
def schedule_export(args: dict[str, Any], loan_id: int) -> Any:
    """The schedule with what is paid, due and overdue, as an Excel workbook."""
    view = loan_view(get_session(), _loan(loan_id), args["as_of"] or clock.today())
    data = schedule_workbook(view)
    return send_file(
        data,
        download_name=_("loan-%(reference)s-schedule.xlsx", reference=secure_filename(view.loan.reference)),
        as_attachment=True,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@blp.route("/funds/<int:fund_id>/portfolio", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(PortfolioArgsSchema, location="query")
@blp.response(200, PortfolioSchema)
@keeps_answers
def fund_portfolio(args: dict[str, Any], fund_id: int) -> Any:
    """Disbursed, outstanding, received, PAR30/PAR90, arrears buckets, written off and XIRR as of a date."""
    return book.portfolio(get_session(), fund_id, args["as_of"] or clock.today())
