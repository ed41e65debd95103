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
    """
    merged = {(row, column) for cells in sheet.merged_cells.ranges for row, column in cells.cells}
    needed: dict[int, float] = {}
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged or (cell.font and (cell.font.sz or 11) > 11):
                continue
            shown = shown_length(cell.value, cell.number_format)
            wide = shown * 1.1 if cell.font and cell.font.b else min(shown, WIDEST)  # bold is about a tenth wider
            needed[cell.column] = max(needed.get(cell.column, 0), wide)
    for column, wide in needed.items():
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = max(dimension.width or 0, math.ceil(wide) + 2)


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
