"""One report, three forms: the HTML document, the PDF printed from it, and the workbook. Shared by page and API."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Response, render_template, send_file
from werkzeug.utils import secure_filename

from fundapp import clock
from fundapp.db import get_session
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.i18n import gettext as _
from fundapp.i18n import locale_name
from fundapp.impact.periods import Period
from fundapp.investees.models import Investee
from fundapp.payers.models import OutcomePayer
from fundapp.reports import fund_report, investee_report, payer_report, period_data, texts
from fundapp.reports.pdf import html_to_pdf
from fundapp.reports.periods import report_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
INVESTEE_FORMATS = ("html", "pdf", "xlsx")
FILE_FORMATS = ("pdf", "xlsx")


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise ValidationFailed.field("format", f"Choose one of: {', '.join(allowed)}.")
    return fmt


def _seen() -> dict[str, Any]:
    """What of an investee's report the reader may see: a payer's officer only its own payer's claims and no loans
    (the loans are the fund's and the enterprise's business); a fund's manager, the enterprise and an administrator
    the loans they may see."""
    from fundapp.auth.access import current_scope
    from fundapp.auth.policy import reads_loans, visible_claims, visible_loans

    scope = current_scope()
    return {"claims_seen": visible_claims(scope), "loans_seen": visible_loans(scope) if reads_loans(scope) else False}


def investee_document(investee: Investee, period_text: str | None, fmt: str) -> Response:
    period = report_period(period_text)
    report = investee_report.build(
        get_session(),
        investee,
        period,
        locale_name(),
        texts.chart_names(),
        clock.today(),
        with_charts=fmt != "xlsx",
        **_seen(),
    )
    name = _file_name(_("impact-report"), _slug(investee.name, investee.id), period)
    if fmt == "xlsx":
        from fundapp.reports.excel_investee import workbook

        return _file(workbook(report), f"{name}.xlsx", XLSX)
    html = render_template("reports/investee.html", r=report, t=texts, for_print=True)
    if fmt == "pdf":
        return _file(io.BytesIO(html_to_pdf(html)), f"{name}.pdf", PDF)
    return Response(html, mimetype="text/html")


def investee_page(investee: Investee, period_text: str | None) -> str:
    period = report_period(period_text)
    report = investee_report.build(
        get_session(), investee, period, locale_name(), texts.chart_names(), clock.today(), **_seen()
    )
    periods = period_data.investee_periods(get_session(), investee.id, period)
    return render_template("reports/investee.html", r=report, t=texts, for_print=False, periods=periods)


def fund_report_of(fund: Fund, period: Period) -> fund_report.FundReport:
    return fund_report.build(get_session(), fund, period, locale_name(), clock.today())


def fund_document(fund: Fund, period_text: str | None, fmt: str) -> Response:
    report = fund_report_of(fund, report_period(period_text))
    if fmt in FILE_FORMATS:
        data, name = fund_file(report, fmt)
        return _file(io.BytesIO(data), name, XLSX if fmt == "xlsx" else PDF)
    return Response(_fund_print(report), mimetype="text/html")


def fund_file(
    report: fund_report.FundReport, fmt: str, progress: Callable[[float], None] | None = None
) -> tuple[bytes, str]:
    """The fund report as a PDF or a workbook: its bytes and its name (the download and the background job's).

    ``progress`` hears the share of the file built so far (the background job shows it).
    """
    name = _file_name(_("fund-report"), _slug(report.fund.name, report.fund.id), report.period)
    if fmt == "xlsx":
        from fundapp.reports.excel_fund import workbook

        return workbook(report, progress).getvalue(), f"{name}.xlsx"
    return html_to_pdf(_fund_print(report), progress), f"{name}.pdf"


def _fund_print(report: fund_report.FundReport) -> str:
    return render_template("reports/fund.html", r=report, t=texts, for_print=True, charts=_fund_charts(report))


def fund_page(fund: Fund, period_text: str | None, report_files: list[Any], in_request: bool = True) -> str:
    """The fund report page; ``in_request`` False: its files come from the background job only (no direct links)."""
    period = report_period(period_text)
    report = fund_report_of(fund, period)
    periods = period_data.fund_periods(get_session(), fund.id, period)
    return render_template(
        "reports/fund.html",
        r=report,
        t=texts,
        for_print=False,
        charts=_fund_charts(report),
        periods=periods,
        report_files=report_files,
        in_request=in_request,
    )


def _fund_charts(report: fund_report.FundReport) -> dict[str, Any]:
    from fundapp.loans.portfolio import BUCKETS
    from fundapp.reports import charts

    locale = report.locale
    investors = report.investors
    buckets = report.portfolio.buckets
    return {
        "investors": charts.bar_chart(
            _("Capital: committed and paid in"),
            [i.name for i in investors],
            [(_("Committed"), [i.committed for i in investors]), (_("Paid in"), [i.paid_in for i in investors])],
            locale,
        )
        if investors
        else None,
        "buckets": charts.bar_chart(
            _("Outstanding by days past due"),
            [texts.bucket(b) for b in BUCKETS],
            [(_("Outstanding"), [buckets[b]["outstanding"] for b in BUCKETS])],
            locale,
        ),
    }


def payer_document(payer: OutcomePayer, period_text: str | None, fmt: str) -> Response:
    period = report_period(period_text)
    report = payer_report.build(get_session(), payer, period, locale_name(), clock.today())
    name = _file_name(_("municipal-report"), _slug(payer.name, payer.id), period)
    if fmt == "xlsx":
        from fundapp.reports.excel_payer import workbook

        return _file(workbook(report), f"{name}.xlsx", XLSX)
    html = render_template("reports/payer.html", r=report, t=texts, for_print=True, charts=_payer_charts(report))
    if fmt == "pdf":
        return _file(io.BytesIO(html_to_pdf(html)), f"{name}.pdf", PDF)
    return Response(html, mimetype="text/html")


def payer_page(payer: OutcomePayer, period_text: str | None) -> str:
    period = report_period(period_text)
    report = payer_report.build(get_session(), payer, period, locale_name(), clock.today())
    periods = period_data.payer_periods(get_session(), payer.id, period)
    return render_template(
        "reports/payer.html", r=report, t=texts, for_print=False, charts=_payer_charts(report), periods=periods
    )


def _payer_charts(report: payer_report.PayerReport) -> dict[str, Any]:
    from fundapp.reports import charts

    rows = report.budgets
    if not rows:
        return {"budget": None}
    bars = [charts.BudgetBar(b.contract, b.row.committed, b.row.claimed, b.row.approved, b.row.paid) for b in rows]
    return {"budget": charts.budget_chart(_("Budget use"), bars, texts.budget_parts(), report.locale)}


def _file_name(kind: str, slug: str, period: Period) -> str:
    """A download's name in the reader's language: impactrapport-<investee>-2026 or impact-report-<investee>-2026."""
    return f"{kind}-{slug}-{period}"


def _slug(name: str, fallback: int) -> str:
    return secure_filename(name).lower()[:60] or str(fallback)


def _file(data: io.BytesIO, name: str, mimetype: str) -> Response:
    return send_file(data, mimetype=mimetype, as_attachment=True, download_name=name)
