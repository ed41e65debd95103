"""Server-side charts as SVG (matplotlib, Agg): the same picture on the page and in the PDF.

A chart is embedded as a data: URL image, on the page and in the PDF alike:
the page's Content-Security-Policy allows no inline styles (which an inline SVG
needs), and WeasyPrint draws an image far faster than inline SVG (it would
otherwise match every stylesheet rule against each SVG element). Text stays
text, in matplotlib's own DejaVu Sans (installed with it; fallbacks named), so
the PDF's text can be searched. Numbers become floats only here, for drawing.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

from babel.numbers import format_decimal
from markupsafe import escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

COLOURS = ("#0b5cad", "#1a7f37", "#8a5a00", "#b3261e", "#6639ba")
STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
}
FONTS = "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its title; renders itself as an <img> in a template."""

    svg: str
    title: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")

    def __html__(self) -> str:
        return f'<img class="chart" src="{self.data_uri}" alt="{escape(self.title)}">'


def _figure(width: float, height: float, bottom: float) -> tuple[Figure, Axes]:
    # Fixed margins: a constrained layout draws the figure twice, a third of a second per chart.
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height), dpi=100)
        figure.subplots_adjust(left=0.16, right=0.97, top=0.88, bottom=bottom)
        axes = figure.add_subplot()
    return figure, axes


def _number_axis(axes: Axes, locale: str) -> None:
    def label(value: float, _position: int) -> str:
        return format_decimal(Decimal(str(round(value, 2))).normalize(), format="#,##0.##", locale=locale)

    axes.yaxis.set_major_formatter(FuncFormatter(label))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))


def _svg(figure: Figure, description: str) -> Chart:
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # The XML prolog names a DTD by URL; the document needs none of it.
    svg = text[text.index("<svg") :].replace("font-family: 'DejaVu Sans'", FONTS)
    return Chart(svg, description)


def trend_chart(
    title: str,
    periods: Sequence[str],
    actual: Sequence[Decimal | None],
    target: Sequence[Decimal | None],
    baseline: Decimal | None,
    names: tuple[str, str, str],
    locale: str,
) -> Chart:
    """Actual values per period as a line, targets as open markers, the baseline as a dotted line."""
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(3.6, 2.3, bottom=0.27)
        positions = list(range(len(periods)))
        shown = [(x, float(v)) for x, v in zip(positions, actual, strict=True) if v is not None]
        if shown:
            axes.plot([x for x, _ in shown], [v for _, v in shown], marker="o", color=COLOURS[0], label=names[0])
        goals = [(x, float(v)) for x, v in zip(positions, target, strict=True) if v is not None]
        if goals:
            axes.plot(
                [x for x, _ in goals],
                [v for _, v in goals],
                linestyle="--",
                marker="s",
                markerfacecolor="white",
                color=COLOURS[1],
                label=names[1],
            )
        if baseline is not None:
            axes.axhline(float(baseline), linestyle=":", color=COLOURS[2], label=names[2])
        axes.set_xticks(positions, list(periods), rotation=45, ha="right")
        _title(figure, axes, title, 40)
        highest = max([v for _, v in shown + goals] + [float(baseline or 0), 1.0])
        axes.set_ylim(bottom=0, top=highest * 1.3)  # headroom for the legend
        _number_axis(axes, locale)
        axes.legend(fontsize=6, frameon=False, loc="upper left", ncol=3)
    return _svg(figure, title)


def _title(figure: Figure, axes: Axes, title: str, width: int) -> None:
    """A title of at most two lines; the plot moves down to make room for the second."""
    lines = textwrap.wrap(title, width)[:2]
    axes.set_title("\n".join(lines), loc="left", fontsize=8, fontweight="bold")
    if len(lines) > 1:
        figure.subplots_adjust(top=0.82)


def _tilted(labels: Sequence[str], width: float) -> bool:
    """Slant the labels when they would not fit side by side (about eight characters an inch)."""
    return len(labels) > 5 or sum(min(len(text), 18) + 2 for text in labels) > width * 8


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    locale: str,
    width: float = 5.5,
    height: float = 2.6,
) -> Chart:
    """Grouped bars: one group per label, one bar per series."""
    with matplotlib.rc_context(STYLE):
        tilted = _tilted(labels, width)
        figure, axes = _figure(width, height, bottom=0.3 if tilted or any(len(t) > 18 for t in labels) else 0.14)
        count = max(len(series), 1)
        bar = 0.8 / count
        for index, (name, values) in enumerate(series):
            offsets = [x - 0.4 + bar * (index + 0.5) for x in range(len(labels))]
            axes.bar(offsets, [float(v) for v in values], bar, label=name, color=COLOURS[index % len(COLOURS)])
        wrapped = ["\n".join(textwrap.wrap(text, 18)[:3]) or text for text in labels]
        axes.set_xticks(
            list(range(len(labels))), wrapped, rotation=20 if tilted else 0, ha="right" if tilted else "center"
        )
        _title(figure, axes, title, 70)
        _number_axis(axes, locale)
        if len(series) > 1:
            axes.legend(fontsize=7, frameon=False)
    return _svg(figure, title)
