"""Server-side charts as SVG (matplotlib, Agg): the same picture on the page and in the PDF.

A chart is embedded as a data: URL image, on the page and in the PDF alike:
the page's Content-Security-Policy allows no inline styles (which an inline SVG
needs), and WeasyPrint draws an image far faster than inline SVG (it would
otherwise match every stylesheet rule against each SVG element). Text stays
text, in matplotlib's own DejaVu Sans (installed with it; fallbacks named), so
the PDF's text can be searched. Numbers become floats only here, for drawing.

Labels are laid out before drawing (chart_layout): category names wrap, or the
bars turn sideways when the names do not fit under them, and periods are
labelled every n-th point, so no two labels overlap. The full names and every
figure are in the chart's text alternative (the image's alt, the SVG's title
and desc). Colours have at least 3:1 contrast with the white background.
"""

from __future__ import annotations

import base64
import functools
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, is_dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

from babel.numbers import format_currency
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from fundapp.money import ZERO
from fundapp.reports import chart_layout as lay
from fundapp.reports.chart_layout import PAD, SIZE, SMALL, TICK, Frame

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

COLOURS = ("#0b5cad", "#1a7f37", "#8a5a00", "#b3261e", "#6639ba")
BUDGET_COLOURS = ("#1a7f37", "#0b5cad", "#8a5a00")  # paid, approved not paid, claimed awaiting approval
OUTLINE = "#57606a"  # the open part of a budget: white, outlined
INK = "#1b1f24"
STYLE: dict[RcKeyType, Any] = {
    "font.family": lay.FONT,
    "font.size": SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "text.parse_math": False,  # a name with two $ signs is text, not a formula
}
FONTS = "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """An SVG chart, its title and its figures in words (a line per category); renders itself as an <img>."""

    svg: str
    title: str
    lines: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return ". ".join(self.lines)

    @property
    def text(self) -> str:
        return f"{self.title}. {self.summary}" if self.summary else self.title

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")

    def image(self, alt: str) -> Markup:
        return Markup('<img class="chart" src="{}" alt="{}">').format(self.data_uri, alt)

    def __html__(self) -> str:
        return self.image(self.text)


@dataclass(frozen=True)
class BudgetBar:
    """A payer's budget on one contract. ``claimed`` counts every claim submitted or decided (as budget.py does)."""

    label: str
    committed: Decimal | None
    claimed: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def parts(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """Paid; approved but unpaid; claimed and awaiting approval; the commitment not yet claimed."""
        paid = max(self.paid, ZERO)
        approved = max(self.approved - paid, ZERO)
        waiting = max(self.claimed - paid - approved, ZERO)
        left = ZERO if self.committed is None else max(self.committed - paid - approved - waiting, ZERO)
        return paid, approved, waiting, left


CHARTS_KEPT = 256  # drawn charts kept per process, the least recently used dropped first
_drawn: OrderedDict[Any, Chart] = OrderedDict()
_drawn_lock = threading.Lock()
# matplotlib's rc_context sets process-wide settings while a chart is drawn: threads of one worker draw in turn.
_drawing = threading.Lock()


def _frozen(value: Any) -> Any:
    """A key that tells apart every argument that draws differently: Decimal('1.0') and Decimal('1.00') too."""
    if isinstance(value, Decimal):
        return ("D", str(value))
    if isinstance(value, str | LazyString):  # a lazy translation as the words it reads now
        return str(value)
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, _frozen(astuple(value)))
    return value


