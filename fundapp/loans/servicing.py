"""Loan servicing: a loan's position derived by replaying its events.

Events replay in a canonical order (date, kind, amount, reference, every other
field), never in entry order, so a backdated entry gives the same position as an
on-time one. Pure calculation; every rule is written down in docs/loan_rules.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import Enum
from typing import assert_never

from fundapp.loans.schedule import (
    Amortization,
    DayCount,
    Frequency,
    Installment,
    LoanTerms,
    TermsErrors,
    build_schedule,
    due_dates,
    level_amount,
    plan_due_dates,
    plan_remaining,
    validate_plan,
)
from fundapp.money import ZERO, round_cent


class ServicingError(ValueError):
    """An event that cannot apply to the loan as it stands."""


class Prepayment(str, Enum):
    SHORTEN_TERM = "shorten_term"
    LOWER_INSTALLMENTS = "lower_installments"


class Settlement(str, Enum):
    PAID = "paid"
    RESTRUCTURED = "restructured"  # arrears rolled into a new plan
    WRITTEN_OFF = "written_off"


@dataclass(frozen=True)
class Disbursement:
    date: dt.date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class Payment:
    date: dt.date
    amount: Decimal
    reference: str = ""
    prepayment: Prepayment = Prepayment.LOWER_INSTALLMENTS


@dataclass(frozen=True)
class WriteOff:
    date: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Recovery:
    date: dt.date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class Restructure:
    """New terms for what remains; None keeps the loan's current value."""

    date: dt.date
    number_of_installments: int
    annual_rate: Decimal | None = None
    frequency: Frequency | None = None
    amortization: Amortization | None = None
    grace_periods: int = 0
    first_due_date: dt.date | None = None
    day_count: DayCount | None = None
    installment_multiple: Decimal | None = None


@dataclass(frozen=True)
class RateChange:
    date: dt.date
    new_annual_rate: Decimal


@dataclass(frozen=True)
class Adjustment:
    """Principal added (positive) or taken off (negative) without money moving; the rest is re-planned."""

    date: dt.date
    amount: Decimal
    reason: str = ""


Event = Disbursement | Payment | WriteOff | Recovery | Restructure | RateChange | Adjustment

# Same-day order: money lent exists before it is repaid; a payment settles that
# day's dues before the terms change; the write-off comes last, recoveries after it.
# An adjustment corrects the balance those payments left, before any change of terms.
_KIND_PRIORITY: dict[type, int] = {
    Disbursement: 0, Payment: 1, Adjustment: 2, RateChange: 3, Restructure: 4, WriteOff: 5, Recovery: 6
}  # fmt: skip


def canonical_key(event: Event) -> tuple:
    """A total order on events that never depends on the order they were entered in."""
    if type(event) not in _KIND_PRIORITY:
        raise ServicingError(f"unknown event {event!r}")
    every_field = tuple(str(getattr(event, f.name)) for f in fields(event))
    amount = getattr(event, "amount", ZERO)
    return (event.date, _KIND_PRIORITY[type(event)], amount, getattr(event, "reference", ""), every_field)


@dataclass(frozen=True)
class Allocation:
    payment_index: int  # position of the payment in canonical order
    payment_reference: str
    payment_date: dt.date
    installment_number: int
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class PaymentOutcome:
    index: int
    reference: str
    date: dt.date
    amount: Decimal
    allocations: tuple[Allocation, ...]
    prepayment: Decimal  # principal repaid before it fell due
    overpayment: Decimal  # received after the loan was repaid: owed back, not allocated
    recovery: Decimal  # received after a write-off

    @property
    def accounted(self) -> Decimal:
        allocated = sum((a.interest + a.principal for a in self.allocations), ZERO)
        return allocated + self.prepayment + self.overpayment + self.recovery


@dataclass(frozen=True)
class InstallmentState:
    number: int
    due_date: dt.date
    principal_due: Decimal
    interest_due: Decimal
    balance: Decimal  # scheduled principal still owed after this installment
    principal_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    settled_on: dt.date | None = None
    settlement: Settlement | None = None

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.interest_due

    @property
    def unpaid_principal(self) -> Decimal:
        return self.principal_due - self.principal_paid

    @property
    def unpaid_interest(self) -> Decimal:
        return self.interest_due - self.interest_paid

    @property
    def fully_paid_on(self) -> dt.date | None:
        return self.settled_on if self.settlement is Settlement.PAID else None

    def is_open_on(self, day: dt.date) -> bool:
        return self.settled_on is None or self.settled_on > day


