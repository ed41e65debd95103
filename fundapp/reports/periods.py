"""Report periods: reading the asked period, what it covers, the as-of date and the trend window. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fundapp import clock
from fundapp.errors import ValidationFailed
from fundapp.impact.periods import Frequency, Period, PeriodError, periods_between

TREND_PERIODS = 8


def report_period(text: str | None, today: date | None = None) -> Period:
    """The period asked for (2026, 2026-H1, 2026-Q1); the current year when none is given."""
    if text is None or not text.strip():
        return Period((today or clock.today()).year, "")
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise ValidationFailed.field("period", str(exc)) from exc


def covered_labels(period: Period) -> list[str]:
    """Every period label a report period covers: a year its halves and quarters, a half its quarters."""
    candidates = [Period(period.year, part) for part in ("", "H1", "H2", "Q1", "Q2", "Q3", "Q4")]
    return [str(p) for p in candidates if period.covers(p)]


def sub_periods(period: Period, frequency: Frequency) -> list[Period]:
    """The periods of a reporting frequency that fall inside the report period (Q1..Q4 of a year)."""
    first = Period.containing(period.start, frequency)
    return [p for p in periods_between(first, Period.containing(period.end, frequency)) if period.covers(p)]


def trend_window(period: Period, frequency: Frequency, count: int = TREND_PERIODS) -> list[Period]:
    """The last ``count`` periods of the frequency up to the report period's end (the trend charts' x axis)."""
    last = Period.containing(period.end, frequency)
    window = [last]
    while len(window) < count:
        window.insert(0, window[0].previous())
    return window


def as_of(period: Period, today: date | None = None) -> date:
    """The loan book's date: the period's end, or today while the period runs.

    A date in the future would count every installment due before it as overdue.
    """
    return min(period.end, today or clock.today())


def period_choices(labels: Iterable[str], months: Iterable[tuple[int, int]], current: Period) -> list[Period]:
    """The report periods that hold data, newest first, with the current one among them.

    ``labels`` are the periods reports and claims were made for (2026-Q1, 2026-H1, 2026); ``months`` the
    (year, month) of dated activity (a repayment, a payment). Each gives the year, half year and quarter around it
    that a report can be asked for; a year comes before its halves, a half year before its quarters.
    """
    found = {current}
    for label in labels:
        try:
            period = Period.parse(label)
        except PeriodError:
            continue
        found.update(p for p in _around(period.start) if p.covers(period))
    for year, month in months:
        if 2000 <= int(year) <= 2099:  # the years a period may name
            found.update(_around(date(int(year), int(month), 1)))
    return sorted(found, key=lambda p: (-p.year, -p.end.toordinal(), p.start.toordinal()))


def _around(day: date) -> list[Period]:
    return [Period.containing(day, frequency) for frequency in Frequency]