def _remembered(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """A chart is drawn once per process for the same figures, words and locale: it is a function of its
    arguments alone, so a page shows the same chart whether it was drawn now or before (matplotlib takes a
    tenth of a second per chart, most of a dashboard's time)."""

    @functools.wraps(draw)
    def remembered(*args: Any, **kwargs: Any) -> Chart:
        key = (draw.__name__, _frozen(args), _frozen(sorted(kwargs.items())))
        with _drawn_lock:
            if key in _drawn:
                _drawn.move_to_end(key)
                return _drawn[key]
        with _drawing:
            chart = draw(*args, **kwargs)
        with _drawn_lock:
            _drawn[key] = chart
            while len(_drawn) > CHARTS_KEPT:
                _drawn.popitem(last=False)
        return chart

    return remembered


def _money(value: Decimal, locale: str) -> str:
    return format_currency(value, "EUR", locale=locale)


def _figure(frame: Frame) -> tuple[Figure, Axes]:
    # Margins planned from measured text: a constrained layout draws the figure twice, a third of a second per chart.
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(frame.width / lay.DPI, frame.height / lay.DPI), dpi=lay.DPI)
        figure.subplots_adjust(**frame.adjustments())
        axes = figure.add_subplot()
    return figure, axes


def _series_names(series: Sequence[tuple[str, Sequence[Decimal | int]]]) -> list[str]:
    return [name for name, _ in series] if len(series) > 1 else []


@_remembered
def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    locale: str,
    width: float = 5.5,
    height: float = 2.6,
) -> Chart:
    """Grouped bars, one group per label and one bar per series: upright when the labels fit under them, else
    sideways with the labels beside them (the figure then grows a row per label)."""
    lines = [
        f"{label}: " + "; ".join(f"{name} {lay.number(Decimal(values[i]), locale)}" for name, values in series)
        for i, label in enumerate(labels)
    ]
    figure = _upright_bars(title, labels, series, locale, width, height)
    if figure is None:
        figure = _sideways_bars(title, labels, series, locale, width)
    return _svg(figure, title, lines)


def _upright_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    locale: str,
    width: float,
    height: float,
) -> Figure | None:
    """Bars standing on the labels, or None when a label would have to be cut to fit under its bar."""
    room_x, room_y = width * lay.DPI, height * lay.DPI
    heading = lay.plan_heading(title, _series_names(series), room_x)
    values = [float(v) for _, vs in series for v in vs] or [0.0]
    lowest_plot = room_y - heading.height - (PAD + TICK + 2 * lay.line_height())
    ticks, tick_labels = lay.value_ticks(min(values), max(values), lowest_plot, False, locale)
    left = PAD + lay.widest(tick_labels) + TICK
    slot = (room_x - left - PAD) / max(len(labels), 1)
    fitted = [lay.fit(text, slot - PAD) for text in labels]
    if slot < 3 * PAD or any(cut for _, cut in fitted):
        return None
    bottom = PAD + TICK + max((lay.height(text) for text, _ in fitted), default=lay.line_height())
    frame = Frame(room_x, room_y, left, PAD, heading.height + lay.line_height() / 2, bottom)
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(frame)
        handles = _grouped(axes, series, len(labels), upright=True)
        axes.set_xticks(range(len(labels)), [text for text, _ in fitted])
        axes.set_xlim(-0.5, len(labels) - 0.5)
        axes.set_yticks(ticks, tick_labels)
        axes.set_ylim(ticks[0], ticks[-1])
        lay.draw_heading(figure, frame, heading, handles if len(series) > 1 else [])
    return figure


def _sideways_bars(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | int]]], locale: str, width: float
) -> Figure:
    room_x = width * lay.DPI
    heading = lay.plan_heading(title, _series_names(series), room_x)
    fitted = [lay.fit(text, room_x * 0.4)[0] for text in labels]
    left = PAD + lay.widest(fitted) + TICK
    values = [float(v) for _, vs in series for v in vs] or [0.0]
    ticks, tick_labels = lay.value_ticks(min(values), max(values), room_x - left - PAD, True, locale)
    row = max(max((lay.height(text) for text in fitted), default=0.0) + PAD, 8.0 * len(series) + PAD, 20.0)
    bottom = PAD + TICK + lay.line_height()
    frame = Frame(
        room_x,
        heading.height + row * len(labels) + bottom,
        left,
        PAD + lay.widest(tick_labels) / 2,
        heading.height,
        bottom,
    )
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(frame)
        handles = _grouped(axes, series, len(labels), upright=False)
        _category_axis(axes, fitted)
        axes.set_xticks(ticks, tick_labels)
        axes.set_xlim(ticks[0], ticks[-1])
        lay.draw_heading(figure, frame, heading, handles if len(series) > 1 else [])
    return figure


