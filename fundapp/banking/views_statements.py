"""Pages for bank statements: import, the statements, one statement, the transactions waiting for a decision."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import can, load
from fundapp.banking import booking
from fundapp.banking import statements_import as importing
from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, TransactionStatus
from fundapp.banking.statement_schemas import BookSchema, SetAsideSchema
from fundapp.banking.transactions import (
    OPEN,
    account_statements,
    account_transactions,
    fund_accounts,
    statement_counts,
    transaction_items,
)
from fundapp.db import get_session
from fundapp.errors import AppError
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.labels import label
from fundapp.listing import paginate
from fundapp.loans.models import Loan, LoanStatus
from fundapp.messages import N_
from fundapp.payers.models import OutcomePayer
from fundapp.web import app_error_to_form, confirm_with_reason, done, list_args, load_form

bp = Blueprint("bank_statements", __name__)
STATUS_FILTERS = {"open": OPEN, "all": (), **{s.value: (s,) for s in TransactionStatus}}


@bp.get("/funds/<int:fund_id>/bank-statements")
@access("login", obj=(Fund, "fund_id", "view"))
def index(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope())
    return statements_page(fund, fund_accounts(fund.id), can(current_scope(), "edit", fund))


def statements_page(owner: Fund | OutcomePayer, accounts: Any, can_edit: bool) -> Any:
    session = get_session()
    args = list_args("imported")
    page = paginate(session, account_statements(accounts), args["page"], args["page_size"])
    return render_template(
        "banking/statements.html",
        **links(owner),
        page=page,
        counts=statement_counts(session, [s.id for s in page.items]),
        can_edit=can_edit,
    )


@bp.route("/funds/<int:fund_id>/bank-statements/upload", methods=["GET", "POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
def upload(fund_id: int) -> Any:
    return upload_page(load(get_session(), Fund, fund_id, current_scope(), "edit"))


def upload_page(owner: Fund | OutcomePayer) -> Any:
    """Import a statement of one of the owner's accounts: all or nothing, a refusal says what and where."""
    session = get_session()
    problem: importing.StatementRefused | None = None
    if request.method == "POST":
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        try:
            upload_file = request.files.get("file")
        except RequestEntityTooLarge:
            upload_file, problem = None, importing.too_large(limit / (1024 * 1024))
        if upload_file is None and problem is None:
            problem = importing.StatementRefused(
                N_("Choose the statement file to import."), [{"element": "file", "message": "no file"}]
            )
        if upload_file is not None:
            data = upload_file.read(limit + 1)
            try:
                if len(data) > limit:
                    raise importing.too_large(limit / (1024 * 1024))
                statement = importing.import_statement(
                    session, current_actor(), owner, data, upload_file.filename or ""
                )
            except importing.StatementRefused as exc:
                problem = exc
            else:
                figures = importing.summary(session, statement)
                return done(
                    _(
                        "Statement imported: %(new)s new transactions (%(duplicates)s imported before), "
                        "%(matched)s matched, %(unmatched)s to look at.",
                        **{k: figures[k] for k in ("new", "duplicates", "matched", "unmatched")},
                    ),
                    url_for("bank_statements.detail", statement_id=statement.id),
                )
    return render_template(
        "banking/upload.html",
        **links(owner),
        problem=problem,
        message=problem.in_language(_) if problem else "",
        accounts=owner_ibans(session, owner),
    ), (422 if problem else 200)


def owner_ibans(session: Any, owner: Fund | OutcomePayer) -> list[str]:
    column = BankAccount.fund_id if isinstance(owner, Fund) else BankAccount.payer_id
    return list(session.scalars(select(BankAccount.iban).where(column == owner.id).order_by(BankAccount.id)))


def links(owner: Fund | OutcomePayer) -> dict[str, Any]:
    """Where a fund's or a payer's bank pages lead: its own page, its statements, importing one, its transactions."""
    is_fund = isinstance(owner, Fund)
    endpoint = "bank_statements" if is_fund else "payer_statements"
    argument: dict[str, Any] = {"fund_id": owner.id} if is_fund else {"payer_id": owner.id}
    return {
        "owner": owner,
        "is_fund": is_fund,
        "owner_url": url_for("funds.detail" if is_fund else "payers.detail", **argument),
        "statements_url": url_for(f"{endpoint}.index", **argument),
        "upload_url": url_for(f"{endpoint}.upload", **argument),
        "transactions_url": url_for(f"{endpoint}.transactions", **argument),
    }


def owner_of(session: Any, account: BankAccount) -> Fund | OutcomePayer:
    """The fund or payer whose account it is: statements are only ever imported for their own accounts."""
    owner = session.get(Fund, account.fund_id) if account.fund_id else session.get(OutcomePayer, account.payer_id)
    if owner is None:
        raise LookupError(f"bank account {account.id} has no fund or payer")
    return owner


