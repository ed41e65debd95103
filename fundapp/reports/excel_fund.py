"""The fund report as a workbook for the finance team: one sheet per part, frozen headers, totals, native charts."""

from __future__ import annotations

import io
from collections.abc import Callable

from fundapp.i18n import gettext as _
from fundapp.i18n import unit_label
from fundapp.instruments import excel_instruments
from fundapp.instruments.excel_instruments import rank
from fundapp.labels import label
from fundapp.loans.portfolio import BUCKETS
from fundapp.reports import texts
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
    line_chart,
    new_workbook,
    value_format,
    write_table,
)
from fundapp.reports.excel import heading as report_heading
from fundapp.reports.fund_report import FundReport, Group
from fundapp.reports.sheets import Book as Workbook


def workbook(report: FundReport, progress: Callable[[float], None] | None = None) -> io.BytesIO:
    book = new_workbook()
    heading = report_heading(_("Fund report %(name)s", name=report.fund.name), report)
    _summary(book, report, heading)
    _investors(book, report, heading)
    _loan_book(book, report, heading)
    _loans(book, report, heading)
    _write_offs(book, report, heading)
    _impact(book, report, heading)
    _by_investee(book, report, heading)
    _groups(book, _("Themes"), _("Theme"), report.themes, heading)
    _groups(book, _("SDGs"), _("SDG"), report.sdgs, heading)
    _groups(book, _("Municipalities"), _("Municipality"), report.municipalities, heading)
    _by_period(book, report, heading)
    _payments(book, report, heading)
    _splits(book, report, heading)
    _equity(book, report, heading)
    excel_instruments.exposure_sheet(book, report, heading)
    excel_instruments.instruments_sheet(book, report, heading)
    _revolving(book, report, heading)
    return finish(book, progress)


