"""Reading a filled portfolio workbook into plain rows, with every problem by sheet and cell.

Only the file and its cells are checked here (types, required values, known codes,
duplicates within the file, dates not in the future); what needs the database or
the loan engine is checked in checks.py. calamine reads; nothing here is stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from fundapp.impact.spreadsheets.cells import CellRejected, is_blank, read_date, read_number, read_text
from fundapp.impact.spreadsheets.container import ContainerRefused, inspect_container
from fundapp.impact.spreadsheets.model import Limits
from fundapp.investees.models import LegalForm
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment
from fundapp.messages import N_
from fundapp.money import round_cent
from fundapp.portfolio_import import layout
from fundapp.validation import normalize_kvk

READ_ERRORS = (CalamineError, ValueError, OverflowError, TypeError)

CELL_MESSAGES = {
    "not_a_number": N_("This is not a number."),
    "not_a_date": N_("This is not a date (write 2026-03-31 or 31-03-2026)."),
    "not_text": N_("Write text here."),
    "text_too_long": N_("This text is too long."),
    "control_characters": N_("This text holds characters that cannot be stored."),
    "not_money": N_("Write an amount in euros with at most two decimals, not below zero."),
    "not_whole": N_("Write a whole number, not below zero."),
    "future_date": N_("This date is still to come."),
    "unknown_choice": N_("This is not one of the values the list offers."),
    "not_kvk": N_("A KvK number has exactly 8 digits."),
    "not_yes_no": N_("Write yes or no."),
}
TRUE_WORDS = {"yes", "ja", "true", "waar", "1"}
FALSE_WORDS = {"no", "nee", "false", "onwaar", "0"}


@dataclass(frozen=True)
class Problem:
    sheet: str
    cell: str
    message: str


@dataclass(frozen=True)
class Row:
    row: int  # 0-based index as calamine gives it; Excel row = row + 1
    values: dict[str, Any]


@dataclass
class Workbook:
    rows: dict[str, list[Row]] = field(default_factory=dict)


class Reader:
    def __init__(self, translate: Callable[[str], str], today: date):
        self._ = translate
        self.today = today
        self.problems: list[Problem] = []

    def problem(self, sheet: str, cell: str, message: str, **values: object) -> None:
        text = self._(message)
        self.problems.append(Problem(sheet, cell, text % values if values else text))


def read_workbook(data: bytes, reader: Reader, limits: Limits = Limits()) -> Workbook:
    """Every sheet's rows as typed values; every problem found in the file itself goes to the reader."""
    try:
        container = inspect_container(data, limits)  # size, zip bombs, macros: before any reader unzips
    except ContainerRefused:
        reader.problem("", "", N_("This is not an .xlsx workbook fundapp can read."))
        return Workbook()
    book = Workbook()
    try:
        with CalamineWorkbook.from_object(io.BytesIO(data)) as workbook:
            for sheet in layout.SHEETS:
                if sheet not in container.sheet_names:
                    reader.problem("", "", N_("The sheet %(name)s is missing."), name=sheet)
                    continue
                raw = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                if len(raw) > limits.max_rows + layout.HEADER_ROW:
                    reader.problem(sheet, "", N_("This sheet has too many rows."))
                    continue
                book.rows[sheet] = _read_sheet(reader, sheet, raw)
    except READ_ERRORS:
        reader.problem("", "", N_("This is not an .xlsx workbook fundapp can read."))
        return Workbook()
    _check_within_file(reader, book)
    return book


def _read_sheet(reader: Reader, sheet: str, raw: list[list[Any]]) -> list[Row]:
    columns = layout.COLUMNS[sheet]
    header = [str(v).strip().lower() if v is not None else "" for v in (raw[0] if raw else [])]
    for index, column in enumerate(columns):
        found = header[index] if index < len(header) else ""
        if found != column.header:
            reader.problem(
                sheet,
                f"{layout.column_letter(index)}{layout.HEADER_ROW}",
                N_("This column's header must be %(header)s."),
                header=column.header,
            )
            return []
    rows = []
    for index, cells in enumerate(raw[layout.HEADER_ROW :], start=layout.HEADER_ROW):
        cells = list(cells[: len(columns)]) + [None] * (len(columns) - len(cells))
        if all(is_blank(v) for v in cells):
            continue
        values: dict[str, Any] = {}
        for position, column in enumerate(columns):
            ref = f"{layout.column_letter(position)}{index + 1}"
            value = cells[position]
            if is_blank(value):
                if column.required:
                    reader.problem(sheet, ref, N_("This cell is required."))
                values[column.key] = None
                continue
            try:
                values[column.key] = READERS[column.key](reader, value)
            except CellRejected as rejected:
                reader.problem(sheet, ref, CELL_MESSAGES.get(rejected.key, N_("This value cannot be read.")))
                values[column.key] = INVALID
        rows.append(Row(index, values))
    return rows


INVALID = object()  # a cell already reported: later checks skip what depends on it


def _text(limit: int) -> Callable[[Reader, Any], str | None]:
    return lambda reader, value: read_text(value, limit)


def _money(reader: Reader, value: Any) -> Decimal:
    number = read_number(value)
    if number != round_cent(number) or number < 0:
        raise CellRejected("not_money")
    return round_cent(number)  # 9000 in the cell is 9000.00