def _grouped(axes: Axes, series: Sequence[tuple[str, Sequence[Decimal | int]]], count: int, upright: bool) -> list[Any]:
    bar = 0.8 / max(len(series), 1)
    handles: list[Any] = []
    for index, (name, values) in enumerate(series):
        offsets = [x - 0.4 + bar * (index + 0.5) for x in range(count)]
        draw = axes.bar if upright else axes.barh
        handles.append(draw(offsets, [float(v) for v in values], bar, label=name, color=COLOURS[index % len(COLOURS)]))
    return handles


def _category_axis(axes: Axes, labels: Sequence[str]) -> None:
    """Categories down the left side, the first on top."""
    axes.set_yticks(range(len(labels)), labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)


@_remembered
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
    room_x, room_y = 3.6 * lay.DPI, 2.3 * lay.DPI
    shown = [(x, float(v)) for x, v in enumerate(actual) if v is not None]
    goals = [(x, float(v)) for x, v in enumerate(target) if v is not None]
    present = [bool(shown), bool(goals), baseline is not None]
    heading = lay.plan_heading(title, [name for name, on in zip(names, present, strict=True) if on], room_x)
    values = [v for _, v in shown + goals] + ([float(baseline)] if baseline is not None else []) or [0.0]
    bottom = PAD + TICK + lay.line_height()
    top = heading.height + lay.line_height() / 2
    headroom = (max(values) - min(values, default=0.0)) * 0.05 or 1.0  # markers are not cut by the frame
    ticks, tick_labels = lay.value_ticks(min(values), max(values) + headroom, room_y - top - bottom, False, locale)
    left = PAD + lay.widest(tick_labels) + TICK
    right = PAD + lay.widest(periods) / 2
    count = max(len(periods), 1)
    step = lay.label_step(periods, (room_x - left - right) / count)
    labelled = [x for x in range(len(periods)) if (len(periods) - 1 - x) % step == 0]  # the latest always labelled
    frame = Frame(room_x, room_y, left, right, top, bottom)
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(frame)
        handles: list[Any] = []
        if shown:
            handles += axes.plot([x for x, _ in shown], [v for _, v in shown], marker="o", color=COLOURS[0])
        if goals:
            handles += axes.plot(
                [x for x, _ in goals],
                [v for _, v in goals],
                linestyle="--",
                marker="s",
                markerfacecolor="white",
                color=COLOURS[1],
            )
        if baseline is not None:
            handles.append(axes.axhline(float(baseline), linestyle=":", color=COLOURS[2]))
        axes.set_xticks(labelled, [periods[x] for x in labelled])
        axes.set_xlim(-0.5, count - 0.5)
        axes.set_yticks(ticks, tick_labels)
        axes.set_ylim(ticks[0], ticks[-1])
        lay.draw_heading(figure, frame, heading, handles)
    return _svg(figure, title, _trend_lines(periods, actual, target, baseline, names, locale))


def _trend_lines(
    periods: Sequence[str],
    actual: Sequence[Decimal | None],
    target: Sequence[Decimal | None],
    baseline: Decimal | None,
    names: tuple[str, str, str],
    locale: str,
) -> list[str]:
    parts = []
    for period, value, goal in zip(periods, actual, target, strict=True):
        figures = [
            f"{name} {lay.number(v, locale)}" for name, v in ((names[0], value), (names[1], goal)) if v is not None
        ]
        if figures:
            parts.append(f"{period}: {'; '.join(figures)}")
    if baseline is not None:
        parts.append(f"{names[2]} {lay.number(baseline, locale)}")
    return parts


