"""A guarantee's fee schedule and what its payments settle (pure: no Flask, no SQLAlchemy).

The fee of one period is the guaranteed amount × the yearly fee percentage ÷ the periods in a year, rounded
half-up to the cent ("guarantee fee per period"). It is due at the end of each whole period from the start,
as an installment is; the last due date is on or before the expiry (a part period after it is not charged).
Payments settle the oldest fee first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fundapp.loans.schedule import Frequency, add_periods
from fundapp.money import ZERO, round_cent


@dataclass(frozen=True)
class FeeDue:
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid

    def state_on(self, day: date) -> str:
        if self.open == 0:
            return "paid"
        return "overdue" if self.due_date < day else ("due" if self.due_date == day else "future")


def fee_per_period(guaranteed: Decimal, fee_rate: Decimal, frequency: Frequency) -> Decimal:
    return round_cent(guaranteed * fee_rate / 100 / Frequency(frequency).periods_per_year)


def fee_schedule(
    guaranteed: Decimal, fee_rate: Decimal, frequency: Frequency, starts_on: date, expires_on: date
) -> list[FeeDue]:
    fee = fee_per_period(guaranteed, fee_rate, frequency)
    schedule: list[FeeDue] = []
    number = 1
    while (due := add_periods(starts_on, number, frequency)) <= expires_on:
        schedule.append(FeeDue(number, due, fee))
        number += 1
    return schedule if fee > 0 else []


def settle(schedule: list[FeeDue], payments: Iterable[Decimal]) -> list[FeeDue]:
    """The schedule with the payments spread over the fees, oldest first."""
    left = sum(payments, ZERO)
    settled = []
    for fee in schedule:
        part = min(fee.amount, left)
        left -= part
        settled.append(FeeDue(fee.number, fee.due_date, fee.amount, part))
    return settled


def open_on(schedule: list[FeeDue], day: date) -> Decimal:
    """Fees due on or before the day and not paid."""
    return sum((fee.open for fee in schedule if fee.due_date <= day), ZERO)
