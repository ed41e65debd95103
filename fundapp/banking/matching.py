"""What a bank transaction paid: domain.md's order, strongest first.

A credit is a repayment (a recovery on a written-off loan) found by, in order: the
end-to-end id of a direct debit fundapp generated (``payment_lines``); the loan's
reference in the remittance information (case, spaces and dashes ignored); the
counterparty's IBAN, when it is the account of an investee with exactly one active
loan and the amount is what that loan has due. A debit is a returned direct debit
(the bank's reversal indicator or return reason) of a collection whose repayment was
booked, or a credit transfer fundapp generated (a disbursement, an outcome payment),
by its end-to-end id. A credit with a return reason is a payment sent back, not a
repayment: like a reversal, it is left for a person. A credit with the end-to-end id of a payer's transfer of an assigned
outcome payment to the fund (banking/assigned.py) is the repayment booked when the payer
recorded the payment: it is linked to it, booked at once, or waits for it. Anything else,
or anything ambiguous, is unmatched.

``Matcher`` loads what the fund's books hold in a few queries and then matches any
number of transactions without asking the database again per transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import Session

from fundapp.banking.assigned import ASSIGNED_UNPAID, TransferToFund, transfers_to_fund
from fundapp.banking.models import (
    BankAccount,
    BankTransaction,
    BatchKind,
    Mandate,
    MandateStatus,
    PaymentBatch,
    PaymentLine,
    ProposalKind,
    TransactionStatus,
)
from fundapp.investees.models import Investee
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanInstallment, LoanStatus

# Spaces and every kind of dash are left out when a reference is looked for, so "l2026 0007" finds L2026-0007.
_NOISE = re.compile(r"[\s\-\u2010-\u2015]+")
# A shorter reference ("12") would be found in any text with numbers in it.
MIN_REFERENCE_LENGTH = 4
# Remittance text read for references (SEPA allows 140 characters; some banks join more).
MAX_TEXT = 2000
CHUNK = 500

END_TO_END, REFERENCE, IBAN_AMOUNT, MANUAL = "end_to_end_id", "reference", "iban_amount", "manual"
# Why a transaction was left for a person although something was found (``BankTransaction.unmatched_reason``).
COLLECTION_MATCHED = "collection_matched"


class Movement(Protocol):
    """A transaction as parsed from the file or as stored: matching reads only these."""

    @property
    def booking_date(self) -> date: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def direction(self) -> str: ...
    @property
    def end_to_end_id(self) -> str | None: ...
    @property
    def remittance(self) -> str | None: ...
    @property
    def creditor_reference(self) -> str | None: ...
    @property
    def counterparty_iban(self) -> str | None: ...
    @property
    def bank_reference(self) -> str | None: ...
    @property
    def is_reversal(self) -> bool: ...
    @property
    def return_reason(self) -> str | None: ...


@dataclass(frozen=True)
class Match:
    status: TransactionStatus
    kind: ProposalKind | None = None
    loan_id: int | None = None
    # A return: the repayment it reverses. A credit found booked already (by hand): that repayment.
    event_id: int | None = None
    split_id: int | None = None
    matched_by: str = ""
    # By end-to-end id or reference, for exactly the amount due: a fund may have it booked unasked.
    exact: bool = False
    unmatched_reason: str = ""


UNMATCHED = Match(TransactionStatus.UNMATCHED)


def normalise_reference(text: str) -> str:
    return _NOISE.sub("", text or "").upper()


def is_return(tx: Movement) -> bool:
    """A direct debit the debtor's bank sent back: a debit with the reversal indicator or a return reason."""
    return tx.direction == "debit" and (bool(tx.is_reversal) or bool(tx.return_reason))


def is_money_in(tx: Movement) -> bool:
    """A credit that is a payment to us: not a reversal, nor a payment of ours sent back (a return reason)."""
    return tx.direction == "credit" and not tx.is_reversal and not tx.return_reason


# What a payer's bank writes when the payer gave no end-to-end id: it identifies nothing.
NO_END_TO_END_ID = frozenset({"NOTPROVIDED", "NONREF", "NOT PROVIDED"})


def end_to_end_id(tx: Movement) -> str:
    text = (tx.end_to_end_id or "").strip()
    return "" if text.upper() in NO_END_TO_END_ID else text


