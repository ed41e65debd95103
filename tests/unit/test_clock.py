"""Which day it is: the day in Amsterdam, not the server's UTC date; a pinned day holds in every process."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from fundapp import clock


class _Frozen(datetime):
    moment: datetime

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return cls.moment.astimezone(tz)


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 12, 3, 22, 59, tzinfo=UTC), date(2026, 12, 3)),  # 23:59 in Amsterdam (winter, UTC+1)
        (datetime(2026, 12, 3, 23, 30, tzinfo=UTC), date(2026, 12, 4)),  # 00:30 in Amsterdam: already the 4th
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),  # summer time, UTC+2
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),
    ],
)
def test_today_is_the_day_in_amsterdam_not_the_servers_utc_date(monkeypatch, utc, day):
    monkeypatch.delenv(clock.PIN, raising=False)
    monkeypatch.setattr(_Frozen, "moment", utc, raising=False)
    monkeypatch.setattr(clock, "datetime", _Frozen)
    assert clock.today() == day


def test_a_pinned_day_is_today_here_and_in_a_process_started_from_here(monkeypatch):
    monkeypatch.setenv(clock.PIN, "2031-02-28")
    assert clock.today() == date(2031, 2, 28)
    out = subprocess.run(
        [sys.executable, "-c", "from fundapp import clock; print(clock.today().isoformat())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "2031-02-28"


def test_the_suite_runs_on_one_pinned_day():
    """tests/conftest.py pins the day when the run starts, so a run past midnight never changes day halfway."""
    import os

    assert os.environ.get(clock.PIN) == clock.today().isoformat()
