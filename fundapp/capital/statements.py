"""An investor's quarterly statement (PDF and Excel) and a capital call's notice (PDF), from the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from fundapp.capital import nav
from fundapp.capital.models import CapitalCall, DistributionKind, Investor
from fundapp.i18n import gettext as _
from fundapp.reports import excel
from fundapp.reports.pdf import html_to_pdf

FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def distribution_kinds() -> dict[DistributionKind, str]:
    return {
        DistributionKind.RETURN_OF_CAPITAL: _("Return of capital"),
        DistributionKind.INCOME: _("Income"),
        DistributionKind.GAIN: _("Gain"),
    }


def bucket_labels() -> dict[str, str]:
    return {
        "current": _("Current (%)"),
        "days_1_30": _("1–30 days past due (%)"),
        "days_31_90": _("31–90 days past due (%)"),
        "over_90": _("Over 90 days past due (%)"),
    }


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def quarters(investor: Investor, today: dt.date) -> list[tuple[int, int]]:
    """The quarters from the investor's first call up to the last one that has ended, newest first."""
    if not investor.calls:
        return []
    first = min(call.on for call in investor.calls)
    year, quarter, found = first.year, (first.month - 1) // 3 + 1, []
    while quarter_bounds(year, quarter)[1] < today:
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found[::-1]


@dataclass(frozen=True)
class Statement:
    investor: Investor
    year: int
    quarter: int
    start: dt.date
    end: dt.date
    opening: nav.CapitalAccount
    closing: nav.CapitalAccount
    nav: nav.Nav
    calls: list[Any]
    distributions: list[Any]


def statement(session: Session, investor: Investor, year: int, quarter: int) -> Statement:
    start, end = quarter_bounds(year, quarter)
    opening = nav.capital_accounts(session, investor.fund_id, start - dt.timedelta(days=1))[1][investor.id]
    fund_nav, accounts = nav.capital_accounts(session, investor.fund_id, end)
    return Statement(
        investor=investor,
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        opening=opening,
        closing=accounts[investor.id],
        nav=fund_nav,
        calls=[c for c in investor.calls if start <= c.on <= end],
        distributions=[d for d in investor.distributions if start <= d.on <= end],
    )


def statement_file(session: Session, investor: Investor, year: int, quarter: int, fmt: str) -> bytes:
    made = statement(session, investor, year, quarter)
    if fmt == "pdf":
        return html_to_pdf(render_template("capital/statement.html", s=made, kinds=distribution_kinds()))
    return _workbook(made)


def _workbook(s: Statement) -> bytes:
    workbook = excel.new_workbook()
    title = _("Investor statement %(quarter)s", quarter=f"{s.year}-Q{s.quarter}")
    sheet, row = excel.add_sheet(workbook, title, [title, s.investor.name, s.investor.fund.name])
    money, ratio = excel.DECIMAL, "0.0000"
    figures = (
        (_("Committed"), "committed", money),
        (_("Paid in"), "paid_in", money),
        (_("Distributed"), "distributed", money),
        (_("NAV share"), "nav_share", money),
        ("DPI", "dpi", ratio),
        ("RVPI", "rvpi", ratio),
        ("TVPI", "tvpi", ratio),
        ("IRR", "irr", "0.000000"),
    )
    for heading, account in ((_("Opening"), s.opening), (_("Closing"), s.closing)):
        lines: list[tuple[str, Any, str | None]] = [(f"{heading} {account.as_of.isoformat()}", "", None)]
        lines += [(label, getattr(account, name), shape) for label, name, shape in figures]
        row = excel.facts(sheet, row, lines)
    flows: list[tuple[str, Any, str | None]] = [(_("Calls and distributions in the quarter"), "", None)]
    flows += [(f"{_('Capital call')} {c.on.isoformat()}", c.amount, money) for c in s.calls]
    kinds = distribution_kinds()
    flows += [(f"{kinds[d.kind]} {d.on.isoformat()}", -d.amount, money) for d in s.distributions]
    row = excel.facts(sheet, row, flows)
    excel.facts(sheet, row, [(_("Fund NAV on %(date)s", date=s.end.isoformat()), "", None), *nav_lines(s.nav, money)])
    return excel.finish(workbook).getvalue()


def nav_lines(fund_nav: nav.Nav, number_format: str | None) -> list[tuple[str, Decimal, str | None]]:
    return [
        (_("Cash"), fund_nav.cash, number_format),
        (_("Loans at outstanding principal"), fund_nav.loans_outstanding, number_format),
        (_("Loan-loss provision"), -fund_nav.provision, number_format),
        (_("Equity at last valuation"), fund_nav.equity_value, number_format),
        (_("Other receivables"), fund_nav.receivables, number_format),
        (_("NAV"), fund_nav.nav, number_format),
    ]


def call_notice_pdf(session: Session, call: CapitalCall) -> bytes:
    investor = call.investor
    called = sum((c.amount for c in investor.calls if (c.on, c.id) <= (call.on, call.id)), Decimal("0.00"))
    return html_to_pdf(
        render_template(
            "capital/call_notice.html",
            call=call,
            investor=investor,
            called=called,
            remaining=investor.commitment - called,
        )
    )
