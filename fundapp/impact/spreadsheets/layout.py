"""Where things are in the template: sheet names, columns, rows and bounds.

The template builder and the validator both read this module, so that a change
of layout is made once.
"""

from __future__ import annotations

import re
from datetime import date

# Sheet names per language. The validator accepts either language's names: a
# template downloaded in English may be uploaded by a colleague whose app is in Dutch.
SHEET_NAMES: dict[str, dict[str, str]] = {
    "instructions": {"nl": "Instructies", "en": "Instructions"},
    "kpi": {"nl": "KPI", "en": "KPI"},
    "participants": {"nl": "Deelnemers", "en": "Participants"},
    "lists": {"nl": "Lijsten", "en": "Lists"},
}
IDENTITY_SHEET = "_fundapp"

# Both data sheets: a title block in rows 1-3, the header in row 4, data from row 5.
TITLE_ROW = 1
SUBTITLE_ROW = 2
HINT_ROW = 3
HEADER_ROW = 4
FIRST_DATA_ROW = 5

# KPI sheet columns (0-based indexes into a row as calamine returns it).
KPI_CODE, KPI_NAME, KPI_UNIT, KPI_BASELINE, KPI_TARGET, KPI_VALUE, KPI_COMMENT = range(7)
KPI_WIDTH = 7

# Participants sheet columns.
P_REFERENCE, P_START_DATE, P_BENEFIT, P_MONTHS, P_HOURS = range(5)
EVENT_PAIRS = 6
P_FIRST_EVENT = 5  # event k (0-based) has its code at P_FIRST_EVENT + 2k, its date one to the right
P_WIDTH = P_FIRST_EVENT + 2 * EVENT_PAIRS  # 17 columns: A..Q

# Rows of the participants sheet that carry Excel's data validation in the template
# (the formatting covers whole columns). The validator reads any number of rows, up
# to Limits.max_rows, as investees paste more.
TEMPLATE_PARTICIPANT_ROWS = 10_000

# Dates before or after these are typing errors, not history or planning.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)

# Numbers the fund stores with a fixed precision.
MAX_VALUE_DECIMALS = 4
MAX_HOURS_DECIMALS = 2
MAX_ABS_VALUE = 10**12  # beyond this a KPI value is a typing error (and would not fit the database)
MAX_HOURS_PER_WEEK = 60
MAX_MONTHS_ON_BENEFIT = 1200  # a hundred years

KPI_HEADERS: dict[str, tuple[str, ...]] = {
    "nl": ("Code", "Indicator", "Eenheid", "Nulmeting", "Doel", "Waarde", "Toelichting"),
    "en": ("Code", "Indicator", "Unit", "Baseline", "Target", "Value", "Comment"),
}


def _participant_headers(
    reference: str, start: str, benefit: str, months: str, hours: str, event: str, code: str, when: str
) -> tuple[str, ...]:
    events: list[str] = []
    for number in range(1, EVENT_PAIRS + 1):
        events += [f"{event} {number} {code}", f"{event} {number} {when}"]
    return (reference, start, benefit, months, hours, *events)


PARTICIPANT_HEADERS: dict[str, tuple[str, ...]] = {
    "nl": _participant_headers(
        "Referentie",
        "Startdatum",
        "Uitkering vooraf",
        "Maanden in uitkering",
        "Uren per week",
        "Gebeurtenis",
        "code",
        "datum",
    ),
    "en": _participant_headers(
        "Reference", "Start date", "Benefit before", "Months on benefit", "Hours per week", "Event", "code", "date"
    ),
}

IDENTITY_KEYS = ("template_version", "investee_id", "kvk_number", "period", "signature")

_CELL_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def sheet_names_for(role: str) -> tuple[str, ...]:
    """The accepted names of a sheet, the Dutch one first."""
    names = SHEET_NAMES[role]
    return tuple(dict.fromkeys((names["nl"], names["en"])))


def column_letter(column_index: int) -> str:
    """ "A" for 0, "Z" for 25, "AA" for 26 (0-based, as calamine rows are indexed)."""
    letters = ""
    number = column_index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = [column_letter(index) for index in range(64)]


def cell_ref(column_index: int, row: int) -> str:
    """ "F7" for column index 5 (0-based) and Excel row 7."""
    letters = _LETTERS[column_index] if column_index < len(_LETTERS) else column_letter(column_index)
    return f"{letters}{row}"


def split_cell_ref(ref: str) -> tuple[int, int] | None:
    """(row, 0-based column) of "F7", or None for anything that is not a plain cell reference."""
    match = _CELL_REF.match(ref)
    if match is None:
        return None
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + (ord(letter) - 64)
    return int(digits), column - 1