def _positive_integer(reader: Reader, value: Any) -> int:
    number = read_number(value)
    if number != number.to_integral_value() or number < 0:
        raise CellRejected("not_whole")
    return int(number)


def _past_date(reader: Reader, value: Any) -> date:
    day = read_date(value)
    if day > reader.today:
        raise CellRejected("future_date")
    return day


def _choice(kind: type[Enum]) -> Callable[[Reader, Any], Any]:
    def read(reader: Reader, value: Any) -> Any:
        text = read_text(value, 40) or ""
        for member in kind:
            if text.lower() == member.value.lower():
                return member
        raise CellRejected("unknown_choice")

    return read


def _kvk(reader: Reader, value: Any) -> str:
    text = normalize_kvk(read_text(value, 20) or "")
    if not (len(text) == 8 and text.isdigit()) or text == "00000000":
        raise CellRejected("not_kvk")
    return text


def _yes_no(reader: Reader, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = (read_text(value, 10) or "").lower()
    if text in TRUE_WORDS | FALSE_WORDS:
        return text in TRUE_WORDS
    raise CellRejected("not_yes_no")


READERS: dict[str, Callable[[Reader, Any], Any]] = {
    "name": _text(200),
    "kvk_number": _kvk,
    "legal_form": _choice(LegalForm),
    "municipality": _text(120),
    "reference": _text(40),
    "loan_reference": _text(40),
    "bank_reference": _text(120),
    "principal": _money,
    "annual_rate": lambda reader, value: read_number(value),
    "disbursement_date": _past_date,
    "first_due_date": lambda reader, value: read_date(value),
    "number_of_installments": _positive_integer,
    "frequency": _choice(Frequency),
    "amortization": _choice(Amortization),
    "grace_periods": _positive_integer,
    "day_count": _choice(DayCount),
    "installment_multiple": _money,
    "subordinated": _yes_no,
    "purpose": _text(2000),
    "date": _past_date,
    "amount": _money,
    "prepayment": _choice(Prepayment),
    "cut_over_date": _past_date,
    "outstanding_principal": _money,
}


def _check_within_file(reader: Reader, book: Workbook) -> None:
    """Duplicates inside the file, and references to what the file does not hold."""
    kvks = _first_rows(reader, book, layout.INVESTEES, "kvk_number", N_("This KvK number is in the file twice."))
    loans = _first_rows(reader, book, layout.LOANS, "reference", N_("This loan reference is in the file twice."))
    _first_rows(reader, book, layout.OUTSTANDING, "loan_reference", N_("This loan is in this sheet twice."))
    for row in book.rows.get(layout.LOANS, []):
        kvk = row.values["kvk_number"]
        if isinstance(kvk, str) and kvk not in kvks:
            reader.problem(
                layout.LOANS,
                layout.cell_ref(layout.LOANS, "kvk_number", row.row),
                N_("No investee with this KvK number on the investees sheet."),
            )
    for sheet in (layout.REPAYMENTS, layout.OUTSTANDING):
        for row in book.rows.get(sheet, []):
            reference = row.values["loan_reference"]
            if isinstance(reference, str) and reference not in loans:
                reader.problem(
                    sheet,
                    layout.cell_ref(sheet, "loan_reference", row.row),
                    N_("No loan with this reference on the loans sheet."),
                )
    for row in book.rows.get(layout.REPAYMENTS, []):
        loan = loans.get(row.values["loan_reference"])
        day, disbursed = row.values["date"], loan.values["disbursement_date"] if loan else None
        if isinstance(day, date) and isinstance(disbursed, date) and day < disbursed:
            reader.problem(
                layout.REPAYMENTS,
                layout.cell_ref(layout.REPAYMENTS, "date", row.row),
                N_("This repayment comes before the loan was disbursed (%(day)s)."),
                day=disbursed.isoformat(),
            )
    booked: set[tuple[object, ...]] = set()
    for row in book.rows.get(layout.REPAYMENTS, []):
        v = row.values
        # A bank reference books a payment once (as on a loan's page): the same one again is a double booking.
        key = (str(v["loan_reference"]).upper(), v["date"], v["amount"], v["bank_reference"])
        if v["bank_reference"] and INVALID not in key and key in booked:
            reader.problem(
                layout.REPAYMENTS,
                layout.cell_ref(layout.REPAYMENTS, "bank_reference", row.row),
                N_("This repayment is in the file twice (same loan, date, amount and bank reference)."),
            )
        booked.add(key)
    for row in book.rows.get(layout.REPAYMENTS, []):
        if row.values["amount"] == 0:
            reader.problem(
                layout.REPAYMENTS,
                layout.cell_ref(layout.REPAYMENTS, "amount", row.row),
                N_("A repayment is more than zero."),
            )


def _first_rows(reader: Reader, book: Workbook, sheet: str, key: str, duplicate: str) -> dict[str, Row]:
    """The first row of each value; a later one is a duplicate (references compare without case)."""
    first: dict[str, Row] = {}
    seen: set[str] = set()
    for row in book.rows.get(sheet, []):
        value = row.values[key]
        if not isinstance(value, str):
            continue
        if value.upper() in seen:
            reader.problem(sheet, layout.cell_ref(sheet, key, row.row), duplicate)
            continue
        seen.add(value.upper())
        first[value] = row
    return first
