"""Workbook building blocks for the reports: a titled table per sheet, frozen header, number formats, totals, charts;
columns as wide as their labels and values (``fundapp.xlsx.fit_columns``).

Every text cell goes through ``fundapp.xlsx.cell_value`` (a text starting with
=, +, - or @ is shown, never run). Totals are written as values, equal to what
the page and the PDF show, so a viewer that does not recalculate shows them too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fundapp.i18n import gettext as _
from fundapp.reports.sheets import Book, Sheet
from fundapp.xlsx import MONEY_FORMAT, PERCENT_FORMAT, cell_value, fit_columns, write_header

INTEGER = "#,##0"
DECIMAL = "#,##0.00"
PERCENT_POINTS = '0.0"%"'  # values stored as percent points (12.5 means 12.5 %)
RATIO = PERCENT_FORMAT  # values stored as fractions (0.125 means 12.5 %)
MONEY = MONEY_FORMAT
TOTAL_FONT = Font(bold=True)
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def date_format(locale: str) -> str:
    from fundapp.formats import excel_date_format

    return excel_date_format(locale)


def value_format(unit: str, value_type: str = "") -> str:
    """The number format an indicator value is shown with."""
    if unit in ("percent", "%") or value_type == "percentage":
        return PERCENT_POINTS
    if unit in ("people", "households", "count") or value_type == "integer":
        return INTEGER
    if unit == "eur":
        return MONEY
    return DECIMAL


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 14
    number_format: str | None = None
    total: bool = False


def new_workbook() -> Book:
    """A report workbook: its sheets are gathered in memory and streamed when it is finished (``sheets``)."""
    return Book()


def sheet_title(text: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and names longer than 31 characters."""
    return _SHEET_NAME.sub(" ", str(text)).strip()[:31] or "Sheet"


def add_sheet(workbook: Book, title: str, heading: Sequence[str] = ()) -> tuple[Sheet, int]:
    """A new sheet with heading lines on top; answers the sheet and the first free row."""
    sheet = workbook.create_sheet(sheet_title(title))
    for row, text in enumerate(heading, start=1):
        cell = sheet.cell(row=row, column=1, value=cell_value(str(text)))
        cell.font = Font(bold=row == 1, size=13 if row == 1 else 10)
    return sheet, len(heading) + 2 if heading else 1


