"""Loan pages: the fund's portfolio (its loans, grants and guarantees), a loan with its schedule and events, and
the actions on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import clock
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, is_manager_or_admin, load, visible_loans
from fundapp.banking import page_parts as bank_parts
from fundapp.cofinancing import views as cofinancing_views
from fundapp.db import get_session
from fundapp.errors import NotFound
from fundapp.fragments import fragment
from fundapp.funds.models import Fund
from fundapp.i18n import date_filter, number
from fundapp.i18n import gettext as _
from fundapp.instruments import sections as instrument_sections
from fundapp.instruments import views as equity_views
from fundapp.investees.models import Investee
from fundapp.investees.queries import editable_investees
from fundapp.kept_answers import keeps_answers
from fundapp.labels import label, options
from fundapp.listing import paginate
from fundapp.loans import book_list, services
from fundapp.loans import portfolio as book
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.loans.queries import DETAIL_OPTIONS, load_for_detail, loan_view
from fundapp.loans.schedule import Amortization, DayCount, Frequency, LoanTerms, TermsErrors, build_schedule
from fundapp.loans.schemas import (
    DisbursementSchema,
    LoanCreateSchema,
    LoanUpdateSchema,
    ReasonSchema,
    RepaymentSchema,
    RestructureSchema,
    TermsSchema,
    WriteOffSchema,
)
from fundapp.loans.servicing import Prepayment
from fundapp.pipeline.queries import application_of
from fundapp.web import (
    as_of_arg,
    as_typed_values,
    confirm_with_reason,
    done,
    handle_form,
    list_args,
    load_form,
    no_longer,
)

bp = Blueprint("loans", __name__)


@bp.get("/funds/<int:fund_id>/loans")
@access("login", obj=(Fund, "fund_id", "view"))
@keeps_answers
def loan_book(fund_id: int) -> Any:
    session = get_session()
    fund = load(session, Fund, fund_id, current_scope())
    as_of = as_of_arg()
    filters = book_list.read_filters(request.args)
    # The filter's choices (ids and names), hundreds of them: read and rendered once per version of the data.
    investee_filter = fragment(
        session,
        "loans/_investee_filter.html",
        (fund.id, filters.investee_id),
        lambda: {
            "investees": session.execute(
                select(Investee.id, Investee.name).where(Investee.fund_id == fund.id).order_by(Investee.name)
            ).all(),
            "selected": filters.investee_id,
        },
    )
    can_edit = can(current_scope(), "edit", fund)
    return render_template(
        "loans/book.html",
        fund=fund,
        as_of=as_of,
        summary_part=fragment(
            session,
            "loans/_book_summary.html",
            (fund.id, as_of),
            lambda: {"summary": book.portfolio(session, fund.id, as_of)},
        ),
        # The same for everyone who may see the fund: its sort and page links keep the request's own arguments.
        loans_part=fragment(
            session,
            "loans/_book_loans.html",
            (fund.id, as_of, tuple(request.args.items(multi=True))),
            lambda: _book_loans(session, fund, as_of, filters),
        ),
        portfolio_part=fragment(
            session,
            "instruments/_portfolio.html",
            (fund.id, can_edit, clock.today()),
            lambda: {"can_edit": can_edit, **instrument_sections.portfolio(session, fund.id)},
        ),
        investee_filter=investee_filter,
        filters={"status": filters.status, "investee_id": filters.investee_id, "bucket": filters.arrears},
        statuses=list(LoanStatus),
        buckets=book.BUCKETS,
        more_than=book_list.MORE_THAN,
        can_edit=can_edit,
    )


def _book_loans(session: Session, fund: Fund, as_of: date, filters: book_list.BookFilters) -> dict[str, Any]:
    args = list_args("reference")
    rows = book_list.book_page(session, fund.id, as_of, filters, args["sort"], args["page"], args["page_size"])
    return {
        "fund": fund,
        "page": rows.page,
        "sort": rows.sort,
        "as_of": as_of,
        "outstanding": rows.outstanding,
        "arrears": rows.arrears,
        "next_due": rows.next_due,
        "summary": book.portfolio(session, fund.id, as_of),
        "buckets": book.BUCKETS,
        **equity_views.fund_section(fund, as_of),
    }


def _loan(loan_id: int, action: str = "view") -> Loan:
    session = get_session()
    if action == "view":  # one query for the row, with the rule, as the route's guard asked (DETAIL_OPTIONS)
        return load(session, Loan, loan_id, current_scope(), action, DETAIL_OPTIONS)
    loan = load_for_detail(session, loan_id)
    if loan is None:
        raise NotFound("Not found, or not yours to see.")
    return load(session, Loan, loan.id, current_scope(), action)


def _stale(loan: Loan, step: str) -> Any | None:
    """The page of a step the loan can no longer take goes back to the loan, saying why (None: the step applies)."""
    why = None
    if (loan.status, step) not in services.TRANSITIONS:
        why = _("This loan is %(status)s. %(why)s", status=label(loan.status), why=_(services.REFUSALS[step]))
    elif step == "disburse" and loan.undisbursed <= 0:
        why = _("The whole principal of this loan has been disbursed.")
    return no_longer(why, url_for("loans.detail", loan_id=loan.id))


@bp.get("/loans/<int:loan_id>")
@access("login", obj=(Loan, "loan_id", "view", DETAIL_OPTIONS))
@keeps_answers
def detail(loan_id: int) -> Any:
    loan = _loan(loan_id)
    session = get_session()
    view = loan_view(session, loan, as_of_arg())
    can_edit = can(current_scope(), "edit", loan)
    history = {"view": view, "loan": loan, "can_edit": can_edit, "EventKind": EventKind, "term_lines": term_lines}
    return render_template(
        "loans/detail.html",
        view=view,
        schedule=fragment(session, "loans/_schedule.html", (loan.id, view.as_of), lambda: {"view": view}),
        history=fragment(session, "loans/_history.html", (loan.id, can_edit), lambda: history),
        loan=loan,
        can_edit=can_edit,
        LoanStatus=LoanStatus,
        **bank_parts.loan(get_session(), current_scope(), loan),
        **cofinancing_views.loan_part(current_scope(), loan),
        **equity_views.loan_section(loan),
        from_application=application_of(get_session(), current_scope(), "loan_id", loan.id),
    )


def term_lines(terms: dict[str, Any]) -> list[tuple[str, str]]:
    """A restructuring's or rate change's new terms as a person reads them: labels, not field names."""
    labels = {
        "number_of_installments": _("Number of installments"),
        "annual_rate": _("Annual interest rate (%)"),
        "frequency": _("Frequency"),
        "amortization": _("Amortization"),
        "grace_periods": _("Grace on principal (installments)"),
        "first_due_date": _("First due date"),
    }
    shown: dict[str, Callable[[Any], str]] = {
        "annual_rate": number,
        "first_due_date": date_filter,
        "frequency": label,
        "amortization": label,
    }
    return [
        (labels.get(key, key), shown.get(key, str)(value)) for key, value in terms.items() if value not in (None, "")
    ]


def _term_fields() -> list[dict[str, Any]]:
    return [
        {"name": "principal", "label": _("Principal (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
        {
            "name": "annual_interest_rate",
            "label": _("Annual interest rate (%)"),
            "required": True,
            "attrs": {"inputmode": "decimal"},
        },
        {"name": "disbursement_date", "label": _("Disbursement date"), "type": "date", "required": True},
        {
            "name": "first_due_date",
            "label": _("First due date"),
            "type": "date",
            "help": _("Leave empty: one period after disbursement."),
        },
        {
            "name": "number_of_installments",
            "label": _("Number of installments"),
            "required": True,
            "attrs": {"inputmode": "numeric"},
        },
        {"name": "frequency", "label": _("Frequency"), "required": True, "options": options(list(Frequency))},
        {"name": "amortization", "label": _("Amortization"), "required": True, "options": options(list(Amortization))},
        {
            "name": "grace_on_principal",
            "label": _("Grace on principal (installments)"),
            "help": _("Leading installments that pay interest only."),
            "attrs": {"inputmode": "numeric"},
        },
        {
            "name": "day_count",
            "label": _("Day count"),
            "required": True,
            "options": [(d.value, d.value) for d in DayCount],
        },
        {
            "name": "installment_multiple",
            "label": _("Round installments to a multiple of"),
            "help": _("0.01 rounds to the cent; 1 or 5 give round installments."),
        },
    ]


def loan_fields(investees: list[tuple[int, str]] | None = None, new: bool = False) -> list[dict[str, Any]]:
    """A loan's form: the terms and what else a draft holds (a new loan also names its investee, unless it is given,
    and its reference)."""
    fields: list[dict[str, Any]] = []
    if investees is not None:
        fields.append({"name": "investee_id", "label": _("Investee"), "required": True, "options": investees})
    if investees is not None or new:
        fields.append({"name": "reference", "label": _("Reference"), "help": _("Leave empty for the next number.")})
    return (
        fields
        + _term_fields()
        + [
            {"name": "purpose", "label": _("Purpose"), "type": "textarea"},
            {"name": "subordinated", "label": _("Subordinated"), "type": "checkbox"},
            {
                "name": "impact_discount_points",
                "label": _("Impact-linked discount (percentage points)"),
                "help": _("Optional: the rate drops by this much once the indicator below meets its target."),
                "attrs": {"inputmode": "decimal"},
            },
            {
                "name": "impact_indicator_code",
                "label": _("Indicator that earns the discount"),
                "help": _("An indicator code of the investee's impact plan, e.g. LP-EMPLOYED-HEADCOUNT."),
            },
        ]
    )


DEFAULT_TERMS = {
    "frequency": "monthly",
    "amortization": "annuity",
    "grace_on_principal": "0",
    "day_count": "30/360",
    "installment_multiple": Decimal("0.01"),
}


@bp.route("/loans/new", methods=["GET", "POST"])
@access("login", check=is_manager_or_admin)
def create() -> Any:
    session = get_session()
    choices = editable_investees(session, current_scope())

    def save(data: dict[str, Any]) -> Any:
        investee = load(session, Investee, data.pop("investee_id"), current_scope(), "edit")
        loan = services.create_loan(session, current_actor(), investee, data)
        return done(_("Loan %(ref)s created as a draft.", ref=loan.reference), url_for("loans.detail", loan_id=loan.id))

    values = {**DEFAULT_TERMS, "investee_id": request.args.get("investee_id", "")}
    return handle_form(
        LoanCreateSchema(),
        values,
        save,
        "form_page.html",
        title=_("New loan"),
        fields=loan_fields(choices),
        back=url_for("home.index"),
        submit=_("Create draft loan"),
    )


def _loan_values(loan: Loan) -> dict[str, Any]:
    return {
        "principal": loan.principal,
        "annual_interest_rate": loan.annual_rate,
        "disbursement_date": loan.disbursement_date.isoformat(),
        "first_due_date": loan.first_due_date.isoformat() if loan.first_due_date else "",
        "number_of_installments": loan.number_of_installments,
        "frequency": loan.frequency.value,
        "amortization": loan.amortization.value,
        "grace_on_principal": loan.grace_periods,
        "day_count": loan.day_count.value,
        "installment_multiple": loan.installment_multiple,
        "purpose": loan.purpose,
        "subordinated": loan.subordinated,
        "impact_discount_points": loan.impact_discount_points,
        "impact_indicator_code": loan.impact_indicator_code,
    }


@bp.route("/loans/<int:loan_id>/edit", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def edit(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "edit"):
        return gone

    def save(data: dict[str, Any]) -> Any:
        services.update_draft(get_session(), current_actor(), loan, data)
        return done(_("Loan terms saved."), url_for("loans.detail", loan_id=loan.id))

    return handle_form(
        LoanUpdateSchema(),
        _loan_values(loan),
        save,
        "form_page.html",
        title=_("Edit terms of %(ref)s", ref=loan.reference),
        fields=loan_fields(),
        back=url_for("loans.detail", loan_id=loan.id),
    )


@bp.route("/loans/<int:loan_id>/approve", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def approve(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "approve"):
        return gone
    if request.method == "POST":
        services.approve(get_session(), current_actor(), loan)
        return done(_("Loan approved."), url_for("loans.detail", loan_id=loan.id))
    return render_template(
        "confirm.html",
        title=_("Approve loan"),
        button=_("Approve"),
        button_class="primary",
        question=_(
            "Approve loan %(ref)s of %(amount)s to %(name)s? Its terms are fixed from then on.",
            ref=loan.reference,
            amount=_money(loan.principal),
            name=loan.investee.name,
        ),
        action=url_for("loans.approve", loan_id=loan.id),
        back=url_for("loans.detail", loan_id=loan.id),
    )


def _money(amount: Any) -> str:
    from fundapp.i18n import money

    return money(amount)


def _event_form(
    loan: Loan,
    schema: Any,
    title: str,
    fields: list[dict[str, Any]],
    action: Any,
    message: str,
    values: dict[str, Any] | None = None,
    **extra: Any,
) -> Any:
    def save(data: dict[str, Any]) -> Any:
        action(data)
        return done(message, url_for("loans.detail", loan_id=loan.id))

    return handle_form(
        schema,
        values or {"date": clock.today().isoformat()},
        save,
        "form_page.html",
        title=title,
        fields=fields,
        back=url_for("loans.detail", loan_id=loan.id),
        back_label=loan.reference,
        **extra,
    )


DATE_FIELD = {"name": "date", "type": "date", "required": True}


@bp.route("/loans/<int:loan_id>/disburse", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def disburse(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "disburse"):
        return gone
    fields: list[dict[str, Any]] = [
        {**DATE_FIELD, "label": _("Date")},
        {
            "name": "amount",
            "label": _("Amount (EUR)"),
            "required": True,
            "attrs": {"inputmode": "decimal"},
            "help": _("Still to disburse: %(amount)s", amount=_money(loan.undisbursed)),
        },
        {"name": "reference", "label": _("Reference")},
    ]
    return _event_form(
        loan,
        DisbursementSchema(),
        _("Disburse %(ref)s", ref=loan.reference),
        fields,
        lambda d: services.disburse(get_session(), current_actor(), loan, d["date"], d["amount"], d["reference"]),
        _("Disbursement recorded; the schedule was planned."),
        {"date": clock.today().isoformat(), "amount": loan.undisbursed},
    )


@bp.route("/loans/<int:loan_id>/repay", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def repay(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "repay"):
        return gone
    fields: list[dict[str, Any]] = [
        {**DATE_FIELD, "label": _("Date received")},
        {"name": "amount", "label": _("Amount (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
        {"name": "reference", "label": _("Reference (e.g. bank statement)")},
        {
            "name": "prepayment",
            "label": _("If more is paid than is due"),
            "required": True,
            "options": options(list(Prepayment)),
            "help": _("What remains after all due installments is a prepayment of principal."),
        },
    ]
    return _event_form(
        loan,
        RepaymentSchema(),
        _("Record a repayment on %(ref)s", ref=loan.reference),
        fields,
        lambda d: services.record_repayment(
            get_session(), current_actor(), loan, d["date"], d["amount"], d["reference"], d["prepayment"]
        ),
        _("Repayment recorded."),
        {"date": clock.today().isoformat(), "prepayment": Prepayment.LOWER_INSTALLMENTS.value},
    )


@bp.route("/loans/<int:loan_id>/recover", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def recover(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "recover"):
        return gone
    fields: list[dict[str, Any]] = [
        {**DATE_FIELD, "label": _("Date received")},
        {"name": "amount", "label": _("Amount (EUR)"), "required": True, "attrs": {"inputmode": "decimal"}},
        {"name": "reference", "label": _("Reference")},
    ]
    return _event_form(
        loan,
        DisbursementSchema(),
        _("Record a recovery on %(ref)s", ref=loan.reference),
        fields,
        lambda d: services.record_recovery(
            get_session(), current_actor(), loan, d["date"], d["amount"], d["reference"]
        ),
        _("Recovery recorded."),
    )


@bp.route("/loans/<int:loan_id>/write-off", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def write_off(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "write_off"):
        return gone
    fields: list[dict[str, Any]] = [
        {**DATE_FIELD, "label": _("Date")},
        {"name": "reason", "label": _("Reason"), "type": "textarea", "required": True},
    ]
    return _event_form(
        loan,
        WriteOffSchema(),
        _("Write off %(ref)s", ref=loan.reference),
        fields,
        lambda d: services.write_off(get_session(), current_actor(), loan, d["date"], d["reason"]),
        _("Loan written off."),
        danger=True,
        submit=_("Write off"),
        warning=_(
            "Writing off %(amount)s outstanding cannot be undone. Recoveries can be recorded afterwards.",
            amount=_money(loan.outstanding_principal),
        ),
    )


@bp.route("/loans/<int:loan_id>/restructure", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def restructure(loan_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    if gone := _stale(loan, "restructure"):
        return gone
    fields: list[dict[str, Any]] = [
        {**DATE_FIELD, "label": _("From date")},
        {
            "name": "number_of_installments",
            "label": _("Remaining installments"),
            "required": True,
            "attrs": {"inputmode": "numeric"},
        },
        {
            "name": "annual_interest_rate",
            "label": _("New annual interest rate (%)"),
            "help": _("Leave empty to keep %(rate)s %%.", rate=loan.annual_rate.normalize()),
        },
        {"name": "frequency", "label": _("Frequency"), "options": options(list(Frequency))},
        {"name": "amortization", "label": _("Amortization"), "options": options(list(Amortization))},
        {
            "name": "grace_on_principal",
            "label": _("Grace on principal (installments)"),
            "attrs": {"inputmode": "numeric"},
        },
        {"name": "first_due_date", "label": _("First new due date"), "type": "date"},
        {"name": "reason", "label": _("Reason"), "type": "textarea", "required": True},
    ]

    def act(d: dict[str, Any]) -> Any:
        on, reason = d.pop("date"), d.pop("reason")
        return services.restructure(get_session(), current_actor(), loan, on, d, reason)

    return _event_form(
        loan,
        RestructureSchema(),
        _("Restructure %(ref)s", ref=loan.reference),
        fields,
        act,
        _("Loan restructured; the earlier schedule stays in the history."),
        {"date": clock.today().isoformat(), "grace_on_principal": "0"},
        intro=_("What is outstanding, with any arrears, is planned anew from this date."),
    )


@bp.route("/loans/<int:loan_id>/events/<int:event_id>/reverse", methods=["GET", "POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
def reverse(loan_id: int, event_id: int) -> Any:
    loan = _loan(loan_id, "edit")
    event = load(get_session(), LoanEvent, event_id, current_scope(), "edit")
    if event.loan_id != loan.id:
        raise NotFound("This payment does not belong to this loan.")
    if event.reversed_at is not None:
        why = _(
            "This payment was already reversed on %(date)s: %(reason)s",
            date=date_filter(event.reversed_at, "long"),
            reason=event.reversal_reason,
        )
        if gone := no_longer(why, url_for("loans.detail", loan_id=loan.id)):
            return gone
    if gone := _stale(loan, "reverse"):
        return gone
    return confirm_with_reason(
        ReasonSchema(),
        lambda reason: services.reverse_event(get_session(), current_actor(), event, reason),
        _("Payment reversed; the loan was recalculated without it."),
        url_for("loans.detail", loan_id=loan.id),
        _("Reason"),
        title=_("Reverse a payment"),
        button=_("Reverse payment"),
        question=_(
            "Reverse the %(kind)s of %(amount)s on %(date)s (%(ref)s)? It stays in the history, marked reversed.",
            kind=str(options([event.kind])[0][1]),
            amount=_money(event.amount),
            date=date_filter(event.on, "long"),
            ref=event.reference or "–",
        ),
    )


@bp.route("/loans/preview", methods=["GET", "POST"])
@access("login")
def preview() -> Any:
    """A schedule calculator: weigh an offer before logging a loan. Writes nothing."""
    schedule = None
    errors: dict[str, list[str]] = {}
    values: Any = as_typed_values({**DEFAULT_TERMS, "disbursement_date": clock.today().isoformat()})
    if request.method == "POST":
        form = load_form(TermsSchema())
        values, errors = form.raw, form.errors
        if form.ok:
            try:
                schedule = build_schedule(LoanTerms(**form.loaded))
            except TermsErrors as exc:
                errors = {e.field: [e.message] for e in exc.errors}
    return render_template(
        "loans/preview.html", schedule=schedule, values=values, errors=errors, fields=_term_fields()
    ), (422 if errors else 200)


@bp.get("/investees/<int:investee_id>/loans")
@access("login", obj=(Investee, "investee_id", "view"))
@keeps_answers
def investee_loans(investee_id: int) -> Any:
    session = get_session()
    investee = load(session, Investee, investee_id, current_scope())
    args = list_args("reference")
    query = select(Loan).where(Loan.investee_id == investee.id, visible_loans(current_scope())).order_by(Loan.id)
    page = paginate(session, query, args["page"], args["page_size"])
    as_of = clock.today()
    ids = [loan.id for loan in page.items]
    return render_template(
        "loans/investee_loans.html",
        investee=investee,
        page=page,
        as_of=as_of,
        arrears=book.loan_arrears(session, ids, as_of),
        next_due=book.next_due(session, ids, as_of),
        can_create=can(current_scope(), "edit", investee),
    )
