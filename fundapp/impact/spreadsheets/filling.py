"""Filling a template the way an investee does in Excel: for tests, demos, the benchmark and the bad-input corpus.

Not used by the app's request path. It opens the generated template with openpyxl,
types values and participant rows into it and saves it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from . import layout


def open_workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def data_sheet(workbook: Workbook, role: str) -> Worksheet:
    """The KPI or participants sheet of a template, whichever language it was made in."""
    for name in layout.sheet_names_for(role):
        if name in workbook.sheetnames:
            return workbook[name]
    raise KeyError(role)


def fill_workbook(
    workbook: Workbook,
    values: Mapping[str, object] = {},
    comments: Mapping[str, object] = {},
    participants: Iterable[Sequence[object]] = (),
) -> Workbook:
    """Type KPI values and comments (by indicator code) and participant rows (from the first data row).

    A participant row is a sequence in the sheet's column order: reference, start
    date, benefit, months, hours, then (code, date) pairs; None leaves a cell empty.
    """
    kpi = data_sheet(workbook, "kpi")
    for row in range(layout.FIRST_DATA_ROW, kpi.max_row + 1):
        code = kpi.cell(row, layout.KPI_CODE + 1).value
        if code in values:
            kpi.cell(row, layout.KPI_VALUE + 1).value = values[code]
        if code in comments:
            kpi.cell(row, layout.KPI_COMMENT + 1).value = comments[code]
    sheet = data_sheet(workbook, "participants")
    for offset, participant in enumerate(participants):
        for column, value in enumerate(participant, start=1):
            if value is not None:
                sheet.cell(layout.FIRST_DATA_ROW + offset, column).value = value
    return workbook


def fill_template(
    template: bytes,
    values: Mapping[str, object] = {},
    comments: Mapping[str, object] = {},
    participants: Iterable[Sequence[object]] = (),
) -> bytes:
    """The template filled in and saved, as an investee would upload it."""
    return workbook_bytes(fill_workbook(open_workbook(template), values, comments, participants))
