"""Participant rows are read with what earlier rows taught (event codes, benefits, months and hours already accepted)
and good start dates without their checks:
on generated sheets, the rows and every problem are those the plain reading, which learns nothing, gives."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.impact.spreadsheets import Limits, layout
from fundapp.impact.spreadsheets import participant_sheet as sheets
from fundapp.impact.spreadsheets.problems import Problems

from .test_spreadsheets_support import CTX


class _Forgetful(dict):
    """A cache that keeps nothing: every cell goes through every check."""

    def __setitem__(self, key, value) -> None:
        pass


def mostly(good: tuple, bad: tuple):  # type: ignore[no-untyped-def]
    """Mostly good values: a row with any problem is read the plain way, so the fast way needs clean rows."""
    return st.sampled_from(good * 4 + bad)


days = (date(2026, 1, 1), date(2026, 2, 2), date(2026, 3, 31))
event_day = mostly((*days, datetime(2026, 2, 3, 9)), (date(2026, 4, 1), date(1999, 1, 1), "", "2026-02-03", 46054.0))
code = mostly(("JOB_START", "job_start", " JOB_6M ", "TRAINING"), ("NOPE", "", 1.0, True, "JOB\x01START"))
months = mostly((0.0, -0.0, 3.0, 14.0, 600.0), (3.5, -1.0, 601.0, float("nan"), True, 3, "3", ""))
hours = mostly((0.0, -0.0, 32.25, 40.0, 80.0), (32.125, -1.0, 81.0, float("nan"), True, "3", ""))
row = st.tuples(
    st.sampled_from(
        [
            *("D-001", "D-002", "d-001", "Ｄ-003", " D-004", "D 005", "D-005", "111222333", "D-1112.22333", ""),
            *("1234567", "X" * 64, "X" * 65, "D-\x01", 7.0, True),
        ]
    ),
    mostly((*days, date(2025, 6, 1)), ("", "31-02-2026", 46023.0, date(2026, 4, 2), date(1999, 12, 31))),
    mostly(("ww", " WW ", "Bijstand (Participatiewet)", None), ("nope", "", 1.0, "w\x01w")),
    months,
    hours,
    st.lists(st.tuples(code, event_day), max_size=layout.EVENT_PAIRS),
)


def _sheet(generated) -> list[list[object]]:
    rows: list[list[object]] = [[""] * layout.P_WIDTH for _ in range(layout.FIRST_DATA_ROW - 1)]
    for reference, start, benefit, months, hours, events in generated:
        cells = [reference, start, benefit, months, hours]
        for pair_code, pair_date in events:
            cells += [pair_code, pair_date]
        rows.append(cells + [""] * (layout.P_WIDTH - len(cells)))
    return rows


def _read(rows, formulas, monkeypatch: pytest.MonkeyPatch, *, learn: bool):
    with monkeypatch.context() as patch:
        if not learn:
            plain = sheets._Lookups.__init__

            def forgetful(self, ctx) -> None:
                plain(self, ctx)
                self.accepted_event_texts, self.accepted_months, self.accepted_hours = (
                    _Forgetful(),
                    _Forgetful(),
                    _Forgetful(),
                )
                self.accepted_benefits = _Forgetful()
                self.start_days = (date.max, date.min)  # no start date is taken as good without its checks
                self.plain_reference = lambda text: None  # every reference checked the full way

            patch.setattr(sheets._Lookups, "__init__", forgetful)
        problems = Problems("nl", 10_000)
        for ref in formulas:  # what the XML scan reported before the rows are read
            problems.add("Deelnemers", ref, "formula")
        read = sheets.read_participant_rows(rows, "Deelnemers", CTX, Limits(), problems)
    return read, problems.sorted(["Deelnemers"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(row, min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(1, 9), st.integers(layout.FIRST_DATA_ROW, 16)), max_size=3),
)
def test_rows_read_with_what_earlier_rows_taught_are_the_rows_and_problems_of_the_plain_reading(generated, cells):
    rows = _sheet(generated)
    formulas = [layout.cell_ref(column, number) for column, number in cells]
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _read(rows, formulas, monkeypatch, learn=True) == _read(rows, formulas, monkeypatch, learn=False)


def test_a_code_accepted_on_one_row_is_still_refused_on_a_day_outside_the_period_on_the_next():
    rows = _sheet(
        [
            ("D-1", date(2025, 6, 1), "ww", 3.0, 20.0, [("JOB_START", date(2026, 2, 2))]),
            ("D-2", date(2025, 6, 1), "ww", 3.0, 20.0, [("JOB_START", date(2026, 4, 2))]),
        ]
    )
    problems = Problems("nl", 100)
    read = sheets.read_participant_rows(rows, "Deelnemers", CTX, Limits(), problems)
    assert [p.events for p in read] == [(("JOB_START", date(2026, 2, 2)),)]
    assert [p.cell for p in problems.sorted(["Deelnemers"])] == ["G6"]
