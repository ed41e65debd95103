"""Repayment schedules: due dates, interest and amortization of a loan.

Pure calculation (no framework, no I/O). Money is Decimal throughout; every rule
applied here is written down in docs/loan_rules.md.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import Enum
from typing import TypeGuard

from fundapp.money import ZERO, round_cent, round_to_multiple

# Digits for intermediate results: the annuity factor over 600 periods must stay
# exact far below a cent before the single rounding step.
PRECISION = 34
MAX_INSTALLMENTS = 600
MAX_RATE = Decimal(100)

_PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "semiannual": 2, "annual": 1}


class Frequency(str, Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"

    @property
    def periods_per_year(self) -> int:
        return _PERIODS_PER_YEAR[self.value]

    @property
    def months(self) -> int:
        return 12 // self.periods_per_year


class Amortization(str, Enum):
    ANNUITY = "annuity"
    LINEAR = "linear"
    BULLET = "bullet"


class DayCount(str, Enum):
    THIRTY_360 = "30/360"
    ACT_365 = "ACT/365"
    ACT_360 = "ACT/360"


@dataclass(frozen=True)
class LoanTerms:
    principal: Decimal
    annual_rate: Decimal  # percent: Decimal("6") is 6 %
    disbursement_date: date
    number_of_installments: int
    frequency: Frequency = Frequency.MONTHLY
    amortization: Amortization = Amortization.ANNUITY
    grace_periods: int = 0
    day_count: DayCount = DayCount.THIRTY_360
    installment_multiple: Decimal = Decimal("0.01")
    first_due_date: date | None = None


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    total: Decimal
    balance: Decimal  # principal still owed after this installment


@dataclass(frozen=True)
class Schedule:
    installments: tuple[Installment, ...]
    total_principal: Decimal
    total_interest: Decimal


class TermsError(ValueError):
    """One unacceptable loan term; `field` names the term for the form or API."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TermsErrors(ValueError):
    """Every problem found in a set of terms, so a form can show them all at once."""

    def __init__(self, errors: list[TermsError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = tuple(errors)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(error.field for error in self.errors)


# --- validation -------------------------------------------------------------


def validate_terms(terms: LoanTerms) -> list[TermsError]:
    """All problems with the terms; an empty list means a schedule can be built."""
    return [
        *_principal_errors(terms.principal),
        *validate_plan(
            annual_rate=terms.annual_rate,
            number_of_installments=terms.number_of_installments,
            grace_periods=terms.grace_periods,
            installment_multiple=terms.installment_multiple,
            frequency=terms.frequency,
            amortization=terms.amortization,
            day_count=terms.day_count,
            first_due_date=terms.first_due_date,
            start_date=terms.disbursement_date,
        ),
    ]


def validate_plan(
    *,
    annual_rate: object,
    number_of_installments: object,
    grace_periods: object,
    installment_multiple: object,
    frequency: object,
    amortization: object,
    day_count: object,
    first_due_date: date | None,
    start_date: date,
) -> list[TermsError]:
    """Problems with everything that shapes a plan except the amount (shared with restructuring)."""
    errors = [
        *_rate_errors(annual_rate),
        *_count_errors(number_of_installments),
        *_multiple_errors(installment_multiple),
        *_enum_errors("frequency", frequency, Frequency),
        *_enum_errors("amortization", amortization, Amortization),
        *_enum_errors("day_count", day_count, DayCount),
    ]
    if _is_int(number_of_installments) and number_of_installments >= 1:
        errors += _grace_errors(grace_periods, number_of_installments)
    if first_due_date is not None and first_due_date <= start_date:
        errors.append(TermsError("first_due_date", f"must be after {start_date.isoformat()}"))
    return errors


def _is_amount(value: object) -> TypeGuard[Decimal | int]:
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool) and Decimal(value).is_finite()


def _principal_errors(principal: object) -> list[TermsError]:
    if not _is_amount(principal):
        return [TermsError("principal", "must be a decimal amount")]
    amount = Decimal(principal)
    if amount <= 0:
        return [TermsError("principal", "must be more than 0")]
    if amount != round_cent(amount):
        return [TermsError("principal", "must have at most 2 decimals")]
    return []


def _rate_errors(rate: object) -> list[TermsError]:
    if not _is_amount(rate):
        return [TermsError("annual_interest_rate", "must be a decimal percentage")]
    if not 0 <= Decimal(rate) <= MAX_RATE:
        return [TermsError("annual_interest_rate", "must be between 0 and 100 percent")]
    return []


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _count_errors(count: object) -> list[TermsError]:
    if not _is_int(count) or not 1 <= count <= MAX_INSTALLMENTS:
        return [TermsError("number_of_installments", f"must be a whole number from 1 to {MAX_INSTALLMENTS}")]
    return []


def _grace_errors(grace: object, count: int) -> list[TermsError]:
    # At least one installment must repay principal, so grace stays below the count.
    if not _is_int(grace) or not 0 <= grace < count:
        return [TermsError("grace_on_principal", f"must be a whole number from 0 to {count - 1}")]
    return []


def _multiple_errors(multiple: object) -> list[TermsError]:
    if not _is_amount(multiple) or Decimal(multiple) <= 0:
        return [TermsError("installment_multiple", "must be an amount more than 0")]
    return []


def _enum_errors(field: str, value: object, kind: type[Enum]) -> list[TermsError]:
    try:
        kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        return [TermsError(field, f"unknown value {value!r}; expected one of {allowed}")]
    return []


# --- dates --------------------------------------------------------------------


def add_periods(anchor: date, k: int, frequency: Frequency | str) -> date:
    """The date k periods from the anchor, on the anchor's day clamped to the month's end."""
    months = anchor.year * 12 + anchor.month - 1 + k * Frequency(frequency).months
    year, month_index = divmod(months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(anchor.day, last_day))


def due_dates(terms: LoanTerms) -> list[date]:
    return plan_due_dates(terms.disbursement_date, terms.number_of_installments, terms.frequency, terms.first_due_date)


def plan_due_dates(
    start: date, count: int, frequency: Frequency | str, first_due_date: date | None = None
) -> list[date]:
    """k periods after the start, or k - 1 periods after the first due date when one is given."""
    # Every date comes from the one anchor, so a clamped Feb 28 never drags later months to the 28th.
    if first_due_date is None:
        return [add_periods(start, k, frequency) for k in range(1, count + 1)]
    return [add_periods(first_due_date, k - 1, frequency) for k in range(1, count + 1)]


def is_regular_period(start: date, end: date, frequency: Frequency | str) -> bool:
    """Whether start..end is exactly one period, by the clamping rule read from either end.

    Reading from both ends makes month-end to month-end periods regular
    (Feb 28 -> Mar 31 is one month, as is Jan 31 -> Feb 28).
    """
    return add_periods(start, 1, frequency) == end or add_periods(end, -1, frequency) == start


def days_30e_360(start: date, end: date) -> int:
    """Days between two dates counted 30E/360 (Eurobond basis): day 31 counts as day 30."""
    start_day, end_day = min(start.day, 30), min(end.day, 30)
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + end_day - start_day


# --- interest and amortization ----------------------------------------------------


def _accrual_fraction(start: date, end: date, frequency: Frequency, day_count: DayCount) -> tuple[int, int]:
    """The part of a year the period accrues interest for, as an exact integer ratio."""
    if day_count is DayCount.ACT_365:
        return (end - start).days, 365
    if day_count is DayCount.ACT_360:
        return (end - start).days, 360
    if is_regular_period(start, end, frequency):
        return 1, frequency.periods_per_year
    return days_30e_360(start, end), 360


def period_interest(
    balance: Decimal,
    start: date,
    end: date,
    annual_rate: Decimal,
    frequency: Frequency | str,
    day_count: DayCount | str,
) -> Decimal:
    """Interest on the balance for start..end, rounded half-up to the cent."""
    days, basis = _accrual_fraction(start, end, Frequency(frequency), DayCount(day_count))
    with localcontext(prec=PRECISION):
        # One division at the end keeps an exact half cent exact, so it rounds up as the rule says.
        exact = balance * annual_rate * days / (100 * basis)
    return round_cent(exact)


def annuity_installment(
    balance: Decimal, periods: int, annual_rate: Decimal, frequency: Frequency | str, multiple: Decimal
) -> Decimal:
    """The level installment repaying the balance over the periods, rounded half-up to the multiple."""
    with localcontext(prec=PRECISION):
        rate = annual_rate / 100 / Frequency(frequency).periods_per_year
        exact = balance / periods if rate == 0 else balance * rate / (1 - (1 + rate) ** -periods)
        return round_to_multiple(exact, multiple)


def linear_principal_part(balance: Decimal, periods: int) -> Decimal:
    with localcontext(prec=PRECISION):
        return round_cent(balance / periods)


def level_amount(
    balance: Decimal,
    amortizing_periods: int,
    annual_rate: Decimal,
    frequency: Frequency | str,
    amortization: Amortization | str,
    multiple: Decimal,
) -> Decimal | None:
    """What stays level per period: the annuity installment, the linear principal part; None for bullet."""
    kind = Amortization(amortization)
    if kind is Amortization.ANNUITY:
        return annuity_installment(balance, amortizing_periods, annual_rate, frequency, multiple)
    if kind is Amortization.LINEAR:
        return linear_principal_part(balance, amortizing_periods)
    return None


def _principal_part(amortization: Amortization, level: Decimal | None, interest: Decimal, balance: Decimal) -> Decimal:
    if amortization is Amortization.BULLET or level is None:
        return ZERO
    part = level - interest if amortization is Amortization.ANNUITY else level
    # A coarse multiple or a long broken period must not make principal negative
    # or repay more than is owed.
    return min(max(part, ZERO), balance)


def plan_remaining(
    balance: Decimal,
    start: date,
    due_dates: list[date],
    annual_rate: Decimal,
    frequency: Frequency | str,
    amortization: Amortization | str,
    day_count: DayCount | str,
    installment_multiple: Decimal,
    grace_periods_left: int = 0,
    first_number: int = 1,
    fixed_installment: Decimal | None = None,
    fixed_principal: Decimal | None = None,
) -> list[Installment]:
    """Plan a balance over the given due dates; the first period runs from `start`.

    `fixed_installment` (annuity) or `fixed_principal` (linear) keeps that level
    instead of recomputing it, so the plan may end before the last date.
    The plan stops as soon as the balance is repaid; the last date absorbs every remainder.
    """
    if balance < 0:
        raise ValueError("balance must not be negative")
    if balance == 0 or not due_dates:
        return []
    if not 0 <= grace_periods_left < len(due_dates):
        raise ValueError("grace periods must leave at least one due date to repay principal")
    frequency, kind = Frequency(frequency), Amortization(amortization)
    level = fixed_installment if kind is Amortization.ANNUITY else fixed_principal
    if level is None:
        level = level_amount(
            balance, len(due_dates) - grace_periods_left, annual_rate, frequency, kind, installment_multiple
        )
    installments: list[Installment] = []
    period_start = start
    for index, due in enumerate(due_dates):
        interest = period_interest(balance, period_start, due, annual_rate, frequency, day_count)
        if index == len(due_dates) - 1:
            principal = balance
        elif index < grace_periods_left:
            principal = ZERO
        else:
            principal = _principal_part(kind, level, interest, balance)
        balance -= principal
        installments.append(Installment(first_number + index, due, principal, interest, principal + interest, balance))
        if balance == 0:
            break
        period_start = due
    return installments


def build_schedule(terms: LoanTerms) -> Schedule:
    """The full repayment schedule of a loan; raises TermsErrors listing every bad term."""
    errors = validate_terms(terms)
    if errors:
        raise TermsErrors(errors)
    installments = plan_remaining(
        Decimal(terms.principal),
        terms.disbursement_date,
        due_dates(terms),
        Decimal(terms.annual_rate),
        terms.frequency,
        terms.amortization,
        terms.day_count,
        Decimal(terms.installment_multiple),
        grace_periods_left=terms.grace_periods,
    )
    return Schedule(
        installments=tuple(installments),
        total_principal=sum((i.principal for i in installments), ZERO),
        total_interest=sum((i.interest for i in installments), ZERO),
    )