@dataclass(frozen=True)
class LoanPosition:
    installments: tuple[InstallmentState, ...]
    payments: tuple[PaymentOutcome, ...]
    disbursements: tuple[tuple[dt.date, Decimal], ...]
    recoveries: tuple[tuple[dt.date, Decimal], ...]  # Recovery events and payments after the write-off
    principal_written_off: Decimal
    interest_written_off: Decimal
    written_off_on: dt.date | None
    principal_adjusted: Decimal = ZERO

    @property
    def disbursed(self) -> Decimal:
        return sum((amount for _, amount in self.disbursements), ZERO)

    @property
    def allocations(self) -> tuple[Allocation, ...]:
        return tuple(a for p in self.payments for a in p.allocations)

    @property
    def principal_repaid(self) -> Decimal:
        prepaid = sum((p.prepayment for p in self.payments), ZERO)
        return prepaid + sum((a.principal for a in self.allocations), ZERO)

    @property
    def interest_received(self) -> Decimal:
        return sum((a.interest for a in self.allocations), ZERO)

    @property
    def recovered(self) -> Decimal:
        return sum((amount for _, amount in self.recoveries), ZERO)

    @property
    def overpaid(self) -> Decimal:
        return sum((p.overpayment for p in self.payments), ZERO)

    @property
    def outstanding_principal(self) -> Decimal:
        """Principal still due in the schedule (cross-checks disbursed - repaid - written off)."""
        return sum((i.unpaid_principal for i in self.installments if i.settled_on is None), ZERO)

    @property
    def total_interest(self) -> Decimal:
        """Interest of the whole schedule in force: received, due and still to come."""
        return sum((i.interest_due for i in self.installments), ZERO)

    @property
    def is_written_off(self) -> bool:
        return self.written_off_on is not None

    @property
    def repaid_in_full(self) -> bool:
        return not self.is_written_off and all(i.settled_on is not None for i in self.installments)


@dataclass(frozen=True)
class _Plan:
    """The conditions in force for what remains of the loan."""

    annual_rate: Decimal
    frequency: Frequency
    amortization: Amortization
    day_count: DayCount
    multiple: Decimal
    due_dates: tuple[dt.date, ...]
    grace_until: int  # number of the last interest-only installment
    level: Decimal | None = None  # annuity installment or linear principal part

    def level_for(self, balance: Decimal, periods: int, grace_left: int) -> Decimal | None:
        if balance == 0:
            return None
        rule = (self.annual_rate, self.frequency, self.amortization, self.multiple)
        return level_amount(balance, periods - grace_left, *rule)


def _positive_cents(amount: object, what: str) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount != round_cent(amount):
        raise ServicingError(f"{what} must be a positive Decimal amount in cents, not {amount!r}")
    return amount


def _state_of(installment: Installment) -> InstallmentState:
    i = installment
    state = InstallmentState(i.number, i.due_date, i.principal, i.interest, i.balance)
    # Nothing to pay (interest-only at 0 %) is settled the day it falls due.
    return replace(state, settled_on=i.due_date, settlement=Settlement.PAID) if i.total == 0 else state


