"""Validating the two data sheets, row by row, from the values calamine read: the KPI sheet and what both sheets
share here, the participants sheet in participant_sheet.

Every rule adds its problem and moves on, so that one upload lists everything.
Rows entirely blank are skipped wherever they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from . import layout
from .cells import CellRejected, decimals_of, is_blank, is_whole, read_date, read_number, read_text
from .facts import SheetFacts
from .messages import format_date, quote
from .model import KpiValue, Limits, PlannedIndicator, TemplateContext
from .problems import Problems

Row = Sequence[object]
Rows = Sequence[Row]


class _Cell:
    """One cell of the row being read: its value, its reference, and reporting a problem on it."""

    __slots__ = ("flagged", "problems", "row", "sheet")

    def __init__(self, sheet: str, row: int, problems: Problems):
        self.sheet, self.row, self.problems = sheet, row, problems
        # Rows without a problem from the XML scan (nearly all) skip the per-cell look-ups.
        self.flagged = problems.row_has_any(sheet, row)

    def ref(self, column: int) -> str:
        return layout.cell_ref(column, self.row)

    def fail(self, column: int, key: str, **values: object) -> None:
        self.problems.add(self.sheet, self.ref(column), key, **values)
        self.flagged = True

    def already_reported(self, column: int) -> bool:
        """A formula, error or merged cell was reported from the XML; don't pile a second problem on it."""
        return self.flagged and self.problems.has(self.sheet, self.ref(column))


def _value(row: Row, column: int) -> object:
    return row[column] if column < len(row) else ""  # the header row may be shorter than the data rows


def _is_blank_row(row: Row) -> bool:
    # The first cell decides for nearly every row: a reference or a code is there.
    return is_blank(row[0]) and all(is_blank(value) for value in row)


def _padded(rows: Rows, width: int) -> Rows:
    """Rows at least `width` wide (calamine's rows are as wide as the sheet's used area)."""
    if not rows or len(rows[0]) >= width:
        return rows
    return [[*row, *[""] * (width - len(row))] for row in rows]


def report_sheet_facts(sheet: str, facts: SheetFacts, problems: Problems) -> None:
    """The problems only the sheet's XML shows: formulas, error values, merged cells in the data area."""
    for ref in facts.formula_cells:
        problems.add(sheet, ref, "formula")
    for ref in facts.error_cells:
        problems.add(sheet, ref, "error_value")
    for merged in facts.merged_ranges:
        first, _, last = merged.partition(":")
        last_position = layout.split_cell_ref(last or first)
        if last_position and last_position[0] >= layout.FIRST_DATA_ROW:
            problems.add(sheet, first, "merged", range=merged)


def header_is_intact(rows: Rows, sheet: str, headers: dict[str, tuple[str, ...]], problems: Problems) -> bool:
    """The header row as the template wrote it (in either language): else the columns cannot be trusted."""
    found = rows[layout.HEADER_ROW - 1] if len(rows) >= layout.HEADER_ROW else []
    intact = True
    for column, (dutch, english) in enumerate(zip(headers["nl"], headers["en"], strict=True)):
        value = _value(found, column)
        text = value.strip().casefold() if isinstance(value, str) else None
        if text not in (dutch.casefold(), english.casefold()):
            problems.add(
                sheet,
                layout.cell_ref(column, layout.HEADER_ROW),
                "header_changed",
                expected=dutch if problems.language == "nl" else english,
            )
            intact = False
    return intact


def _check_outside_columns(row: Row, width: int, cell: _Cell) -> None:
    """Data right of the template's columns is refused: it is often a name or a note about a person."""
    for column in range(width, len(row)):
        if not is_blank(row[column]):
            cell.fail(column, "outside_columns")
            return


def _text(row: Row, column: int, cell: _Cell, limits: Limits, line_breaks: bool = False) -> str | None:
    """The text of a cell; None when blank or when a problem was reported."""
    if cell.already_reported(column):
        return None
    try:
        return read_text(row[column], limits.max_text_length, line_breaks)
    except CellRejected as rejected:
        cell.fail(column, rejected.key, **rejected.values)
        return None


def _number(row: Row, column: int, cell: _Cell) -> Decimal | None:
    """The number in a cell; None when blank or when a problem was reported."""
    return _number_value(row[column], column, cell)


def _number_value(raw: object, column: int, cell: _Cell) -> Decimal | None:
    if is_blank(raw) or cell.already_reported(column):
        return None
    try:
        return read_number(raw)
    except CellRejected as rejected:
        cell.fail(column, rejected.key, **rejected.values)
        return None


