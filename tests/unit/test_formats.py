"""How dates and units look per language (fundapp.formats), the KPI template that uses them, and the one
form of address ("je") in every Dutch text."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from fundapp.formats import excel_date_format, format_day, unit_words
from fundapp.impact.catalog_data import UNITS
from fundapp.impact.spreadsheets import PlannedIndicator, build_template, template_file_name
from fundapp.impact.spreadsheets.messages import MESSAGES, TEXTS

from .test_spreadsheets_support import make_context

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("nl", "1-12-2026", "1 december 2026"), ("en", "1 Dec 2026", "1 December 2026")],
)
def test_a_date_is_short_in_tables_and_long_in_running_text(language, short, long):
    assert format_day(date(2026, 12, 1), language) == short
    assert format_day(date(2026, 12, 1), language, "long") == long


def test_a_workbook_shows_its_dates_the_readers_way():
    assert (excel_date_format("nl"), excel_date_format("en")) == ("d-m-yyyy", "d mmm yyyy")


@pytest.mark.parametrize(
    ("code", "dutch", "english"),
    [
        ("people", "personen", "people"),
        ("hours", "uren", "hours"),
        ("eur", "euro", "euro"),
        ("tco2e", "ton CO2-eq", "tonnes CO2-eq"),
        ("fte", "fte", "FTE"),
        ("banen", "banen", "banen"),  # a word of the fund's own is shown as typed
    ],
)
def test_a_unit_is_shown_in_the_readers_words(code, dutch, english):
    assert (unit_words(code, "nl"), unit_words(code, "en")) == (dutch, english)


def test_every_unit_of_the_catalog_has_its_words_in_both_languages():
    for code in UNITS:
        assert unit_words(code, "nl") and unit_words(code, "en")
        assert code in ("fte", "kg", "percent", "m2", "kwh") or unit_words(code, "nl") != code


@pytest.mark.parametrize(
    ("language", "units", "name"),
    [
        ("nl", ["personen", "ton CO2-eq"], "kpi-sjabloon-12345678-2026-Q1.xlsx"),
        ("en", ["people", "tonnes CO2-eq"], "kpi-template-12345678-2026-Q1.xlsx"),
    ],
)
def test_the_kpi_template_gives_units_and_its_file_name_in_its_language(language, units, name):
    indicators = (
        PlannedIndicator("JOBS", "Jobs", "people", "integer", Decimal("10"), Decimal("25")),
        PlannedIndicator("CO2", "CO2", "tco2e", "decimal", None, Decimal("12.5")),
    )
    ctx = make_context(indicators=indicators, language=language)
    workbook = load_workbook(io.BytesIO(build_template(ctx)))
    assert [row[2].value for row in workbook["KPI"].iter_rows(min_row=5, max_row=6)] == units
    instructions = [cell.value for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert units[0] in instructions
    assert template_file_name(ctx) == name


FORMAL = re.compile(r"\b([Uu]|[Uu]w|[Uu]zelf)\b")


def test_every_dutch_text_says_je_never_u():
    catalog = read_po((ROOT / "fundapp/translations/nl/LC_MESSAGES/messages.po").open("rb"))
    dutch = [str(m.string) for m in catalog if m.id]
    dutch += [texts["nl"] for table in (MESSAGES, TEXTS) for texts in table.values()]
    formal = [text for text in dutch if FORMAL.search(text)]
    assert not formal
    assert sum(bool(re.search(r"\b[Jj]e\b", text)) for text in dutch) > 30
