"""Shared helpers for the workbooks fundapp writes: safe text, formats, headers, widths."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
PERCENT_FORMAT = "0.00%"
HEADER_FILL = PatternFill("solid", fgColor="0D2B45")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WIDEST = 60  # characters: a longer text wraps in its cell instead of widening the column
_PLACES = re.compile(r"\.([0#]+)")


def safe_text(value: str) -> str:
    """A text cell Excel shows but never runs: a leading =, +, -, @ (or tab/CR) gets a quote prefix.

    (The apostrophe is Excel's own "this is text" marker; openpyxl also stores the
    cell as a string, so the value is never evaluated as a formula.)
    """
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Decimal):
        # openpyxl writes Decimal as a number; Excel holds doubles, exact to the cent for any amount we keep.
        return value
    return value


def write_header(sheet: Worksheet, row: int, headers: Iterable[str]) -> None:
    for column, title in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=safe_text(str(title)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def set_widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def fit_columns(sheet: Worksheet, first_row: int = 1, last_row: int | None = None) -> None:
    """Widen each column to show its labels and values from ``first_row`` to ``last_row`` whole.

    Bold labels (headers, the labels of a summary) count in full; other text up to ``WIDEST``
    characters, beyond which it wraps. Headings (larger type), title lines above ``first_row``
    and merged cells span columns and do not count. A column is never made narrower than it was set.

    Numbers are not each formatted: of a column's numbers in one format, none shows longer than its largest or
    its most negative one (fixed places never show a larger number shorter, and a minus sign is one character),
    so only those two are.
    """
    merged = {(row, column) for cells in sheet.merged_cells.ranges for row, column in cells.cells}
    needed: dict[int, float] = {}
    extremes: dict[tuple[int, str, bool, bool], list[Any]] = {}
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
        for cell in row:
            value = cell.value
            if value is None or (cell.row, cell.column) in merged or (cell.font and (cell.font.sz or 11) > 11):
                continue
            bold = bool(cell.font and cell.font.b)
            if value.__class__ in _NUMBERS and _finite(value):
                key = (cell.column, cell.number_format, value.__class__ is int, bold)
                pair = extremes.get(key)
                if pair is None:
                    pair = extremes[key] = [None, None]
                if value < 0 or (value == 0 and math.copysign(1, value) < 0):
                    if pair[1] is None or value < pair[1]:
                        pair[1] = value
                elif pair[0] is None or value > pair[0]:
                    pair[0] = value
                continue
            _widen(needed, cell.column, shown_length(value, cell.number_format), bold)
    for (column, number_format, _whole, bold), pair in extremes.items():
        for value in pair:
            if value is not None:
                _widen(needed, column, shown_length(value, number_format), bold)
    for column, wide in needed.items():
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = max(dimension.width or 0, math.ceil(wide) + 2)


_NUMBERS = (int, float, Decimal)


def _finite(value: int | float | Decimal) -> bool:
    if value.__class__ is int:
        return True
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _widen(needed: dict[int, float], column: int, shown: int, bold: bool) -> None:
    wide = shown * 1.1 if bold else min(shown, WIDEST)  # bold is about a tenth wider
    if wide > needed.get(column, -1.0):  # below zero: an empty text still fits its column
        needed[column] = wide


def shown_length(value: Any, number_format: str = "General") -> int:
    """About how many characters Excel shows for the value in that number format (thousands separated)."""
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n"))
    if isinstance(value, bool):
        return 5
    if isinstance(value, date):  # a datetime too: shown with a date format unless it has hours
        return 16 if isinstance(value, datetime) and "h" in number_format.lower() else 10
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        percent, places = _number_shape(number_format)
        if places is None:
            places = 0 if isinstance(value, int) else 2
        return len(f"{number * (100 if percent else 1):,.{places}f}") + (2 if percent else 0)
    return len(str(value))


@lru_cache(maxsize=256)
def _number_shape(number_format: str) -> tuple[bool, int | None]:
    """Whether the format shows a percentage, and its decimals (None: it does not say). A workbook has few formats
    and many cells."""
    found = _PLACES.search(number_format)
    return "%" in number_format and '"%"' not in number_format, len(found.group(1)) if found else None


def to_bytes(workbook: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
