"""Reports in the reader's language: units in words, dates the reader's way (real dates in workbooks),
downloads named in the reader's language. The world is the one of tests/integration/test_reports.py."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from babel.dates import format_date

from tests.integration.test_reports import TODAY, ReportWorld, in_savepoint, module_world
from tests.web.test_reports_files import _client, _html, _pdf, _workbook


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Any]:
    yield from in_savepoint(rw)


ISO_DAY = re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b")


@pytest.mark.parametrize(
    ("lang", "unit", "date_format", "file_name"),
    [("nl", "personen", "d-m-yyyy", "fondsrapport-"), ("en", "people", "d mmm yyyy", "fund-report-")],
)
def test_the_fund_workbook_gives_units_in_words_real_dates_and_a_name_in_the_readers_language(
    app, rw, rsession, lang, unit, date_format, file_name
):
    client = _client(app, rw.user("manager_a"))
    response = client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?format=xlsx&period=2026&lang={lang}")
    assert f"filename={file_name}" in response.headers["Content-Disposition"]
    book = _workbook(response)
    units = {row[4] for row in book.worksheets[5].iter_rows(values_only=True)}
    assert unit in units and ("people" not in units if lang == "nl" else True)
    days = [
        cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.is_date and cell.value
    ]
    assert days and all(isinstance(cell.value, datetime) for cell in days)
    assert {cell.number_format for cell in days} == {date_format}


@pytest.mark.parametrize(("lang", "unit"), [("nl", "personen"), ("en", "people")])
def test_the_fund_report_page_shows_units_in_the_readers_words(app, rw, rsession, lang, unit):
    client = _client(app, rw.user("manager_a"))
    page = _html(client.get(f"/reports/funds/{rw.world.fund_a.id}?period=2026&lang={lang}"))
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert unit in cells
    if lang == "nl":
        assert "people" not in cells


def test_a_dutch_impact_report_writes_units_in_its_charts_and_dates_in_full_never_iso(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    page = _html(client.get(f"/reports/investees/{rw.rotterdam_id}?period=2026"))
    charts = [base64.b64decode(data).decode() for data in re.findall(r"data:image/svg\+xml;base64,([^\"]+)", page)]
    assert charts and any("(personen)" in svg for svg in charts)
    assert not any("(people)" in svg for svg in charts)
    response = client.get(f"/api/v1/investees/{rw.rotterdam_id}/impact-report?period=2026&format=pdf")
    assert "filename=impactrapport-" in response.headers["Content-Disposition"]
    text, _pages = _pdf(response)
    assert f"Gemaakt op {format_date(TODAY, 'd MMMM yyyy', locale='nl')}" in text
    assert not ISO_DAY.search(text)


def test_an_english_impact_report_is_named_in_english(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    response = client.get(f"/api/v1/investees/{rw.rotterdam_id}/impact-report?period=2026&format=xlsx&lang=en")
    assert "filename=impact-report-" in response.headers["Content-Disposition"]
