"""The API of bank accounts (of funds, investees and payers) and of direct-debit mandates per loan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fundapp.api import PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import load, visible
from fundapp.banking import services_accounts as services
from fundapp.banking.account_schemas import (
    BankAccountCreateSchema,
    BankAccountSchema,
    MandateCreateSchema,
    MandateSchema,
)
from fundapp.banking.models import BankAccount, Mandate
from fundapp.db import get_session
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.listing import paginate
from fundapp.loans.models import Loan
from fundapp.payers.models import OutcomePayer

blp = make_blueprint("bank_accounts", "Bank accounts of funds, investees and payers; direct-debit mandates")
BankAccountPageSchema = page_schema(BankAccountSchema, "BankAccountPage")
MandatePageSchema = page_schema(MandateSchema, "MandatePage")


def _accounts(owner: Any, args: dict[str, Any]) -> Any:
    query = (
        select(BankAccount)
        .where(services.owner_column(owner) == owner.id, visible(current_scope(), BankAccount))
        .order_by(BankAccount.id)
    )
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/funds/<int:fund_id>/bank-accounts", methods=["GET"])
@access("login", obj=(Fund, "fund_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, BankAccountPageSchema)
def list_fund_accounts(args: dict[str, Any], fund_id: int) -> Any:
    return _accounts(load(get_session(), Fund, fund_id, current_scope()), args)


@blp.route("/funds/<int:fund_id>/bank-accounts", methods=["POST"])
@access("login", obj=(Fund, "fund_id", "edit"))
@blp.arguments(BankAccountCreateSchema)
@blp.response(201, BankAccountSchema)
def add_fund_account(data: dict[str, Any], fund_id: int) -> Any:
    """Register one of the fund's own accounts; its statements can then be imported. A bad IBAN is a 422."""
    fund = load(get_session(), Fund, fund_id, current_scope(), "edit")
    return services.add_account(get_session(), current_actor(), fund, data)


@blp.route("/investees/<int:investee_id>/bank-accounts", methods=["GET"])
@access("login", obj=(Investee, "investee_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, BankAccountPageSchema)
def list_investee_accounts(args: dict[str, Any], investee_id: int) -> Any:
    """The investee's accounts, for its fund's managers and its own members."""
    return _accounts(load(get_session(), Investee, investee_id, current_scope()), args)


@blp.route("/investees/<int:investee_id>/bank-accounts", methods=["POST"])
@access("login", obj=(Investee, "investee_id", "edit"))
@blp.arguments(BankAccountCreateSchema)
@blp.response(201, BankAccountSchema)
def add_investee_account(data: dict[str, Any], investee_id: int) -> Any:
    investee = load(get_session(), Investee, investee_id, current_scope(), "edit")
    return services.add_account(get_session(), current_actor(), investee, data)


@blp.route("/payers/<int:payer_id>/bank-accounts", methods=["GET"])
@access("login", obj=(OutcomePayer, "payer_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, BankAccountPageSchema)
def list_payer_accounts(args: dict[str, Any], payer_id: int) -> Any:
    return _accounts(load(get_session(), OutcomePayer, payer_id, current_scope()), args)


@blp.route("/payers/<int:payer_id>/bank-accounts", methods=["POST"])
@access("login", obj=(OutcomePayer, "payer_id", "edit"))
@blp.arguments(BankAccountCreateSchema)
@blp.response(201, BankAccountSchema)
def add_payer_account(data: dict[str, Any], payer_id: int) -> Any:
    payer = load(get_session(), OutcomePayer, payer_id, current_scope(), "edit")
    return services.add_account(get_session(), current_actor(), payer, data)


@blp.route("/loans/<int:loan_id>/mandates", methods=["GET"])
@access("login", obj=(Loan, "loan_id", "view"))
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, MandatePageSchema)
def list_mandates(args: dict[str, Any], loan_id: int) -> Any:
    """The loan's mandates, newest first: for the fund's managers and the investee that signed them."""
    query = (
        select(Mandate).where(Mandate.loan_id == loan_id, visible(current_scope(), Mandate)).order_by(Mandate.id.desc())
    )
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


@blp.route("/loans/<int:loan_id>/mandates", methods=["POST"])
@access("login", obj=(Loan, "loan_id", "edit"))
@blp.arguments(MandateCreateSchema)
@blp.response(201, MandateSchema)
def add_mandate(data: dict[str, Any], loan_id: int) -> Any:
    """Record the SEPA Core mandate the investee signed (one active mandate per loan)."""
    loan = load(get_session(), Loan, loan_id, current_scope(), "edit")
    return services.add_mandate(get_session(), current_actor(), loan, data)


@blp.route("/mandates/<int:mandate_id>/revoke", methods=["POST"])
@access("login", obj=(Mandate, "mandate_id", "edit"))
@blp.response(200, MandateSchema)
def revoke_mandate(mandate_id: int) -> Any:
    """No further collection under this mandate (irreversible; a new mandate is a new record)."""
    mandate = load(get_session(), Mandate, mandate_id, current_scope(), "edit")
    return services.revoke_mandate(get_session(), current_actor(), mandate)
