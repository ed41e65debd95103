"""build_template: the sheets, columns, protection, validation and identity an investee downloads."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from fundapp.impact.spreadsheets import build_template
from fundapp.impact.spreadsheets.identity import TemplateIdentity, sign

from .test_spreadsheets_support import CTX, CTX_EN, SECRET, make_context, template_for


def _open(ctx=CTX):
    return load_workbook(io.BytesIO(template_for(ctx)))


def _validation_of(sheet, cell: str):
    matches = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(matches) == 1, (cell, matches)
    return matches[0]


def test_the_sheets_are_named_in_the_templates_language_with_the_helpers_hidden():
    for ctx, names in (
        (CTX, ["Instructies", "KPI", "Deelnemers", "Lijsten", "_fundapp"]),
        (CTX_EN, ["Instructions", "KPI", "Participants", "Lists", "_fundapp"]),
    ):
        workbook = _open(ctx)
        assert workbook.sheetnames == names
        assert [workbook[n].sheet_state for n in names] == ["visible", "visible", "visible", "hidden", "veryHidden"]


def test_the_kpi_sheet_has_a_header_in_row_4_and_one_row_per_planned_indicator_from_row_5():
    sheet = _open()["KPI"]
    assert [c.value for c in sheet[4]] == ["Code", "Indicator", "Eenheid", "Nulmeting", "Doel", "Waarde", "Toelichting"]
    assert all(c.font.bold for c in sheet[4])
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_col=5)] == [
        ["JOBS", "Banen gecreëerd", "banen", 10, 25],
        ["CO2", "CO2 vermeden", "ton", None, 12.5],
        ["WOMEN", "Aandeel vrouwen", "%", 40, 50],
        ["NETCHANGE", "Verandering wachtlijst", "personen", None, None],
    ]
    assert sheet.freeze_panes == "A5"
    assert "KPI-rapportage 2026-Q1" in sheet["A1"].value


def test_only_the_value_and_comment_cells_of_the_kpi_sheet_are_unlocked_and_filled():
    sheet = _open()["KPI"]
    assert sheet.protection.sheet
    for row in range(5, 9):
        for column in "ABCDE":
            assert sheet[f"{column}{row}"].protection.locked
        for column in "FG":
            cell = sheet[f"{column}{row}"]
            assert not cell.protection.locked and cell.fill.fgColor.rgb == "00FFF2CC"


def test_each_value_cell_is_validated_by_the_indicators_kind():
    sheet = _open()["KPI"]
    jobs, co2, women, net = (_validation_of(sheet, f"F{row}") for row in (5, 6, 7, 8))
    assert (jobs.type, jobs.operator, jobs.formula1) == ("whole", "between", "0")
    assert (co2.type, co2.formula1) == ("decimal", "0")
    assert (women.type, women.formula1, women.formula2) == ("decimal", "0", "100")
    assert (net.type, net.formula1) == ("whole", "-1000000000000")
    assert jobs.showErrorMessage and jobs.showInputMessage and "heel getal van 0 of meer" in jobs.prompt


def test_the_participants_sheet_has_17_columns_dropdowns_and_date_validation():
    workbook = _open()
    sheet = workbook["Deelnemers"]
    headers = [c.value for c in sheet[4]]
    assert headers[:5] == ["Referentie", "Startdatum", "Uitkering vooraf", "Maanden in uitkering", "Uren per week"]
    assert headers[5:7] == ["Gebeurtenis 1 code", "Gebeurtenis 1 datum"] and headers[-1] == "Gebeurtenis 6 datum"
    assert len(headers) == 17 and sheet.freeze_panes == "B5"
    benefit = _validation_of(sheet, "C5")
    assert benefit.type == "list" and benefit.formula1 == "'Lijsten'!$A$2:$A$10"
    assert "C10004" in benefit.sqref and "C10005" not in benefit.sqref
    event_code = _validation_of(sheet, "P9000")
    assert event_code.formula1 == "'Lijsten'!$D$2:$D$4"
    assert [workbook["Lijsten"].cell(r, 4).value for r in range(2, 5)] == ["JOB_START", "JOB_6M", "TRAINING"]
    event_date = _validation_of(sheet, "G5")
    assert (event_date.type, event_date.formula1, event_date.formula2) == ("date", "46023", "46112")  # Q1 2026
    assert sheet.column_dimensions["B"].number_format == "d-m-yyyy"


def test_the_identity_sheet_holds_version_investee_kvk_period_and_signature():
    sheet = _open()["_fundapp"]
    rows = {row[0].value: row[1].value for row in sheet.iter_rows(max_col=2)}
    identity = TemplateIdentity("1", "42", "12345678", "2026-Q1")
    assert rows == {
        "template_version": "1",
        "investee_id": "42",
        "kvk_number": "12345678",
        "period": "2026-Q1",
        "signature": sign(identity, SECRET),
    }
    assert len(rows["signature"]) == 64


def test_the_instructions_name_the_investee_period_privacy_rule_and_codes():
    sheet = _open()["Instructies"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    for expected in (
        "Groen Werk BV",
        "12345678",
        "2026-Q1 (1-1-2026 t/m 31-3-2026)",
        "nooit een BSN",
        "JOB_6M",
        "Zes maanden aan het werk",
        "bijstand",
        "percentage 0-100",
    ):
        assert expected in joined


def test_a_plan_without_indicators_and_a_catalog_without_outcome_codes_still_build():
    ctx = make_context(indicators=(), outcome_codes=())
    workbook = load_workbook(io.BytesIO(build_template(ctx)))
    assert workbook["KPI"].max_row == 4
    assert all(dv.type != "list" or "C5" in dv.sqref for dv in workbook["Deelnemers"].data_validations.dataValidation)
