"""The fund report's one-pass roll-up (``fundapp.reports.rollup``) against the pandas roll-up (``frames``).

``frames`` rolled the fund report up before (and still does the investee report's and the dashboards'): the
same rows must give the same figures both ways, digit for digit (a value's exponent and a zero's sign included,
which is what a workbook cell shows). The rows are generated: several investees and municipalities, investees
without data, periods of a year that share their start (the year, its first half and first quarter), values
that tie at the fourth decimal when averaged; one value per investee, period and indicator
(what the database holds of the approved reports: ``queries.kpi_rows``). The roll-up reads the values in
ten-thousandths (``kpi_rows(units=True)``), the pandas roll-up as the Decimals the database gives.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.reports import frames, rollup

LABELS = ("2026", "2026-H1", "2026-H2", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2025-Q4")
RULES = ("sum", "average", "latest")
values = st.one_of(st.integers(-(10**7), 10**7), st.sampled_from([0, 1, -1, 2, -2]))  # ten-thousandths
rows = st.lists(
    st.tuples(st.integers(1, 8), st.sampled_from(LABELS), st.integers(1, 4), values), min_size=0, max_size=60
)


def exact(figures: object) -> object:
    """The figures with each Decimal as its text: 1.50 and 1.5000, 0 and -0 differ."""
    if isinstance(figures, dict):
        return {exact(key): exact(value) for key, value in figures.items()}
    if isinstance(figures, list | tuple):
        return type(figures)(exact(item) for item in figures)
    return str(figures) if isinstance(figures, Decimal) else figures


def as_read(data: list[tuple]) -> list[tuple]:
    """The rows with their values as the database gives them: Decimals of four decimals."""
    return [(investee, label, indicator, Decimal(units).scaleb(-4)) for investee, label, indicator, units in data]


def _unique(generated: list[tuple]) -> list[tuple]:
    """One row per investee, period and indicator (what the database holds for the approved reports)."""
    return list(
        {
            (investee, label, indicator): (investee, label, indicator, value)
            for investee, label, indicator, value in generated
        }.values()
    )


@settings(max_examples=200, deadline=None)
@given(
    rows,
    st.lists(st.sampled_from(RULES), min_size=4, max_size=4),
    st.lists(st.sampled_from(["Rotterdam", "Schiedam", "–", ""]), min_size=10, max_size=10),
    st.booleans(),
)
def test_the_one_pass_roll_up_gives_the_pandas_roll_ups_figures_digit_for_digit(
    generated, rule_list, places, some_without_group
):
    data = _unique(generated)
    rules = dict(enumerate(rule_list, start=1))
    # Investees 9 and 10 have no data; without a group an investee's figures count under "" (as frames' extra).
    group_of = {investee: places[investee - 1] for investee in range(1 if not some_without_group else 3, 11)}
    frame = frames.values_frame(as_read(data), {i: {"municipality": g} for i, g in group_of.items()})

    rolled = rollup.roll_up(data, rules, group_of)

    assert exact(rolled.totals) == exact(frames.totals(frame, rules))
    assert exact(rolled.by_group) == exact(frames.grouped_totals(frame, rules, "municipality"))
    assert exact(rolled.by_period) == exact(frames.per_period(frame, rules))
    assert list(rolled.by_period) == list(frames.per_period(frame, rules))
    assert exact(rolled.by_investee) == exact(frames.per_investee(frame, rules))
    assert list(rolled.by_investee) == list(frames.per_investee(frame, rules))
    assert rolled.periods == set(frame["period"])
    assert exact(rollup.totals(data, rules)) == exact(frames.totals(frame, rules))


def test_an_average_of_an_investees_periods_ties_half_up_at_the_fourth_decimal_and_zero_keeps_its_sign():
    data = [(1, "2026-Q1", 7, 0), (1, "2026-Q2", 7, 1)]  # ten-thousandths: 0.0000, 0.0001
    data += [(2, "2026-Q1", 7, -1), (2, "2026-Q2", 7, 0), (2, "2026-Q3", 7, 0)]

    rolled = rollup.roll_up(data, {7: "average"}, {1: "Rotterdam", 2: "Rotterdam"})

    assert str(rolled.by_investee[(1, 7)]) == "0.0001"  # 0.00005 half-up
    assert str(rolled.by_investee[(2, 7)]) == "-0.0000"  # -0.0000333...
    assert rolled.totals == {7: (Decimal("0.0001"), 2)}  # mean(0.0001, -0) = 0.00005 half-up
    assert rolled.by_group == [("Rotterdam", 7, Decimal("0.0001"), 2)]
