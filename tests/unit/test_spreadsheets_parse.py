"""parse_submission on filled templates: what is stored, and every cell rule with its exact cell."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.impact.spreadsheets import Limits, SpreadsheetInvalid, parse_submission
from fundapp.impact.spreadsheets.filling import data_sheet

from .test_spreadsheets_support import (
    CTX,
    CTX_EN,
    GOOD_PARTICIPANT,
    GOOD_VALUES,
    filled,
    locations,
    make_context,
    only_problem,
    problems_of,
)

# --- what a good upload gives -------------------------------------------------------


def test_a_filled_template_gives_every_value_exactly_as_decimal():
    parsed = parse_submission(filled(comments={"CO2": "Schatting\nop basis van facturen"}), CTX)
    assert [(v.code, v.value, v.comment, v.row) for v in parsed.values] == [
        ("JOBS", Decimal("12"), None, 5),
        ("CO2", Decimal("3.25"), "Schatting\nop basis van facturen", 6),
        ("WOMEN", Decimal("45.5"), None, 7),
        ("NETCHANGE", Decimal("-3"), None, 8),
    ]
    assert all(type(v.value) is Decimal for v in parsed.values)
    assert (parsed.investee_id, parsed.period, parsed.template_version) == (42, "2026-Q1", "1")


def test_participant_rows_give_dates_benefit_code_and_events():
    rows = [
        GOOD_PARTICIPANT,
        ("D-002", date(2026, 1, 10), "ww", None, 20.5, "JOB_START", date(2026, 1, 20), "training", date(2026, 3, 31)),
        ("D-003", date(2024, 11, 1)),
    ]
    parsed = parse_submission(filled(participants=rows), CTX)
    first, second, third = parsed.participants
    assert first == type(first)(
        "D-001", date(2025, 6, 1), "bijstand", 14, Decimal("32"), (("JOB_START", date(2026, 2, 2)),), 5
    )
    assert second.benefit_type == "ww" and second.months_on_benefit is None
    assert second.hours_per_week == Decimal("20.5")
    assert second.events == (("JOB_START", date(2026, 1, 20)), ("TRAINING", date(2026, 3, 31)))
    assert (third.reference, third.benefit_type, third.hours_per_week, third.events, third.row) == (
        "D-003",
        None,
        None,
        (),
        7,
    )


def test_completely_empty_rows_between_participants_are_skipped():
    rows = [GOOD_PARTICIPANT, (None,), ("", None, "   "), ("D-004", date(2026, 1, 5))]
    parsed = parse_submission(filled(participants=rows), CTX)
    assert [(p.reference, p.row) for p in parsed.participants] == [("D-001", 5), ("D-004", 8)]


def test_rows_pasted_beyond_the_validated_block_are_read():
    rows = [(f"D-{n:05d}", date(2026, 1, 2)) for n in range(10_050)]
    parsed = parse_submission(filled(participants=rows), CTX)
    assert len(parsed.participants) == 10_050
    assert parsed.participants[-1].row == 10_054


def test_a_value_excel_stores_as_a_long_float_is_read_as_excel_shows_it():
    parsed = parse_submission(filled(values={**GOOD_VALUES, "CO2": 0.1 + 0.2}), CTX)
    assert parsed.values[1].value == Decimal("0.3")


def test_a_percentage_typed_as_45_percent_is_read_as_45():
    def type_as_percent(workbook):
        cell = data_sheet(workbook, "kpi")["F7"]
        cell.value = 0.455
        cell.number_format = "0.0%"

    parsed = parse_submission(filled(edit=type_as_percent), CTX)
    assert parsed.values[2].value == Decimal("45.5")


def test_an_english_template_parses_with_english_messages():
    problem = only_problem(filled(CTX_EN, values={**GOOD_VALUES, "JOBS": "twelve"}), CTX_EN)
    assert (problem.sheet, problem.cell) == ("KPI", "F5")
    assert problem.message.startswith("'twelve' is not a number")


def test_a_dutch_template_uploaded_in_an_english_session_is_accepted():
    parsed = parse_submission(filled(CTX), CTX_EN)
    assert len(parsed.values) == 4 and parsed.participants[0].reference == "D-001"


def test_dates_typed_as_text_are_accepted_in_iso_and_dutch_form():
    rows = [("D-1", "2026-01-05", None, None, None, "JOB_START", "31-03-2026")]
    parsed = parse_submission(filled(participants=rows), CTX)
    assert parsed.participants[0].start_date == date(2026, 1, 5)
    assert parsed.participants[0].events == (("JOB_START", date(2026, 3, 31)),)


@settings(max_examples=25, deadline=None)
@given(
    st.decimals(
        min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=4, allow_nan=False, allow_infinity=False
    )
)
def test_any_decimal_with_four_places_typed_in_excel_comes_back_exactly(number):
    ctx = make_context(
        indicators=(
            CTX.indicators[1].__class__("AMOUNT", "Bedrag", "EUR", "decimal", None, None, allow_negative=True),
        ),
        known_indicator_codes=frozenset({"AMOUNT"}),
    )
    parsed = parse_submission(filled(ctx, values={"AMOUNT": float(number)}, participants=()), ctx)
    assert parsed.values[0].value == number


# --- KPI sheet rules --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "typed", "fragment"),
    [
        ("JOBS", "12 banen", "'12 banen' is geen getal"),
        ("JOBS", -1, "niet negatief"),
        ("JOBS", 2.5, "heel getal"),
        ("CO2", -0.5, "niet negatief"),
        ("CO2", 1.23456, "hoogstens 4 decimalen"),
        ("WOMEN", 100.5, "tussen 0 en 100"),
        ("WOMEN", -1, "tussen 0 en 100"),
        ("JOBS", 10**13, "onwaarschijnlijk groot"),
        ("JOBS", True, "geen getal"),
        ("JOBS", datetime(2026, 1, 1), "geen getal"),
        ("JOBS", None, "Vul een waarde in"),
    ],
)
def test_a_wrong_value_is_reported_on_its_value_cell(code, typed, fragment):
    row = {"JOBS": 5, "CO2": 6, "WOMEN": 7, "NETCHANGE": 8}[code]
    problem = only_problem(filled(values={**GOOD_VALUES, code: typed}))
    assert (problem.sheet, problem.cell) == ("KPI", f"F{row}")
    assert fragment in problem.message


def test_a_negative_value_is_allowed_where_the_indicator_allows_it():
    parsed = parse_submission(filled(values={**GOOD_VALUES, "NETCHANGE": -12}), CTX)
    assert parsed.values[3].value == Decimal("-12")


def _set_code(row: int, code: str):
    def edit(workbook):
        data_sheet(workbook, "kpi")[f"A{row}"] = code

    return edit


def test_an_unknown_indicator_code_is_told_apart_from_one_not_in_the_plan():
    def add_rows(workbook):
        sheet = data_sheet(workbook, "kpi")
        sheet["A9"], sheet["F9"] = "NOSUCH", 1
        sheet["A10"], sheet["F10"] = "HOUSING", 2

    problems = problems_of(filled(edit=add_rows))
    assert locations(problems) == [("KPI", "A9"), ("KPI", "A10")]
    assert "Onbekende indicatorcode 'NOSUCH'" in problems[0].message
    assert "'HOUSING' staat niet in je impactplan" in problems[1].message


def test_a_duplicate_indicator_row_names_the_first_row():
    def duplicate(workbook):
        sheet = data_sheet(workbook, "kpi")
        sheet["A9"], sheet["F9"] = "JOBS", 13

    problem = only_problem(filled(edit=duplicate))
    assert (problem.sheet, problem.cell) == ("KPI", "A9")
    assert "twee keer" in problem.message and "rij 5" in problem.message


def test_a_missing_indicator_row_is_a_problem_of_the_sheet():
    def delete_row(workbook):
        data_sheet(workbook, "kpi").delete_rows(6)

    problem = only_problem(filled(edit=delete_row))
    assert (problem.sheet, problem.cell) == ("KPI", "")
    assert "CO2 (CO2 vermeden) ontbreekt" in problem.message


def test_a_row_with_a_value_but_no_code_is_reported_on_the_code_cell_and_the_indicator_as_missing():
    problems = problems_of(filled(edit=_set_code(6, None)))
    assert locations(problems) == [("KPI", ""), ("KPI", "A6")]
    assert "CO2 (CO2 vermeden) ontbreekt" in problems[0].message
    assert "indicatorcode ontbreekt" in problems[1].message


def test_a_changed_header_stops_reading_that_sheet_only():
    def rename(workbook):
        data_sheet(workbook, "kpi")["F4"] = "Realisatie"

    problems = problems_of(
        filled(values={**GOOD_VALUES, "JOBS": "x"}, edit=rename, participants=[("D-1", date(2027, 1, 1))])
    )
    assert locations(problems) == [("KPI", "F4"), ("Deelnemers", "B5")]
    assert "verwacht: 'Waarde'" in problems[0].message


def test_a_formula_instead_of_a_value_is_reported_per_formula_cell():
    def formulas(workbook):
        data_sheet(workbook, "kpi")["F5"] = "=10+2"
        data_sheet(workbook, "participants")["D5"] = "=2*7"

    problems = problems_of(filled(edit=formulas))
    assert locations(problems) == [("KPI", "F5"), ("Deelnemers", "D5")]
    assert all("formule" in p.message for p in problems)


def test_an_error_value_is_reported_and_not_mistaken_for_an_empty_cell():
    def error(workbook):
        data_sheet(workbook, "kpi")["F6"] = "#DIV/0!"

    problem = only_problem(filled(edit=error))
    assert (problem.cell, "foutwaarde" in problem.message) == ("F6", True)


def test_merged_cells_over_the_value_column_or_participant_rows_are_refused():
    def merge(workbook):
        data_sheet(workbook, "kpi").merge_cells("F6:G6")
        data_sheet(workbook, "participants").merge_cells("A7:B8")

    problems = problems_of(filled(edit=merge))
    assert locations(problems) == [("KPI", "F6"), ("Deelnemers", "A7")]
    assert "F6:G6" in problems[0].message and "samengevoegd" in problems[0].message


# --- participants sheet rules -------------------------------------------------------


def _participant_problem(row: tuple, ctx=CTX, limits=Limits()):
    return only_problem(filled(ctx, participants=[row]), ctx, limits)


@pytest.mark.parametrize(
    ("row", "cell", "fragment"),
    [
        (("111222333", date(2026, 1, 5)), "A5", "op een BSN lijkt"),
        ((123456782, date(2026, 1, 5)), "A5", "op een BSN lijkt"),
        ((None, date(2026, 1, 5)), "A5", "referentie ontbreekt"),
        (("D-1", None, "ww"), "B5", "Vul de startdatum in"),
        (("D-1", "gisteren"), "B5", "'gisteren' is geen datum"),
        (("D-1", 46023), "B5", "'46023' is geen datum"),
        (("D-1", date(2026, 4, 1)), "B5", "na het einde van de periode (31-3-2026)"),
        (("D-1", date(1999, 12, 31)), "B5", "tussen 1-1-2000 en 31-12-2099"),
        (("D-1", date(2026, 1, 5), "pensioen"), "C5", "Onbekende uitkering 'pensioen'"),
        (("D-1", date(2026, 1, 5), None, -1), "D5", "heel getal van 0"),
        (("D-1", date(2026, 1, 5), None, 2.5), "D5", "heel getal van 0"),
        (("D-1", date(2026, 1, 5), None, "veel"), "D5", "'veel' is geen getal"),
        (("D-1", date(2026, 1, 5), None, None, 61), "E5", "tussen 0 en 60"),
        (("D-1", date(2026, 1, 5), None, None, -2), "E5", "tussen 0 en 60"),
        (("D-1", date(2026, 1, 5), None, None, 20.125), "E5", "hoogstens 2 decimalen"),
        (
            ("D-1", date(2026, 1, 5), None, None, None, "PROMOTION", date(2026, 2, 1)),
            "F5",
            "Onbekende gebeurteniscode 'PROMOTION'",
        ),
        (("D-1", date(2026, 1, 5), None, None, None, "JOB_START"), "G5", "datum van deze gebeurtenis"),
        (("D-1", date(2026, 1, 5), None, None, None, None, date(2026, 2, 1)), "F5", "geen gebeurteniscode"),
        (
            ("D-1", date(2026, 1, 5), None, None, None, "JOB_START", date(2025, 12, 31)),
            "G5",
            "buiten de periode (1-1-2026 t/m 31-3-2026)",
        ),
        (
            ("D-1", date(2026, 2, 5), None, None, None, "JOB_START", date(2026, 2, 1)),
            "G5",
            "vóór de startdatum van de deelnemer (5-2-2026)",
        ),
        (
            ("D-1", date(2026, 1, 5), None, None, None, "JOB_START", date(2026, 2, 1), "JOB_6M", date(2026, 4, 2)),
            "I5",
            "buiten de periode",
        ),
        (
            ("D-1", date(2026, 1, 5), None, None, None) + (None, None) * 5 + ("JOB_6M", date(2026, 9, 9)),
            "Q5",
            "buiten de periode",
        ),
        (("D\x07-1", date(2026, 1, 5)), "A5", "stuurtekens"),
        (("D-1\n2", date(2026, 1, 5)), "A5", "stuurtekens"),
        (("D-1", True), "B5", "geen datum"),
    ],
)
def test_a_wrong_participant_cell_is_reported_on_that_cell(row, cell, fragment):
    if any(isinstance(value, str) and "\x07" in value for value in row):
        row = tuple(value.replace("\x07", "_x0007_") if isinstance(value, str) else value for value in row)
    problem = _participant_problem(row)
    assert (problem.sheet, problem.cell) == ("Deelnemers", cell)
    assert fragment in problem.message


def test_a_duplicate_reference_is_reported_on_the_second_row_whatever_its_case():
    rows = [("D-001", date(2026, 1, 2)), ("D-002", date(2026, 1, 2)), ("d-001 ", date(2026, 1, 3))]
    problem = only_problem(filled(participants=rows))
    assert (problem.sheet, problem.cell) == ("Deelnemers", "A7")
    assert "'d-001' staat er twee keer in (ook in rij 5)" in problem.message


def test_the_bsn_message_explains_pseudonymisation():
    message = _participant_problem(("123456782", date(2026, 1, 5))).message
    assert "pseudoniem" in message and "nooit een BSN of naam" in message


def test_a_nine_digit_reference_that_fails_the_eleven_test_is_accepted():
    parsed = parse_submission(filled(participants=[("123456789", date(2026, 1, 5))]), CTX)
    assert parsed.participants[0].reference == "123456789"


def test_a_number_typed_as_reference_is_read_as_its_digits():
    parsed = parse_submission(filled(participants=[(1001, date(2026, 1, 5))]), CTX)
    assert parsed.participants[0].reference == "1001"


def test_text_longer_than_the_limit_is_refused_in_comments_and_references():
    problems = problems_of(filled(comments={"JOBS": "x" * 501}, participants=[("R" * 501, date(2026, 1, 5))]))
    assert locations(problems) == [("KPI", "G5"), ("Deelnemers", "A5")]
    assert all("501 tekens lang; hoogstens 500" in p.message for p in problems)


def test_a_reference_longer_than_its_column_is_refused():
    problem = _participant_problem(("R" * 65, date(2026, 1, 5)))
    assert problem.cell == "A5" and "65 tekens lang; hoogstens 64" in problem.message


def test_references_are_stored_in_their_normal_form_and_compared_in_it():
    rows = [("ｄ\u2013００1", date(2026, 1, 5)), ("D-002", date(2026, 1, 5)), ("D-0\u200b01", date(2026, 1, 5))]
    problem = only_problem(filled(participants=rows))
    assert problem.cell == "A7" and "staat er twee keer in (ook in rij 5)" in problem.message
    parsed = parse_submission(filled(participants=rows[:2]), CTX)
    assert [p.reference for p in parsed.participants] == ["D-001", "D-002"]


def test_a_comment_may_hold_line_breaks_and_tabs_but_no_other_control_characters():
    parsed = parse_submission(filled(comments={"JOBS": "regel 1\n\tregel 2"}), CTX)
    assert parsed.values[0].comment == "regel 1\n\tregel 2"
    problem = only_problem(filled(comments={"JOBS": "bel_x0007_"}))
    assert (problem.cell, "stuurtekens" in problem.message) == ("G5", True)


def test_data_right_of_the_template_columns_is_refused():
    def note(workbook):
        data_sheet(workbook, "participants")["R5"] = "Jan Jansen"

    problem = only_problem(filled(edit=note))
    assert (problem.sheet, problem.cell) == ("Deelnemers", "R5")


def test_more_rows_than_the_limit_is_one_problem_of_the_sheet():
    rows = [(f"D-{n}", date(2026, 1, 2)) for n in range(11)]
    problem = only_problem(filled(participants=rows), limits=Limits(max_rows=10))
    assert (problem.sheet, problem.cell) == ("Deelnemers", "")
    assert "rij 15" in problem.message and "hoogstens 10 regels" in problem.message


def test_exactly_the_row_limit_is_accepted():
    rows = [(f"D-{n}", date(2026, 1, 2)) for n in range(10)]
    assert len(parse_submission(filled(participants=rows), CTX, Limits(max_rows=10)).participants) == 10


# --- all at once ------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once_in_sheet_row_column_order():
    rows = [
        ("D-1", date(2026, 5, 1), "pensioen"),
        ("111222333", date(2026, 1, 5), None, -1, None, "JOB_START"),
        ("D-1", date(2026, 1, 5)),
    ]
    problems = problems_of(filled(values={**GOOD_VALUES, "JOBS": -1, "WOMEN": 120}, participants=rows))
    assert locations(problems) == [
        ("KPI", "F5"),
        ("KPI", "F7"),
        ("Deelnemers", "B5"),
        ("Deelnemers", "C5"),
        ("Deelnemers", "A6"),
        ("Deelnemers", "D6"),
        ("Deelnemers", "G6"),
        ("Deelnemers", "A7"),
    ]


def test_the_problem_list_is_capped_with_a_count_of_the_rest():
    rows = [(f"D-{n}", "geen datum") for n in range(30)]
    problems = problems_of(filled(participants=rows), limits=Limits(max_problems=10))
    assert len(problems) == 11
    assert problems[-1] == type(problems[-1])("", "", "En nog 20 andere problemen; los eerst de bovenstaande op.")


def test_nothing_partial_is_returned_when_one_row_of_many_is_wrong():
    rows = [(f"D-{n}", date(2026, 1, 2)) for n in range(500)] + [("D-x", date(2030, 1, 1))]
    with pytest.raises(SpreadsheetInvalid) as raised:
        parse_submission(filled(participants=rows), CTX)
    assert locations(raised.value.problems) == [("Deelnemers", "B505")]