def _summary(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Summary"), heading)
    p = report.portfolio
    facts(
        sheet,
        row,
        [
            (_("Fund"), report.fund.name, None),
            (_("Region"), report.fund.region, None),
            (_("Investees"), report.investee_count, INTEGER),
            (_("Committed capital"), report.investor_totals["committed"], MONEY),
            (_("Paid-in capital"), report.investor_totals["paid_in"], MONEY),
            (_("Portfolio as of"), report.as_of, date_format(report.locale)),
            (_("Outstanding principal"), p.outstanding_principal, MONEY),
            (_("PAR30"), p.par30, RATIO),
            (_("PAR90"), p.par90, RATIO),
            (_("XIRR"), p.xirr, RATIO),
            (_("Outcome payments received"), report.payments_total, MONEY),
        ],
    )


def _investors(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Investors"), heading)
    columns = [
        Column(_("Investor"), 36),
        Column(_("Kind"), 22),
        Column(_("Committed"), 16, MONEY, total=True),
        Column(_("Paid in"), 16, MONEY, total=True),
        Column(_("Distributed"), 16, MONEY, total=True),
    ]
    rows = [(i.name, label(i.kind), i.committed, i.paid_in, i.distributed) for i in report.investors]
    header, last = write_table(sheet, row, columns, rows, total_label=_("Total"))
    if rows:
        bar_chart(sheet, _("Capital: committed and paid in"), header, last, 1, [3, 4], f"H{row}")


def _loan_book(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Portfolio"), heading)
    p = report.portfolio
    row = facts(
        sheet,
        row,
        [
            (_("As of"), p.as_of, date_format(report.locale)),
            (_("Loans"), p.loans, INTEGER),
            (_("Active loans"), p.active_loans, INTEGER),
            (_("Disbursed"), p.disbursed, MONEY),
            (_("Outstanding principal"), p.outstanding_principal, MONEY),
            (_("Principal repaid"), p.principal_received, MONEY),
            (_("Interest received"), p.interest_received, MONEY),
            (_("Recoveries"), p.recoveries, MONEY),
            (_("Written off"), p.written_off, MONEY),
            (_("PAR30"), p.par30, RATIO),
            (_("PAR90"), p.par90, RATIO),
            (_("XIRR"), p.xirr, RATIO),
        ],
    )
    columns = [
        Column(_("Days past due"), 28),
        Column(_("Loans"), 10, INTEGER, total=True),
        Column(_("Outstanding"), 16, MONEY, total=True),
    ]
    rows = [(texts.bucket(name), p.buckets[name]["loans"], p.buckets[name]["outstanding"]) for name in BUCKETS]
    header, last = write_table(sheet, row, columns, rows, total_label=_("Total"))
    bar_chart(sheet, _("Outstanding by days past due"), header, last, 1, [3], f"E{row}")


def _revolving(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Revolving view"), heading)
    columns = [
        Column(_("Year"), 10),
        Column(_("Capital paid in"), 16, MONEY, total=True),
        Column(_("Lent and invested"), 16, MONEY, total=True),
        Column(_("Returned"), 16, MONEY, total=True),
        Column(_("Lent again"), 16, MONEY, total=True),
        Column(_("Revolving ratio"), 12, "0.0000"),
    ]
    rows = [
        (y.year, y.paid_in, y.lent_and_invested, y.returned, y.lent_again, y.revolving_ratio) for y in report.revolving
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _loans(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Loans"), heading)
    day = date_format(report.locale)
    columns = [
        Column(_("Loan"), 16),
        Column(_("Investee"), 32),
        Column(_("Municipality"), 16),
        Column(_("Status"), 12),
        Column(_("Principal"), 14, MONEY, total=True),
        Column(_("Outstanding"), 14, MONEY, total=True),
        Column(_("Days past due"), 10, INTEGER),
        Column(_("Arrears"), 12),
        Column(_("Written off"), 14, MONEY, total=True),
        Column(_("Written off on"), 12, day),
        Column(_("Rank"), 14),
    ]
    rows = [
        (
            loan.reference,
            loan.investee,
            loan.municipality,
            label(loan.status),
            loan.principal,
            loan.outstanding,
            loan.days_past_due,
            texts.bucket(loan.bucket),
            loan.written_off,
            loan.written_off_on,
            rank(loan.subordinated),
        )
        for loan in report.loans
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _write_offs(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Write-offs"), heading)
    columns = [
        Column(_("Loan"), 16),
        Column(_("Investee"), 32),
        Column(_("Written off on"), 14, date_format(report.locale)),
        Column(_("Written off"), 16, MONEY, total=True),
    ]
    rows = [(w.reference, w.investee, w.written_off_on, w.written_off) for w in report.write_offs]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _equity(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Equity participations"), heading)
    columns = [
        Column(_("Investee"), 32),
        Column(_("Since"), 12, date_format(report.locale)),
        Column(_("Shares held"), 12, INTEGER),
        Column(_("Cost"), 14, MONEY, total=True),
        Column(_("Carrying value"), 14, MONEY, total=True),
        Column(_("Unrealised result"), 14, MONEY, total=True),
        Column(_("Realised result"), 14, MONEY, total=True),
        Column(_("Dividends"), 14, MONEY, total=True),
    ]
    rows = [
        (
            p.participation.investee.name,
            p.participation.on,
            p.shares_held,
            p.cost_held,
            p.carrying_value,
            p.unrealised_result,
            p.realised_result,
            p.dividends,
        )
        for p in report.equity
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _impact(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Impact"), heading)
    themes = {group.key: group.name for group in report.themes}
    columns = [
        Column(_("Theme"), 22),
        Column(_("Level"), 10),
        Column(_("Code"), 24),
        Column(_("Indicator"), 44),
        Column(_("Unit"), 9),
        Column(_("Aggregation"), 13),
        Column(_("Investees"), 10, INTEGER),
        Column(_("Value"), 14),
        Column(_("Target"), 14),
    ]
    rows = [
        (
            themes.get(line.theme_code, line.theme_code),
            texts.level(line.level),
            line.code,
            line.name,
            unit_label(line.unit, report.locale),
            texts.rule(line.rule),
            line.investees,
            line.value,
            line.target,
        )
        for line in report.impact
    ]
    formats = [[None] * 7 + [value_format(line.unit)] * 2 for line in report.impact]
    write_table(sheet, row, columns, rows, formats=formats)


def _by_investee(book: Workbook, report: FundReport, heading: list[str]) -> None:
    """Each investee's own figure per indicator over the period (its periods combined by the rule)."""
    sheet, row = add_sheet(book, f"{_('Impact')} – {_('Investees')}", heading)
    lines = report.impact
    columns = [Column(_("Investee"), 32), Column(_("Municipality"), 18)] + [
        Column(f"{line.name} ({unit_label(line.unit, report.locale)})", 16, value_format(line.unit)) for line in lines
    ]
    values = report.by_investee
    rows = [
        [investee.name, investee.municipality] + [values.get((investee.id, line.indicator_id)) for line in lines]
        for investee in report.investees
    ]
    header, _last = write_table(sheet, row, columns, rows)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=2)  # names stay in view while scrolling right


def _groups(book: Workbook, title: str, key_title: str, groups: list[Group], heading: list[str]) -> None:
    """A rollup in long form: one row per group and indicator (units differ, so indicators are not added)."""
    sheet, row = add_sheet(book, title, heading)
    columns = [
        Column(key_title, 30),
        Column(_("Investees"), 10, INTEGER),
        Column(_("Indicator"), 44),
        Column(_("Unit"), 9),
        Column(_("Aggregation"), 13),
        Column(_("Value"), 14),
        Column(_("Investees reporting"), 12, INTEGER),
    ]
    rows: list[tuple[object, ...]] = []
    formats: list[list[str | None]] = []
    for group in groups:
        name = f"{group.key}. {group.name}" if group.key.isdigit() else group.name
        if not group.lines:
            rows.append((name, group.investees, "", "", "", None, None))
            formats.append([])
        for line in group.lines:
            rows.append(
                (
                    name,
                    group.investees,
                    line.name,
                    unit_label(line.unit),
                    texts.rule(line.rule),
                    line.value,
                    line.investees,
                )
            )
            formats.append([None] * 5 + [value_format(line.unit)])
    write_table(sheet, row, columns, rows, formats=formats)


def _by_period(book: Workbook, report: FundReport, heading: list[str]) -> None:
    """Indicators per period (rows: periods); a line chart of the indicator most investees report."""
    sheet, row = add_sheet(book, _("Impact by period"), heading)
    lines = report.impact
    columns = [Column(_("Period"), 12)] + [
        Column(f"{line.name} ({unit_label(line.unit, report.locale)})", 18, value_format(line.unit)) for line in lines
    ]
    rows = [
        [label_] + [report.by_period.get((line.indicator_id, label_)) for line in lines] for label_ in report.periods
    ]
    header, last = write_table(sheet, row, columns, rows)
    if lines and rows:
        key = max(range(len(lines)), key=lambda i: (lines[i].investees, -i))
        line_chart(sheet, columns[key + 1].title, header, last, 1, [key + 2], f"B{last + 3}")


def _payments(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Outcome payments"), heading)
    columns = [
        Column(_("Investee"), 30),
        Column(_("Contract"), 30),
        Column(_("Reference"), 14),
        Column(_("Payers"), 28),
        Column(_("Claim period"), 12),
        Column(_("Amount"), 14, MONEY, total=True),
        Column(_("Paid on"), 12, date_format(report.locale)),
        Column(_("Payment reference"), 18),
    ]
    rows = [
        (p.investee, p.contract, p.reference, p.payers, p.period, p.amount, p.paid_on, p.payment_reference)
        for p in report.payments
    ]
    write_table(sheet, row, columns, rows, total_label=_("Total"))


def _splits(book: Workbook, report: FundReport, heading: list[str]) -> None:
    sheet, row = add_sheet(book, _("Orientation and growth"), heading)
    tables = ((_("Orientation"), report.splits.by_orientation), (_("Impactpad growth level"), report.splits.by_level))
    for number, (title, rows) in enumerate(tables):
        columns = [
            Column(title, 30),
            Column(_("Investees"), 12, INTEGER, total=True),
            Column(_("Outstanding"), 16, MONEY, total=True),
            Column(_("Support hours"), 14, "#,##0.00", total=True),
        ]
        values = [(label(r.key) if r.key else _("not set"), r.investees, r.outstanding, r.support_hours) for r in rows]
        _header, last = write_table(sheet, row, columns, values, total_label=_("Total"), freeze=number == 0)
        row = last + 3  # below the totals row, one row apart
