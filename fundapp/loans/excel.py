"""A loan's schedule as an Excel workbook: terms, then the schedule with paid / due / overdue and totals."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from fundapp.formats import excel_date_format
from fundapp.i18n import gettext as _
from fundapp.i18n import locale_name
from fundapp.labels import label
from fundapp.xlsx import MONEY_FORMAT, cell_value, fit_columns, set_widths, to_bytes, write_header


def schedule_workbook(view: Any) -> io.BytesIO:
    loan = view.loan
    day = excel_date_format(locale_name())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Schedule")[:31]
    sheet["A1"] = cell_value(f"{loan.investee.name} — {loan.reference}")
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("Principal"), loan.principal, MONEY_FORMAT),
        (_("Annual interest rate (%)"), loan.annual_rate, "0.00##"),
        (_("Disbursement date"), loan.disbursement_date, day),
        (_("Installments"), loan.number_of_installments, "0"),
        (_("Frequency"), label(loan.frequency), None),
        (_("Amortization"), label(loan.amortization), None),
        (_("Day count"), loan.day_count.value, None),
        (_("Status"), label(loan.status), None),
        (_("As of"), view.as_of, day),
        (_("Days past due"), view.days_past_due, "0"),
    ]
    for offset, (title, value, number_format) in enumerate(facts, start=3):
        sheet.cell(row=offset, column=1, value=cell_value(title)).font = Font(bold=True)
        target = sheet.cell(row=offset, column=2, value=cell_value(value))
        if number_format:
            target.number_format = number_format
    header_row = 3 + len(facts) + 1
    headers = [
        _("No."),
        _("Due date"),
        _("Principal"),
        _("Interest"),
        _("Total"),
        _("Paid"),
        _("Balance after"),
        _("Status"),
    ]
    write_header(sheet, header_row, headers)
    row = header_row
    for line in view.schedule:
        row += 1
        values = [
            line.number,
            line.due_date,
            line.principal_due,
            line.interest_due,
            line.total_due,
            line.total_paid,
            line.balance,
            label(line.state),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=cell_value(value))
            if column == 1:
                cell.number_format = "0"
            elif column == 2:
                cell.number_format = day
            elif 3 <= column <= 7:
                cell.number_format = MONEY_FORMAT
    total_row = row + 1
    sheet.cell(row=total_row, column=1, value=_("Total")).font = Font(bold=True)
    for column, attribute in ((3, "principal_due"), (4, "interest_due"), (5, "total_due"), (6, "total_paid")):
        total = sum(getattr(line, attribute) for line in view.schedule)
        cell = sheet.cell(row=total_row, column=column, value=total)
        cell.number_format = MONEY_FORMAT
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    set_widths(sheet, [8, 14, 14, 14, 14, 14, 16, 14])
    fit_columns(sheet, 3)  # the title on row 1 runs across the columns
    return to_bytes(workbook)
