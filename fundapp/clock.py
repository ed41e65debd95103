"""The one place that says which day it is: the day in the Netherlands, where the fund and its municipalities work.

A server keeps UTC, which is an hour or two behind Amsterdam: between midnight in Amsterdam and midnight in UTC,
the server's own date is still yesterday, and a collection date of yesterday would pass for today. Every date the
app compares with "today" (due dates, arrears, collection and execution dates, reminders, reports) comes from here.

``FUNDAPP_TODAY`` (an ISO date) pins the day for every process that inherits it. The test suite pins it when it
starts, so that a run that goes past midnight keeps one day throughout; it is not meant for a real deployment.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Amsterdam")
PIN = "FUNDAPP_TODAY"


def today() -> date:
    """Today in the Netherlands (or the pinned day)."""
    pinned = os.environ.get(PIN)
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(ZONE).date()
