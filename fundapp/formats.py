"""How dates and units look in each language: the one definition, used by the pages (through fundapp.i18n),
the PDFs, the workbooks and the KPI template (which is pure, hence no Flask here).
"""

from __future__ import annotations

import functools
from datetime import date

from babel.dates import format_date

LANGUAGES = ("nl", "en")

# The one place that says how a date looks. Short in tables, forms and workbooks; long in running text.
DATE_PATTERNS = {
    "short": {"nl": "d-M-yyyy", "en": "d MMM yyyy"},  # 1-12-2026 / 1 Dec 2026
    "long": {"nl": "d MMMM yyyy", "en": "d MMMM yyyy"},  # 1 december 2026 / 1 December 2026
}
EXCEL_DATE_FORMATS = {"nl": "d-m-yyyy", "en": "d mmm yyyy"}  # a workbook cell holds a real date, shown so


def format_day(value: date, language: str, length: str = "short") -> str:
    """A date as the reader writes it; needs no request (the KPI template and workbooks call it too)."""
    lang = language if language in LANGUAGES else "en"
    if type(value) is not date:  # a datetime (or a subclass) is shown by its day, but not remembered as a day
        return format_date(value, DATE_PATTERNS[length][lang], locale=lang)
    return _format_day(value, lang, length)


@functools.lru_cache(maxsize=8192)
def _format_day(value: date, lang: str, length: str) -> str:
    """Babel's formatting of a day, remembered: a loan's page shows a hundred dates, mostly the same ones."""
    return format_date(value, DATE_PATTERNS[length][lang], locale=lang)


def excel_date_format(language: str) -> str:
    return EXCEL_DATE_FORMATS.get(language, EXCEL_DATE_FORMATS["en"])


# Indicator units: stored as codes (fundapp.impact.catalog_data.UNITS), shown in the reader's words.
UNIT_LABELS = {
    "people": {"nl": "personen", "en": "people"},
    "households": {"nl": "huishoudens", "en": "households"},
    "fte": {"nl": "fte", "en": "FTE"},
    "hours": {"nl": "uren", "en": "hours"},
    "eur": {"nl": "euro", "en": "euro"},
    "kg": {"nl": "kg", "en": "kg"},
    "tco2e": {"nl": "ton CO2-eq", "en": "tonnes CO2-eq"},
    "percent": {"nl": "%", "en": "%"},
    "count": {"nl": "aantal", "en": "number"},
    "m2": {"nl": "m²", "en": "m²"},
    "kwh": {"nl": "kWh", "en": "kWh"},
}


def unit_words(code: str | None, language: str) -> str:
    """A unit code in the language's words (personen, ton CO2-eq); a code fundapp does not know, as stored."""
    if not code:
        return ""
    words = UNIT_LABELS.get(code.lower())
    if words is None:
        return code
    return words.get(language, words["en"])
