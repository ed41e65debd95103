"""What a bank statement says, as frozen dataclasses, and how a transaction is identified.

Amounts are ``Decimal`` read from the text, never floats. A transaction's amount is
positive and its ``direction`` says which way the money went; balances are signed
(credit positive). Text fields hold what the bank wrote (whitespace of wrapped lines
collapsed); nothing about a counterparty is checked or corrected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Direction = Literal["credit", "debit"]
Format = Literal["camt.053", "mt940"]

# The largest file read at all; the upload path checks it first, this is the last line.
MAX_STATEMENT_BYTES = 50 * 1024 * 1024

# ISO 4217 minor units (list one) of the currencies whose minor unit is not 2; every other code has 2 (EUR,
# USD, GBP, ...). An amount with more decimals than its currency's minor unit is refused, never rounded.
_MINOR_UNITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX"), 0),
    **dict.fromkeys(("UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_units(currency: str) -> int:
    """How many decimals an amount in ``currency`` may have (ISO 4217): 2 for EUR."""
    return _MINOR_UNITS.get(currency.strip().upper(), 2)


def decimals(amount: str) -> int:
    """The decimals of ``amount`` as written with a point or a comma, trailing zeros left out (``"12.50"`` and
    ``"12,5"``: 1; ``"12.505"``: 3): an amount with more than its currency has would be rounded to be stored,
    one written ``12.500`` loses nothing and is read as 12.50."""
    for separator in ".,":
        if separator in amount:
            return len(amount[amount.index(separator) + 1 :].strip().rstrip("0"))
    return 0


class StatementError(Exception):
    """The file was refused; nothing of it is to be used.

    ``message`` is English with the values filled in. ``template`` and ``params``
    give the same message for translation (``gettext(template) % params``): every
    template is marked with ``N_`` and has a Dutch translation. ``details`` names
    where: ``{"line": n}`` for MT940 and XML syntax, ``{"element": path}`` for CAMT,
    each with a ``"message"``.
    """

    def __init__(self, template: str, details: list[dict[str, Any]] | None = None, **params: Any) -> None:
        self.template = template
        self.params = params
        self.message = template % params if params else template
        self.details = details if details is not None else []
        super().__init__(self.message)


@dataclass(frozen=True)
class Balance:
    amount: Decimal  # signed: a debit balance (overdrawn) is negative
    date: date


@dataclass(frozen=True)
class Transaction:
    """One booked movement (one transaction detail of a batch entry counts as one).

    ``bank_reference`` is the bank's own reference where the file has one (CAMT
    ``AcctSvcrRef``, else ``NtryRef``; MT940 the ``//`` reference of ``:61:``);
    ``detail_number`` numbers the details of a CAMT batch entry (1, 2, ...) and is
    None for an entry that was not split. ``position`` is this transaction's place
    (1, 2, ...) among the transactions of the file with the same identifying fields
    (see ``identity_key``); it is 1 unless the bank reported identical movements.
    ``raw`` is the entry as the bank wrote it (MT940 ``:61:`` and ``:86:`` lines;
    the CAMT ``Ntry`` element, or the ``TxDtls`` element of a batch detail).
    """

    booking_date: date
    value_date: date | None
    amount: Decimal
    direction: Direction
    counterparty_name: str | None
    counterparty_iban: str | None  # the counterparty's account as written (an IBAN in SEPA statements)
    counterparty_bic: str | None
    remittance: str | None  # unstructured remittance information, joined
    creditor_reference: str | None  # structured remittance (e.g. RF18..., a Dutch betalingskenmerk)
    end_to_end_id: str | None
    mandate_id: str | None
    bank_reference: str | None
    return_reason: str | None  # ISO 20022 reason code (AC04, MD06, MS02, ...) or the bank's own code
    is_reversal: bool
    raw: str
    detail_number: int | None = None
    position: int = 1
    # The reference that names the movement in every statement reporting it, where that is not
    # ``bank_reference``: a CAMT ``NtryRef`` alone numbers the entries of one statement, so "" then.
    identity_reference: str | None = None

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.direction == "credit" else -self.amount


@dataclass(frozen=True)
class Statement:
    format: Format
    account_iban: str  # checked (country, length, checksum)
    account_as_written: str  # :25: or Acct/Id as the bank wrote it
    currency: str
    statement_id: str | None  # CAMT Stmt/Id, MT940 :20:
    sequence: str | None  # CAMT ElctrncSeqNb/LglSeqNb, MT940 :28C:
    opening_balance: Balance | None
    closing_balance: Balance | None
    transactions: tuple[Transaction, ...]
    warnings: tuple[str, ...] = ()


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def identity_basis(tx: Transaction, account: str) -> tuple[str, ...]:
    """The fields that identify ``tx`` on ``account``, before its position is added.

    With a bank reference: account, booking date, the reference and the detail
    number (a bank may restart its entry numbers each day, never within one day's
    statement). Without one: account, booking date, amount, sign, counterparty
    (IBAN, else name), remittance and creditor reference.
    """
    account = account.replace(" ", "").upper()
    reference = tx.bank_reference if tx.identity_reference is None else tx.identity_reference
    if reference:
        return ("ref", account, tx.booking_date.isoformat(), reference.strip(), str(tx.detail_number or 0))
    counterparty = (tx.counterparty_iban or "").replace(" ", "").upper() or _clean(tx.counterparty_name).casefold()
    return (
        "composite",
        account,
        tx.booking_date.isoformat(),
        str(tx.amount.normalize()),
        tx.direction,
        counterparty,
        _clean(tx.remittance),
        _clean(tx.creditor_reference),
    )


def identity_key(tx: Transaction, account: str) -> str:
    """A stable key (64 hex digits) for ``tx``: the same movement read again gives the same key.

    It is the SHA-256 of the identity basis and the position, so that a statement
    imported twice, or two overlapping statements, give the same keys for the same
    movements and different keys for different ones.
    """
    canonical = json.dumps([*identity_basis(tx, account), tx.position], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
