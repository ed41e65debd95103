"""The guarantee fee schedule (fundapp/instruments/fees.py): the fee per period, its due dates, what payments settle."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundapp.instruments import fees
from fundapp.loans.schedule import Frequency

D = Decimal


def test_the_fee_per_period_is_rounded_half_up_to_the_cent():
    assert fees.fee_per_period(D("1002.00"), D("1"), Frequency.QUARTERLY) == D("2.51")
    assert fees.fee_per_period(D("40000.00"), D("2"), Frequency.QUARTERLY) == D("200.00")
    assert fees.fee_per_period(D("33333.33"), D("1.5"), Frequency.MONTHLY) == D("41.67")


def test_fees_fall_due_at_the_end_of_each_whole_period_and_a_part_period_before_expiry_is_not_charged():
    schedule = fees.fee_schedule(D("12000.00"), D("3"), Frequency.SEMIANNUAL, date(2025, 1, 31), date(2026, 10, 15))
    assert [(fee.due_date, fee.amount) for fee in schedule] == [
        (date(2025, 7, 31), D("180.00")),
        (date(2026, 1, 31), D("180.00")),
        (date(2026, 7, 31), D("180.00")),
    ]


def test_payments_settle_the_oldest_fees_first_and_what_is_open_on_a_day_counts_only_fees_due_by_then():
    schedule = fees.fee_schedule(D("40000.00"), D("2"), Frequency.QUARTERLY, date(2025, 1, 1), date(2025, 12, 31))
    settled = fees.settle(schedule, [D("150.00"), D("100.00")])
    assert [fee.paid for fee in settled] == [D("200.00"), D("50.00"), D("0"), D("0")][: len(settled)]
    assert fees.open_on(settled, date(2025, 7, 1)) == D("150.00")
    assert settled[0].state_on(date(2025, 8, 1)) == "paid" and settled[1].state_on(date(2025, 8, 1)) == "overdue"
