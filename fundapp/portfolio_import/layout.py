"""The portfolio workbook: its sheets and columns, the same for the export and the import.

Sheet names and headers are fixed English keys (they are what the file is read by,
whatever the reader's language); the pages explain them in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER_ROW = 1  # Excel row of the headers; data from the row below
# Rows a sheet may have: a fund of 10,000 loans with three years of monthly repayments fits (360,000).
MAX_ROWS = 500_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True


INVESTEES = "investees"
LOANS = "loans"
REPAYMENTS = "repayments"
OUTSTANDING = "outstanding"

COLUMNS: dict[str, tuple[Column, ...]] = {
    INVESTEES: (
        Column("name", "name"),
        Column("kvk_number", "kvk_number"),
        Column("legal_form", "legal_form"),
        Column("municipality", "municipality"),
    ),
    LOANS: (
        Column("reference", "reference"),
        Column("kvk_number", "investee_kvk_number"),
        Column("principal", "principal"),
        Column("annual_rate", "annual_rate_percent"),
        Column("disbursement_date", "disbursement_date"),
        Column("first_due_date", "first_due_date", required=False),
        Column("number_of_installments", "number_of_installments"),
        Column("frequency", "frequency"),
        Column("amortization", "amortization"),
        Column("grace_periods", "grace_periods", required=False),
        Column("day_count", "day_count", required=False),
        Column("installment_multiple", "installment_multiple", required=False),
        Column("subordinated", "subordinated", required=False),
        Column("purpose", "purpose", required=False),
    ),
    REPAYMENTS: (
        Column("loan_reference", "loan_reference"),
        Column("date", "date"),
        Column("amount", "amount"),
        Column("bank_reference", "bank_reference", required=False),
        Column("prepayment", "prepayment", required=False),
    ),
    OUTSTANDING: (
        Column("loan_reference", "loan_reference"),
        Column("cut_over_date", "cut_over_date"),
        Column("outstanding_principal", "outstanding_principal"),
    ),
}
SHEETS = tuple(COLUMNS)


def column_letter(index: int) -> str:
    """A, B, ... Z, AA for a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(sheet: str, key: str, row_index: int) -> str:
    """The cell of a column (by key) on a 0-based row index as calamine gives it."""
    position = next(i for i, column in enumerate(COLUMNS[sheet]) if column.key == key)
    return f"{column_letter(position)}{row_index + 1}"
