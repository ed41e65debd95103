"""Shared helpers for the workbooks fundapp writes: safe text, formats, headers, widths."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
PERCENT_FORMAT = "0.00%"
HEADER_FILL = PatternFill("solid", fgColor="0D2B45")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def to_bytes(workbook: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
