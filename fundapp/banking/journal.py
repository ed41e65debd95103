"""The fund's journal: one balanced entry per loan event, on accounts with Dutch RGS reference codes.

Rules (domain.md, "Journal"):

    disbursement      Dr loans receivable                 Cr bank
    repayment         Dr bank                             Cr loans receivable (principal), Cr interest income (interest)
    write-off         Dr write-off expense                Cr loans receivable
    recovery          Dr bank                             Cr recoveries
    provision change  Dr provision expense (an increase)  Cr loan-loss provision
                      Dr loan-loss provision (a release)  Cr provision expense

Every entry balances to the cent or is not made (``JournalError``). Amounts
are taken as booked, in whole cents: the journal never rounds. The accounts
are a ``Chart`` a fund may change (its own codes and names); the default
chart carries RGS 3.x reference codes, listed with their sources in
docs/sepa_and_journal.md. ``summarise`` reads the portfolio figures of a
period back from the journal lines, so the journal of a period can be
reconciled with ``loans.portfolio`` figure by figure.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import ClassVar

from fundapp.money import ZERO, is_whole_cents, round_cent


class JournalError(ValueError):
    """An event the journal cannot book, or an entry that does not balance."""


class EventKind(enum.StrEnum):
    DISBURSEMENT = "disbursement"
    REPAYMENT = "repayment"
    WRITE_OFF = "write_off"
    RECOVERY = "recovery"
    PROVISION_CHANGE = "provision_change"
    # The fund's own events and its instruments beside the loan, booked as a ``Posting`` on chart roles.
    CAPITAL_CALL = "capital_call"
    DISTRIBUTION = "distribution"
    FUND_EXPENSE = "fund_expense"
    EQUITY_PURCHASE = "equity_purchase"
    VALUATION = "valuation"
    DIVIDEND = "dividend"
    EQUITY_EXIT = "equity_exit"
    CONVERSION = "conversion"
    GRANT_PAYMENT = "grant_payment"
    GRANT_CLAWBACK = "grant_clawback"
    GUARANTEE_FEE = "guarantee_fee"
    GUARANTEE_CALL = "guarantee_call"
    RECEIVABLE_PAYMENT = "receivable_payment"


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    rgs_code: str | None
    balance_sheet: bool  # False: a profit-and-loss account


@dataclass(frozen=True)
class Chart:
    """The accounts the journal books on; a fund replaces any of them (``dataclasses.replace``)."""

    bank: Account
    loans_receivable: Account
    loan_loss_provision: Account
    interest_income: Account
    write_off_expense: Account
    provision_expense: Account
    recoveries: Account
    equity_investments: Account
    other_receivables: Account
    paid_in_capital: Account
    distributions: Account
    unrealised_result: Account
    realised_result: Account
    dividend_income: Account
    grant_expense: Account
    guarantee_fee_income: Account
    fund_expenses: Account

    def accounts(self) -> tuple[Account, ...]:
        return tuple(getattr(self, item.name) for item in fields(self))


DEFAULT_CHART = Chart(
    bank=Account("1100", "Bank", "BLimBanRba", True),
    loans_receivable=Account("0320", "Leningen u/g", "BFvaLenLen", True),
    loan_loss_provision=Account("0329", "Voorziening oninbaarheid leningen u/g", "BFvaOvrOvc", True),
    interest_income=Account("8310", "Rentebaten leningen u/g", "WOvtRofRov", False),
    write_off_expense=Account("8360", "Afboeking leningen u/g", "WWfaBwvFva", False),
    provision_expense=Account("8361", "Dotatie voorziening oninbaarheid leningen u/g", "WWfaBwvFva", False),
    recoveries=Account("8367", "Opbrengst afgeboekte leningen u/g", "WWfaBwvTwf", False),
    # The accounts below carry an RGS code only where the reference scheme has an unambiguous one; a fund sets
    # its own codes (and RGS codes) on its ledger-accounts page.
    equity_investments=Account("0310", "Deelnemingen", "BFvaDee", True),
    other_receivables=Account("1300", "Overige vorderingen", "BVorOvr", True),
    paid_in_capital=Account("0500", "Gestort kapitaal investeerders", "BEivGok", True),
    distributions=Account("0510", "Uitkeringen aan investeerders", None, True),
    unrealised_result=Account("8320", "Ongerealiseerde waardeveranderingen deelnemingen", None, False),
    realised_result=Account("8330", "Gerealiseerd resultaat deelnemingen", None, False),
    dividend_income=Account("8340", "Dividend deelnemingen", None, False),
    grant_expense=Account("4600", "Verstrekte subsidies en vouchers", None, False),
    guarantee_fee_income=Account("8350", "Garantieprovisie", None, False),
    fund_expenses=Account("4000", "Fondskosten", "WBedAlk", False),
)


@dataclass(frozen=True)
class Disbursement:
    kind: ClassVar[EventKind] = EventKind.DISBURSEMENT
    date: dt.date
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class Repayment:
    kind: ClassVar[EventKind] = EventKind.REPAYMENT
    date: dt.date
    reference: str
    principal: Decimal
    interest: Decimal


@dataclass(frozen=True)
class WriteOff:
    kind: ClassVar[EventKind] = EventKind.WRITE_OFF
    date: dt.date
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class Recovery:
    kind: ClassVar[EventKind] = EventKind.RECOVERY
    date: dt.date
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class ProvisionChange:
    kind: ClassVar[EventKind] = EventKind.PROVISION_CHANGE
    date: dt.date
    reference: str
    change: Decimal  # positive: the provision grows (an expense); negative: part of it is released


@dataclass(frozen=True)
class Posting:
    """Any other event, booked as it is described: (chart role, amount) pairs on each side.

    The roles are the field names of ``Chart`` (``"bank"``, ``"equity_investments"``, ...). A posting that does not
    balance, names an unknown role or has an amount that is not a positive whole number of cents is refused.
    """

    kind: EventKind
    date: dt.date
    reference: str
    debits: tuple[tuple[str, Decimal], ...]
    credits: tuple[tuple[str, Decimal], ...]


Event = Disbursement | Repayment | WriteOff | Recovery | ProvisionChange | Posting


@dataclass(frozen=True)
class JournalLine:
    account: Account
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class JournalEntry:
    date: dt.date
    event: EventKind
    reference: str
    lines: tuple[JournalLine, ...]

    def __post_init__(self) -> None:
        if self.total_debit != self.total_credit:
            raise JournalError(
                f"entry {self.reference} of {self.date} does not balance: "
                f"debit {self.total_debit}, credit {self.total_credit}"
            )

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


@dataclass(frozen=True)
class JournalSummary:
    """The portfolio figures of a period as the journal shows them (names as in ``loans.portfolio.Portfolio``)."""

    disbursed: Decimal
    principal_received: Decimal
    interest_received: Decimal
    written_off: Decimal
    recoveries: Decimal
    provision_change: Decimal

    @property
    def outstanding_change(self) -> Decimal:
        """How much the outstanding principal grew over the period (negative: it shrank)."""
        return self.disbursed - self.principal_received - self.written_off


def _cents(amount: Decimal, what: str, reference: str, *, allow_zero: bool = False, signed: bool = False) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or not is_whole_cents(amount):
        raise JournalError(f"{what} of {reference} must be a Decimal in whole cents, not {amount!r}")
    if (amount < 0 and not signed) or (amount == 0 and not allow_zero):
        raise JournalError(f"{what} of {reference} must be {'non-zero' if signed else 'positive'}, not {amount}")
    return round_cent(amount)  # whole cents already: only the exponent is made two places


def _debit(account: Account, amount: Decimal) -> JournalLine:
    return JournalLine(account, amount, ZERO)


def _credit(account: Account, amount: Decimal) -> JournalLine:
    return JournalLine(account, ZERO, amount)


def _lines(event: Event, chart: Chart) -> tuple[JournalLine, ...]:
    reference = event.reference
    match event:
        case Disbursement(amount=amount):
            amount = _cents(amount, "the disbursed amount", reference)
            return (_debit(chart.loans_receivable, amount), _credit(chart.bank, amount))
        case Repayment(principal=principal, interest=interest):
            principal = _cents(principal, "the principal", reference, allow_zero=True)
            interest = _cents(interest, "the interest", reference, allow_zero=True)
            if principal + interest == 0:
                raise JournalError(f"the repayment of {reference} is zero")
            parts = ((chart.loans_receivable, principal), (chart.interest_income, interest))
            return (
                _debit(chart.bank, principal + interest),
                *(_credit(account, amount) for account, amount in parts if amount),
            )
        case WriteOff(amount=amount):
            amount = _cents(amount, "the written-off amount", reference)
            return (_debit(chart.write_off_expense, amount), _credit(chart.loans_receivable, amount))
        case Recovery(amount=amount):
            amount = _cents(amount, "the recovered amount", reference)
            return (_debit(chart.bank, amount), _credit(chart.recoveries, amount))
        case ProvisionChange(change=change):
            change = _cents(change, "the provision change", reference, signed=True)
            if change > 0:
                return (_debit(chart.provision_expense, change), _credit(chart.loan_loss_provision, change))
            return (_debit(chart.loan_loss_provision, -change), _credit(chart.provision_expense, -change))
        case Posting(debits=debits, credits=credits):
            if not debits or not credits:
                raise JournalError(f"the {event.kind} of {reference} needs a debit and a credit")
            return tuple(
                line(_account(chart, role, reference), _cents(amount, f"the {role} amount", reference))
                for side, line in ((debits, _debit), (credits, _credit))
                for role, amount in side
            )
    raise JournalError(f"unknown event {event!r}")


def _account(chart: Chart, role: str, reference: str) -> Account:
    account = getattr(chart, role, None) if role in ROLES else None
    if not isinstance(account, Account):
        raise JournalError(f"{reference} names an unknown account role {role!r}")
    return account


ROLES = frozenset(item.name for item in fields(Chart))


def entries_for(events: Iterable[Event], chart: Chart = DEFAULT_CHART) -> tuple[JournalEntry, ...]:
    """One balanced entry per event, in date order (events of one day keep their order)."""
    entries = [JournalEntry(event.date, event.kind, event.reference, _lines(event, chart)) for event in events]
    return tuple(sorted(entries, key=lambda entry: entry.date))


def role_balances(entries: Iterable[JournalEntry], chart: Chart = DEFAULT_CHART) -> dict[str, Decimal]:
    """Debit minus credit per chart role (``"bank"``, ``"loan_loss_provision"``, ...), every role present."""
    by_code = balances(entries)
    return {role: by_code.get(getattr(chart, role).code, ZERO) for role in sorted(ROLES)}


def totals(entries: Iterable[JournalEntry]) -> tuple[Decimal, Decimal]:
    """Total debit and total credit of the journal (always equal)."""
    debit = credit = ZERO
    for entry in entries:
        debit += entry.total_debit
        credit += entry.total_credit
    return debit, credit


def balances(entries: Iterable[JournalEntry]) -> dict[str, Decimal]:
    """Debit minus credit per account code over the entries."""
    result: dict[str, Decimal] = {}
    for entry in entries:
        for line in entry.lines:
            result[line.account.code] = result.get(line.account.code, ZERO) + line.debit - line.credit
    return result


def summarise(entries: Iterable[JournalEntry], chart: Chart = DEFAULT_CHART) -> JournalSummary:
    """The period's portfolio figures read from the journal lines (not from the events)."""
    figures = dict.fromkeys((item.name for item in fields(JournalSummary)), ZERO)
    receivable, provision = chart.loans_receivable.code, chart.loan_loss_provision.code
    for entry in entries:
        for line in entry.lines:
            code = line.account.code
            if code == receivable and entry.event is EventKind.DISBURSEMENT:
                figures["disbursed"] += line.debit
            elif code == receivable and entry.event is EventKind.REPAYMENT:
                figures["principal_received"] += line.credit
            elif code == receivable and entry.event is EventKind.WRITE_OFF:
                figures["written_off"] += line.credit
            elif code == chart.interest_income.code and entry.event is EventKind.REPAYMENT:
                # Interest converted into shares is income but no money received (fundapp/instruments).
                figures["interest_received"] += line.credit - line.debit
            elif code == chart.recoveries.code:
                figures["recoveries"] += line.credit - line.debit
            elif code == provision:
                figures["provision_change"] += line.credit - line.debit
    return JournalSummary(**figures)
