"""Text measured before a chart is drawn, so that no label overlaps another whatever their number or length.

Widths come from matplotlib's own font metrics (the Agg renderer, no drawing), in
pixels at the charts' 100 dpi. Labels are wrapped to the room they have and cut
with an ellipsis past their last line; the full text stays in the chart's
description. Margins are planned in pixels and given to matplotlib as fractions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

DPI = 100
FONT = "DejaVu Sans"
SIZE = 8  # points: tick labels and titles
SMALL = 7  # points: legends and the amounts inside bars
PAD = 6  # pixels around the figure and between its parts
TICK = 10  # pixels between an axis and its tick labels (tick length and padding, 3.5 pt each)
ELLIPSIS = "…"


@cache
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, DPI)


@lru_cache(maxsize=4096)
def _line_width(line: str, size: float, bold: bool) -> float:
    font = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    return _renderer().get_text_width_height_descent(line, font, ismath=False)[0]


def width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """The width in pixels of the text's widest line."""
    return max((_line_width(line, size, bold) for line in text.split("\n")), default=0.0)


def widest(texts: Sequence[str], size: float = SIZE) -> float:
    return max((width(text, size) for text in texts), default=0.0)


def line_height(size: float = SIZE) -> float:
    """Pixels per line: the font's height with matplotlib's line spacing (1.2) and a little air."""
    return size * DPI / 72 * 1.25


def height(text: str, size: float = SIZE) -> float:
    return (text.count("\n") + 1) * line_height(size)


def fit(text: str, room: float, size: float = SIZE, lines: int = 2, bold: bool = False) -> tuple[str, bool]:
    """The text wrapped at spaces to ``room`` pixels, at most ``lines`` lines; answers (text, whether it was cut)."""
    wrapped: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if width(trial, size, bold) <= room:
            current = trial
            continue
        if current:
            wrapped.append(current)
        current = word
        while width(current, size, bold) > room and len(current) > 1:  # a word longer than the room is broken
            cut = _longest_prefix(current, room, size, bold)
            wrapped.append(current[:cut])
            current = current[cut:]
    if current:
        wrapped.append(current)
    if len(wrapped) <= lines:
        return "\n".join(wrapped), False
    kept = wrapped[:lines]
    kept[-1] = _shortened(kept[-1], room, size, bold)
    return "\n".join(kept), True


def _longest_prefix(word: str, room: float, size: float, bold: bool) -> int:
    cut = len(word) - 1
    while cut > 1 and width(word[:cut], size, bold) > room:
        cut -= 1
    return cut


def _shortened(line: str, room: float, size: float, bold: bool) -> str:
    line = line.rstrip()
    while line and width(line + ELLIPSIS, size, bold) > room:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def label_step(labels: Sequence[str], slot: float, size: float = SIZE) -> int:
    """Label every n-th point so that labels side by side never touch (``slot``: pixels between points)."""
    widest = max((width(text, size) for text in labels), default=0.0)
    return max(1, math.ceil((widest + PAD) / max(slot, 1.0)))


def number(value: Any, locale: str) -> str:
    """A figure on an axis or in a description, in the reader's locale, to at most two decimals."""
    return format_decimal(Decimal(str(round(value, 2))).normalize(), format="#,##0.##", locale=locale)


def value_ticks(low: Any, high: Any, room: float, along: bool, locale: str) -> tuple[list[Any], list[str]]:
    """Ticks for a value axis ``room`` pixels long, as many as fit: side by side (``along``) or one above another.

    Beside the axis, the end labels stick out by half their width or height: ``room`` includes that margin.
    """
    low, high = min(low, 0), max(high, 0)
    if high <= low:
        high = low + 1
    ticks: list[Any] = [low, high]
    for bins in range(6, 0, -1):
        ticks = list(MaxNLocator(nbins=bins).tick_values(low, high))
        size = widest([number(t, locale) for t in ticks]) if along else line_height()
        if (room - size) / max(len(ticks) - 1, 1) >= size + PAD:
            break
    return ticks, [number(t, locale) for t in ticks]


@dataclass(frozen=True)
class Heading:
    """The title (at most two lines) and the legend above the plot, planned for a figure ``room`` pixels wide."""

    title: str
    names: tuple[str, ...]
    columns: int
    height: float

    @property
    def legend_top(self) -> float:
        return PAD + height(self.title) + PAD / 2


LEGEND_HANDLE = 2.0  # handle length and padding, in font sizes
LEGEND_GAP = 1.5  # column spacing, in font sizes


def plan_heading(title: str, names: Sequence[str], room: float) -> Heading:
    title_text, _cut = fit(title, room - 2 * PAD, SIZE, 2, bold=True)
    used = PAD + height(title_text) + PAD / 2
    if not names:
        return Heading(title_text, (), 0, used + PAD)
    em = SMALL * DPI / 72
    shown = tuple(fit(name, room - 2 * PAD - LEGEND_HANDLE * em, SMALL, 1)[0] for name in names)
    entry = max(width(name, SMALL) for name in shown) + LEGEND_HANDLE * em
    columns = max(1, min(len(shown), int((room - 2 * PAD + LEGEND_GAP * em) // (entry + LEGEND_GAP * em))))
    rows = math.ceil(len(shown) / columns)
    return Heading(title_text, shown, columns, used + rows * line_height(SMALL) * 1.4 + PAD)


def draw_heading(figure: Figure, frame: Frame, heading: Heading, handles: Sequence[Any]) -> None:
    """The title at the top left, the legend (when there are handles) under it."""
    figure.text(
        frame.x(PAD), frame.y_from_top(PAD), heading.title, ha="left", va="top", fontsize=SIZE, fontweight="bold"
    )
    if handles:
        # matplotlib fills a legend column by column; this order reads row by row, as the parts follow each other
        order = [i for column in range(heading.columns) for i in range(column, len(handles), heading.columns)]
        figure.legend(
            [handles[i] for i in order],
            [heading.names[i] for i in order],
            loc="upper left",
            bbox_to_anchor=(frame.x(PAD), frame.y_from_top(heading.legend_top)),
            ncol=heading.columns,
            fontsize=SMALL,
            frameon=False,
            borderaxespad=0,
            borderpad=0,
            handlelength=LEGEND_HANDLE - 0.5,
            handletextpad=0.5,
            columnspacing=LEGEND_GAP,
        )


@dataclass(frozen=True)
class Frame:
    """A figure's size and the margins around its plot, in pixels."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def x(self, pixels: float) -> float:
        return pixels / self.width

    def y_from_top(self, pixels: float) -> float:
        return 1 - pixels / self.height

    def adjustments(self) -> dict[str, float]:
        return {
            "left": self.left / self.width,
            "right": 1 - self.right / self.width,
            "top": 1 - self.top / self.height,
            "bottom": self.bottom / self.height,
        }
