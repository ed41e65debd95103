"""mark_errors: the investee's own file back, bad cells red with the message as a comment."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from fundapp.impact.spreadsheets import CellProblem, mark_errors, parse_submission
from fundapp.impact.spreadsheets.filling import data_sheet
from fundapp.impact.spreadsheets.marking import ERROR_FILL
from fundapp.impact.spreadsheets.template import INPUT_FILL

from .test_spreadsheets_support import CTX, GOOD_VALUES, filled, problems_of


def _marked(data: bytes, problems, language="nl"):
    return load_workbook(io.BytesIO(mark_errors(data, problems, language)))


def test_a_parse_problem_comes_back_as_a_comment_on_its_cell_filled_red():
    data = filled(values={**GOOD_VALUES, "JOBS": "twaalf"}, participants=[("D-1", date(2026, 6, 1))])
    problems = problems_of(data)
    workbook = _marked(data, problems)
    value, start = workbook["KPI"]["F5"], workbook["Deelnemers"]["B5"]
    assert value.comment.text == "Fout: " + problems[0].message and value.comment.author == "fundapp"
    assert start.comment.text == "Fout: " + problems[1].message
    assert value.fill == ERROR_FILL and start.fill == ERROR_FILL
    assert workbook["KPI"]["F6"].comment is None


def test_the_marked_file_keeps_the_investees_data_and_gives_the_same_problems_again():
    data = filled(values={**GOOD_VALUES, "WOMEN": 140})
    problems = problems_of(data)
    marked = mark_errors(data, problems)
    assert problems_of(marked) == problems
    workbook = load_workbook(io.BytesIO(marked))
    assert workbook["_fundapp"].sheet_state == "veryHidden" and workbook["KPI"].protection.sheet


def test_marks_of_an_earlier_round_are_removed_once_the_cell_is_fixed():
    first = mark_errors(
        filled(values={**GOOD_VALUES, "JOBS": -4}), [CellProblem("KPI", "F5", "De waarde mag niet negatief zijn.")]
    )
    workbook = load_workbook(io.BytesIO(first))
    data_sheet(workbook, "kpi")["F5"] = 4
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed = buffer.getvalue()
    assert parse_submission(fixed, CTX).values[0].value == 4
    again = _marked(fixed, [])
    assert again["KPI"]["F5"].comment is None and again["KPI"]["F5"].fill == INPUT_FILL


def test_several_problems_on_one_cell_share_one_comment():
    workbook = _marked(filled(), [CellProblem("KPI", "F5", "een"), CellProblem("KPI", "F5", "twee")], "en")
    assert workbook["KPI"]["F5"].comment.text == "Error: een\nError: twee"


def test_problems_on_unknown_sheets_cells_or_the_whole_file_are_ignored():
    problems = [
        CellProblem("", "", "hele bestand"),
        CellProblem("Bestaat niet", "A1", "x"),
        CellProblem("KPI", "", "blad"),
        CellProblem("KPI", "not a cell", "x"),
        CellProblem("KPI", "G6", "wel"),
    ]
    workbook = _marked(filled(), problems)
    commented = [
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment
    ]
    assert commented == [("KPI", "G6")]


def test_a_problem_inside_a_merged_range_is_marked_on_its_top_left_cell():
    data = filled(edit=lambda workbook: data_sheet(workbook, "kpi").merge_cells("F6:G6"))
    problems = problems_of(data)
    assert [(p.sheet, p.cell) for p in problems] == [("KPI", "F6")]
    workbook = _marked(data, [*problems, CellProblem("KPI", "G6", "tweede")])
    assert "samengevoegd" in workbook["KPI"]["F6"].comment.text


def test_a_file_that_may_not_be_opened_is_not_marked():
    with pytest.raises(ValueError):
        mark_errors(b"not a workbook", [CellProblem("KPI", "F5", "x")])
