"""Validating the two data sheets, row by row, from the values calamine read.

Every rule adds its problem and moves on, so that one upload lists everything.
Rows entirely blank are skipped wherever they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from fundapp.participants import MAX_LENGTH, ReferenceRefused, checked_reference, normalise_reference

from . import layout
from .cells import CellRejected, decimals_of, is_blank, is_whole, read_date, read_number, read_text
from .facts import SheetFacts
from .messages import format_date, quote
from .model import KpiValue, Limits, ParticipantRow, PlannedIndicator, TemplateContext
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


# --- Participants -----------------------------------------------------------------


class _Lookups:
    """Case-insensitive code lookups, built once per upload."""

    def __init__(self, ctx: TemplateContext):
        self.benefits: dict[str, str] = {}
        for code, label in ctx.benefit_types:
            self.benefits[label.casefold()] = code
            self.benefits[code.casefold()] = code
        self.events = {code.casefold(): code for code, _ in ctx.outcome_codes}
        # Event code cells as read that gave a code without a problem: a sheet repeats a few codes many times.
        self.accepted_event_texts: dict[str, str] = {}
        # The days an event may fall on whatever the participant (within the period and the plausible dates).
        self.event_days = (max(ctx.period_start, layout.EARLIEST_DATE), min(ctx.period_end, layout.LATEST_DATE))
        # Number cells (calamine's floats) read without a problem, and what they gave.
        self.accepted_months: dict[float, int] = {}
        self.accepted_hours: dict[float, Decimal] = {}


def read_participant_rows(
    rows: Rows, sheet: str, ctx: TemplateContext, limits: Limits, problems: Problems
) -> list[ParticipantRow]:
    rows = _padded(rows, layout.P_WIDTH)
    lookups = _Lookups(ctx)
    references: dict[str, int] = {}
    participants: list[ParticipantRow] = []
    for index in range(layout.FIRST_DATA_ROW - 1, len(rows)):
        row = rows[index]
        if _is_blank_row(row):
            continue
        cell = _Cell(sheet, index + 1, problems)
        problems_before = len(problems)
        _check_outside_columns(row, layout.P_WIDTH, cell)
        reference = _reference(row, cell, references, limits)
        start = _start_date(row, cell, ctx)
        benefit = _benefit(row, cell, lookups, limits)
        months = _months(row, cell, lookups.accepted_months)
        hours = _hours(row, cell, lookups.accepted_hours)
        events = tuple(_events(row, cell, start, ctx, lookups, limits))
        if reference is not None and start is not None and len(problems) == problems_before:
            participants.append(ParticipantRow(reference, start, benefit, months, hours, events, cell.row))
    return participants


def _reference(row: Row, cell: _Cell, seen: dict[str, int], limits: Limits) -> str | None:
    reference = _text(row, layout.P_REFERENCE, cell, limits)
    if reference is None:
        if not cell.already_reported(layout.P_REFERENCE):
            cell.fail(layout.P_REFERENCE, "reference_missing")
        return None
    try:
        normal = checked_reference(reference)  # "D-001", "d-001" and "Ｄ-００1" are one participant
    except ReferenceRefused as refused:
        if refused.reason == "too_long":
            cell.fail(layout.P_REFERENCE, "text_too_long", length=len(normalise_reference(reference)), max=MAX_LENGTH)
        else:
            cell.fail(layout.P_REFERENCE, "reference_bsn" if refused.reason == "bsn" else "reference_missing")
        return None
    if normal in seen:
        cell.fail(layout.P_REFERENCE, "duplicate_reference", text=quote(reference), row=seen[normal])
        return None
    seen[normal] = cell.row
    return normal


def _start_date(row: Row, cell: _Cell, ctx: TemplateContext) -> date | None:
    start = _date(row, layout.P_START_DATE, cell)
    if start is None:
        if is_blank(row[layout.P_START_DATE]):
            cell.fail(layout.P_START_DATE, "start_date_required")
        return None
    if start > ctx.period_end:
        cell.fail(layout.P_START_DATE, "start_after_period", end=format_date(ctx.period_end, ctx.language))
        return None
    return start


def _benefit(row: Row, cell: _Cell, lookups: _Lookups, limits: Limits) -> str | None:
    benefit = _text(row, layout.P_BENEFIT, cell, limits)
    if benefit is None:
        return None
    code = lookups.benefits.get(benefit.casefold())
    if code is None:
        cell.fail(layout.P_BENEFIT, "unknown_benefit", text=quote(benefit))
    return code


def _months(row: Row, cell: _Cell, accepted: dict[float, int]) -> int | None:
    raw = row[layout.P_MONTHS]
    if type(raw) is float and not cell.flagged and raw in accepted:  # read before: the same checks, the same answer
        return accepted[raw]
    months = _number(row, layout.P_MONTHS, cell)
    if months is None:
        return None
    if not is_whole(months) or not 0 <= months <= layout.MAX_MONTHS_ON_BENEFIT:
        cell.fail(layout.P_MONTHS, "months_invalid", max=layout.MAX_MONTHS_ON_BENEFIT)
        return None
    if type(raw) is float:
        accepted[raw] = int(months)
    return int(months)


def _hours(row: Row, cell: _Cell, accepted: dict[float, Decimal]) -> Decimal | None:
    raw = row[layout.P_HOURS]
    if type(raw) is float and not cell.flagged and raw in accepted:
        return accepted[raw]
    hours = _checked_hours(row, cell)
    if hours is not None and type(raw) is float:
        accepted[raw] = hours
    return hours


def _checked_hours(row: Row, cell: _Cell) -> Decimal | None:
    hours = _number(row, layout.P_HOURS, cell)
    if hours is None:
        return None
    if not 0 <= hours <= layout.MAX_HOURS_PER_WEEK:
        cell.fail(layout.P_HOURS, "hours_range", max=layout.MAX_HOURS_PER_WEEK)
        return None
    if decimals_of(hours) > layout.MAX_HOURS_DECIMALS:
        cell.fail(layout.P_HOURS, "too_many_decimals", max=layout.MAX_HOURS_DECIMALS)
        return None
    return abs(hours) if hours == 0 else hours


def _events(
    row: Row, cell: _Cell, start: date | None, ctx: TemplateContext, lookups: _Lookups, limits: Limits
) -> list[tuple[str, date]]:
    events: list[tuple[str, date]] = []
    for pair in range(layout.EVENT_PAIRS):
        code_column = layout.P_FIRST_EVENT + 2 * pair
        date_column = code_column + 1
        raw_code, raw_date = row[code_column], row[date_column]
        if raw_code == "" and raw_date == "":  # calamine's empty cell: the common case, decided fast
            continue
        if (
            not cell.flagged
            and type(raw_date) is date
            and lookups.event_days[0] <= raw_date <= lookups.event_days[1]
            and (start is None or raw_date >= start)
            and type(raw_code) is str
            and (code := lookups.accepted_event_texts.get(raw_code)) is not None
        ):  # a code accepted before on a good day: what the checks below would conclude, without them
            events.append((code, raw_date))
            continue
        code_blank, date_blank = is_blank(raw_code), is_blank(raw_date)
        if code_blank and date_blank:
            continue
        code = _event_code(row, code_column, cell, lookups, limits)
        when = _event_date(row, date_column, cell, start, ctx)
        if code_blank and not cell.already_reported(code_column):
            cell.fail(code_column, "event_code_missing")
        if date_blank and not cell.already_reported(date_column):
            cell.fail(date_column, "event_date_missing")
        if code is not None and when is not None:
            events.append((code, when))
        if code is not None and type(raw_code) is str and not cell.already_reported(code_column):
            lookups.accepted_event_texts[raw_code] = code
    return events


def _event_code(row: Row, column: int, cell: _Cell, lookups: _Lookups, limits: Limits) -> str | None:
    text = _text(row, column, cell, limits)
    if text is None:
        return None
    code = lookups.events.get(text.casefold())
    if code is None:
        cell.fail(column, "unknown_event_code", code=quote(text))
    return code


def _event_date(row: Row, column: int, cell: _Cell, start: date | None, ctx: TemplateContext) -> date | None:
    when = _date(row, column, cell)
    if when is None:
        return None
    language = ctx.language
    if not ctx.period_start <= when <= ctx.period_end:
        cell.fail(
            column,
            "event_outside_period",
            start=format_date(ctx.period_start, language),
            end=format_date(ctx.period_end, language),
        )
        return None
    if start is not None and when < start:
        cell.fail(column, "event_before_start", start=format_date(start, language))
        return None
    return when
