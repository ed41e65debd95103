"""Report tables in pandas: KPI values rolled up by each indicator's aggregation rule.

The convention (README "Calculation rules", Reports) follows the catalog's
docstring and combines in two steps, first over an investee's periods, then
over investees:

============  ===========================  ==============================
rule          over one investee's periods  over investees
============  ===========================  ==============================
``sum``       add                          add
``average``   mean of its periods          mean of the investees' means
``latest``    value of its latest period   add the investees' latest values
============  ===========================  ==============================

Every investee weighs the same in an average, however often it reports; a
mean is rounded half-up to 4 decimals (the scale values are stored with).
Values stay ``Decimal`` (object columns) throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from fundapp.impact.periods import Period
from fundapp.money import round_places

MEAN_PLACES = 4
COLUMNS = ("investee_id", "period", "indicator_id", "value")


def values_frame(rows: Iterable[Sequence[Any]], extra: dict[int, dict[str, Any]] | None = None) -> pd.DataFrame:
    """(investee_id, period label, indicator_id, value) rows as a frame, with each period's start for ordering.

    ``extra`` adds columns per investee (e.g. its municipality) to group by.
    """
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["value"] = frame["value"].astype(object)
    starts = {label: Period.parse(label).start for label in frame["period"].unique()}
    frame["start"] = frame["period"].map(starts)
    for name in _extra_columns(extra):
        frame[name] = frame["investee_id"].map(lambda i, n=name: extra[i][n] if extra and i in extra else "")
    return frame


def _extra_columns(extra: dict[int, dict[str, Any]] | None) -> list[str]:
    if not extra:
        return []
    return sorted({name for columns in extra.values() for name in columns})


def mean(values: Sequence[Decimal]) -> Decimal:
    """The mean, half-up to 4 decimals."""
    return round_places(sum(values, Decimal(0)) / len(values), MEAN_PLACES)


def _over_periods(rule: str, total: Decimal, count: int, last: Decimal) -> Decimal:
    """An investee's periods combined by the rule; a mean is half-up to 4 decimals."""
    if rule == "average":
        return round_places(total / count, MEAN_PLACES)
    if rule == "latest":
        return last
    return total


def _over_investees(rule: str, total: Decimal, count: int) -> Decimal:
    """The investees' values combined by the rule; a mean is half-up to 4 decimals."""
    if rule == "average":
        return round_places(total / count, MEAN_PLACES)
    return total


def _first_step(frame: pd.DataFrame, rules: dict[int, str], by: Sequence[str]) -> pd.DataFrame:
    """One value per investee and indicator (and ``by`` group): its periods combined by the rule."""
    ordered = frame.sort_values("start", kind="stable")
    grouped = ordered.groupby([*by, "investee_id", "indicator_id"], sort=False)["value"]
    step = pd.DataFrame({"total": grouped.sum(), "count": grouped.count(), "last": grouped.last()}).reset_index()
    rule_of = step["indicator_id"].map(lambda i: rules.get(i, "sum"))
    step["value"] = [
        _over_periods(rule, Decimal(total), count, last)
        for rule, total, count, last in zip(rule_of, step["total"], step["count"], step["last"], strict=True)
    ]
    return step


def rollup(frame: pd.DataFrame, rules: dict[int, str], by: Sequence[str] = ()) -> pd.DataFrame:
    """One value per indicator (and per ``by`` group) by its rule; ``investees`` counts who reported."""
    keys = [*by, "indicator_id"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "value", "investees"])
    outer = _first_step(frame, rules, by).groupby(keys, sort=True)["value"]
    result = pd.DataFrame({"total": outer.sum(), "investees": outer.count()}).reset_index()
    result["value"] = [
        _over_investees(rules.get(indicator, "sum"), Decimal(total), count)
        for indicator, total, count in zip(result["indicator_id"], result["total"], result["investees"], strict=True)
    ]
    return result[[*keys, "value", "investees"]]


def per_period(frame: pd.DataFrame, rules: dict[int, str]) -> dict[tuple[int, str], Decimal]:
    """(indicator_id, period label) -> the value across investees in that period (the trend)."""
    table = rollup(frame, rules, by=("period",))
    return {
        (int(indicator), period): value
        for indicator, period, value in zip(table["indicator_id"], table["period"], table["value"], strict=True)
    }


def totals(frame: pd.DataFrame, rules: dict[int, str]) -> dict[int, tuple[Decimal, int]]:
    """indicator_id -> (value over the whole frame, investees that reported)."""
    table = rollup(frame, rules)
    return {
        int(indicator): (value, int(count))
        for indicator, value, count in zip(table["indicator_id"], table["value"], table["investees"], strict=True)
    }


def grouped_totals(frame: pd.DataFrame, rules: dict[int, str], column: str) -> list[tuple[str, int, Decimal, int]]:
    """(group, indicator_id, value, investees) per value of an investee column (e.g. municipality)."""
    table = rollup(frame, rules, by=(column,))
    return [
        (str(group), int(indicator), value, int(count))
        for group, indicator, value, count in zip(
            table[column], table["indicator_id"], table["value"], table["investees"], strict=True
        )
    ]


def per_investee(frame: pd.DataFrame, rules: dict[int, str]) -> dict[tuple[int, int], Decimal]:
    """(investee_id, indicator_id) -> the investee's value over the frame's periods (the first step of the rule)."""
    if frame.empty:
        return {}
    table = _first_step(frame, rules, ())
    return {
        (int(investee), int(indicator)): value
        for investee, indicator, value in zip(table["investee_id"], table["indicator_id"], table["value"], strict=True)
    }
