"""What the pages of a fund, an investee, a payer and a loan show of the bank (templates/banking/_*.html)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp.auth.policy import Scope, can, visible
from fundapp.banking.models import BankAccount, BankTransaction, Mandate
from fundapp.banking.services_accounts import owner_column
from fundapp.banking.transactions import OPEN, fund_accounts, loan_collections

ADD_ACCOUNT = {
    "Investee": ("bank_accounts.add_investee_account", "investee_id"),
    "OutcomePayer": ("bank_accounts.add_payer_account", "payer_id"),
}


def _accounts(session: Session, scope: Scope, owner: Any) -> list[BankAccount]:
    return list(
        session.scalars(
            select(BankAccount)
            .where(owner_column(owner) == owner.id, visible(scope, BankAccount))
            .order_by(BankAccount.id)
        )
    )


def fund(session: Session, scope: Scope, fund: Any) -> dict[str, Any]:
    waiting = session.scalar(
        select(func.count())
        .select_from(BankTransaction)
        .where(BankTransaction.bank_account_id.in_(fund_accounts(fund.id)), BankTransaction.status.in_(OPEN))
    )
    return {"bank_accounts": _accounts(session, scope, fund), "bank_waiting": waiting or 0}


def owner(session: Session, scope: Scope, owner: Any) -> dict[str, Any]:
    """An investee's or payer's accounts, as far as the reader may see them, and whether they may add one."""
    endpoint, argument = ADD_ACCOUNT[type(owner).__name__]
    return {
        "bank_accounts": _accounts(session, scope, owner),
        "can_add_account": can(scope, "edit", owner),
        "add_account_url": url_for(endpoint, **{argument: owner.id}),
    }


def loan(session: Session, scope: Scope, loan: Any) -> dict[str, Any]:
    mandates = session.scalars(
        select(Mandate).where(Mandate.loan_id == loan.id, visible(scope, Mandate)).order_by(Mandate.id.desc())
    )
    collections = loan_collections(session, loan.id, visible(scope, BankTransaction))
    return {"mandates": list(mandates), "collections": collections}
