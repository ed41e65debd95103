"""The server-side charts: no label overlaps another, every figure is in the text alternative, colours contrast."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from fundapp.reports import charts

D = Decimal
LONG_NAMES = [f"Stichting Maatschappelijke Investeringen Noord-Nederland {n}" for n in range(14)]
QUARTERS = [f"{year}-Q{quarter}" for year in range(2016, 2026) for quarter in range(1, 5)]
NAMES = ("Actual", "Target", "Baseline")
PARTS = ("Paid", "Approved but unpaid", "Awaiting approval", "Not yet claimed", "Commitment")


@pytest.fixture()
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The figures the builders hand over to be saved as SVG (each drawn anew: none remembered from before)."""
    figures: list[Figure] = []
    monkeypatch.setattr(charts, "_drawn", OrderedDict())
    save = charts._svg

    def keep(figure: Figure, *args: Any) -> Any:
        figures.append(figure)
        return save(figure, *args)

    monkeypatch.setattr(charts, "_svg", keep)
    yield figures


def _text_boxes(figure: Figure) -> list[tuple[str, Any]]:
    """The bounding box of every text the renderer draws (ticks outside the view are not drawn, so not counted)."""
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()
    shown: list[Text] = []
    draw = Text.draw

    def record(text: Text, *args: Any) -> Any:
        shown.append(text)
        return draw(text, *args)

    Text.draw = record  # type: ignore[method-assign]
    try:
        figure.draw(renderer)
    finally:
        Text.draw = draw  # type: ignore[method-assign]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in shown if t.get_visible() and t.get_text().strip()]


def _assert_laid_out(figure: Figure) -> None:
    boxes = _text_boxes(figure)
    assert boxes
    overlapping = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]
    assert overlapping == []
    frame = figure.bbox
    outside = [t for t, b in boxes if b.x0 < frame.x0 or b.x1 > frame.x1 or b.y0 < frame.y0 or b.y1 > frame.y1]
    assert outside == []


def _money(count: int, step: int) -> list[D]:
    return [D(step * (n + 1)) + D("0.45") for n in range(count)]


BUILDERS: dict[str, Callable[[], charts.Chart]] = {
    "capital sources with many long investor names": lambda: charts.bar_chart(
        "Capital: committed and paid in",
        LONG_NAMES,
        [("Committed", _money(14, 1_250_000)), ("Paid in", _money(14, 600_000))],
        "nl",
    ),
    "targets achieved with long indicator names on a dashboard": lambda: charts.bar_chart(
        "Actual as a percentage of target",
        [f"Aantal deelnemers met een betaalde baan van minstens twaalf uur per week {n}" for n in range(6)],
        [("Actual as a percentage of target", [D("83.3"), D(100), D(0), D("112.5"), D(40), D(7)])],
        "nl",
        width=4.6,
        height=2.6,
    ),
    "arrears buckets with large amounts": lambda: charts.bar_chart(
        "Outstanding by days past due",
        ["Current", "1–30 days", "31–60 days", "61–90 days", "91–180 days", "> 180 days"],
        [("Outstanding", [D("12345678.90"), D(0), D("5.10"), D("9606.79"), D(1), D("250000")])],
        "nl",
        width=4.6,
        height=2.3,
    ),
    "many series with long names": lambda: charts.bar_chart(
        "A title long enough to need two lines when the chart is narrow, and then some more words to cut off",
        ["A", "B"],
        [(f"Series with a long name {n}", [D(n), D(-n)]) for n in range(5)],
        "en",
        width=3.0,
    ),
    "a trend over forty quarters with a long title": lambda: charts.trend_chart(
        "Aantal deelnemers dat duurzaam werk heeft gevonden na het traject bij een werkgever in de regio (personen)",
        QUARTERS,
        [D(n * 1000) for n in range(40)],
        [D(n * 1100) for n in range(40)],
        D(3000),
        NAMES,
        "nl",
    ),
    "a short trend with gaps": lambda: charts.trend_chart(
        "Headcount (people)", QUARTERS[:8], [D(17), None, D(12), *[None] * 5], [None] * 8, None, NAMES, "en"
    ),
    "the budgets of many contracts": lambda: charts.budget_chart(
        "Budget use",
        [
            charts.BudgetBar(
                f"RF-{n} Werk en inkomen regio Rijnmond", D(1_000_000), D(n * 90_000), D(n * 50_000), D(n * 30_000)
            )
            for n in range(10)
        ],
        PARTS,
        "nl",
        width=4.6,
    ),
}


@pytest.mark.parametrize("case", list(BUILDERS))
def test_no_text_in_a_chart_overlaps_another_or_leaves_the_picture(drawn, case):
    BUILDERS[case]()
    assert len(drawn) == 1
    _assert_laid_out(drawn[0])


def test_a_long_trend_labels_every_few_periods_the_latest_always_and_lists_them_all_in_its_description(drawn):
    chart = BUILDERS["a trend over forty quarters with a long title"]()
    labels = [t.get_text() for t in drawn[0].axes[0].get_xticklabels() if t.get_text()]
    assert 2 < len(labels) < 40 and labels[-1] == "2025-Q4"
    assert all(f"{quarter}: Actual" in chart.summary for quarter in QUARTERS)


