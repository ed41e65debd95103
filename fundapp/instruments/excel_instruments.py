"""The fund report workbook's sheets of the exposure per investee and of grants and guarantees."""

from __future__ import annotations

from typing import Any

from fundapp.i18n import gettext as _
from fundapp.reports.excel import MONEY, Column, add_sheet, facts, write_table
from fundapp.reports.sheets import Book as Workbook


def rank(subordinated: bool) -> str:
    return _("subordinated") if subordinated else _("senior")


def exposure_sheet(book: Workbook, report: Any, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Exposure"), heading)
    columns = [
        Column(_("Investee"), 32),
        Column(_("Senior loans"), 16, MONEY, total=True),
        Column(_("Subordinated loans"), 16, MONEY, total=True),
        Column(_("Grant receivables"), 16, MONEY, total=True),
        Column(_("Guarantees outstanding"), 16, MONEY, total=True),
        Column(_("Total"), 16, MONEY, total=True),
    ]
    rows = [(e.investee, e.senior, e.subordinated, e.grant_receivables, e.guarantees, e.total) for e in report.exposure]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def instruments_sheet(book: Workbook, report: Any, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Grants and guarantees"), heading)
    f = report.instruments
    facts(
        sheet,
        row,
        [
            (_("Grants and vouchers paid"), f.grants_paid, MONEY),
            (_("Grants judged: conditions met"), f.grants_met, MONEY),
            (_("Grants judged: conditions not met"), f.grants_not_met, MONEY),
            (_("Clawed back"), f.clawed_back, MONEY),
            (_("Received on clawbacks"), f.received, MONEY),
            (_("Grant receivables at the end"), f.grant_receivables, MONEY),
            (_("Guarantee fee income"), f.fee_income, MONEY),
            (_("Guarantees called"), f.called, MONEY),
            (_("Guarantees outstanding at the end"), f.guarantees_outstanding, MONEY),
        ],
    )
