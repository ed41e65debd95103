"""The fund report's KPI figures rolled up once, in plain Python: the same figures as ``frames`` gives.

``frames`` (pandas) repeats the first step of the rule (an investee's periods combined) for each table it
makes; at a fund's size (tens of thousands of values) that and pandas' per-call cost were most of the report's
time. Here the first step runs once per investee and indicator, and the fund's totals and each municipality's
are derived from it; the trend per period takes each approved value once. The rules, the half-up means and even the order of
the additions (which decides a zero's sign) are those of ``frames``; a test compares the two on generated data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fundapp.impact.periods import Period
from fundapp.reports.frames import _over_investees, _over_periods

Row = Sequence[Any]  # (investee_id, period label, indicator_id, value)


@dataclass
class Rolled:
    """The figures of the fund report's impact tables."""

    totals: dict[int, tuple[Decimal, int]]  # indicator -> (value, investees that reported)
    by_group: list[tuple[str, int, Decimal, int]]  # (group, indicator, value, investees), sorted
    by_period: dict[tuple[int, str], Decimal]  # (indicator, period) -> value across investees in that period
    by_investee: dict[tuple[int, int], Decimal]  # (investee, indicator) -> its periods combined by the rule
    periods: set[str]


def roll_up(rows: Iterable[Row], rules: dict[int, str], group_of: dict[int, str]) -> Rolled:
    """Roll ``rows`` up by each indicator's rule; ``group_of``: an investee's group (its municipality).

    ``rows`` hold at most one value per investee, period and indicator, as ``queries.kpi_rows`` reads them.
    """
    ordered = _by_start(rows)
    by_investee = _combined(_first_step(ordered), rules)
    grouped = (((group_of.get(investee, ""), indicator), value) for (investee, indicator), value in by_investee.items())
    return Rolled(
        totals=_second_step((((indicator,), value) for (_i, indicator), value in by_investee.items()), rules),
        by_group=[
            (str(group), indicator, value, count)
            for (group, indicator), (value, count) in _second_step(grouped, rules).items()
        ],
        by_period={
            (indicator, period): value for (period, indicator), (value, _count) in _trend(ordered, rules).items()
        },
        by_investee=by_investee,
        periods={row[1] for row in ordered},
    )


def totals(rows: Iterable[Row], rules: dict[int, str]) -> dict[int, tuple[Decimal, int]]:
    """indicator -> (value over all the rows, investees that reported): ``roll_up``'s totals alone."""
    by_investee = _combined(_first_step(_by_start(rows)), rules)
    return _second_step((((indicator,), value) for (_i, indicator), value in by_investee.items()), rules)


def _by_start(rows: Iterable[Row]) -> list[Row]:
    """The rows in order of their period's start, rows of the same start in the order read (a stable sort)."""
    rows = list(rows)
    starts = {label: Period.parse(label).start for label in {row[1] for row in rows}}
    return sorted(rows, key=lambda row: starts[row[1]])


def _trend(ordered: list[Row], rules: dict[int, str]) -> dict[Any, tuple[Decimal, int]]:
    """(period, indicator) -> (value across the investees in that period, investees). The first step of the rule
    combines an investee's values of one period, and there is one: the approved report's value of the indicator."""
    averaged = {indicator for indicator, rule in rules.items() if rule == "average"}
    sums: dict[tuple, list[Any]] = {}
    for _investee, period, indicator, value in ordered:
        if indicator in averaged:
            value = _over_periods("average", value, 1, value)
        _tally(sums, (period, indicator), value)
    return _finished(sums, rules)


def _first_step(rows: list[Row]) -> dict[tuple, list[Any]]:
    """(investee, indicator) -> [total, count, last value] of its values in period order, in order of first
    appearance."""
    steps: dict[tuple, list[Any]] = {}
    for investee, _period, indicator, value in rows:
        step = steps.get(key := (investee, indicator))
        if step is None:
            steps[key] = [value, 1, value]
        else:
            step[0] += value
            step[1] += 1
            step[2] = value
    return steps


def _combined(steps: dict[tuple, list[Any]], rules: dict[int, str]) -> dict[tuple, Decimal]:
    """Each key's periods combined by its indicator's rule (the indicator is the key's last part)."""
    return {
        key: _over_periods(rules.get(key[-1], "sum"), total, count, last) for key, (total, count, last) in steps.items()
    }


def _second_step(values: Iterable[tuple[tuple, Decimal]], rules: dict[int, str]) -> dict[Any, tuple[Decimal, int]]:
    """Investees' values combined per key (whose last part is the indicator), in key order: (value, investees)."""
    sums: dict[tuple, list[Any]] = {}
    for key, value in values:
        _tally(sums, key, value)
    return _finished(sums, rules)


def _tally(sums: dict[tuple, list[Any]], key: tuple, value: Decimal) -> None:
    """Add ``value`` to ``key``'s [total, count] (in the order the values come: it decides a zero's sign)."""
    total = sums.get(key)
    if total is None:
        sums[key] = [value, 1]
    else:
        total[0] += value
        total[1] += 1


def _finished(sums: dict[tuple, list[Any]], rules: dict[int, str]) -> dict[Any, tuple[Decimal, int]]:
    """Each key's [total, investees] combined by the rule, in key order; a key of one part becomes that part."""
    result = {}
    for key in sorted(sums):
        total, count = sums[key]
        result[key[0] if len(key) == 1 else key] = (_over_investees(rules.get(key[-1], "sum"), total, count), count)
    return result