@bp.get("/bank-statements/<int:statement_id>")
@access("login", obj=(BankStatement, "statement_id", "view"))
def detail(statement_id: int) -> Any:
    session = get_session()
    statement = load(session, BankStatement, statement_id, current_scope())
    args = list_args("date")
    page = paginate(
        session, account_transactions([statement.bank_account_id], None, statement.id), args["page"], args["page_size"]
    )
    return render_template(
        "banking/statement.html",
        **links(owner_of(session, statement.account)),
        statement=statement,
        figures=importing.summary(session, statement),
        page=page,
        items=transaction_items(session, page.items),
        can_edit=can(current_scope(), "edit", statement),
        warnings=[_warning_text(w) for w in statement.warnings or []],
    )


def _warning_text(warning: dict[str, Any]) -> str:
    template, params = warning.get("template") or warning.get("message", ""), warning.get("params") or {}
    try:
        return _(template) % params if params else _(template)
    except (KeyError, TypeError, ValueError):
        return str(warning.get("message", ""))


@bp.get("/funds/<int:fund_id>/bank-transactions")
@access("login", obj=(Fund, "fund_id", "view"))
def transactions(fund_id: int) -> Any:
    fund = load(get_session(), Fund, fund_id, current_scope())
    return transactions_page(fund, fund_accounts(fund.id), can(current_scope(), "edit", fund))


def transactions_page(owner: Fund | OutcomePayer, accounts: Any, can_edit: bool) -> Any:
    session = get_session()
    status = request.args.get("status") or "open"
    status = status if status in STATUS_FILTERS else "open"
    args = list_args("date")
    query = account_transactions(accounts, STATUS_FILTERS[status], None)
    page = paginate(session, query, args["page"], args["page_size"])
    return render_template(
        "banking/transactions.html",
        **links(owner),
        page=page,
        items=transaction_items(session, page.items),
        status=status,
        statuses=list(STATUS_FILTERS),
        status_label=status_label,
        can_edit=can_edit,
    )


def status_label(key: str) -> str:
    return {"open": _("to look at"), "all": _("all")}.get(key) or label(key)


def _next(default: str) -> str:
    target = request.form.get("next") or request.args.get("next") or ""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def _loan_choices(session: Any, fund_id: int) -> list[tuple[int, str]]:
    loans = session.execute(
        select(Loan.id, Loan.reference, Loan.status)
        .where(Loan.fund_id == fund_id, Loan.status.in_([LoanStatus.ACTIVE, LoanStatus.WRITTEN_OFF]))
        .order_by(Loan.reference)
    )
    return [(loan_id, f"{ref} ({label(status)})") for loan_id, ref, status in loans]


def _booking_problem(exc: AppError) -> dict[str, list[str]]:
    """Why it could not be booked, beside the loan chosen (a loan's status, a double booking)."""
    errors = app_error_to_form(exc)
    return errors if "loan_id" in errors else {"loan_id": [exc.message]}


@bp.route("/bank-transactions/<int:transaction_id>/book", methods=["GET", "POST"])
@access("login", obj=(BankTransaction, "transaction_id", "edit"))
def book(transaction_id: int) -> Any:
    """One click books a proposal; an unmatched credit is assigned to a loan here. Booking can be undone by
    reversing the repayment on the loan's page, so it asks for no confirmation."""
    session = get_session()
    tx = load(session, BankTransaction, transaction_id, current_scope(), "edit")
    back = _next(links(owner_of(session, tx.account))["transactions_url"])
    errors: dict[str, list[str]] = {}
    values: Any = {"loan_id": tx.proposal_loan_id or ""}
    if request.method == "POST":
        form = load_form(BookSchema())
        values, errors = form.raw, form.errors
        if form.ok:
            try:
                loan_id = form.loaded.get("loan_id")
                loan = load(session, Loan, loan_id, current_scope(), "edit") if loan_id else None
                with session.begin_nested():
                    booked = booking.book(session, current_actor(), tx, loan)
            except AppError as exc:
                if exc.status not in (409, 422):
                    raise
                errors = _booking_problem(exc)
            else:
                return done(_("Booked as %(kind)s.", kind=label(booked.kind)), back)
    return render_template(
        "banking/book.html",
        tx=tx,
        item=transaction_items(session, [tx])[0],
        loans=_loan_choices(session, tx.account.fund_id) if tx.direction == "credit" and tx.account.fund_id else [],
        values=values,
        errors=errors,
        back=back,
    ), (422 if errors else 200)


@bp.route("/bank-transactions/<int:transaction_id>/set-aside", methods=["GET", "POST"])
@access("login", obj=(BankTransaction, "transaction_id", "edit"))
def set_aside(transaction_id: int) -> Any:
    session = get_session()
    tx = load(session, BankTransaction, transaction_id, current_scope(), "edit")
    from fundapp.i18n import date_filter, money

    return confirm_with_reason(
        SetAsideSchema(),
        lambda reason: booking.set_aside(session, current_actor(), tx, reason),
        _("Transaction set aside."),
        _next(links(owner_of(session, tx.account))["transactions_url"]),
        _("Reason"),
        title=_("Set a bank transaction aside"),
        button=_("Set aside"),
        button_class="primary",
        question=_(
            "Set aside the %(direction)s of %(amount)s on %(date)s from %(name)s? It is kept with your reason and "
            "not booked.",
            direction=label(tx.direction),
            amount=money(tx.amount),
            date=date_filter(tx.booking_date, "long"),
            name=tx.counterparty_name or tx.counterparty_iban or "–",
        ),
    )
