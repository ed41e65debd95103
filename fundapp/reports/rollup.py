"""The fund report's KPI figures rolled up once, in plain Python: the same figures as ``frames`` gives.

``frames`` (pandas) repeats the first step of the rule (an investee's periods combined) for each table it
makes; at a fund's size (tens of thousands of values) that and pandas' per-call cost were most of the report's
time. Here the first step runs once per investee and indicator, and the fund's totals and each municipality's
are derived from it; the trend per period takes each approved value once. The rules, the half-up means and even the order of
the additions (which decides a zero's sign) are those of ``frames``; a test compares the two on generated data.

The values come as integers of ten-thousandths (``queries.kpi_rows(units=True)``): values of four decimals add up
exactly either way, so the sums over an investee's periods and over a period's investees are added as integers and
become a ``Decimal`` once per figure, the same Decimal (digits, exponent, sign) as adding the values would give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fundapp.impact.periods import Period
from fundapp.reports.frames import _over_investees, _over_periods

Row = Sequence[Any]  # (investee_id, period label, indicator_id, value in ten-thousandths)
PLACES = 4  # the decimals KPI values and targets are stored with (``fundapp.db.Quantity``)


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
    combines an investee's values of one period, and there is one: the approved report's value of the indicator
    (an average of one value of four decimals is that value)."""
    sums: dict[tuple, list[Any]] = {}
    for _investee, period, indicator, units in ordered:
        total = sums.get(key := (period, indicator))
        if total is None:
            sums[key] = [units, 1]
        else:
            total[0] += units
            total[1] += 1
    return _finished({key: [_decimal(total), count] for key, (total, count) in sums.items()}, rules)


def _first_step(rows: list[Row]) -> dict[tuple, list[Any]]:
    """(investee, indicator) -> [total, count, last value] of its values (in ten-thousandths) in period order, in
    order of first appearance."""
    steps: dict[tuple, list[Any]] = {}
    for investee, _period, indicator, units in rows:
        step = steps.get(key := (investee, indicator))
        if step is None:
            steps[key] = [units, 1, units]
        else:
            step[0] += units
            step[1] += 1
            step[2] = units
    return steps


def _combined(steps: dict[tuple, list[Any]], rules: dict[int, str]) -> dict[tuple, Decimal]:
    """Each key's periods combined by its indicator's rule (the indicator is the key's last part)."""
    return {
        key: _over_periods(rules.get(key[-1], "sum"), _decimal(total), count, _decimal(last))
        for key, (total, count, last) in steps.items()
    }


def _decimal(units: int) -> Decimal:
    """Ten-thousandths as the Decimal the database gives (0.0000 for none: never a negative zero)."""
    return Decimal(units).scaleb(-PLACES)


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