@_remembered
def budget_chart(title: str, bars: Sequence[BudgetBar], names: Sequence[str], locale: str, width: float = 5.5) -> Chart:
    """One stacked bar per contract: paid, approved not paid, claimed awaiting approval, the rest of the commitment.

    ``names``: the four parts and the word for the commitment. Each part's amount is written inside it where it
    fits, and every amount is in the chart's text alternative.
    """
    room_x = width * lay.DPI
    kinds = 4 if any(bar.committed is not None for bar in bars) else 3  # without a commitment, nothing is left
    heading = lay.plan_heading(title, names[:kinds], room_x)
    fitted = [lay.fit(bar.label, room_x * 0.3)[0] for bar in bars]
    left = PAD + lay.widest(fitted) + TICK
    totals = [float(max(sum(bar.parts, ZERO), bar.committed or ZERO)) for bar in bars] or [0.0]
    ticks, tick_labels = lay.value_ticks(0.0, max(totals), room_x - left - PAD, True, locale)
    row = max(max((lay.height(text) for text in fitted), default=0.0), 2 * lay.line_height(SMALL)) + 2 * PAD
    bottom = PAD + TICK + lay.line_height()
    frame = Frame(
        room_x,
        heading.height + row * len(bars) + bottom,
        left,
        PAD + lay.widest(tick_labels) / 2,
        heading.height,
        bottom,
    )
    scale = frame.plot_width / (ticks[-1] - ticks[0])
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure(frame)
        handles: list[Any] = []
        for part in range(kinds):
            starts = [float(sum(bar.parts[:part], ZERO)) for bar in bars]
            widths = [float(bar.parts[part]) for bar in bars]
            filled = part < len(BUDGET_COLOURS)
            drawn = axes.barh(
                range(len(bars)),
                widths,
                0.7,
                left=starts,
                color=BUDGET_COLOURS[part] if filled else "white",
                edgecolor="white" if filled else OUTLINE,
                linewidth=1,
            )
            handles.append(drawn)
            for y, (start, size, bar) in enumerate(zip(starts, widths, bars, strict=True)):
                text = _money(bar.parts[part], locale)
                if size > 0 and lay.width(text, SMALL) + PAD <= size * scale:
                    colour = "white" if filled else INK
                    axes.text(start + size / 2, y, text, ha="center", va="center", fontsize=SMALL, color=colour)
        _category_axis(axes, fitted)
        axes.set_xticks(ticks, tick_labels)
        axes.set_xlim(ticks[0], ticks[-1])
        lay.draw_heading(figure, frame, heading, handles)
    return _svg(figure, title, _budget_lines(bars, names, locale))


def _budget_lines(bars: Sequence[BudgetBar], names: Sequence[str], locale: str) -> list[str]:
    lines = []
    for bar in bars:
        shown = zip(names[: 4 if bar.committed is not None else 3], bar.parts, strict=False)
        parts = "; ".join(f"{name} {_money(amount, locale)}" for name, amount in shown)
        committed = f" ({names[4]} {_money(bar.committed, locale)})" if bar.committed is not None else ""
        lines.append(f"{bar.label}{committed}: {parts}")
    return lines


def _svg(figure: Figure, title: str, lines: Sequence[str]) -> Chart:
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # The XML prolog names a DTD by URL; the document needs none of it.
    svg = text[text.index("<svg") :].replace("font-family: 'DejaVu Sans'", FONTS)
    return Chart(_described(svg, title, ". ".join(lines)), title, tuple(lines))


def _described(svg: str, title: str, summary: str) -> str:
    """The SVG as an image with a name and a description, for a reader that opens it on its own."""
    end = svg.index(">")
    label = f"{title}. {summary}" if summary else title
    return (
        f'{svg[:end]} role="img" aria-label="{escape(label)}">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>{svg[end + 1 :]}"
    )
