"""Every workbook the app writes shows its labels and figures whole: columns as wide as their header and label
texts and their values, a frozen header row, number formats on the figures. Read back with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from tests.factories import PASSWORD
from tests.integration.test_reports import ReportWorld, in_savepoint, module_world


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Any]:
    yield from in_savepoint(rw)


def _workbooks(app: Any, rw: ReportWorld, lang: str) -> dict[str, Any]:
    client = app.test_client()
    assert client.post("/login", data={"email": rw.user("admin").email, "password": PASSWORD}).status_code == 303
    urls = {
        "fund report": f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026&format=xlsx",
        "investee report": f"/api/v1/investees/{rw.utrecht_id}/impact-report?period=2026&format=xlsx",
        "payer report": f"/api/v1/payers/{rw.world.payer_a.id}/report?period=2026&format=xlsx",
        "loan schedule": f"/api/v1/loans/{rw.world.loan_a.id}/schedule.xlsx?as_of=2026-06-30",
        "KPI template": f"/api/v1/investees/{rw.rotterdam_id}/kpi-template?period=2026-Q2",
    }
    books = {}
    for name, url in urls.items():
        response = client.get(f"{url}&lang={lang}")
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        books[name] = openpyxl.load_workbook(io.BytesIO(response.data))
    return books


def _label(cell: Any) -> bool:
    """A header or a label: bold text in normal type (titles and headings are larger and span columns)."""
    font = cell.font
    return isinstance(cell.value, str) and bool(font and font.b) and (font.sz or 11) <= 11


def _shown(value: Any, number_format: str) -> int:
    """About the characters Excel shows: a date in ten, a number with separators and two decimals (or none)."""
    if isinstance(value, date):
        return 10
    if "%" in number_format and '"%"' not in number_format:
        return len(f"{Decimal(str(value)) * 100:,.2f}") + 2
    if isinstance(value, int) or number_format in ("0", "#,##0"):
        return len(f"{Decimal(str(value)):,.0f}")
    return len(f"{Decimal(str(value)):,.2f}")


def _too_narrow(sheet: Any) -> list[str]:
    merged = {(row, column) for cells in sheet.merged_cells.ranges for row, column in cells.cells}
    problems = []
    for row in sheet.iter_rows():
        for cell in row:
            if (cell.row, cell.column) in merged:
                continue
            if _label(cell):
                needed = len(cell.value)
            elif isinstance(cell.value, int | Decimal | float | date):
                needed = _shown(cell.value, cell.number_format)
            else:
                continue
            width = sheet.column_dimensions[get_column_letter(cell.column)].width or 8.43  # Excel's default
            if width < needed:
                problems.append(f"{sheet.title}!{cell.coordinate} {cell.value!r}: width {width} < {needed}")
    return problems


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_column_of_every_workbook_is_as_wide_as_its_labels_and_figures(app, rw, rsession, lang):
    books = _workbooks(app, rw, lang)
    problems = [
        f"{name}: {problem}"
        for name, book in books.items()
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
        for problem in _too_narrow(sheet)
    ]
    assert problems == []


def test_the_loan_schedule_freezes_its_header_and_formats_every_figure(app, rw, rsession):
    sheet = _workbooks(app, rw, "en")["loan schedule"].active
    header = int(sheet.freeze_panes[1:]) - 1
    assert [c.value for c in sheet[header]][:3] == ["No.", "Due date", "Principal"]
    for row in sheet.iter_rows(min_row=header + 1):
        for cell in row:
            if isinstance(cell.value, int | float | Decimal | date):
                assert cell.number_format != "General", cell.coordinate
