"""The investee's impact report as a workbook: one sheet per part of the report."""

from __future__ import annotations

import io
from typing import Any

from fundapp.i18n import date_filter, unit_label
from fundapp.i18n import gettext as _
from fundapp.reports import texts
from fundapp.reports.excel import (
    INTEGER,
    MONEY,
    Column,
    add_sheet,
    date_format,
    facts,
    finish,
    line_chart,
    new_workbook,
    social_sheet,
    value_format,
    write_table,
)
from fundapp.reports.excel import heading as report_heading
from fundapp.reports.investee_report import InvesteeReport
from fundapp.reports.sheets import Book as Workbook
from fundapp.xlsx import cell_value

TREND_BLOCK_ROWS = 17  # a chart of 7.5 cm is about 15 rows high


def workbook(report: InvesteeReport) -> io.BytesIO:
    book = new_workbook()
    heading = report_heading(_("Impact report %(name)s", name=report.investee.name), report)
    _summary(book, report, heading)
    _indicators(book, report, heading)
    _trends(book, report, heading)
    _sdgs(book, report, heading)
    _claims(book, report, heading)
    social_sheet(book, report.social, report.locale, heading)
    if report.loans is not None:
        _loans(book, report, heading)
    return finish(book)


def _summary(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Summary"), heading)
    investee, plan = report.investee, report.plan
    pairs: list[tuple[str, Any, str | None]] = [
        (_("Investee"), investee.name, None),
        (_("Fund"), investee.fund.name, None),
        (_("Municipality"), investee.municipality, None),
        (_("Mission"), investee.mission, None),
        (_("The problem addressed"), investee.problem or (plan.problem if plan else ""), None),
        (_("Themes"), ", ".join(report.themes), None),
        (_("SDGs"), ", ".join(f"{row.sdg}. {row.name}" for row in report.sdgs if row.chosen), None),
    ]
    if plan is not None:
        pairs += [
            (_("Problem"), plan.problem, None),
            (_("Activities"), plan.activities, None),
            (_("Output"), plan.outputs, None),
            (_("Outcome"), plan.outcomes, None),
            (_("Impact"), plan.impact, None),
        ]
    pairs.append((_("Portfolio as of"), report.as_of, date_format(report.locale)))
    facts(sheet, row, pairs)


def _indicators(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Indicators"), heading)
    columns = [
        Column(_("Level"), 10),
        Column(_("Code"), 24),
        Column(_("Indicator"), 40),
        Column(_("Unit"), 9),
        Column(_("Aggregation"), 13),
        Column(_("Baseline"), 11),
    ]
    for label in report.periods:
        columns += [Column(_("Target %(period)s", period=label), 11), Column(_("Actual %(period)s", period=label), 11)]
    columns += [
        Column(_("Target %(period)s", period=str(report.period)), 12),
        Column(_("Actual %(period)s", period=str(report.period)), 12),
        Column(_("Measurement method"), 60),
    ]
    rows, formats = [], []
    for level, lines in report.by_level:
        for line in lines:
            cells = [value for cell in line.cells for value in (cell.target, cell.actual)]
            rows.append(
                [
                    texts.level(level),
                    line.code,
                    line.name,
                    unit_label(line.unit, report.locale),
                    texts.rule(line.rule),
                    line.baseline,
                    *cells,
                    line.total_target,
                    line.total_actual,
                    line.measurement,
                ]
            )
            number = value_format(line.unit)
            formats.append([None] * 5 + [number] * (3 + len(cells)) + [None])
    write_table(sheet, row, columns, rows, formats=formats)


def _trends(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    """One small table per indicator (period, actual, target) with a native line chart beside it."""
    sheet, row = add_sheet(book, _("Trends"), heading)
    actual, target, _baseline = texts.chart_names()
    for line in report.lines:
        if not line.has_trend:
            continue
        sheet.cell(row=row, column=1, value=cell_value(f"{line.name} ({unit_label(line.unit, report.locale)})"))
        number = value_format(line.unit)
        columns = [Column(_("Period"), 12), Column(actual, 12, number), Column(target, 12, number)]
        header, last = write_table(
            sheet, row + 1, columns, [(c.period, c.actual, c.target) for c in line.trend], freeze=False
        )
        line_chart(sheet, f"{line.name} ({unit_label(line.unit, report.locale)})", header, last, 1, [2, 3], f"E{row}")
        row += TREND_BLOCK_ROWS + 1
    sheet.auto_filter.ref = None


def _sdgs(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("SDGs"), heading)
    columns = [
        Column(_("SDG"), 6, INTEGER),
        Column(_("Name"), 36),
        Column(_("Chosen by the investee"), 14),
        Column(_("SDG targets"), 18),
        Column(_("Indicators"), 70),
    ]
    rows = [(s.sdg, s.name, texts.yes_no(s.chosen), ", ".join(s.targets), "; ".join(s.indicators)) for s in report.sdgs]
    write_table(sheet, row, columns, rows)


def _claims(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Outcome payments"), heading)
    day = date_format(report.locale)
    columns = [
        Column(_("Contract"), 30),
        Column(_("Reference"), 14),
        Column(_("Payers"), 28),
        Column(_("Claim period"), 12),
        Column(_("Status"), 14),
        Column(_("Amount"), 14, MONEY, total=True),
        Column(_("Paid on"), 12, day),
        Column(_("Payment reference"), 18),
    ]
    rows = [
        (c.contract, c.reference, c.payers, c.period, texts.status(c.status), c.amount, c.paid_on, c.payment_reference)
        for c in report.claims
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _loans(book: Workbook, report: InvesteeReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Loans"), heading)
    columns = [
        Column(_("Loan"), 16),
        Column(_("Status"), 14),
        Column(_("Principal"), 14, MONEY, total=True),
        Column(_("Outstanding"), 14, MONEY, total=True),
        Column(_("Days past due"), 12, INTEGER),
        Column(_("Arrears"), 12),
    ]
    rows = [
        (
            loan.reference,
            texts.status(loan.status),
            loan.principal,
            loan.outstanding,
            loan.days_past_due,
            texts.bucket(loan.bucket),
        )
        for loan in report.loans or ()
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))
    sheet.cell(row=row - 1, column=1, value=_("As of %(day)s", day=date_filter(report.as_of, "long")))
