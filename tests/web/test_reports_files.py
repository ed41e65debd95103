"""Reports as their readers open them: workbooks read back with openpyxl, PDFs read back with pypdf (text per
page), pages read as HTML; who may have which report; the period and format checks.

The world is the one of tests/integration/test_reports.py (built once for this module).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from fundapp.loans import portfolio as book
from fundapp.xlsx import MONEY_FORMAT
from tests.factories import PASSWORD
from tests.integration.test_reports import FORMULA_NAME, TODAY, ReportWorld, in_savepoint, module_world


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Any]:
    yield from in_savepoint(rw)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(app: Any, user: Any) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def _workbook(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _header_row(sheet: Any) -> int:
    """The row the table's header is on: the frozen pane is right below it."""
    return int("".join(ch for ch in sheet.freeze_panes if ch.isdigit())) - 1


def _table(sheet: Any) -> list[dict[str, Any]]:
    header = _header_row(sheet)
    titles = [cell.value for cell in sheet[header]]
    rows = []
    for values in sheet.iter_rows(min_row=header + 1, values_only=True):
        if values[0] in (None, "Total"):
            break
        rows.append(dict(zip(titles, values, strict=False)))
    return rows


def _html(response: Any) -> str:
    """The page's text, with the no-break spaces of localised amounts as plain spaces."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True).replace("\xa0", " ")


def _pdf(response: Any) -> tuple[str, list[str]]:
    """The whole text of the PDF and the text of each page."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    return "\n".join(pages), pages


