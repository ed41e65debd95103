"""mark_errors: the investee's own workbook back, each bad cell filled red with the problem as a comment."""

from __future__ import annotations

import io
from collections import defaultdict

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from .layout import split_cell_ref
from .messages import text
from .model import CellProblem, SpreadsheetInvalid
from .parse import CheckedUpload, check_upload
from .template import INPUT_FILL

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "bad" red
AUTHOR = "fundapp"


def mark_errors(upload: bytes | CheckedUpload, problems: list[CellProblem], language: str = "nl") -> bytes:
    """Fill each problem's cell red and comment it; problems on unknown sheets or cells are ignored.

    Marks of an earlier round (our comments, our red) are removed first, so that a
    corrected and re-uploaded file shows only what is still wrong. Raises ValueError
    for a file that is not a workbook that may safely be opened. A CheckedUpload has
    passed the whole-file checks already; plain bytes are checked first.
    """
    if not isinstance(upload, CheckedUpload):
        try:
            upload = check_upload(upload)  # never let openpyxl unzip a bomb or run into a macro file
        except SpreadsheetInvalid as refused:
            raise ValueError(f"cannot mark errors in this file: {refused.problems}") from None
    try:
        workbook = load_workbook(io.BytesIO(upload.data))
    except Exception as error:  # openpyxl fails in many ways on files calamine reads; the marks are a courtesy
        raise ValueError(f"cannot mark errors in this file: {error!r}") from None
    by_sheet: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        if problem.sheet and split_cell_ref(problem.cell) is not None:
            by_sheet[problem.sheet][problem.cell].append(problem.message)
    heading = text("comment_heading", language)
    for sheet in workbook.worksheets:
        _remove_earlier_marks(sheet)
        by_anchor: dict[str, list[str]] = defaultdict(list)
        for ref, messages in by_sheet.get(sheet.title, {}).items():
            by_anchor[_anchor(sheet, ref)] += messages
        for ref, messages in by_anchor.items():
            _mark(sheet[ref], heading, messages)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _remove_earlier_marks(sheet: Worksheet) -> None:
    for cell in list(sheet._cells.values()):  # only cells that exist; iter_rows would create the rest
        if cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
            if cell.fill == ERROR_FILL:
                cell.fill = INPUT_FILL  # we only mark cells the investee fills in


def _anchor(sheet: Worksheet, ref: str) -> str:
    """The cell that shows `ref`: for a merged range its top-left cell, which holds content and comment."""
    if isinstance(sheet[ref], MergedCell):
        for merged in sheet.merged_cells.ranges:
            if ref in merged:
                return sheet.cell(merged.min_row, merged.min_col).coordinate
    return ref


def _mark(cell: Cell, heading: str, messages: list[str]) -> None:
    body = "\n".join(f"{heading}: {message}" for message in messages)
    comment = Comment(body, AUTHOR)
    comment.width = 320
    comment.height = 60 + 18 * (len(body) // 45)
    cell.comment = comment
    cell.fill = ERROR_FILL