def write_table(
    sheet: Sheet,
    row: int,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    total_label: str | None = None,
    freeze: bool = True,
    formats: Sequence[Sequence[str | None]] | None = None,
) -> tuple[int, int]:
    """Header at ``row``, data below; a totals row when a column asks for one. Answers (header row, last data row).

    ``formats`` may give a number format per cell (row by row) where a column holds mixed units.
    """
    header = row
    write_header(sheet, header, [c.title for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            sheet.column_dimensions[get_column_letter(index)].width or 0, column.width
        )
    sums = [Decimal(0) for _ in columns]
    last = header
    for offset, values in enumerate(rows):
        last = header + 1 + offset
        for index, (column, value) in enumerate(zip(columns, values, strict=False)):
            cell = sheet.cell(row=last, column=index + 1, value=cell_value(value))
            own = formats[offset][index] if formats and index < len(formats[offset]) else None
            number_format = own or column.number_format
            if number_format:
                cell.number_format = number_format
            if column.total and isinstance(value, int | Decimal):
                sums[index] += value
    if freeze:
        sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    if last > header:
        sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{last}"
    if total_label and any(c.total for c in columns):
        _totals_row(sheet, last + 1, columns, sums, total_label)
    fit_columns(sheet, header, last + 1)
    return header, last


def _totals_row(sheet: Sheet, row: int, columns: Sequence[Column], sums: list[Decimal], label: str) -> None:
    sheet.cell(row=row, column=1, value=cell_value(label)).font = TOTAL_FONT
    for index, column in enumerate(columns, start=1):
        if column.total:
            cell = sheet.cell(row=row, column=index, value=sums[index - 1])
            cell.font = TOTAL_FONT
            cell.number_format = column.number_format or DECIMAL


def facts(sheet: Sheet, row: int, pairs: Sequence[tuple[str, Any, str | None]]) -> int:
    """Label/value lines (a summary block); answers the next free row."""
    for offset, (label, value, number_format) in enumerate(pairs):
        sheet.cell(row=row + offset, column=1, value=cell_value(str(label))).font = TOTAL_FONT
        cell = sheet.cell(row=row + offset, column=2, value=cell_value(value))
        cell.alignment = Alignment(wrap_text=isinstance(value, str) and len(value) > 60, vertical="top")
        if number_format:
            cell.number_format = number_format
    sheet.column_dimensions["A"].width = max(sheet.column_dimensions["A"].width or 0, 28)
    sheet.column_dimensions["B"].width = max(sheet.column_dimensions["B"].width or 0, 70)
    fit_columns(sheet, row, row + len(pairs) - 1)
    return row + len(pairs) + 1


def bar_chart(
    sheet: Sheet,
    title: str,
    header: int,
    last: int,
    category_column: int,
    value_columns: Sequence[int],
    anchor: str,
    y_title: str = "",
) -> BarChart:
    """A native clustered bar chart of the table's columns (titles from the header row)."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    _series(chart, sheet, header, last, category_column, value_columns)
    sheet.add_chart(chart, anchor)
    return chart


def line_chart(
    sheet: Sheet,
    title: str,
    header: int,
    last: int,
    category_column: int,
    value_columns: Sequence[int],
    anchor: str,
) -> LineChart:
    chart = LineChart()
    chart.title = title
    _series(chart, sheet, header, last, category_column, value_columns)
    sheet.add_chart(chart, anchor)
    return chart


def _series(chart: Any, sheet: Sheet, header: int, last: int, category: int, values: Sequence[int]) -> None:
    chart.height, chart.width = 7.5, 16
    for column in values:
        data = Reference(sheet, min_col=column, min_row=header, max_row=max(last, header + 1))
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=category, min_row=header + 1, max_row=max(last, header + 1)))


def finish(workbook: Book, progress: Callable[[float], None] | None = None) -> io.BytesIO:
    return workbook.save(creator="fundapp", progress=progress)


def heading(title: str, report: Any) -> list[str]:
    """The lines above every sheet: the report's title, its period with dates, when it was made."""
    from fundapp.i18n import date_filter

    period = report.period
    return [
        title,
        _(
            "%(period)s (%(start)s – %(end)s)",
            period=str(period),
            start=date_filter(period.start),
            end=date_filter(period.end),
        ),
        generated_line(report),
    ]


def generated_line(report: Any) -> str:
    from fundapp.i18n import date_filter

    return _("Generated on %(day)s", day=date_filter(report.generated_on, "long"))


def social_sheet(workbook: Book, social: Any, locale: str, heading: Sequence[str]) -> Sheet:
    """The social value: which table and norm (with their dates), then the value per situation before."""
    from fundapp.reports import texts

    sheet, row = add_sheet(workbook, _("Social value"), heading)
    table, norm = social.table, social.norm
    row = facts(
        sheet,
        row,
        [
            (_("Reference date"), social.on, date_format(locale)),
            (_("Bouwblokken table"), table.region if table else "–", None),
            (_("Table valid from"), table.valid_from if table else None, date_format(locale)),
            (_("Why this table"), texts.basis(social.choice), None),
            (_("Source"), table.source_note if table else "", None),
            (_("Benefit norm valid from"), norm.valid_from if norm else None, date_format(locale)),
            (_("Monthly benefit norm"), norm.monthly_norm if norm else None, MONEY),
            (_("Holiday allowance factor"), norm.holiday_allowance_factor if norm else None, "0.00"),
            (_("Implementation cost per year"), norm.implementation_cost_per_year if norm else None, MONEY),
            (_("Norm source"), norm.source_note if norm else _("No benefit norm is valid on the date."), None),
        ],
    )
    columns = [
        Column(_("Situation before"), 34),
        Column(_("Block per full-time year"), 16, MONEY),
        Column(_("People"), 10, INTEGER, total=True),
        Column(_("Months"), 10, DECIMAL, total=True),
        Column(_("Bouwblokken value"), 18, MONEY, total=True),
        Column(_("Avoided benefit cost"), 18, MONEY, total=True),
    ]
    lines = [
        (texts.situation(line.situation, locale), line.block_value, line.people, line.months, line.value, line.avoided)
        for line in social.lines
    ]
    _header, last = write_table(sheet, row, columns, lines, total_label=_("Total"), freeze=False)
    row = last + 3
    for reason, count in social.not_valued.items():
        sheet.cell(row=row, column=1, value=cell_value(_("Not valued: %(reason)s", reason=texts.not_valued(reason))))
        sheet.cell(row=row, column=3, value=count).number_format = INTEGER
        row += 1
    return sheet