class _Ledger:
    """Mutable state of one replay; only the LoanPosition it produces leaves this module."""

    def __init__(self, terms: LoanTerms, first: Disbursement) -> None:
        amount = _positive_cents(first.amount, "a disbursement")
        terms = replace(terms, principal=amount, disbursement_date=first.date)
        schedule = build_schedule(terms)
        dates, grace = tuple(due_dates(terms)), terms.grace_periods
        kinds = (Frequency(terms.frequency), Amortization(terms.amortization), DayCount(terms.day_count))
        self.plan = _Plan(Decimal(terms.annual_rate), *kinds, Decimal(terms.installment_multiple), dates, grace)
        self.plan = replace(self.plan, level=self.plan.level_for(amount, len(dates), grace))
        self.start = first.date
        self.installments = [_state_of(i) for i in schedule.installments]
        self.payments: list[PaymentOutcome] = []
        self.disbursements = [(first.date, amount)]
        self.recoveries: list[tuple[dt.date, Decimal]] = []
        self.written_off: tuple[Decimal, Decimal] = (ZERO, ZERO)
        self.written_off_on: dt.date | None = None
        self.adjusted = ZERO

    def apply(self, event: Event) -> None:
        if event.date < self.start:
            raise ServicingError(f"{type(event).__name__} on {event.date} is before the loan started")
        if self.written_off_on is not None and not isinstance(event, Payment | Recovery):
            raise ServicingError(f"{type(event).__name__} on {event.date} comes after the write-off")
        match event:
            case Disbursement():
                self._disburse(event)
            case Payment():
                self._pay(event)
            case WriteOff():
                self._write_off(event)
            case Recovery():
                self._recover(event)
            case Restructure():
                self._restructure(event)
            case RateChange():
                self._change_rate(event)
            case Adjustment():
                self._adjust(event)
            case _:
                assert_never(event)

    def _scheduled_balance(self, on: dt.date) -> Decimal:
        # Installments due after `on` never carry payments yet, so this is what is left to plan.
        return sum((i.principal_due for i in self.installments if i.due_date > on), ZERO)

    def _replan(
        self, on: dt.date, balance: Decimal, keep_level: bool = False, arrears_interest: Decimal = ZERO
    ) -> None:
        """Replace the installments due after `on` by a plan of `balance` over the plan's dates after `on`."""
        plan = self.plan
        kept = [i for i in self.installments if i.due_date <= on]
        dates = [d for d in plan.due_dates if d > on]
        if balance > 0 and not dates:
            raise ServicingError(f"no due dates left after {on} to plan {balance} over")
        grace_left = max(0, plan.grace_until - len(kept))
        level = plan.level if keep_level else plan.level_for(balance, len(dates), grace_left)
        rule = (plan.annual_rate, plan.frequency, plan.amortization, plan.day_count, plan.multiple)
        period_start = kept[-1].due_date if kept else self.start
        new = plan_remaining(balance, period_start, dates, *rule, grace_left, len(kept) + 1, level, level)
        if arrears_interest > 0:
            # Arrears interest is not capitalised (no interest on interest): it falls due with the first new installment.
            new[0] = replace(new[0], interest=new[0].interest + arrears_interest, total=new[0].total + arrears_interest)
        if keep_level and new:
            # Shortening the term moves the maturity forward for every later re-plan too.
            plan = replace(plan, due_dates=tuple(d for d in plan.due_dates if d <= on) + tuple(dates[: len(new)]))
        self.plan = replace(plan, level=level)
        self.installments = kept + [_state_of(i) for i in new]

    def _disburse(self, event: Disbursement) -> None:
        amount = _positive_cents(event.amount, "a disbursement")
        self.disbursements.append((event.date, amount))
        self._replan(event.date, self._scheduled_balance(event.date) + amount)

    def _pay(self, event: Payment) -> None:
        amount = _positive_cents(event.amount, "a payment")
        index = len(self.payments)
        if self.written_off_on is not None:
            self.recoveries.append((event.date, amount))
            self.payments.append(PaymentOutcome(index, event.reference, event.date, amount, (), ZERO, ZERO, amount))
            return
        allocations, rest = self._allocate_to_due(event, index, amount)
        prepayment = min(rest, self._scheduled_balance(event.date))
        if prepayment > 0:
            shorten = Prepayment(event.prepayment) is Prepayment.SHORTEN_TERM
            self._replan(event.date, self._scheduled_balance(event.date) - prepayment, keep_level=shorten)
        outcome = PaymentOutcome(
            index, event.reference, event.date, amount, allocations, prepayment, rest - prepayment, ZERO
        )
        self.payments.append(outcome)

    def _allocate_to_due(self, event: Payment, index: int, amount: Decimal) -> tuple[tuple[Allocation, ...], Decimal]:
        """Oldest due installment first; within it interest before principal."""
        allocations: list[Allocation] = []
        for position, inst in enumerate(self.installments):
            if amount == 0 or inst.due_date > event.date:
                break
            if not inst.is_open_on(event.date):
                continue
            interest = min(amount, inst.unpaid_interest)
            principal = min(amount - interest, inst.unpaid_principal)
            amount -= interest + principal
            paid = replace(
                inst, interest_paid=inst.interest_paid + interest, principal_paid=inst.principal_paid + principal
            )
            if paid.unpaid_interest == 0 and paid.unpaid_principal == 0:
                paid = replace(paid, settled_on=event.date, settlement=Settlement.PAID)
            self.installments[position] = paid
            allocations.append(Allocation(index, event.reference, event.date, inst.number, interest, principal))
        return tuple(allocations), amount

    def _adjust(self, event: Adjustment) -> None:
        amount = event.amount
        if not isinstance(amount, Decimal) or amount == 0 or amount != round_cent(amount):
            raise ServicingError(f"an adjustment must be a non-zero Decimal amount in cents, not {amount!r}")
        balance = self._scheduled_balance(event.date) + amount
        if balance < 0:
            raise ServicingError(f"an adjustment of {amount} on {event.date} takes off more than is still planned")
        self.adjusted += amount
        self._replan(event.date, balance)

    def _change_rate(self, event: RateChange) -> None:
        rate = event.new_annual_rate
        if not isinstance(rate, Decimal) or not 0 <= rate <= 100:
            raise ServicingError(f"a new annual rate must be a Decimal from 0 to 100, not {rate!r}")
        self.plan = replace(self.plan, annual_rate=rate)
        self._replan(event.date, self._scheduled_balance(event.date))

    def _restructure(self, event: Restructure) -> None:
        plan, new = self.plan, event
        rate = plan.annual_rate if new.annual_rate is None else new.annual_rate
        frequency = plan.frequency if new.frequency is None else new.frequency
        amortization = plan.amortization if new.amortization is None else new.amortization
        day_count = plan.day_count if new.day_count is None else new.day_count
        multiple = plan.multiple if new.installment_multiple is None else new.installment_multiple
        count, grace, first_due = new.number_of_installments, new.grace_periods, new.first_due_date
        errors = validate_plan(
            annual_rate=rate, number_of_installments=count, grace_periods=grace, installment_multiple=multiple,
            frequency=frequency, amortization=amortization, day_count=day_count, first_due_date=first_due,
            start_date=event.date,
        )  # fmt: skip
        if errors:
            raise TermsErrors(errors)
        rolled_principal, rolled_interest = self._settle_due(event.date, Settlement.RESTRUCTURED)
        kept = sum(1 for i in self.installments if i.due_date <= event.date)
        dates = tuple(plan_due_dates(event.date, count, frequency, first_due))
        kinds = (Frequency(frequency), Amortization(amortization), DayCount(day_count))
        self.plan = _Plan(Decimal(rate), *kinds, Decimal(multiple), dates, kept + grace)
        balance = self._scheduled_balance(event.date) + rolled_principal
        self._replan(event.date, balance, arrears_interest=rolled_interest)

    def _settle_due(self, on: dt.date, settlement: Settlement) -> tuple[Decimal, Decimal]:
        """Close every open installment due on or before `on`; return its unpaid principal and interest."""
        principal = interest = ZERO
        for position, inst in enumerate(self.installments):
            if inst.due_date <= on and inst.is_open_on(on):
                principal += inst.unpaid_principal
                interest += inst.unpaid_interest
                self.installments[position] = replace(inst, settled_on=on, settlement=settlement)
        return principal, interest

    def _write_off(self, event: WriteOff) -> None:
        future = self._scheduled_balance(event.date)
        overdue_principal, overdue_interest = self._settle_due(event.date, Settlement.WRITTEN_OFF)
        self.installments = [i for i in self.installments if i.due_date <= event.date]
        self.written_off = (future + overdue_principal, overdue_interest)
        self.written_off_on = event.date

    def _recover(self, event: Recovery) -> None:
        if self.written_off_on is None:
            raise ServicingError(f"a recovery on {event.date} needs a write-off before it")
        self.recoveries.append((event.date, _positive_cents(event.amount, "a recovery")))

    def position(self) -> LoanPosition:
        return LoanPosition(
            tuple(self.installments),
            tuple(self.payments),
            tuple(self.disbursements),
            tuple(self.recoveries),
            *self.written_off,
            self.written_off_on,
            self.adjusted,
        )


def replay(terms: LoanTerms, events: Iterable[Event], until: dt.date | None = None) -> LoanPosition:
    """The loan's position after its events (those on or before `until`, if given).

    The conditions (rate, count, frequency, ...) come from `terms`; the first
    disbursement in canonical order supplies the start date and the first principal.
    """
    ordered = sorted((e for e in events if until is None or e.date <= until), key=canonical_key)
    first = next(((index, e) for index, e in enumerate(ordered) if isinstance(e, Disbursement)), None)
    if first is None:
        raise ServicingError("a loan starts with a disbursement")
    start, disbursement = first
    ledger = _Ledger(terms, disbursement)
    for index, event in enumerate(ordered):
        if index != start:
            ledger.apply(event)
    return ledger.position()


def rate_change_saving(terms: LoanTerms, events: Iterable[Event]) -> Decimal:
    """Interest saved through the rate changes: total interest without them minus with them."""
    events = list(events)
    without = [e for e in events if not isinstance(e, RateChange)]
    return replay(terms, without).total_interest - replay(terms, events).total_interest
