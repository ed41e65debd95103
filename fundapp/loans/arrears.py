"""Arrears and returns of a serviced loan: days past due, buckets, amounts overdue, cash flows and XIRR.

Pure calculation on a ``LoanPosition`` (see servicing.py); rules in README "Calculation rules".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

from fundapp.loans.schedule import PRECISION
from fundapp.loans.servicing import InstallmentState, LoanPosition
from fundapp.money import ZERO, round_places


def _overdue_on(position: LoanPosition, on: dt.date) -> list[InstallmentState]:
    # Due on `on` itself is not yet overdue; settled on `on` counts as settled.
    return [i for i in position.installments if i.due_date < on and i.is_open_on(on)]


def days_past_due(position: LoanPosition, on: dt.date) -> int:
    """Days since the due date of the oldest installment still unpaid on `on`; 0 when none is overdue."""
    overdue = _overdue_on(position, on)
    return (on - min(i.due_date for i in overdue)).days if overdue else 0


def arrears_bucket(dpd: int) -> str | None:
    if dpd < 0:
        raise ValueError("days past due cannot be negative")
    upper_bounds = ((0, None), (30, "1-30"), (60, "31-60"), (90, "61-90"))
    return next((bucket for upper, bucket in upper_bounds if dpd <= upper), "90+")


def amount_overdue(position: LoanPosition, on: dt.date) -> Decimal:
    """Principal and interest of overdue installments still unpaid at the end of `on`."""
    paid: dict[int, Decimal] = {}
    for allocation in (a for a in position.allocations if a.payment_date <= on):
        number = allocation.installment_number
        paid[number] = paid.get(number, ZERO) + allocation.interest + allocation.principal
    return sum((i.total_due - paid.get(i.number, ZERO) for i in _overdue_on(position, on)), ZERO)


def lender_cashflows(position: LoanPosition) -> list[tuple[dt.date, Decimal]]:
    """Disbursements out, payments and recoveries in; overpayments are owed back, so left out."""
    flows = [(day, -amount) for day, amount in position.disbursements]
    flows += [(p.date, p.amount - p.overpayment) for p in position.payments if p.recovery == 0]
    return sorted(flows + list(position.recoveries))


_XIRR_TOLERANCE = Decimal("1e-14")


def xirr(cashflows: list[tuple[dt.date, Decimal]]) -> Decimal | None:
    """Annual effective rate making the flows' present value zero (actual/365), half-up to 12 decimals;
    None when there is none."""
    flows = [(day, Decimal(amount)) for day, amount in cashflows if amount != 0]
    if not any(a > 0 for _, a in flows) or not any(a < 0 for _, a in flows):
        return None
    first = min(day for day, _ in flows)
    with localcontext(prec=PRECISION):
        timed = [(Decimal((day - first).days) / 365, amount) for day, amount in flows]
        rate = _newton(timed) or _bisection(timed)
        return None if rate is None else round_places(rate, 12)


def _present_value(timed: list[tuple[Decimal, Decimal]], rate: Decimal) -> tuple[Decimal, Decimal]:
    """Present value at the rate, and its derivative with respect to the rate."""
    log_growth = (1 + rate).ln()
    value = derivative = Decimal(0)
    for years, amount in timed:
        discounted = amount * (-years * log_growth).exp()
        value += discounted
        derivative -= years * discounted / (1 + rate)
    return value, derivative


def _newton(timed: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    rate = Decimal("0.1")
    for _ in range(100):
        value, derivative = _present_value(timed, rate)
        if derivative == 0:
            return None
        step = value / derivative
        rate -= step
        if rate <= -1:
            return None
        if abs(step) < _XIRR_TOLERANCE:
            return rate
    return None


def _bisection(timed: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    # Newton can overshoot to -100 % or cycle; a bracketed search cannot, it is only slower.
    low, high = Decimal("-0.999999999"), Decimal(1)
    low_positive = _present_value(timed, low)[0] > 0
    while (_present_value(timed, high)[0] > 0) == low_positive:
        if high > 10**6:
            return None
        high *= 2
    while high - low > _XIRR_TOLERANCE:
        middle = (low + high) / 2
        if (_present_value(timed, middle)[0] > 0) == low_positive:
            low = middle
        else:
            high = middle
    return (low + high) / 2