def test_a_name_cut_short_on_the_axis_is_whole_in_the_description_and_in_the_image_text(drawn):
    chart = BUILDERS["capital sources with many long investor names"]()
    axis = [t.get_text() for t in drawn[0].axes[0].get_yticklabels()]
    assert any(text.endswith("…") or "\n" in text for text in axis)
    assert all(name in chart.summary for name in LONG_NAMES)
    assert "Stichting Maatschappelijke Investeringen Noord-Nederland 13: Committed 17.500.000,45" in chart.summary
    assert 'alt="Capital: committed and paid in. Stichting' in chart.__html__()


def test_the_svg_is_an_image_named_by_its_title_and_described_by_its_figures():
    chart = charts.bar_chart("Outstanding <by> days", ["Current", "90+"], [("Outstanding", [D("10.5"), D(3)])], "en")
    opening = chart.svg[: chart.svg.index(">") + 1]
    assert opening.startswith("<svg") and 'role="img"' in opening
    assert 'aria-label="Outstanding &lt;by&gt; days. Current: Outstanding 10.5. 90+: Outstanding 3"' in opening
    assert "<title>Outstanding &lt;by&gt; days</title><desc>Current: Outstanding 10.5. 90+: Outstanding 3</desc>" in (
        chart.svg
    )


def test_a_name_with_dollar_signs_is_drawn_as_text_not_as_a_formula(drawn):
    charts.bar_chart("Costs in $ and $", ["Fund $A$", "B"], [("Paid", [D(1), D(2)])], "en")
    assert "Fund $A$" in [t.get_text() for t in drawn[0].axes[0].get_xticklabels()]


def test_the_budget_bar_splits_the_commitment_into_paid_approved_awaiting_and_not_yet_claimed():
    bar = charts.BudgetBar("RF-1", D("100000.00"), D("30000.00"), D("20000.00"), D("12500.50"))
    assert bar.parts == (D("12500.50"), D("7499.50"), D("10000.00"), D("70000.00"))
    assert sum(bar.parts) == bar.committed
    over = charts.BudgetBar("RF-2", D("100.00"), D("150.00"), D("120.00"), D("0.00"))
    assert over.parts == (D("0.00"), D("120.00"), D("30.00"), D("0.00"))
    assert charts.BudgetBar("RF-3", None, D("5.00"), D("0"), D("0")).parts[3] == 0


def test_the_budget_chart_draws_one_stacked_bar_per_contract_with_a_legend_and_its_amounts_as_text(drawn):
    bars = [charts.BudgetBar("RF-1", D("100000.00"), D("30000.00"), D("20000.00"), D("12500.50"))]
    chart = charts.budget_chart("Budget use", bars, PARTS, "nl", width=5.5)
    axes = drawn[0].axes[0]
    assert len(axes.patches) == 4  # one bar of four parts
    assert [p.get_y() for p in axes.patches] == [axes.patches[0].get_y()] * 4
    legend = drawn[0].legends[0]
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(PARTS[:4])
    written = {t.get_text().replace("\xa0", " ") for t in axes.texts}
    assert "€ 70.000,00" in written  # the widest part carries its amount; every amount is in the description
    assert tuple(line.replace("\xa0", " ") for line in chart.lines) == (
        "RF-1 (Commitment € 100.000,00): Paid € 12.500,50; Approved but unpaid € 7.499,50; "
        "Awaiting approval € 10.000,00; Not yet claimed € 70.000,00",
    )


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_colours_contrast_three_to_one_with_the_page_and_white_amounts_four_and_a_half_to_one():
    for colour in (*charts.COLOURS, *charts.BUDGET_COLOURS, charts.OUTLINE, charts.INK):
        assert _contrast(colour, "#ffffff") >= 3, colour
    for colour in charts.BUDGET_COLOURS:
        assert _contrast(colour, "#ffffff") >= 4.5, colour


def test_a_chart_is_drawn_once_for_the_same_figures_and_anew_when_a_figure_or_the_language_differs(drawn):
    def chart(values, locale="en"):
        return charts.bar_chart("Outstanding", ["Current", "90+"], [("Outstanding", values)], locale)

    first = chart([D("10.5"), D(3)])
    assert chart([D("10.5"), D(3)]) is first and len(drawn) == 1
    assert chart([D("10.50"), D(3)]) is not first  # equal, but a figure may be written with its places
    assert "Outstanding 4" in chart([D("10.5"), D(4)]).summary
    assert "Outstanding 10,5" in chart([D("10.5"), D(3)], "nl").summary
    assert len(drawn) == 4


def test_charts_drawn_by_threads_at_once_are_the_charts_drawn_one_by_one():
    """A gunicorn worker with threads draws for several requests at once; matplotlib's style is process-wide."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    def svg(builder: Callable[[], charts.Chart]) -> str:
        return re.sub(r"\b[mp][0-9a-f]{10}\b", "id", builder().svg)  # ids drawn at random

    charts._drawn.clear()  # drawn now, not remembered
    alone = {name: svg(builder) for name, builder in BUILDERS.items()}
    charts._drawn.clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        at_once = dict(zip(BUILDERS, pool.map(svg, BUILDERS.values()), strict=True))
    assert at_once == alone
