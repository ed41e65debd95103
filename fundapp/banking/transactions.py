"""Reading statements and bank transactions for lists: the queries and the rows, in a bounded number of queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, TransactionStatus
from fundapp.banking.statement_schemas import proposal_of
from fundapp.loans.models import Loan

# What waits for the fund manager: proposals to book and transactions nothing was found for.
OPEN = (TransactionStatus.PROPOSED, TransactionStatus.UNMATCHED)


def fund_of_account(account: BankAccount) -> int:
    """The fund whose account it is: statements and transactions are only ever of a fund's own accounts."""
    if account.fund_id is None:
        raise ValueError(f"bank account {account.id} is not a fund's")
    return account.fund_id


def fund_accounts(fund_id: int) -> Any:
    return select(BankAccount.id).where(BankAccount.fund_id == fund_id)


def fund_statements(fund_id: int) -> Select[Any]:
    return account_statements(fund_accounts(fund_id))


def account_statements(accounts: Any) -> Select[Any]:
    return (
        select(BankStatement)
        .where(BankStatement.bank_account_id.in_(accounts))
        .order_by(BankStatement.imported_at.desc(), BankStatement.id.desc())
    )


def payer_accounts(payer_id: int) -> Any:
    return select(BankAccount.id).where(BankAccount.payer_id == payer_id)


def fund_transactions(
    fund_id: int, statuses: list[TransactionStatus] | tuple[TransactionStatus, ...] | None, statement_id: int | None
) -> Select[Any]:
    return account_transactions(fund_accounts(fund_id), statuses, statement_id)


def account_transactions(
    accounts: Any, statuses: list[TransactionStatus] | tuple[TransactionStatus, ...] | None, statement_id: int | None
) -> Select[Any]:
    query = select(BankTransaction).where(BankTransaction.bank_account_id.in_(accounts))
    if statuses:
        query = query.where(BankTransaction.status.in_(statuses))
    if statement_id is not None:
        query = query.where(BankTransaction.statement_id == statement_id)
    return query.order_by(BankTransaction.booking_date.desc(), BankTransaction.id.desc())


def loan_references(session: Session, loan_ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in loan_ids if i is not None)
    if not wanted:
        return {}
    return dict(session.execute(select(Loan.id, Loan.reference).where(Loan.id.in_(wanted))).all())


def transaction_items(session: Session, transactions: list[BankTransaction]) -> list[dict[str, Any]]:
    """The rows of a list, each with its proposal (or what it was booked as) and the loan's reference."""
    references = loan_references(session, {tx.proposal_loan_id for tx in transactions})
    return [
        {
            **{column: getattr(tx, column) for column in COLUMNS},
            "proposal": proposal_of(tx, references),
        }
        for tx in transactions
    ]


COLUMNS = (
    "id",
    "statement_id",
    "booking_date",
    "value_date",
    "amount",
    "direction",
    "counterparty_name",
    "counterparty_iban",
    "remittance",
    "creditor_reference",
    "end_to_end_id",
    "mandate_id",
    "bank_reference",
    "return_reason",
    "is_reversal",
    "status",
    "booked_event_id",
    "set_aside_reason",
    "unmatched_reason",
)


def loan_collections(session: Session, loan_id: int, *where: Any) -> list[BankTransaction]:
    """What the bank brought in (or sent back) for a loan and was booked on it, newest first; ``where`` narrows it
    to what the reader may see (a fund with a share of the loan does not see the lead fund's bank)."""
    return list(
        session.scalars(
            select(BankTransaction)
            .where(
                BankTransaction.proposal_loan_id == loan_id, BankTransaction.status == TransactionStatus.BOOKED, *where
            )
            .order_by(BankTransaction.booking_date.desc(), BankTransaction.id.desc())
        )
    )


def statement_counts(session: Session, statement_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per statement: how many of its new transactions are in each status (one query for a page of them)."""
    counts: dict[int, dict[str, int]] = {statement_id: {} for statement_id in statement_ids}
    if not statement_ids:
        return counts
    rows = session.execute(
        select(BankTransaction.statement_id, BankTransaction.status, func.count())
        .where(BankTransaction.statement_id.in_(statement_ids))
        .group_by(BankTransaction.statement_id, BankTransaction.status)
    )
    for statement_id, status, count in rows:
        counts[statement_id][status.value] = count
    return counts
