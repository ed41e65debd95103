"""Validating the participants sheet, row by row, from the values calamine read (see sheets for the rules' shape).

A sheet of 50,000 participants repeats a few codes and numbers: a cell value accepted on a clean row is not checked
again on the next (tests/unit/test_spreadsheets_fast_rows.py compares this with the plain reading).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundapp.participants import MAX_LENGTH, ReferenceRefused, checked_reference, normalise_reference, plain_reference

from . import layout
from .cells import decimals_of, is_blank, is_whole
from .messages import format_date, quote
from .model import Limits, ParticipantRow, TemplateContext
from .problems import Problems
from .sheets import Row, Rows, _Cell, _check_outside_columns, _date, _is_blank_row, _number, _padded, _text


class _Lookups:
    """Case-insensitive code lookups, built once per upload."""

    def __init__(self, ctx: TemplateContext):
        self.benefits: dict[str, str] = {}
        for code, label in ctx.benefit_types:
            self.benefits[label.casefold()] = code
            self.benefits[code.casefold()] = code
        self.events = {code.casefold(): code for code, _ in ctx.outcome_codes}
        self.plain_reference = plain_reference  # the common reference's normal form, decided fast
        # Benefit cells as read that gave a code without a problem (a sheet repeats a handful of them).
        self.accepted_benefits: dict[str, str] = {}
        # The start dates that pass every check whatever the row: within the plausible dates, not after the period.
        self.start_days = (layout.EARLIEST_DATE, min(ctx.period_end, layout.LATEST_DATE))
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
        reference = _reference(row, cell, references, lookups, limits)
        start = _start_date(row, cell, ctx, lookups.start_days)
        benefit = _benefit(row, cell, lookups, limits)
        months = _months(row, cell, lookups.accepted_months)
        hours = _hours(row, cell, lookups.accepted_hours)
        events = tuple(_events(row, cell, start, ctx, lookups, limits))
        if reference is not None and start is not None and len(problems) == problems_before:
            participants.append(ParticipantRow(reference, start, benefit, months, hours, events, cell.row))
    return participants


def _reference(row: Row, cell: _Cell, seen: dict[str, int], lookups: _Lookups, limits: Limits) -> str | None:
    raw = row[layout.P_REFERENCE]
    if (
        type(raw) is str
        and not cell.flagged
        and len(raw) <= limits.max_text_length
        and (normal := lookups.plain_reference(raw)) is not None
    ):  # what reading the cell's text and checking it would conclude, without them
        return _unique(raw, normal, cell, seen)
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
    return _unique(reference, normal, cell, seen)


def _unique(reference: str, normal: str, cell: _Cell, seen: dict[str, int]) -> str | None:
    if normal in seen:
        cell.fail(layout.P_REFERENCE, "duplicate_reference", text=quote(reference), row=seen[normal])
        return None
    seen[normal] = cell.row
    return normal


def _start_date(row: Row, cell: _Cell, ctx: TemplateContext, good_days: tuple[date, date]) -> date | None:
    raw = row[layout.P_START_DATE]
    if type(raw) is date and good_days[0] <= raw <= good_days[1] and not cell.flagged:
        return raw  # a date cell on a good day: what the checks below would conclude, without them
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
    raw = row[layout.P_BENEFIT]
    if type(raw) is str and not cell.flagged and raw in lookups.accepted_benefits:  # read before: the same answer
        return lookups.accepted_benefits[raw]
    benefit = _text(row, layout.P_BENEFIT, cell, limits)
    if benefit is None:
        return None
    code = lookups.benefits.get(benefit.casefold())
    if code is None:
        cell.fail(layout.P_BENEFIT, "unknown_benefit", text=quote(benefit))
    elif type(raw) is str:
        lookups.accepted_benefits[raw] = code
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


_EVENT_CODE_COLUMNS = range(layout.P_FIRST_EVENT, layout.P_WIDTH, 2)


def _events(
    row: Row, cell: _Cell, start: date | None, ctx: TemplateContext, lookups: _Lookups, limits: Limits
) -> list[tuple[str, date]]:
    events: list[tuple[str, date]] = []
    first_day, last_day = lookups.event_days
    if start is not None and start > first_day:
        first_day = start
    accepted = lookups.accepted_event_texts
    codes, days = row[layout.P_FIRST_EVENT : layout.P_WIDTH : 2], row[layout.P_FIRST_EVENT + 1 : layout.P_WIDTH : 2]
    for code_column, raw_code, raw_date in zip(_EVENT_CODE_COLUMNS, codes, days, strict=True):
        if raw_code == "" and raw_date == "":  # calamine's empty cell: the common case, decided fast
            continue
        if (
            type(raw_date) is date
            and first_day <= raw_date <= last_day
            and type(raw_code) is str
            and (code := accepted.get(raw_code)) is not None
            and not cell.flagged
        ):  # a code accepted before on a good day: what the checks below would conclude, without them
            events.append((code, raw_date))
            continue
        date_column = code_column + 1
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