def references_of(tx: Movement) -> list[str]:
    """The bank's references of a movement, its own first: a repayment typed in by hand with one is recognised."""
    found = [(tx.bank_reference or "").strip()[:120], end_to_end_id(tx)[:120]]
    return [ref for position, ref in enumerate(found) if ref and ref not in found[:position]]


def booking_reference(tx: Movement) -> str:
    """The reference a repayment booked from the bank carries (the bank's, else the end-to-end id)."""
    refs = references_of(tx)
    return refs[0] if refs else ""


def compact_iban(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def amounts_due(unsettled: list[tuple[date, Decimal]], on: date) -> set[Decimal]:
    """What a loan has due on a date, as a payment would settle it: its oldest open installment, or all that
    has fallen due by then (installments in order, each with what is still unpaid of it)."""
    if not unsettled:
        return set()
    amounts = {unsettled[0][1]}
    fallen_due = sum((unpaid for due, unpaid in unsettled if due <= on), Decimal(0))
    if fallen_due > 0:
        amounts.add(fallen_due)
    return amounts


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass(frozen=True)
class _Line:
    id: int
    kind: BatchKind
    loan_id: int | None
    split_id: int | None
    amount: Decimal
    # Its money was booked from a statement already: another transaction with its id is not it again.
    settled: bool
    # A credit of an earlier statement is proposed for it: a second credit is for a person to look at.
    proposed: bool = False

    @property
    def collection_taken(self) -> bool:
        return self.kind == BatchKind.DIRECT_DEBIT and (self.settled or self.proposed)


@dataclass(frozen=True)
class _Candidate:
    loan_id: int
    matched_by: str
    line_amount: Decimal | None = None


def _second_credits_of_a_collection(movements: Sequence[Movement], candidates: list[_Candidate | None]) -> set[int]:
    """A collection is proposed for one credit of the file: the first of the collection's amount, else the first.
    The positions of the other credits with its end-to-end id, left for a person whatever order the file has."""
    chosen: dict[str, int] = {}
    for position, (tx, candidate) in enumerate(zip(movements, candidates, strict=True)):
        if candidate is None or candidate.line_amount is None:
            continue
        first = chosen.setdefault(end_to_end_id(tx), position)
        if movements[first].amount != candidate.line_amount and tx.amount == candidate.line_amount:
            chosen[end_to_end_id(tx)] = position
    return {
        position
        for position, (tx, candidate) in enumerate(zip(movements, candidates, strict=True))
        if candidate is not None and candidate.line_amount is not None and chosen[end_to_end_id(tx)] != position
    }


class Matcher:
    """The fund's loans, payment lines, investee accounts and booked collections, loaded for many transactions."""

    def __init__(self, session: Session, fund_id: int | None, movements: Sequence[Movement], account_id: int) -> None:
        # A payer's account (no fund) only pays outcome payments: there are no loans to look for.
        self.session, self.fund_id, self.account_id = session, fund_id, account_id
        self.loans = {
            row.id: row
            for row in session.execute(
                select(Loan.id, Loan.reference, Loan.status, Loan.investee_id).where(Loan.fund_id == fund_id)
            )
        }
        self.by_reference: dict[str, set[int]] = {}
        for row in self.loans.values():
            key = normalise_reference(row.reference)
            if len(key) >= MIN_REFERENCE_LENGTH:
                self.by_reference.setdefault(key, set()).add(row.id)
        self.lengths = sorted({len(key) for key in self.by_reference}, reverse=True)
        self.initials = {key[0] for key in self.by_reference}
        self.lines = self._lines({end_to_end_id(m) for m in movements} - {""})
        credits = {end_to_end_id(m) for m in movements if is_money_in(m)} - {""}
        self.assigned = self._assigned_lines(credits) if fund_id is not None else {}
        self.collections = self._booked_collections({end_to_end_id(m) for m in movements if is_return(m)} - {""})
        self.investees_by_iban = self._investee_ibans() if any(m.direction == "credit" for m in movements) else {}
        self.active_loans: dict[int, list[int]] = {}
        for row in self.loans.values():
            if row.status == LoanStatus.ACTIVE:
                self.active_loans.setdefault(row.investee_id, []).append(row.id)

    # --- loading ------------------------------------------------------------------------------------------------

    def _lines(self, end_to_end_ids: set[str]) -> dict[str, _Line]:
        found: dict[str, _Line] = {}
        for chunk in _chunks(end_to_end_ids):
            rows = self.session.execute(
                select(
                    PaymentLine.end_to_end_id,
                    PaymentLine.id,
                    PaymentBatch.kind,
                    PaymentLine.loan_id,
                    PaymentLine.split_id,
                    PaymentLine.amount,
                    PaymentLine.settled_transaction_id,
                )
                .join(PaymentBatch, PaymentBatch.id == PaymentLine.batch_id)
                .where(PaymentBatch.bank_account_id == self.account_id, PaymentLine.end_to_end_id.in_(chunk))
            )
            for e2e, line_id, kind, loan_id, split_id, amount, settled_by in rows:
                found[e2e] = _Line(line_id, kind, loan_id, split_id, amount, settled_by is not None)
            proposed = self.session.scalars(
                select(BankTransaction.end_to_end_id).where(
                    BankTransaction.bank_account_id == self.account_id,
                    BankTransaction.direction == "credit",
                    BankTransaction.status == TransactionStatus.PROPOSED,
                    BankTransaction.matched_by == END_TO_END,
                    BankTransaction.end_to_end_id.in_(chunk),
                )
            )
            for e2e in proposed:
                if e2e in found:
                    found[e2e] = replace(found[e2e], proposed=True)
        return found

    def _assigned_lines(self, end_to_end_ids: set[str]) -> dict[str, TransferToFund]:
        found: dict[str, TransferToFund] = {}
        for chunk in _chunks(end_to_end_ids):
            found.update(transfers_to_fund(self.session, self.fund_id, chunk))
        return found

    def _booked_collections(self, end_to_end_ids: set[str]) -> dict[str, tuple[int, int, Decimal]]:
        """Per end-to-end id: the loan and live repayment a collected credit was booked as, and its amount."""
        found: dict[str, tuple[int, int, Decimal]] = {}
        accounts = select(BankAccount.id).where(BankAccount.fund_id == self.fund_id)
        for chunk in _chunks(end_to_end_ids):
            rows = self.session.execute(
                select(BankTransaction.end_to_end_id, LoanEvent.loan_id, LoanEvent.id, LoanEvent.amount)
                .join(LoanEvent, LoanEvent.id == BankTransaction.booked_event_id)
                .where(
                    BankTransaction.bank_account_id.in_(accounts),
                    BankTransaction.direction == "credit",
                    BankTransaction.status == TransactionStatus.BOOKED,
                    BankTransaction.end_to_end_id.in_(chunk),
                    LoanEvent.kind == EventKind.REPAYMENT,
                    LoanEvent.reversed_at.is_(None),
                )
            )
            for e2e, loan_id, event_id, amount in rows:
                found[e2e] = (loan_id, event_id, amount or Decimal(0))
        return found

    def _investee_ibans(self) -> dict[str, set[int]]:
        """The investees' own accounts, and the accounts their mandates collect from."""
        accounts = self.session.execute(
            select(BankAccount.iban, BankAccount.investee_id)
            .join(Investee, Investee.id == BankAccount.investee_id)
            .where(Investee.fund_id == self.fund_id)
        )
        mandates = self.session.execute(
            select(Mandate.iban, Loan.investee_id)
            .join(Loan, Loan.id == Mandate.loan_id)
            .where(Mandate.fund_id == self.fund_id, Mandate.status == MandateStatus.ACTIVE)
        )
        found: dict[str, set[int]] = {}
        for iban, investee_id in [*accounts, *mandates]:
            found.setdefault(compact_iban(iban), set()).add(investee_id)
        return found

    def _unsettled(self, loan_ids: set[int], until: date) -> dict[int, list[tuple[date, Decimal]]]:
        """Per loan, its open installments that fell due by ``until`` and its oldest open one, in order: what
        ``amounts_due`` reads (not the years of installments still to come)."""
        found: dict[int, list[tuple[date, Decimal]]] = {}
        i = LoanInstallment
        columns = (i.loan_id, i.number, i.due_date, i.principal_due, i.interest_due, i.principal_paid, i.interest_paid)
        for chunk in _chunks(loan_ids):
            open_ = and_(i.loan_id.in_(chunk), i.settled_on.is_(None))
            oldest = select(i.loan_id, func.min(i.number).label("number")).where(open_).group_by(i.loan_id).subquery()
            fallen_due = select(*columns).where(open_, i.due_date <= until)
            first = select(*columns).join(oldest, and_(oldest.c.loan_id == i.loan_id, oldest.c.number == i.number))
            rows = self.session.execute(union(fallen_due, first).order_by("loan_id", "number"))
            for loan_id, _number, due, principal, interest, principal_paid, interest_paid in rows:
                found.setdefault(loan_id, []).append((due, principal + interest - principal_paid - interest_paid))
        return found

    def _booked_by_hand(self, wanted: set[tuple[int, str]]) -> dict[tuple[int, EventKind, date, Decimal, str], int]:
        """Live repayments and recoveries with a bank reference that no bank transaction has booked yet."""
        found: dict[tuple[int, EventKind, date, Decimal, str], int] = {}
        linked = select(BankTransaction.booked_event_id).where(BankTransaction.booked_event_id.is_not(None))
        for chunk in _chunks(wanted):
            rows = self.session.execute(
                select(
                    LoanEvent.id, LoanEvent.loan_id, LoanEvent.kind, LoanEvent.on, LoanEvent.amount, LoanEvent.reference
                )
                .where(
                    LoanEvent.loan_id.in_({loan_id for loan_id, _ref in chunk}),
                    LoanEvent.reference.in_({ref for _loan, ref in chunk}),
                    LoanEvent.kind.in_([EventKind.REPAYMENT, EventKind.RECOVERY]),
                    LoanEvent.reversed_at.is_(None),
                    LoanEvent.id.not_in(linked),
                )
                .order_by(LoanEvent.id)
            )
            for event_id, loan_id, kind, on, amount, reference in rows:
                found.setdefault((loan_id, kind, on, amount or Decimal(0), reference), event_id)
        return found

    # --- matching -----------------------------------------------------------------------------------------------

    def references_in(self, text: str) -> set[int]:
        """The loans whose reference the text holds; a digit may not run on before or after one."""
        norm = normalise_reference(text[:MAX_TEXT])
        found: set[int] = set()
        for start in self._starts(norm):
            if norm[start].isdigit() and start and norm[start - 1].isdigit():
                continue
            for length in self.lengths:
                end = start + length
                loans = self.by_reference.get(norm[start:end]) if end <= len(norm) else None
                if loans and not (norm[end - 1].isdigit() and end < len(norm) and norm[end].isdigit()):
                    found |= loans
                    break
        return found

    def _starts(self, norm: str) -> Iterator[int]:
        """Where a reference could begin: at a character some reference begins with (found by str.find)."""
        for initial in self.initials:
            start = norm.find(initial)
            while start >= 0:
                yield start
                start = norm.find(initial, start + 1)

    def _assigned_credit(self, tx: Movement, line: TransferToFund, taken: set[int]) -> Match:
        """The repayment the payer's recorded payment booked; none yet: the credit waits for it (assigned.py)."""
        if not line.recorded:
            return Match(TransactionStatus.UNMATCHED, unmatched_reason=ASSIGNED_UNPAID)
        if line.event_id is None or tx.amount != line.amount or line.event_id in taken:
            return UNMATCHED  # a second credit, or a part that repaid nothing: a person looks
        taken.add(line.event_id)
        return Match(TransactionStatus.BOOKED, ProposalKind.REPAYMENT, line.loan_id, line.event_id, None, END_TO_END)

    def _credit_candidate(self, tx: Movement) -> _Candidate | None:
        if end_to_end_id(tx) in self.assigned:
            return None  # the repayment is booked by the payer's payment (_assigned_credit), never proposed
        line = self.lines.get(end_to_end_id(tx))
        if line is not None and line.collection_taken:
            return None  # that collection is booked or proposed: a second credit with its id is for a person
        if line is not None and line.kind == BatchKind.DIRECT_DEBIT and line.loan_id is not None:
            return _Candidate(line.loan_id, END_TO_END, line.amount)
        loans = self.references_in(f"{tx.remittance or ''}|{tx.creditor_reference or ''}")
        if len(loans) == 1:
            return _Candidate(loans.pop(), REFERENCE)
        if loans:
            return None  # the text names several loans: a person decides
        investees = self.investees_by_iban.get(compact_iban(tx.counterparty_iban), set())
        if len(investees) == 1:
            active = self.active_loans.get(next(iter(investees)), [])
            if len(active) == 1:
                return _Candidate(active[0], IBAN_AMOUNT)
        return None

    def _debit(self, tx: Movement, taken: set[int]) -> Match:
        e2e = end_to_end_id(tx)
        if is_return(tx):
            collection = self.collections.get(e2e)
            if collection is None or collection[1] in taken:
                return UNMATCHED
            loan_id, event_id, amount = collection
            taken.add(event_id)
            exact = amount == tx.amount
            return Match(TransactionStatus.PROPOSED, ProposalKind.RETURN, loan_id, event_id, None, END_TO_END, exact)
        line = self.lines.get(e2e)
        kinds = {
            BatchKind.DISBURSEMENTS: ProposalKind.DISBURSEMENT,
            BatchKind.OUTCOME_PAYMENTS: ProposalKind.OUTCOME_PAYMENT,
        }
        # Paid already, or not the amount fundapp sent: not that payment; a person looks at it.
        if line is None or line.kind not in kinds or line.settled or line.amount != tx.amount:
            return UNMATCHED
        # An outcome payment's loan (an assigned part) is the fund's business, not the payer's.
        paid_loan = line.loan_id if line.kind == BatchKind.DISBURSEMENTS else None
        return Match(TransactionStatus.PROPOSED, kinds[line.kind], paid_loan, None, line.split_id, END_TO_END, True)

    def match_all(self, movements: Sequence[Movement]) -> list[Match]:
        candidates = [self._credit_candidate(tx) if is_money_in(tx) else None for tx in movements]
        seconds = _second_credits_of_a_collection(movements, candidates) | {
            position
            for position, tx in enumerate(movements)
            if is_money_in(tx) and (line := self.lines.get(end_to_end_id(tx))) is not None and line.collection_taken
        }
        candidates = [None if position in seconds else c for position, c in enumerate(candidates)]
        loan_ids = {c.loan_id for c in candidates if c is not None}
        unsettled = self._unsettled(loan_ids, max((tx.booking_date for tx in movements), default=date.min))
        by_hand = self._booked_by_hand(
            {(c.loan_id, ref) for tx, c in zip(movements, candidates, strict=True) if c for ref in references_of(tx)}
        )
        taken: set[int] = set()
        matches = []
        for position, (tx, candidate) in enumerate(zip(movements, candidates, strict=True)):
            if tx.direction == "debit":
                matches.append(self._debit(tx, taken))
            elif is_money_in(tx) and (assigned := self.assigned.get(end_to_end_id(tx))) is not None:
                matches.append(self._assigned_credit(tx, assigned, taken))
            elif position in seconds:
                matches.append(Match(TransactionStatus.UNMATCHED, unmatched_reason=COLLECTION_MATCHED))
            elif candidate is None:
                matches.append(UNMATCHED)
            else:
                matches.append(self._credit(tx, candidate, unsettled.get(candidate.loan_id, []), by_hand, taken))
        return matches

    def _credit(
        self,
        tx: Movement,
        candidate: _Candidate,
        unsettled: list[tuple[date, Decimal]],
        by_hand: dict[tuple[int, EventKind, date, Decimal, str], int],
        taken: set[int],
    ) -> Match:
        status = self.loans[candidate.loan_id].status
        kinds = {LoanStatus.ACTIVE: ProposalKind.REPAYMENT, LoanStatus.WRITTEN_OFF: ProposalKind.RECOVERY}
        kind = kinds.get(status)
        due = amounts_due(unsettled, tx.booking_date) | ({candidate.line_amount} if candidate.line_amount else set())
        exact = kind == ProposalKind.REPAYMENT and tx.amount in due
        if kind is None or (candidate.matched_by == IBAN_AMOUNT and not exact):
            return UNMATCHED
        event_kind = EventKind.REPAYMENT if kind == ProposalKind.REPAYMENT else EventKind.RECOVERY
        keys = [(candidate.loan_id, event_kind, tx.booking_date, tx.amount, ref) for ref in references_of(tx)]
        event_id = next((by_hand[key] for key in keys if by_hand.get(key) not in (None, *taken)), None)
        if event_id is not None:
            taken.add(event_id)
            return Match(TransactionStatus.BOOKED, kind, candidate.loan_id, event_id, None, candidate.matched_by)
        exact = exact and candidate.matched_by != IBAN_AMOUNT
        return Match(TransactionStatus.PROPOSED, kind, candidate.loan_id, None, None, candidate.matched_by, exact)
