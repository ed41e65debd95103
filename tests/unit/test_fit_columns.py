"""``fit_columns`` formats only each column's extreme numbers per format: the widths must be those of every cell."""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fundapp.xlsx import WIDEST, fit_columns, shown_length

FORMATS = ["General", "#,##0.00", "#,##0", "0%", "0.0%", "0.000", '0.0"%"', "yyyy-mm-dd", "dd-mm-yyyy hh:mm"]


def fit_every_cell(sheet, first_row: int, last_row: int | None) -> None:
    """The rule cell by cell, as fit_columns applied it before it grouped the numbers."""
    merged = {(row, column) for cells in sheet.merged_cells.ranges for row, column in cells.cells}
    needed: dict[int, float] = {}
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged or (cell.font and (cell.font.sz or 11) > 11):
                continue
            shown = shown_length(cell.value, cell.number_format)
            wide = shown * 1.1 if cell.font and cell.font.b else min(shown, WIDEST)
            needed[cell.column] = max(needed.get(cell.column, 0), wide)
    for column, wide in needed.items():
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = max(dimension.width or 0, math.ceil(wide) + 2)


def widths(sheet) -> dict[str, float]:
    return {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}


def a_value(rng: random.Random):
    kind = rng.randrange(11)
    if kind == 0:
        return rng.randint(-(10 ** rng.randint(0, 12)), 10 ** rng.randint(0, 12))
    if kind == 1:
        return Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.randint(0, 6))
    if kind == 2:
        return rng.choice([rng.uniform(-1e6, 1e6), rng.uniform(-1, 1), -0.0, 0.0, 9.995, -9.995, 0.005, -0.004])
    if kind == 3:
        return rng.choice([Decimal("-0"), Decimal("0.00"), Decimal("-0.001"), Decimal("99.995"), Decimal("-99.995")])
    if kind == 4:
        return rng.choice([float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("-Infinity")])
    if kind == 5:
        return rng.choice([True, False])
    if kind == 6:
        return rng.choice([date(2026, 12, 4), datetime(2026, 12, 4, 13, 30)])
    if kind == 7:
        return rng.choice(["", "x", "a fairly long label for a column " * rng.randint(1, 4), "two\nlines here"])
    if kind == 8:
        return None
    return rng.choice([0, 1, -1, 10**15, -(10**15), 999, -999])


def a_sheet(seed: int):
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    columns, rows = rng.randint(1, 6), rng.randint(1, 60)
    for column in range(1, columns + 1):
        if rng.random() < 0.3:
            sheet.column_dimensions[get_column_letter(column)].width = rng.choice([5, 12, 30])
        formats = rng.sample(FORMATS, rng.randint(1, 3))
        for row in range(1, rows + 1):
            cell = sheet.cell(row=row, column=column, value=a_value(rng))
            cell.number_format = rng.choice(formats)
            if rng.random() < 0.15:
                cell.font = Font(b=True)
            elif rng.random() < 0.05:
                cell.font = Font(sz=14)
    if rows > 3 and columns > 1 and rng.random() < 0.5:
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    return sheet, rng.randint(1, 3), rng.choice([None, max(1, rows - 2)])


@pytest.mark.parametrize("seed", range(60))
def test_widths_are_those_of_every_cell_formatted(seed):
    expected, first, last = a_sheet(seed)
    fit_every_cell(expected, first, last)
    found, _first, _last = a_sheet(seed)
    fit_columns(found, first, last)
    assert widths(found) == widths(expected)
    assert any(width for width in widths(found).values()), "nothing was fitted: the case tests nothing"


def test_whole_numbers_and_decimals_of_one_format_are_measured_apart():
    """100,000,000 is the larger number, 99,999,999.99 the longer one: a whole number shows no places by default."""
    book = Workbook()
    sheet = book.active
    for row, value in enumerate([100_000_000, Decimal("99999999.99"), -5, 0.5], start=1):
        sheet.cell(row=row, column=1, value=value)
    fit_columns(sheet)
    assert sheet.column_dimensions["A"].width == len("99,999,999.99") + 2  # wider than the default 13