def test_fund_workbook_has_a_sheet_per_part_with_frozen_headers_money_formats_totals_and_charts(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    book_ = _workbook(client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026&format=xlsx&lang=en"))
    assert book_.sheetnames == [
        "Summary",
        "Investors",
        "Portfolio",
        "Loans",
        "Write-offs",
        "Impact",
        "Impact – Investees",
        "Themes",
        "SDGs",
        "Municipalities",
        "Impact by period",
        "Outcome payments",
        "Orientation and growth",
        "Equity participations",
        "Exposure",
        "Grants and guarantees",
        "Revolving view",
    ]
    investors = book_["Investors"]
    assert investors.freeze_panes == "A6"
    assert [c.value for c in investors[5]] == ["Investor", "Kind", "Committed", "Paid in", "Distributed"]
    assert investors["C6"].number_format == MONEY_FORMAT and MONEY_FORMAT.startswith("#,##0.00")
    assert [c.value for c in investors[6]] == ["Investor A", "Other", 100_000, 20_000, 0]
    assert investors["A7"].value == "Total" and investors["C7"].value == 100_000
    assert len(investors._charts) == 1
    assert len(book_["Portfolio"]._charts) == 1 and len(book_["Impact by period"]._charts) == 1
    assert book_["Summary"]["A1"].value == "Fund report Fund A"


def test_fund_workbook_figures_equal_what_the_database_holds(app, rw, rsession):
    client = _client(app, rw.user("admin"))
    book_ = _workbook(client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026&format=xlsx&lang=en"))
    position = book.portfolio(rsession, rw.world.fund_a.id, min(date(2026, 12, 31), TODAY))
    loans = _table(book_["Loans"])
    assert sum(Decimal(str(row["Outstanding"])) for row in loans) == position.outstanding_principal
    buckets = {row["Days past due"]: row["Outstanding"] for row in _table(book_["Portfolio"])}
    assert Decimal(str(buckets["90+ days"])) == position.buckets["90+"]["outstanding"]
    summary = {row[0].value: row[1].value for row in book_["Summary"].iter_rows(min_row=5) if row[0].value}
    assert Decimal(str(summary["PAR30"])) == position.par30 and book_["Summary"]["B12"].number_format == "0.00%"
    impact = {row["Code"]: row for row in _table(book_["Impact"])}
    assert impact["LP-EMPLOYED-HEADCOUNT"]["Value"] == 19 and impact["LP-EMPLOYED-HEADCOUNT"]["Investees"] == 2
    assert impact["LP-PLACEMENT-RATE"]["Value"] == 45
    assert book_["Impact"].cell(row=_header_row(book_["Impact"]) + 1, column=8).number_format in ("#,##0", '0.0"%"')
    per_investee = {row["Investee"]: row for row in _table(book_["Impact – Investees"])}
    assert per_investee["Investee A"]["Target-group employees (headcount) (people)"] == 12
    assert per_investee["'" + FORMULA_NAME]["Started work (placements) (people)"] == 2
    assert book_["Impact – Investees"].freeze_panes == "B6"
    places = {(row["Municipality"], row["Indicator"]): row["Value"] for row in _table(book_["Municipalities"])}
    assert places[("Utrecht", "Target-group employees (headcount)")] == 7
    payments = _table(book_["Outcome payments"])
    assert [(p["Amount"], p["Paid on"].date()) for p in payments] == [(1000, date(2026, 4, 15))]


def test_fund_pdf_prints_the_loan_book_impact_and_payments_on_numbered_pages(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    text, pages = _pdf(client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026&format=pdf&lang=en"))
    for expected in (
        "Fund report Fund A",
        "Investors",
        "Portfolio",
        "PAR30",
        "Labour participation (2 investees)",
        "Utrecht",
    ):
        assert expected in text, text
    assert "€100,000.00" in text and "100.00 %" in text  # the committed capital; PAR30
    assert len(pages) >= 2
    assert all(f"Page {n} / {len(pages)}" in page for n, page in enumerate(pages, 1))  # every page printed


def test_investee_impact_report_page_shows_the_theory_of_change_indicators_trends_and_social_value(app, rw, rsession):
    client = _client(app, rw.user("member_a"))
    html = _html(client.get(f"/reports/investees/{rw.rotterdam_id}?period=2026&lang=en"))
    for expected in (
        "Impact report Investee A",
        "Theory of change",
        "Long-term unemployment in the neighbourhood",
        "Target-group employees (headcount)",
        "data:image/svg+xml;base64,",
        "Social assistance (Participation Act)",
        "€20,000.00",
        "€9,643.84",
        "No table for Rotterdam",
        f"/reports/investees/{rw.rotterdam_id}?period=2026&amp;format=pdf",
    ):
        assert expected in html, expected
    assert "<style" not in html  # the page's Content-Security-Policy allows no inline styles


def test_investee_report_in_english_pdf_and_workbook_carries_the_same_figures(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    url = f"/api/v1/investees/{rw.rotterdam_id}/impact-report?period=2026&lang=en"
    text, pages = _pdf(client.get(url + "&format=pdf"))
    for expected in (
        "Impact report Investee A",
        "Target-group employees (headcount)",
        "€20,000.00",
        "SDG contribution",
    ):
        assert expected in text, expected
    assert "Actual" in text and len(pages) >= 2  # the trend charts' legends are text in the PDF
    book_ = _workbook(client.get(url + "&format=xlsx"))
    assert book_.sheetnames == ["Summary", "Indicators", "Trends", "SDGs", "Outcome payments", "Social value", "Loans"]
    indicators = {row["Code"]: row for row in _table(book_["Indicators"])}
    assert indicators["LP-PLACEMENTS-STARTED"]["Actual 2026"] == 10
    assert indicators["LP-PLACEMENTS-STARTED"]["Target 2026-Q1"] == 12
    assert indicators["LP-EMPLOYED-HEADCOUNT"]["Indicator"] == "Target-group employees (headcount)"
    assert len(book_["Trends"]._charts) == 3
    social = book_["Social value"]
    totals = [row for row in social.iter_rows(values_only=True) if row[0] == "Total"]
    assert totals == [("Total", None, 2, 7.5, 23125, 9643.84)]


def test_municipal_report_pdf_and_workbook_show_outcomes_payments_budget_and_social_value(app, rw, rsession):
    client = _client(app, rw.user("officer_a"))
    url = f"/api/v1/payers/{rw.world.payer_a.id}/report?period=2026"
    text, pages = _pdf(client.get(url + "&lang=en"))  # PDF is the default
    for expected in ("Municipal report Gemeente A", "Started paid work", "BANK-1", "Budget use", "Social assistance"):
        assert expected in text, expected
    assert pages
    book_ = _workbook(client.get(url + "&format=xlsx&lang=en"))
    assert book_.sheetnames == ["Summary", "Contracts", "Outcomes", "Payments", "Budget", "Social value"]
    outcome = next(
        row for row in _table(book_["Outcomes"]) if row["Contract"] == "RF-REPORT" and row["Code"] == "JOB-START"
    )
    assert (outcome["Results verified"], outcome["Units paid"], outcome["Paid"], outcome["Cost per outcome"]) == (
        2,
        1,
        1000,
        1000,
    )
    assert [row["Amount"] for row in _table(book_["Payments"])] == [1000]
    assert len(book_["Budget"]._charts) == 1 and len(book_["Outcomes"]._charts) == 1


def test_a_name_that_looks_like_a_formula_is_shown_as_text_in_every_report_never_run(app, rw, rsession):
    client = _client(app, rw.user("admin"))
    fund = _workbook(client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026&format=xlsx"))
    investee = _workbook(client.get(f"/api/v1/investees/{rw.utrecht_id}/impact-report?period=2026&format=xlsx"))
    cells = [
        cell
        for workbook in (fund, investee)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells, "the investee's name appears in the workbooks"
    assert all(cell.data_type == "s" for cell in cells)
    assert {cell.value for cell in cells if cell.value.startswith(("=", "'="))} == {"'" + FORMULA_NAME}
    formulas = [
        c for w in (fund, investee) for s in w.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"
    ]
    assert formulas == []
    text, _pages = _pdf(client.get(f"/api/v1/investees/{rw.utrecht_id}/impact-report?period=2026-Q1"))
    assert "=HYPERLINK(" in text  # shown as it was typed
    page = client.get(f"/reports/investees/{rw.utrecht_id}").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in page and '<a href="http://evil.example' not in page


def test_indicator_names_units_and_rate_card_items_that_look_like_formulas_are_text_in_the_workbooks(app, rw, rsession):
    """A fund manager names the fund's indicators and units, a payer's officer the contract's rate-card items; the
    investee opens them in its KPI template and its impact report: text there, never a formula that runs."""
    from sqlalchemy import select

    from fundapp.impact.models import Indicator
    from fundapp.outcomes.models import RateItemRow

    formula = '=HYPERLINK("http://evil.example","Klik")'
    for indicator in rsession.scalars(select(Indicator).where(Indicator.code == "LP-EMPLOYED-HEADCOUNT")):
        indicator.name_nl, indicator.unit = formula, "@SUM(1)"
    for row in rsession.scalars(select(RateItemRow)):
        row.name = formula
    rsession.flush()
    member = rw.world.user("member_a")
    client = _client(app, member)
    template = _workbook(client.get(f"/api/v1/investees/{rw.rotterdam_id}/kpi-template?period=2026-Q2"))
    report = _workbook(client.get(f"/api/v1/investees/{rw.rotterdam_id}/impact-report?period=2026&format=xlsx"))
    cells = [c for w in (template, report) for s in w.worksheets for r in s.iter_rows() for c in r]
    shown = [c for c in cells if isinstance(c.value, str) and ("HYPERLINK" in c.value or "SUM(1)" in c.value)]
    assert {c.parent.title for c in shown} >= {"Instructies", "KPI", "Lijsten", "Trends"}
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert all(c.data_type == "s" and not c.value.startswith(("=", "@")) for c in shown)


def test_reports_follow_the_readers_language_dutch_by_default(app, rw, rsession):
    client = _client(app, rw.user("manager_a"))
    dutch = _html(client.get(f"/reports/funds/{rw.world.fund_a.id}?period=2026"))
    assert "€ 100.000,00" in dutch and "Medewerkers uit de doelgroep in dienst" in dutch and 'lang="nl"' in dutch
    assert "Arbeidsparticipatie" in dutch and "1 januari 2026" in dutch
    english = _html(client.get(f"/reports/funds/{rw.world.fund_a.id}?period=2026&lang=en"))
    assert "€100,000.00" in english and "Target-group employees (headcount)" in english and 'lang="en"' in english
    book_ = _workbook(client.get(f"/api/v1/funds/{rw.world.fund_a.id}/report?format=xlsx&lang=nl"))
    loans = book_.worksheets[3]  # the loans sheet, under its Dutch name
    assert loans.cell(row=_header_row(loans) + 1, column=10).number_format == "d-m-yyyy"
    names = [row[3] for row in book_.worksheets[5].iter_rows(values_only=True)]
    assert "Medewerkers uit de doelgroep in dienst" in names


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("manager_b", "/api/v1/funds/{fund}/report?format=xlsx", 404),
        ("manager_b", "/reports/funds/{fund}", 404),
        ("manager_b", "/api/v1/investees/{investee}/impact-report?format=xlsx", 404),
        ("member_a", "/api/v1/funds/{fund}/report?format=xlsx", 404),
        ("officer_b", "/api/v1/payers/{payer}/report?format=xlsx", 404),
        ("manager_a", "/api/v1/payers/{payer}/report?format=xlsx", 404),
        ("officer_a", "/api/v1/investees/{investee}/impact-report?format=xlsx", 200),
        ("admin", "/api/v1/payers/{payer}/report?format=xlsx", 200),
    ],
)
def test_each_report_is_only_for_who_may_see_its_subject(app, rw, rsession, role, path, status):
    client = _client(app, rw.user(role))
    url = path.format(fund=rw.world.fund_a.id, investee=rw.rotterdam_id, payer=rw.world.payer_a.id)
    assert client.get(url).status_code == status


def test_a_bad_period_or_format_is_answered_422_naming_the_field(app, rw, rsession):
    from fundapp.auth.services import issue_token

    client = app.test_client()
    _row, token = issue_token(rsession, rw.user("manager_a"), "reports")
    rsession.flush()
    headers = {"Authorization": f"Bearer {token}"}
    for url, field in (
        (f"/api/v1/funds/{rw.world.fund_a.id}/report?period=2026-Q7", "period"),
        (f"/api/v1/investees/{rw.rotterdam_id}/impact-report?period=last%20year", "period"),
        (f"/api/v1/funds/{rw.world.fund_a.id}/report?format=html", "format"),
        (f"/api/v1/investees/{rw.rotterdam_id}/impact-report?format=docx", "format"),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert [d["field"] for d in response.get_json()["error"]["details"]] == [field]
    page = _client(app, rw.user("manager_a")).get(f"/reports/funds/{rw.world.fund_a.id}?period=2026-Q9")
    assert page.status_code == 422 and "period" in page.get_data(as_text=True)


def test_the_reports_page_offers_each_report_the_user_may_have(app, rw, rsession):
    html = _client(app, rw.user("manager_a")).get("/reports/?period=2026-H1").get_data(as_text=True)
    assert f"/reports/funds/{rw.world.fund_a.id}?period=2026-H1&amp;format=pdf" in html
    assert "Investee A" in html and "Investee B" not in html and "Gemeente A" not in html
    officer = _client(app, rw.user("officer_a")).get("/reports/").get_data(as_text=True)
    assert f"/reports/payers/{rw.world.payer_a.id}?period=" in officer and "Fund A" not in officer
    css = app.test_client().get("/reports/report.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_report_buttons_for_the_investee_fund_and_payer_pages_link_to_the_page_the_pdf_and_the_workbook(
    app, rw, rsession
):
    from flask import render_template_string

    with app.test_request_context("/?lang=en"):
        html = render_template_string(
            '{% import "reports/_links.html" as reports %}{{ reports.investee(i) }}{{ reports.fund(f) }}{{ reports.payer(p) }}',
            i=rw.world.investee_a,
            f=rw.world.fund_a,
            p=rw.world.payer_a,
        )
    for url in (
        f"/reports/investees/{rw.rotterdam_id}",
        f"/reports/funds/{rw.world.fund_a.id}",
        f"/reports/payers/{rw.world.payer_a.id}",
    ):
        assert f'href="{url}"' in html and f'href="{url}?format=pdf"' in html and f'href="{url}?format=xlsx"' in html
    assert "Impact report" in html and "Download Excel" in html
