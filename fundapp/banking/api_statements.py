"""The API of bank statements: import a file, list what it held and what each transaction became, book it."""

from __future__ import annotations

from typing import Any

from flask import current_app

from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load
from fundapp.banking import booking
from fundapp.banking import statements_import as importing
from fundapp.banking.models import BankStatement, BankTransaction
from fundapp.banking.statement_schemas import (
    BankTransactionSchema,
    BookedSchema,
    BookSchema,
    SetAsideSchema,
    StatementFileSchema,
    StatementSchema,
    TransactionListArgsSchema,
)
from fundapp.banking.transactions import (
    account_transactions,
    fund_statements,
    fund_transactions,
    payer_accounts,
    statement_counts,
    transaction_items,
)
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.listing import paginate
from fundapp.loans.models import Loan
from fundapp.payers.models import OutcomePayer

blp = make_blueprint("bank_statements", "Bank statements: import, matching and booking of bank transactions")
StatementPageSchema = page_schema(StatementSchema, "StatementPage")
BankTransactionPageSchema = page_schema(BankTransactionSchema, "BankTransactionPage")
UPLOAD_ENDPOINTS = {
    "api_bank_statements.import_statement",
    "api_bank_statements.import_payer_statement",
    "bank_statements.upload",
    "payer_statements.upload",
}


@blp.route("/funds/<int:fund_id>/bank-statements", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, StatementPageSchema)
def list_statements(args: dict[str, Any], fund_id: int) -> Any:
    """The fund's imported statements, newest first."""
    session = get_session()
    page = paginate(session, fund_statements(fund_id), args["page"], args["page_size"])
    counts = statement_counts(session, [s.id for s in page.items])
    items = [importing.summary(session, s, counts[s.id]) for s in page.items]
    return page_of(items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/bank-statements", methods=["POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(StatementFileSchema, location="files")
@blp.response(201, StatementSchema)
def import_statement(files: dict[str, Any], fund_id: int) -> Any:
    """Import a camt.053 or MT940 file of one of the fund's accounts (format read from the content). All or
    nothing: a file that cannot be read, or is another account's, is 422 invalid_statement naming the line or
    element. A movement imported before is counted as a duplicate and stored once."""
    session = get_session()
    return _import(session, load(session, Fund, fund_id, current_scope(), "edit"), files["file"])


@blp.route("/payers/<int:payer_id>/bank-statements", methods=["POST"])
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
@blp.arguments(StatementFileSchema, location="files")
@blp.response(201, StatementSchema)
def import_payer_statement(files: dict[str, Any], payer_id: int) -> Any:
    """Import a statement of one of the payer's accounts: a debit with the end-to-end id of an outcome payment
    the payer sent (a credit-transfer batch) is proposed as that payment; booking it records the payer's part of
    the claim as paid. Same file rules and answers as a fund's statement."""
    session = get_session()
    return _import(session, load(session, OutcomePayer, payer_id, current_scope(), "pay_claims"), files["file"])


def _import(session: Any, owner: Fund | OutcomePayer, upload: Any) -> Any:
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise importing.too_large(limit / (1024 * 1024))
    statement = importing.import_statement(session, current_actor(), owner, data, upload.filename or "")
    return importing.summary(session, statement)


@blp.route("/bank-statements/<int:statement_id>", methods=["GET"])
@access("login", obj=(BankStatement, "statement_id", "view"))
@blp.response(200, StatementSchema)
def get_statement(statement_id: int) -> Any:
    session = get_session()
    return importing.summary(session, load(session, BankStatement, statement_id, current_scope()))


@blp.route("/funds/<int:fund_id>/bank-transactions", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(TransactionListArgsSchema, location="query")
@blp.response(200, BankTransactionPageSchema)
def list_transactions(args: dict[str, Any], fund_id: int) -> Any:
    """The fund's bank transactions, newest first; filter by status (proposed, unmatched, booked, set_aside)
    and by statement."""
    session = get_session()
    query = fund_transactions(fund_id, [args["status"]] if args["status"] else None, args["statement_id"])
    page = paginate(session, query, args["page"], args["page_size"])
    return page_of(transaction_items(session, page.items), page.total, page.page, page.page_size)


@blp.route("/payers/<int:payer_id>/bank-transactions", methods=["GET"])
@access("login", obj=(OutcomePayer, "payer_id", "pay_claims"))
@blp.arguments(TransactionListArgsSchema, location="query")
@blp.response(200, BankTransactionPageSchema)
def list_payer_transactions(args: dict[str, Any], payer_id: int) -> Any:
    """The transactions of the payer's accounts, newest first, filtered as a fund's are."""
    session = get_session()
    statuses = [args["status"]] if args["status"] else None
    query = account_transactions(payer_accounts(payer_id), statuses, args["statement_id"])
    page = paginate(session, query, args["page"], args["page_size"])
    return page_of(transaction_items(session, page.items), page.total, page.page, page.page_size)


def _transaction(transaction_id: int) -> BankTransaction:
    return load(get_session(), BankTransaction, transaction_id, current_scope(), "edit")


@blp.route("/bank-transactions/<int:transaction_id>/book", methods=["POST"])
@access("login", obj=(BankTransaction, "transaction_id", "edit"))
@blp.arguments(BookSchema)
@blp.response(201, BookedSchema)
def book_transaction(data: dict[str, Any], transaction_id: int) -> Any:
    """Book a proposal as proposed, or an unmatched credit on the loan given (``loan_id``): it becomes the
    repayment (recovery on a written-off loan) with the booking date, amount and bank reference. A transaction
    is booked once: again is 409."""
    session = get_session()
    tx = _transaction(transaction_id)
    loan = load(session, Loan, data["loan_id"], current_scope(), "edit") if data.get("loan_id") else None
    return booking.book(session, current_actor(), tx, loan)


@blp.route("/bank-transactions/<int:transaction_id>/set-aside", methods=["POST"])
@access("login", obj=(BankTransaction, "transaction_id", "edit"))
@blp.arguments(SetAsideSchema)
@blp.response(200, BankTransactionSchema)
def set_aside(data: dict[str, Any], transaction_id: int) -> Any:
    """Keep a transaction out of the books (bank costs, someone else's payment), with the reason."""
    session = get_session()
    tx = booking.set_aside(session, current_actor(), _transaction(transaction_id), data["reason"])
    return transaction_items(session, [tx])[0]


def too_large_as_statement_problem(endpoint: str | None) -> Any:
    """An upload over the limit on a statement endpoint answers like any other refused statement."""
    if endpoint in UPLOAD_ENDPOINTS:
        return importing.too_large(current_app.config["MAX_UPLOAD_BYTES"] / (1024 * 1024))
    return None
