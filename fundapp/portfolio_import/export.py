"""The portfolio workbook filled from a fund (or empty, to fill in): the same sheets the import reads."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fundapp.investees.models import Investee, LegalForm
from fundapp.loans.models import EventKind, Loan, LoanEvent
from fundapp.loans.portfolio import outstanding_on
from fundapp.loans.schedule import Amortization, DayCount, Frequency
from fundapp.loans.servicing import Prepayment
from fundapp.portfolio_import import layout
from fundapp.xlsx import MONEY_FORMAT, cell_value, fit_columns, to_bytes, write_header

DATE_FORMAT = "yyyy-mm-dd"
CHOICES: dict[str, type[Enum]] = {
    "legal_form": LegalForm,
    "frequency": Frequency,
    "amortization": Amortization,
    "day_count": DayCount,
    "prepayment": Prepayment,
}
MONEY_KEYS = {"principal", "installment_multiple", "amount", "outstanding_principal"}
LAST_ROW = 20_000  # how far the dropdowns reach


def fund_rows(session: Session, fund_id: int, today: date) -> dict[str, list[dict[str, Any]]]:
    """The fund's investees, its disbursed loans with their terms, their repayments and outstanding today."""
    investees = session.scalars(select(Investee).where(Investee.fund_id == fund_id).order_by(Investee.name)).all()
    loans = session.scalars(
        select(Loan)
        .where(Loan.fund_id == fund_id, Loan.disbursed > 0)
        .options(selectinload(Loan.investee), selectinload(Loan.events))
        .order_by(Loan.reference)
    ).all()
    outstanding = outstanding_on(session, fund_id, today, split=False)
    return {
        layout.INVESTEES: [
            {"name": i.name, "kvk_number": i.kvk_number, "legal_form": i.legal_form, "municipality": i.municipality}
            for i in investees
        ],
        layout.LOANS: [_loan_row(loan) for loan in loans],
        layout.REPAYMENTS: [
            {
                "loan_reference": loan.reference,
                "date": event.on,
                "amount": event.amount,
                "bank_reference": event.reference,
                "prepayment": event.prepayment,
            }
            for loan in loans
            for event in _live_repayments(loan.events)
        ],
        layout.OUTSTANDING: [
            {"loan_reference": loan.reference, "cut_over_date": today, "outstanding_principal": outstanding[loan.id]}
            for loan in loans
            if loan.id in outstanding
        ],
    }


def _loan_row(loan: Loan) -> dict[str, Any]:
    row = {column.key: getattr(loan, column.key, None) for column in layout.COLUMNS[layout.LOANS]}
    row["kvk_number"] = loan.investee.kvk_number
    row["subordinated"] = "yes" if loan.subordinated else "no"
    return row


def _live_repayments(events: list[LoanEvent]) -> list[LoanEvent]:
    return [e for e in events if e.kind == EventKind.REPAYMENT and e.reversed_at is None]


def build_workbook(rows: dict[str, list[dict[str, Any]]] | None = None) -> bytes:
    """The workbook with a sheet per part, headers in row 1, dropdowns for the coded columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_name, columns in layout.COLUMNS.items():
        sheet = workbook.create_sheet(sheet_name)
        write_header(sheet, layout.HEADER_ROW, [column.header for column in columns])
        sheet.freeze_panes = "A2"
        for row_number, row in enumerate((rows or {}).get(sheet_name, []), start=layout.HEADER_ROW + 1):
            for position, column in enumerate(columns, start=1):
                value = row.get(column.key)
                value = value.value if isinstance(value, Enum) else value
                cell = sheet.cell(row=row_number, column=position, value=cell_value(value))
                if column.key in MONEY_KEYS:
                    cell.number_format = MONEY_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
        for position, column in enumerate(columns):
            kind = CHOICES.get(column.key)
            if kind is not None:
                letter = layout.column_letter(position)
                choices = ",".join(member.value for member in kind)
                validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=not column.required)
                validation.add(f"{letter}{layout.HEADER_ROW + 1}:{letter}{LAST_ROW}")
                sheet.add_data_validation(validation)
        fit_columns(sheet)
    return to_bytes(workbook).getvalue()
