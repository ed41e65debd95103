"""Report workbooks written in one pass: cells are gathered per sheet, then streamed by openpyxl's write-only mode.

openpyxl's ordinary workbook keeps a full cell object per cell and resolves its style on every assignment and
again on saving; a fund of 1,000 investees spent more time on that than on writing the file. Here a cell is a
small record and each distinct style (font, fill, alignment, number format) is resolved once per workbook. The
sheets keep the part of the worksheet interface the report builders use (``cell``, ``iter_rows``,
``column_dimensions``, ``freeze_panes``, ``auto_filter``, ``add_chart``), so ``fundapp.xlsx.fit_columns`` and
``write_header`` work on them unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TIME_FORMATS, TIME_TYPES
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

from fundapp.gc_pause import paused_gc

_DEFAULT_FONT = Font()
GENERAL = "General"


class Cell:
    """A cell's value and style, as plain attributes (the interface ``fit_columns`` reads)."""

    __slots__ = ("alignment", "column", "fill", "font", "number_format", "row", "value")

    def __init__(self, row: int, column: int) -> None:
        self.row, self.column, self.value = row, column, None
        self.font: Font = _DEFAULT_FONT
        self.fill: PatternFill | None = None
        self.alignment: Alignment | None = None
        self.number_format = GENERAL


class _Width:
    __slots__ = ("width",)

    def __init__(self) -> None:
        self.width: float | None = 13  # openpyxl's default width of a column it is asked about


class _Widths(dict[str, _Width]):
    def __missing__(self, letter: str) -> _Width:
        self[letter] = _Width()
        return self[letter]


class _Merged:
    ranges: tuple[()] = ()  # report sheets merge no cells


class Sheet:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: dict[int, dict[int, Cell]] = {}
        self.column_dimensions = _Widths()
        self.merged_cells = _Merged()
        self.auto_filter = AutoFilter()
        self.freeze_panes: Any = None
        self.charts: list[tuple[Any, str]] = []

    def cell(self, row: int, column: int, value: Any = None) -> Cell:
        """The cell at (row, column); like openpyxl, a value of None leaves the cell's value as it is."""
        cells = self.rows.setdefault(row, {})
        found = cells.get(column)
        if found is None:
            found = cells[column] = Cell(row, column)
        if value is not None:
            found.value = value
            if isinstance(value, TIME_TYPES) and not is_date_format(found.number_format):
                found.number_format = TIME_FORMATS[type(value)]  # as openpyxl does when a date is written
        return found

    def iter_rows(self, min_row: int = 1, max_row: int | None = None) -> Iterator[list[Cell]]:
        last = max(self.rows, default=0) if max_row is None else max_row
        for row in range(min_row, last + 1):
            cells = self.rows.get(row)
            if cells:
                yield [cells[column] for column in sorted(cells)]

    def add_chart(self, chart: Any, anchor: str) -> None:
        self.charts.append((chart, anchor))


class Book:
    """The sheets of one workbook, in order; ``save`` writes them."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

    def create_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def save(self, creator: str, progress: Callable[[float], None] | None = None) -> io.BytesIO:
        """The workbook's bytes; ``progress`` hears the share of the sheets written so far."""
        workbook = Workbook(write_only=True)
        workbook.properties.creator = creator
        styles = _Styles(workbook)
        buffer = io.BytesIO()
        with paused_gc():
            for number, sheet in enumerate(self.sheets, start=1):
                _write(workbook.create_sheet(sheet.title), sheet, styles)
                if progress is not None:
                    progress(number / len(self.sheets))
            workbook.save(buffer)
        buffer.seek(0)
        return buffer


class _Placed(OpenpyxlCell):
    """An openpyxl cell that knows its style's number in the workbook: openpyxl would look the style up (hashing it)
    for every cell it writes."""

    __slots__ = ("style_id",)


class _Styles:
    """Each distinct (font, fill, alignment, number format) resolved to openpyxl's style record and number once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.known: dict[tuple[Any, ...], tuple[Any, int]] = {}
        self.kept: list[Cell] = []  # a cell of each style, so the ids in the keys stay theirs

    def apply(self, target: _Placed, cell: Cell) -> None:
        # By identity: the builders share their Font/Fill objects, and hashing openpyxl's styles costs more than
        # resolving a style twice.
        key = (id(cell.font), id(cell.fill), id(cell.alignment), cell.number_format)
        known = self.known.get(key)
        if known is None:
            if cell.font is not _DEFAULT_FONT:
                target.font = cell.font
            if cell.fill is not None:
                target.fill = cell.fill
            if cell.alignment is not None:
                target.alignment = cell.alignment
            target.number_format = cell.number_format
            # Numbered when first used, as openpyxl numbers a style when it first writes it (the same styles.xml).
            known = self.known[key] = (target._style, self.workbook._cell_styles.add(target._style))
            self.kept.append(cell)
        target._style, target.style_id = known


def _write(target: Any, sheet: Sheet, styles: _Styles) -> None:
    # Widths, panes and filters go before the first row: the write-only sheet streams its rows behind them.
    for letter, dimension in sheet.column_dimensions.items():
        if dimension.width is not None:
            target.column_dimensions[letter].width = dimension.width
    if sheet.freeze_panes is not None:
        freeze = sheet.freeze_panes
        target.freeze_panes = freeze if isinstance(freeze, str) else f"{get_column_letter(freeze.column)}{freeze.row}"
    target.auto_filter = sheet.auto_filter
    # The rows below are openpyxl cells already, placed and styled: they skip the conversion of appended values
    # (a private hook of openpyxl's write-only sheet; openpyxl is pinned, tests/unit/test_report_sheets.py reads back).
    target._values_to_row = lambda cells, _row: cells
    for chart, anchor in sheet.charts:
        target.add_chart(chart, anchor)
    plain = (_DEFAULT_FONT, None, None, GENERAL)
    for number in range(1, max(sheet.rows, default=0) + 1):
        cells = sheet.rows.get(number)
        if not cells:
            target.append([])
            continue
        values: list[_Placed] = []
        for column in sorted(cells):
            cell = cells[column]
            if cell.value is None and (cell.font, cell.fill, cell.alignment, cell.number_format) == plain:
                continue
            out = _Placed(target, row=number, column=column, value=cell.value)
            styles.apply(out, cell)
            values.append(out)
        target.append(values)
