"""The journal as files: JSON, CSV for Exact Online and for Twinfield, and an Excel workbook.

Layouts (docs/sepa_and_journal.md explains them and where they come from):

- JSON: ``{"entries": [{"date", "event", "reference", "lines": [{"account", "debit", "credit"}]}],
  "totals": {"debit", "credit"}}``, money as decimal strings with two decimals, dates ISO 8601.
- Exact Online: one row per journal line, ``;``-separated, columns named after the fields of Exact
  Online's general journal entries (JournalCode, FinancialYear, FinancialPeriod, EntryNumber, Date,
  GLAccount, Description, AmountDC); AmountDC is positive for a debit and negative for a credit.
- Twinfield: one row per journal line, ``;``-separated, columns named after the fields of a
  Twinfield memorial transaction (code, number, date, period, dim1, debitcredit, value,
  description); date as YYYYMMDD and period as YYYY/MM, as Twinfield writes them.
- Excel: the journal lines with account names and RGS codes, and the totals under them.

Text that a spreadsheet could read as a formula (a leading =, +, -, @) is quoted (``fundapp.xlsx``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from fundapp.banking.journal import JournalEntry, totals
from fundapp.formats import excel_date_format
from fundapp.money import money_str
from fundapp.xlsx import MONEY_FORMAT, cell_value, safe_text, set_widths, to_bytes, write_header

EXACT_COLUMNS = (
    "JournalCode",
    "FinancialYear",
    "FinancialPeriod",
    "EntryNumber",
    "Date",
    "GLAccount",
    "Description",
    "AmountDC",
)
TWINFIELD_COLUMNS = ("code", "number", "date", "period", "dim1", "debitcredit", "value", "description")
XLSX_COLUMNS = ("Date", "Entry", "Event", "Reference", "Account", "Account name", "RGS code", "Debit", "Credit")
CSV_LAYOUTS = ("exact", "twinfield")


def _money(amount: Any) -> str:
    return money_str(amount) or "0.00"


def as_document(entries: Sequence[JournalEntry]) -> dict[str, Any]:
    """The journal as the JSON document the API and the download give."""
    debit, credit = totals(entries)
    return {
        "entries": [
            {
                "date": entry.date.isoformat(),
                "event": entry.event.value,
                "reference": entry.reference,
                "lines": [
                    {"account": line.account.code, "debit": _money(line.debit), "credit": _money(line.credit)}
                    for line in entry.lines
                ],
            }
            for entry in entries
        ],
        "totals": {"debit": _money(debit), "credit": _money(credit)},
    }


def to_json(entries: Sequence[JournalEntry]) -> str:
    return json.dumps(as_document(entries), ensure_ascii=False, indent=2)


def _description(entry: JournalEntry) -> str:
    return safe_text(f"{entry.event.value.replace('_', ' ')} {entry.reference}")


def to_csv(entries: Sequence[JournalEntry], layout: str = "exact", journal_code: str = "MEMO") -> str:
    """The journal lines as an import file for Exact Online (``exact``) or Twinfield (``twinfield``).

    Entries are numbered 1, 2, ... in journal order; every line of an entry carries its number.
    """
    if layout not in CSV_LAYOUTS:
        raise ValueError(f"unknown CSV layout {layout!r}; choose one of {', '.join(CSV_LAYOUTS)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXACT_COLUMNS if layout == "exact" else TWINFIELD_COLUMNS)
    for number, entry in enumerate(entries, start=1):
        for line in entry.lines:
            if layout == "exact":
                writer.writerow(
                    (
                        journal_code,
                        entry.date.year,
                        entry.date.month,
                        number,
                        entry.date.isoformat(),
                        safe_text(line.account.code),
                        _description(entry),
                        _money(line.debit - line.credit),
                    )
                )
            else:
                writer.writerow(
                    (
                        journal_code,
                        number,
                        entry.date.strftime("%Y%m%d"),
                        entry.date.strftime("%Y/%m"),
                        safe_text(line.account.code),
                        "debit" if line.debit else "credit",
                        _money(line.debit or line.credit),
                        _description(entry),
                    )
                )
    return buffer.getvalue()


def to_xlsx(entries: Sequence[JournalEntry], language: str = "nl") -> bytes:
    """The journal as an Excel workbook, one row per line, totals under the lines."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Journal"
    write_header(sheet, 1, XLSX_COLUMNS)
    row = 1
    for number, entry in enumerate(entries, start=1):
        for line in entry.lines:
            row += 1
            values = (
                entry.date,
                number,
                entry.event.value,
                entry.reference,
                line.account.code,
                line.account.name,
                line.account.rgs_code or "",
                line.debit,
                line.credit,
            )
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=cell_value(value))
            sheet.cell(row=row, column=1).number_format = excel_date_format(language)
            sheet.cell(row=row, column=8).number_format = MONEY_FORMAT
            sheet.cell(row=row, column=9).number_format = MONEY_FORMAT
    debit, credit = totals(entries)
    sheet.cell(row=row + 1, column=7, value="Total")
    for column, amount in ((8, debit), (9, credit)):
        cell = sheet.cell(row=row + 1, column=column, value=amount)
        cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"
    set_widths(sheet, (12, 7, 16, 18, 10, 44, 14, 14, 14))
    return to_bytes(workbook).getvalue()
