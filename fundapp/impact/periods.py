"""Reporting periods: a quarter (2026-Q1), a half year (2026-H1) or a year (2026). Pure."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")


class Frequency(str, Enum):
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    part: str  # "Q1".."Q4", "H1", "H2" or "" for the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match((text or "").strip().upper())
        if not match:
            raise PeriodError(f"{text!r} is not a period: use 2026-Q1, 2026-H1 or 2026.")
        year = int(match.group(1))
        if not 2000 <= year <= 2099:
            raise PeriodError("Use a year between 2000 and 2099.")
        return cls(year, match.group(2) or "")

    @property
    def frequency(self) -> Frequency:
        if self.part.startswith("Q"):
            return Frequency.QUARTERLY
        if self.part.startswith("H"):
            return Frequency.HALF_YEARLY
        return Frequency.YEARLY

    @property
    def months(self) -> tuple[int, int]:
        if self.part.startswith("Q"):
            quarter = int(self.part[1])
            return 3 * quarter - 2, 3 * quarter
        if self.part.startswith("H"):
            half = int(self.part[1])
            return 6 * half - 5, 6 * half
        return 1, 12

    @property
    def start(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def end(self) -> date:
        last_month = self.months[1]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return Period.containing(self.end + timedelta(days=1), self.frequency)

    def previous(self) -> Period:
        return Period.containing(self.start - timedelta(days=1), self.frequency)

    @classmethod
    def containing(cls, day: date, frequency: Frequency) -> Period:
        if frequency == Frequency.QUARTERLY:
            return cls(day.year, f"Q{(day.month - 1) // 3 + 1}")
        if frequency == Frequency.HALF_YEARLY:
            return cls(day.year, f"H{(day.month - 1) // 6 + 1}")
        return cls(day.year, "")

    def covers(self, other: Period) -> bool:
        """A year covers its halves and quarters; a half year covers its quarters."""
        return self.start <= other.start and other.end <= self.end

    def __str__(self) -> str:
        return f"{self.year}-{self.part}" if self.part else str(self.year)


def periods_between(first: Period, last: Period) -> list[Period]:
    periods, current = [], first
    while current.start <= last.start:
        periods.append(current)
        current = current.next()
    return periods


def due_date(period: Period, days_after_end: int) -> date:
    return period.end + timedelta(days=days_after_end)
