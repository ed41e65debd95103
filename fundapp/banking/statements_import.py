"""Importing a bank statement file: read it, check it is the owner's account (a fund's, or a payer's for its
outcome payments), store what is new, match it.

All or nothing: a file that cannot be read, or that is another account's, is refused
(``StatementRefused``, 422 ``invalid_statement``) and nothing of it is stored. A
transaction already imported (the same account and identity key, docs/bank_statements.md)
is counted as a duplicate and stored once, so importing a statement again, or an
overlapping one, books nothing twice. The new transactions are matched (matching.py)
and, when the fund chose so, its exact matches are booked at once (booking.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.audit import to_jsonable
from fundapp.banking import booking
from fundapp.banking.matching import Match, Matcher
from fundapp.banking.models import BankAccount, BankStatement, BankTransaction, TransactionStatus
from fundapp.banking.signals import statement_imported
from fundapp.banking.statements import Statement, StatementError, Transaction, identity_key, parse_statement
from fundapp.banking.transactions import statement_counts
from fundapp.db import utcnow
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.gc_pause import paused_gc
from fundapp.messages import N_
from fundapp.payers.models import OutcomePayer

CHUNK = 500
ACCOUNT_ELEMENT = "/Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN"


class StatementRefused(ValidationFailed):
    """The file was refused: the message (English, and as a template for the page) and where, by line or element."""

    code = "invalid_statement"

    def __init__(self, template: str, details: list[dict[str, Any]] | None = None, **params: Any) -> None:
        self.template, self.params = template, params
        message = template % params if params else template
        super().__init__(message, details or [{"line": 1, "message": message}], code=self.code)

    def in_language(self, gettext: Callable[[str], str]) -> str:
        translated = gettext(self.template)
        return translated % self.params if self.params else translated


def too_large(limit_mb: float) -> StatementRefused:
    template = N_("The file is larger than the upload limit of %(limit)s MB; nothing was imported.")
    return StatementRefused(template, [{"element": "file", "message": "too large"}], limit=f"{limit_mb:.0f}")


def import_statement(
    session: Session, actor: audit.Who, owner: Fund | OutcomePayer, data: bytes, file_name: str
) -> BankStatement:
    # A large statement's transactions, their rows and matches live until the import is done and hold no
    # garbage cycles: the collector would walk them again and again as they grow (gc_pause).
    with paused_gc():
        return _import_statement(session, actor, owner, data, file_name)


def _import_statement(
    session: Session, actor: audit.Who, owner: Fund | OutcomePayer, data: bytes, file_name: str
) -> BankStatement:
    try:
        statements = parse_statement(data)
    except StatementError as exc:
        raise StatementRefused(exc.template, exc.details, **exc.params) from exc
    account = _own_account(session, owner, statements, data)
    rows = [(statement, tx) for statement in statements for tx in statement.transactions]
    keys = [identity_key(tx, statement.account_iban) for statement, tx in rows]
    known = _known_keys(session, account.id, keys)
    fresh = [(tx, key) for (_statement, tx), key in zip(rows, keys, strict=True) if key not in known]
    statement = _statement_row(statements, account, data, file_name, actor, len(fresh))
    session.add(statement)
    session.flush()
    fund_id = owner.id if isinstance(owner, Fund) else None
    movements = [tx for tx, _key in fresh]
    matches = Matcher(session, fund_id, movements, account.id).match_all(movements)
    if fresh:
        # The table, not the ORM entity: the ORM would split the rows into a statement per run of None values.
        session.execute(
            insert(cast(Table, BankTransaction.__table__)),
            [_row(statement, tx, key, match, actor) for (tx, key), match in zip(fresh, matches, strict=True)],
        )
    audit.record(
        session,
        actor,
        "bank_statement.imported",
        statement,
        {
            "account": [None, account.iban],
            "file_sha256": [None, statement.file_sha256],
            "transactions": [None, statement.transactions_in_file],
            "new": [None, statement.new_transactions],
        },
    )
    exact = [key for (_tx, key), match in zip(fresh, matches, strict=True) if match.exact]
    if isinstance(owner, Fund):
        booking.after_import(session, actor, owner, statement, exact)
    statement_imported.send(statement, session=session)
    return statement


def _own_account(session: Session, owner: Fund | OutcomePayer, statements: list[Statement], data: bytes) -> BankAccount:
    ibans = list(dict.fromkeys(statement.account_iban for statement in statements))
    if len(ibans) > 1:
        raise StatementRefused(
            N_("The file holds statements of %(count)s accounts (%(accounts)s); import one account per file."),
            [_where_account(statements[0], data)],
            count=len(ibans),
            accounts=", ".join(ibans),
        )
    column = BankAccount.fund_id if isinstance(owner, Fund) else BankAccount.payer_id
    account = session.scalar(select(BankAccount).where(column == owner.id, BankAccount.iban == ibans[0]))
    if account is None:
        raise StatementRefused(
            N_("The statement is of account %(account)s, which is not one of the accounts of %(fund)s."),
            [_where_account(statements[0], data)],
            account=ibans[0],
            fund=owner.name,
        )
    return account


def _where_account(statement: Statement, data: bytes) -> dict[str, Any]:
    message = f"account {statement.account_as_written}"
    if statement.format != "mt940":
        return {"element": ACCOUNT_ELEMENT, "message": message}
    lines = data.decode("latin-1").splitlines()
    number = next((n for n, line in enumerate(lines, start=1) if line.lstrip().startswith(":25:")), 1)
    return {"line": number, "message": message}


def _known_keys(session: Session, account_id: int, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        known.update(
            session.scalars(
                select(BankTransaction.identity_key).where(
                    BankTransaction.bank_account_id == account_id, BankTransaction.identity_key.in_(chunk)
                )
            )
        )
    return known


def _statement_row(
    statements: list[Statement], account: BankAccount, data: bytes, file_name: str, actor: Any, new: int
) -> BankStatement:
    every = [tx for statement in statements for tx in statement.transactions]
    opening, closing = statements[0].opening_balance, statements[-1].closing_balance
    refs = list(dict.fromkeys(s.statement_id for s in statements if s.statement_id))
    ref = f"{refs[0]} – {refs[-1]}" if len(refs) > 1 else "".join(refs)
    return BankStatement(
        bank_account_id=account.id,
        format=statements[0].format,
        statement_ref=ref[:80],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_name=(file_name or "")[:255],
        opening_date=opening.date if opening else None,
        opening_balance=opening.amount if opening else None,
        closing_date=closing.date if closing else None,
        closing_balance=closing.amount if closing else None,
        transactions_in_file=len(every),
        new_transactions=new,
        credits=sum((tx.amount for tx in every if tx.direction == "credit"), Decimal(0)),
        debits=sum((tx.amount for tx in every if tx.direction == "debit"), Decimal(0)),
        warnings=[_warning(w) for statement in statements for w in statement.warnings],
        imported_by_id=getattr(actor, "id", None),
    )


def _warning(warning: str) -> dict[str, Any]:
    return {
        "message": str(warning),
        "template": getattr(warning, "template", str(warning)),
        "params": to_jsonable(getattr(warning, "params", {})),
    }


def _fit(text: str | None, length: int) -> str:
    """What the bank wrote, cut to the column (the whole entry stays in ``raw``)."""
    return (text or "")[:length]


def _row(statement: BankStatement, tx: Transaction, key: str, match: Match, actor: Any) -> dict[str, Any]:
    booked = match.status == TransactionStatus.BOOKED
    return {
        "bank_account_id": statement.bank_account_id,
        "statement_id": statement.id,
        "identity_key": key,
        "booking_date": tx.booking_date,
        "value_date": tx.value_date,
        "amount": tx.amount,
        "direction": tx.direction,
        "counterparty_name": tx.counterparty_name or "",
        "counterparty_iban": _fit(tx.counterparty_iban, 64),
        "counterparty_bic": _fit(tx.counterparty_bic, 11),
        "remittance": tx.remittance or "",
        "creditor_reference": _fit(tx.creditor_reference, 64),
        "end_to_end_id": _fit(tx.end_to_end_id, 64),
        "mandate_id": _fit(tx.mandate_id, 64),
        "bank_reference": _fit(tx.bank_reference, 120),
        "return_reason": _fit(tx.return_reason, 10),
        "is_reversal": tx.is_reversal,
        "raw": tx.raw,
        "status": match.status,
        "proposal_kind": match.kind,
        "proposal_loan_id": match.loan_id,
        "proposal_event_id": None if booked else match.event_id,
        "proposal_split_id": match.split_id,
        "matched_by": match.matched_by,
        "unmatched_reason": match.unmatched_reason,
        "booked_event_id": match.event_id if booked else None,
        "booked_at": utcnow() if booked else None,
        "booked_by_id": getattr(actor, "id", None) if booked else None,
        "set_aside_reason": "",
    }


def summary(session: Session, statement: BankStatement, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """The import's figures: every movement of the file, what was new, and what the new ones became."""
    if counts is None:
        counts = statement_counts(session, [statement.id])[statement.id]
    matched = counts.get("proposed", 0) + counts.get("booked", 0)
    return {
        "id": statement.id,
        "format": statement.format,
        "account": statement.account.iban,
        "file_name": statement.file_name,
        "statement_ref": statement.statement_ref,
        "imported_at": statement.imported_at,
        "opening_date": statement.opening_date,
        "opening_balance": statement.opening_balance,
        "closing_date": statement.closing_date,
        "closing_balance": statement.closing_balance,
        "transactions": statement.transactions_in_file,
        "new": statement.new_transactions,
        "duplicates": statement.transactions_in_file - statement.new_transactions,
        "credits": statement.credits,
        "debits": statement.debits,
        "matched": matched,
        "unmatched": counts.get("unmatched", 0),
        "booked": counts.get("booked", 0),
        "warnings": [w.get("message", "") for w in statement.warnings or []],
    }