def _date(row: Row, column: int, cell: _Cell) -> date | None:
    """The date in a cell, within the plausible bounds; None when blank or when a problem was reported."""
    raw = row[column]
    if is_blank(raw) or cell.already_reported(column):
        return None
    try:
        day = read_date(raw)
    except CellRejected as rejected:
        cell.fail(column, rejected.key, **rejected.values)
        return None
    if not layout.EARLIEST_DATE <= day <= layout.LATEST_DATE:
        language = cell.problems.language
        cell.fail(
            column,
            "date_implausible",
            earliest=format_date(layout.EARLIEST_DATE, language),
            latest=format_date(layout.LATEST_DATE, language),
        )
        return None
    return day


# --- KPI --------------------------------------------------------------------------


def read_kpi_rows(
    rows: Rows, sheet: str, facts: SheetFacts, ctx: TemplateContext, limits: Limits, problems: Problems
) -> list[KpiValue]:
    rows = _padded(rows, layout.KPI_WIDTH)
    plan = {indicator.code: indicator for indicator in ctx.indicators}
    seen: dict[str, int] = {}
    values: list[KpiValue] = []
    for index in range(layout.FIRST_DATA_ROW - 1, len(rows)):
        row = rows[index]
        if _is_blank_row(row):
            continue
        cell = _Cell(sheet, index + 1, problems)
        _check_outside_columns(row, layout.KPI_WIDTH, cell)
        indicator = _planned_indicator(row, cell, plan, ctx, seen, limits)
        if indicator is None:
            continue
        value = _kpi_value(row, cell, indicator, facts)
        comment = _text(row, layout.KPI_COMMENT, cell, limits, line_breaks=True)
        if value is not None:
            values.append(KpiValue(indicator.code, value, comment, cell.row))
    for indicator in ctx.indicators:
        if indicator.code not in seen:
            problems.add(sheet, "", "indicator_missing", code=indicator.code, name=indicator.name)
    return values


def _planned_indicator(
    row: Row, cell: _Cell, plan: dict[str, PlannedIndicator], ctx: TemplateContext, seen: dict[str, int], limits: Limits
) -> PlannedIndicator | None:
    """The plan's indicator this row reports on, or None (with the problem reported)."""
    code = _text(row, layout.KPI_CODE, cell, limits)
    if code is None:
        if not cell.already_reported(layout.KPI_CODE):
            cell.fail(layout.KPI_CODE, "code_missing")
        return None
    if code not in ctx.known_indicator_codes and code not in plan:
        cell.fail(layout.KPI_CODE, "unknown_indicator", code=quote(code))
        return None
    if code not in plan:
        cell.fail(layout.KPI_CODE, "not_in_plan", code=quote(code))
        return None
    if code in seen:
        cell.fail(layout.KPI_CODE, "duplicate_indicator", code=quote(code), row=seen[code])
        return None
    seen[code] = cell.row
    return plan[code]


def _kpi_value(row: Row, cell: _Cell, indicator: PlannedIndicator, facts: SheetFacts) -> Decimal | None:
    """The reported value, checked against the indicator's kind; None when a problem was reported."""
    column = layout.KPI_VALUE
    raw = row[column]
    if cell.already_reported(column):
        return None
    if is_blank(raw):
        cell.fail(column, "value_required")
        return None
    if isinstance(raw, float) and indicator.value_type == "percentage" and cell.ref(column) in facts.percent_cells:
        raw = raw * 100  # the cell shows "45%" for 0.45: the investee means 45
    value = _number_value(raw, column, cell)
    if value is None:
        return None
    problem = _value_problem(value, indicator)
    if problem is not None:
        cell.fail(column, problem[0], **problem[1])
        return None
    return abs(value) if value == 0 else value  # no "-0"


def _value_problem(value: Decimal, indicator: PlannedIndicator) -> tuple[str, dict[str, object]] | None:
    if abs(value) >= layout.MAX_ABS_VALUE:
        return ("too_large", {})
    if indicator.value_type == "percentage":
        if not 0 <= value <= 100:
            return ("percentage_range", {})
    elif value < 0 and not indicator.allow_negative:
        return ("negative", {})
    if indicator.value_type == "integer" and not is_whole(value):
        return ("not_whole", {})
    if decimals_of(value) > layout.MAX_VALUE_DECIMALS:
        return ("too_many_decimals", {"max": layout.MAX_VALUE_DECIMALS})
    return None
