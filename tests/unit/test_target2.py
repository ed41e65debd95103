"""TARGET2 business days against published dates: Easter Sundays and the closing days of the calendar."""

from __future__ import annotations

from datetime import date

import pytest

from fundapp.banking.target2 import easter_sunday, is_business_day, next_business_day

# Easter Sundays as published (e.g. the ECB's TARGET2 closing-day calendars and any church calendar).
EASTERS = [
    date(2024, 3, 31),
    date(2025, 4, 20),
    date(2026, 4, 5),
    date(2027, 3, 28),
    date(2028, 4, 16),
    date(2038, 4, 25),
    date(2285, 3, 22),
    date(1943, 4, 25),
]


@pytest.mark.parametrize("easter", EASTERS, ids=str)
def test_easter_sunday_is_the_published_date(easter):
    assert easter_sunday(easter.year) == easter


@pytest.mark.parametrize(
    "closed",
    [
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2026, 5, 1),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 5),
        date(2026, 12, 6),
    ],
    ids=str,
)
def test_target2_is_closed_on_its_holidays_and_weekends(closed):
    assert not is_business_day(closed)


def test_a_closed_day_moves_to_the_next_open_one_and_an_open_day_stays():
    assert next_business_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas Friday, Boxing Day Saturday
    assert next_business_day(date(2027, 1, 1)) == date(2027, 1, 4)
    assert next_business_day(date(2027, 3, 26)) == date(2027, 3, 30)  # Good Friday to the Tuesday after Easter
    assert next_business_day(date(2026, 12, 1)) == date(2026, 12, 1)
    assert is_business_day(date(2026, 12, 24)) and is_business_day(date(2026, 5, 5))  # not TARGET2 holidays
