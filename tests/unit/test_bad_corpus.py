"""Every file of the bad-input corpus (tests/data/bad, made by tests/data/make_bad_corpus.py) is refused clearly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fundapp.impact.spreadsheets import SpreadsheetInvalid, parse_submission

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
BAD_DIR = DATA_DIR / "bad"


def _corpus_module():
    spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA_DIR / "make_bad_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = _corpus_module()

# file name -> (sheet, cell, a fragment of the message): where the first problem is and what it says.
EXPECTED = {
    "empty.xlsx": ("", "", "The file is empty"),
    "random_bytes.xlsx": ("", "", "not an Excel workbook (.xlsx)"),
    "csv_renamed.xlsx": ("", "", "for example a CSV"),
    "old_xls_renamed.xlsx": ("", "", "old Excel 97-2003 file (.xls)"),
    "docx_renamed.xlsx": ("", "", "another Office or zip file"),
    "ods_renamed.xlsx": ("", "", "another Office or zip file"),
    "truncated.xlsx": ("", "", "damaged or incomplete"),
    "macro_enabled.xlsx": ("", "", "macros (.xlsm) are refused"),
    "zip_bomb_ratio.xlsx": ("", "", "suspiciously highly compressed"),
    "zip_bomb_declared_size.xlsx": ("", "", "unpacks to more than 200 MB"),
    "zip_lying_size.xlsx": ("", "", "damaged or incomplete"),
    "encrypted_part.xlsx": ("", "", "damaged or incomplete"),
    "xml_entity_expansion.xlsx": ("", "", "XML that is not allowed"),
    "zip_lying_size_and_crc.xlsx": ("", "", "damaged or incomplete"),
    "doctype_in_participants_sheet.xlsx": ("", "", "XML that is not allowed (xl/worksheets/sheet3.xml)"),
    "doctype_in_core_properties.xlsx": ("", "", "XML that is not allowed (docProps/core.xml)"),
    "doctype_lowercase_spaced_in_styles.xlsx": ("", "", "XML that is not allowed (xl/styles.xml)"),
    "xml_in_utf16.xlsx": ("", "", "XML that is not allowed (docProps/app.xml)"),
    "formula_with_other_prefix.xlsx": ("KPI", "F5", "holds a formula"),
    "formula_tag_with_tab.xlsx": ("KPI", "F5", "holds a formula"),
    "formula_cell_without_reference.xlsx": ("KPI", "F5", "holds a formula"),
    "formula_in_value.xlsx": ("KPI", "F5", "holds a formula"),
    "error_value.xlsx": ("KPI", "F6", "error value"),
    "merged_value_cells.xlsx": ("KPI", "F5", "F5:G6 are merged"),
    "huge_string.xlsx": ("KPI", "G5", "characters long; at most 500 characters"),
    "control_characters.xlsx": ("Participants", "A5", "invisible control characters"),
    "wrong_template_version.xlsx": ("", "", "only version 1 is accepted"),
    "other_investee.xlsx": ("", "", "made for another organisation"),
    "other_period.xlsx": ("", "", "for period '2025-Q4'; this report is for 2026-Q1"),
    "bad_signature.xlsx": ("", "", "hidden identification sheet has been changed"),
    "missing_identity_sheet.xlsx": ("", "", "not a fundapp template"),
    "missing_kpi_sheet.xlsx": ("", "", "The sheet 'KPI' is missing"),
    "text_in_number_cell.xlsx": ("KPI", "F5", "'seven' is not a number"),
    "negative_count.xlsx": ("KPI", "F5", "cannot be negative"),
    "percentage_over_100.xlsx": ("KPI", "F7", "between 0 and 100"),
    "bsn_reference.xlsx": ("Participants", "A6", "looks like a BSN"),
    "duplicate_indicator_row.xlsx": ("KPI", "A8", "Indicator 'JOBS' appears twice (also in row 5)"),
    "duplicate_participant.xlsx": ("Participants", "A6", "Reference 'P-0001' appears twice"),
    "date_outside_period.xlsx": ("Participants", "G5", "outside the period"),
    "unknown_indicator.xlsx": ("KPI", "A8", "Unknown indicator code 'NO_SUCH_CODE'"),
    "indicator_not_in_plan.xlsx": ("KPI", "A8", "'HOUSING' is not in your impact plan"),
    "data_outside_columns.xlsx": ("Participants", "R5", "outside the template's columns"),
}


def test_the_corpus_on_disk_is_exactly_the_table_and_at_least_twenty_files():
    on_disk = sorted(path.name for path in BAD_DIR.glob("*.xlsx"))
    assert on_disk == sorted(EXPECTED) == sorted(CORPUS.corpus())
    assert len(on_disk) >= 20


def test_the_committed_zip_bomb_is_small():
    assert (BAD_DIR / "zip_bomb_ratio.xlsx").stat().st_size < 200 * 1024


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_refused_with_a_clear_message_on_the_right_cell(name):
    with pytest.raises(SpreadsheetInvalid) as raised:
        parse_submission((BAD_DIR / name).read_bytes(), CORPUS.CORPUS_CONTEXT)
    sheet, cell, fragment = EXPECTED[name]
    first = raised.value.problems[0]
    assert (first.sheet, first.cell) == (sheet, cell)
    assert fragment in first.message


def test_the_good_upload_the_corpus_is_made_from_is_accepted():
    parsed = parse_submission(CORPUS.good_upload(), CORPUS.CORPUS_CONTEXT)
    assert [p.reference for p in parsed.participants] == ["P-0001", "P-0002"]
