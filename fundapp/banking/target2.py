"""TARGET2 business days: the days SEPA moves money (the SEPA rulebooks settle on TARGET2 days only).

TARGET2 is closed on Saturdays and Sundays, New Year's Day, Good Friday, Easter Monday, 1 May (Labour Day),
Christmas Day and 26 December. A direct debit's collection date or a transfer's execution date on a closed
day is moved to the next open day, as the banks would do, so the file says the day the money really moves.
"""

from __future__ import annotations

import datetime as dt


def easter_sunday(year: int) -> dt.date:
    """Western Easter by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def closed_days(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    return frozenset(
        {
            dt.date(year, 1, 1),
            easter - dt.timedelta(days=2),
            easter + dt.timedelta(days=1),
            dt.date(year, 5, 1),
            dt.date(year, 12, 25),
            dt.date(year, 12, 26),
        }
    )


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in closed_days(day.year)


def next_business_day(day: dt.date) -> dt.date:
    """The day itself when TARGET2 is open, else the next day it is."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day
