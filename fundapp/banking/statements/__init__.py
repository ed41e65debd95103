"""Bank statements: CAMT.053 and MT940 files read into ``Statement`` objects.

``parse_statement(data)`` recognises the format from the content (never the file
name), reads every statement of the file, numbers identical transactions, checks
that each statement's balances reconcile and returns the statements; anything it
cannot read raises ``StatementError`` and nothing of the file is returned. Pure:
no database, no Flask. The rules are in docs/bank_statements.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

from fundapp.messages import N_

from .camt import parse_camt
from .model import (
    MAX_STATEMENT_BYTES,
    Balance,
    Statement,
    StatementError,
    Transaction,
    identity_basis,
    identity_key,
)
from .mt940 import looks_like_mt940, parse_mt940

__all__ = [
    "MAX_STATEMENT_BYTES",
    "Balance",
    "Statement",
    "StatementError",
    "StatementWarning",
    "Transaction",
    "identity_key",
    "parse_statement",
]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class StatementWarning(str):
    """A warning as English text that also carries its template and values for translation."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> StatementWarning:
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text


def _decode(data: bytes) -> str:
    """MT940 is ASCII in principle; banks write UTF-8 or Windows-1252 for the accented letters of names."""
    data = data.removeprefix(_BOMS[0])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _reconcile(statement: Statement) -> Statement:
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None or closing is None:
        missing = N_("The statement %(statement)s has no opening or closing balance; it could not be reconciled.")
        return replace(
            statement, warnings=(*statement.warnings, StatementWarning(missing, statement=statement.statement_id))
        )
    credits = sum((tx.amount for tx in statement.transactions if tx.direction == "credit"), Decimal(0))
    debits = sum((tx.amount for tx in statement.transactions if tx.direction == "debit"), Decimal(0))
    if opening.amount + credits - debits == closing.amount:
        return statement
    warning = StatementWarning(
        N_(
            "The balances of statement %(statement)s (%(account)s) do not reconcile: opening %(opening)s "
            "+ credits %(credits)s - debits %(debits)s = %(computed)s, but the closing balance is %(closing)s."
        ),
        statement=statement.statement_id,
        account=statement.account_iban,
        opening=str(opening.amount),
        credits=str(credits),
        debits=str(debits),
        computed=str(opening.amount + credits - debits),
        closing=str(closing.amount),
    )
    return replace(statement, warnings=(*statement.warnings, warning))


def _number_identical(statements: list[Statement]) -> list[Statement]:
    """Give each transaction its position among those of the file with the same identity basis."""
    seen: Counter[tuple[str, ...]] = Counter()
    numbered = []
    for statement in statements:
        transactions = []
        for tx in statement.transactions:
            basis = identity_basis(tx, statement.account_iban)
            seen[basis] += 1
            transactions.append(replace(tx, position=seen[basis]))
        numbered.append(replace(statement, transactions=tuple(transactions)))
    return numbered


def parse_statement(data: bytes) -> list[Statement]:
    """Every statement in ``data`` (a camt.053 or MT940 file), or ``StatementError``."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementError(
            N_("The file is %(size)s MB; bank statements of more than %(limit)s MB are refused."),
            size=f"{len(data) / 1024 / 1024:.1f}",
            limit=MAX_STATEMENT_BYTES // 1024 // 1024,
        )
    body = data
    for bom in _BOMS:
        body = body.removeprefix(bom)
    if not body.strip():
        raise StatementError(N_("The file is empty."))
    if data.startswith(_BOMS[1:]) or body.lstrip().startswith(b"<"):
        statements = parse_camt(data, StatementWarning)
    else:
        text = _decode(data)
        if not looks_like_mt940(text):
            raise StatementError(
                N_("This file is not a bank statement: neither camt.053 XML nor MT940 (:20:, :25:, :60F: lines).")
            )
        statements = parse_mt940(text)
    return [_reconcile(statement) for statement in _number_identical(statements)]
