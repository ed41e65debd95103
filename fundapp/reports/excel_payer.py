"""The municipal (payer) report as a workbook: contracts, outcomes by item, payments, budget, social value."""

from __future__ import annotations

import io

from fundapp.i18n import date_filter
from fundapp.i18n import gettext as _
from fundapp.labels import label
from fundapp.reports.excel import (
    INTEGER,
    MONEY,
    RATIO,
    Column,
    add_sheet,
    bar_chart,
    date_format,
    facts,
    finish,
    new_workbook,
    social_sheet,
    write_table,
)
from fundapp.reports.excel import heading as report_heading
from fundapp.reports.payer_report import PayerReport
from fundapp.reports.sheets import Book as Workbook


def workbook(report: PayerReport) -> io.BytesIO:
    book = new_workbook()
    heading = report_heading(_("Municipal report %(name)s", name=report.payer.name), report)
    _summary(book, report, heading)
    _contracts(book, report, heading)
    _items(book, report, heading)
    _payments(book, report, heading)
    _budget(book, report, heading)
    social_sheet(book, report.social, report.locale, heading)
    return finish(book)


def _summary(book: Workbook, report: PayerReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Summary"), heading)
    facts(
        sheet,
        row,
        [
            (_("Outcome payer"), report.payer.name, None),
            (_("Region"), report.payer.region, None),
            (_("Contracts"), len(report.contracts), INTEGER),
            (_("Paid in the period"), report.paid_total, MONEY),
            (_("Outcomes paid for"), report.units_paid, INTEGER),
            (_("Cost per outcome"), report.cost_per_outcome, MONEY),
            (_("Participants paid for"), report.participants_paid, INTEGER),
            (_("Bouwblokken value"), report.social.total_value, MONEY),
            (_("Avoided benefit cost"), report.social.total_avoided, MONEY),
            (_("Social value per euro paid"), report.value_per_euro, "0.00"),
        ],
    )


def _contracts(book: Workbook, report: PayerReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Contracts"), heading)
    day = date_format(report.locale)
    columns = [
        Column(_("Reference"), 14),
        Column(_("Contract"), 32),
        Column(_("Status"), 12),
        Column(_("Valid from"), 12, day),
        Column(_("Valid until"), 12, day),
        Column(_("Share (%)"), 10, "0.00"),
        Column(_("Commitment"), 16, MONEY, total=True),
        Column(_("Providers"), 40),
    ]
    rows = [
        (
            c.contract.reference,
            c.contract.name,
            label(c.contract.status),
            c.contract.valid_from,
            c.contract.valid_until,
            c.share,
            c.commitment,
            c.providers,
        )
        for c in report.contracts
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _items(book: Workbook, report: PayerReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Outcomes"), heading)
    columns = [
        Column(_("Contract"), 14),
        Column(_("Code"), 14),
        Column(_("Outcome"), 36),
        Column(_("Price"), 14, MONEY),
        Column(_("Results verified"), 12, INTEGER, total=True),
        Column(_("Units verified"), 12, INTEGER, total=True),
        Column(_("Units paid"), 12, INTEGER, total=True),
        Column(_("Paid"), 16, MONEY, total=True),
        Column(_("Cost per outcome"), 14, MONEY),
    ]
    rows = [
        (i.contract, i.code, i.name, i.price, i.results, i.units_verified, i.units_paid, i.paid, i.cost_per_outcome)
        for i in report.items
    ]
    header, last = write_table(sheet, row, columns, rows, total_label=_("Total"))
    sheet.cell(row=last + 1, column=9, value=report.cost_per_outcome).number_format = MONEY
    if rows:
        bar_chart(sheet, _("Paid per outcome"), header, last, 2, [8], f"K{row}")


def _payments(book: Workbook, report: PayerReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Payments"), heading)
    columns = [
        Column(_("Paid on"), 12, date_format(report.locale)),
        Column(_("Payment reference"), 18),
        Column(_("Contract"), 14),
        Column(_("Provider"), 32),
        Column(_("Claim period"), 12),
        Column(_("Amount"), 16, MONEY, total=True),
    ]
    rows = [(p.paid_on, p.reference, p.contract, p.provider, p.claim_period, p.amount) for p in report.payments]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _budget(book: Workbook, report: PayerReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Budget"), heading)
    sheet.cell(row=row, column=1, value=_("Position on %(day)s", day=date_filter(report.generated_on, "long")))
    columns = [
        Column(_("Contract"), 16),
        Column(_("Committed"), 16, MONEY, total=True),
        Column(_("Claimed"), 16, MONEY, total=True),
        Column(_("Approved"), 16, MONEY, total=True),
        Column(_("Paid"), 16, MONEY, total=True),
        Column(_("Remaining"), 16, MONEY, total=True),
        Column(_("Used"), 10, RATIO),
    ]
    rows = [
        (b.contract, b.row.committed, b.row.claimed, b.row.approved, b.row.paid, b.row.remaining, b.row.used_ratio)
        for b in report.budgets
    ]
    header, last = write_table(sheet, row + 1, columns, rows, total_label=_("Total"))
    if rows:
        bar_chart(sheet, _("Budget use"), header, last, 1, [4, 5, 6], f"I{row}")
