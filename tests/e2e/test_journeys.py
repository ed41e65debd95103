"""Journeys through fundapp in a real browser, as the people who use it walk them.

Each journey runs against the live server of conftest.py (a fresh demo world, CSRF on)
and saves a screenshot of every step in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fundapp import clock

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import card, card_figure, flash, kpi_codes, log_in, log_out, money, period_start, use_english

pytestmark = pytest.mark.e2e

MANAGER = "manager.rotterdam@fundapp.example"
INVESTEE = "investee@fietsfabriek.example"
OFFICER = "officer.rotterdam@fundapp.example"
OFFICER2 = "officer2.rotterdam@fundapp.example"
PROVINCE_OFFICER = "officer.zuidholland@fundapp.example"


# --- 1. Fund manager: a loan, its arrears and the repayment that clears them --------------------------------


def _schedule_states(page: Any) -> list[str]:
    rows = page.locator("table").first.locator("tbody tr")
    return [rows.nth(i).locator("td").last.inner_text().strip() for i in range(rows.count())]


def test_fund_manager_logs_loan_and_repayment_and_sees_arrears_change(page: Any, screenshots: Any) -> None:
    shot = screenshots("loan")
    use_english(page)
    log_in(page, MANAGER)
    shot("dashboard")

    disbursed_on = clock.today() - timedelta(days=130)  # four monthly installments fell due, the last ~8 days ago
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    page.get_by_role("link", name="New loan").click()
    expect(page).to_have_url(re.compile(r"/loans/new$"))
    expect(page.get_by_role("heading", name="New loan", level=1)).to_be_visible()
    page.get_by_label("Investee").select_option(label="Schuldhulp Zuid")
    page.get_by_label("Principal (EUR)").fill("24000.00")
    page.get_by_label("Annual interest rate (%)").fill("6")
    page.get_by_label("Disbursement date").fill(disbursed_on.isoformat())
    page.get_by_label("Number of installments").fill("24")
    page.get_by_label("Frequency").select_option("monthly")
    page.get_by_label("Amortization").select_option("annuity")
    page.get_by_label("Purpose").fill("Bakfietsen voor de schuldhulpmaatjes")
    shot("new-loan-form")
    page.get_by_role("button", name="Create draft loan").click()

    expect(flash(page)).to_contain_text("created as a draft")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("draft")
    reference = re.search(r"Loan (\S+)", heading.inner_text()).group(1)  # type: ignore[union-attr]
    loan_url = page.url
    shot("draft-loan")

    page.get_by_role("link", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="Approve loan")).to_be_visible()
    expect(page.locator(".app-confirm")).to_contain_text(f"Approve loan {reference} of €24,000.00 to Schuldhulp Zuid?")
    shot("approve-confirmation")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(flash(page)).to_have_text("Loan approved.")
    expect(heading).to_contain_text("approved")
    shot("approved")

    page.get_by_role("link", name="Disburse").click()
    expect(page.get_by_role("heading", name=f"Disburse {reference}")).to_be_visible()
    expect(page.get_by_label("Amount (EUR)")).to_have_value(re.compile(r"^24,000(\.00)?$"))
    page.get_by_label(re.compile(r"^Date\W*$")).fill(disbursed_on.isoformat())
    page.get_by_label("Reference", exact=True).fill("bank 2024-0815")
    shot("disburse-form")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_have_text("Disbursement recorded; the schedule was planned.")
    expect(heading).to_contain_text("active")
    assert card_figure(page, "outstanding principal") == "€24,000.00"
    days_before = int(card_figure(page, "days past due"))
    assert days_before > 0, "four installments fell due unpaid, so the loan is past due"
    overdue = money(card(page, "days past due").inner_text().split("·", 1)[1])
    states = _schedule_states(page)
    assert states[:4] == ["overdue"] * 4, states[:6]
    assert "overdue" not in states[4:]
    shot("arrears")

    page.get_by_role("link", name="Record repayment").click()
    expect(page.get_by_role("heading", name=f"Record a repayment on {reference}")).to_be_visible()
    page.get_by_label("Date received").fill(clock.today().isoformat())
    page.get_by_label("Amount (EUR)").fill(str(overdue))
    page.get_by_label("Reference (e.g. bank statement)").fill("bank 2024-0999")
    page.get_by_label("If more is paid than is due").select_option("lower_installments")
    shot("repayment-form")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_have_text("Repayment recorded.")
    assert page.url == loan_url
    states = _schedule_states(page)
    assert states[:4] == ["paid"] * 4, states[:6]
    assert "overdue" not in states
    days_after = int(card_figure(page, "days past due"))
    assert days_after == 0 and days_after < days_before
    assert "overdue" not in card(page, "days past due").inner_text()
    history = page.get_by_role("region", name="History").locator("table")
    expect(history).to_contain_text("bank 2024-0999")
    expect(history).to_contain_text(f"€{overdue:,.2f}")
    shot("repaid")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    row = page.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("Schuldhulp Zuid")
    expect(row).to_contain_text("current")
    shot("loan-book")


# --- 2. Investee: template, errors marked in its own workbook, the fix, the submission -------------------------


def test_investee_downloads_fills_uploads_fixes_and_submits(page: Any, screenshots: Any, tmp_path: Path) -> None:
    from fundapp.impact.spreadsheets.filling import fill_workbook, open_workbook, workbook_bytes

    shot = screenshots("kpi")
    use_english(page)
    log_in(page, INVESTEE)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My impact").click()
    expect(page).to_have_url(re.compile(r"/investees/\d+/impact$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact · Fietsfabriek Zuid")
    shot("impact-page")

    # A period the download form offers that has no report yet (the demo reported the three before).
    received = page.locator(
        "h2:has-text('Reports received') + .table-scroll table tbody tr td:first-child"
    ).all_inner_texts()
    offered = page.get_by_label("Period").locator("option").all_inner_texts()
    period = next(p for p in offered if p not in received)
    assert period not in received
    page.get_by_label("Period").select_option(period)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download KPI template").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{period}.xlsx")
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    workbook = open_workbook(template.read_bytes())
    codes = kpi_codes(workbook)
    assert len(codes) == 4, codes
    start = period_start(period)
    good_values = dict.fromkeys(codes, 12)
    bad_values = {**good_values, codes[0]: "veel"}
    participants = [
        ["111222333", start, "bijstand", 18, 32],  # a BSN (passes the eleven-test), never allowed
        ["FZ-E2E-002", start, "bijstand", 7, 24],
    ]
    fill_workbook(workbook, values=bad_values, participants=participants)
    bad_file = tmp_path / f"kpi-{period}-ingevuld.xlsx"
    bad_file.write_bytes(workbook_bytes(workbook))

    page.get_by_role("link", name="Upload filled-in template").click()
    expect(page.get_by_role("heading", name="Upload KPI report")).to_be_visible()
    page.get_by_label("Filled-in KPI workbook (.xlsx)").set_input_files(bad_file)
    shot("upload-form")
    page.get_by_role("button", name="Upload", exact=True).click()

    summary = page.locator(".app-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_contain_text("Nothing was stored")
    problems = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()] for row in summary.locator("tbody tr").all()
    ]
    assert len(problems) >= 2, problems
    assert any("BSN" in message for _sheet, _cell, message in problems), problems
    assert all(sheet and sheet != "–" and re.fullmatch(r"[A-Z]+\d+", cell) for sheet, cell, _m in problems), problems
    shot("problems-listed")

    marked_link = summary.get_by_role("link", name="Download your workbook with the problems marked")
    expect(marked_link).to_have_attribute("href", re.compile(r"^data:application/vnd\.openxmlformats"))
    with page.expect_download() as marked_info:
        marked_link.click()
    marked_path = tmp_path / "marked.xlsx"
    marked_info.value.save_as(marked_path)
    assert "marked" in marked_info.value.suggested_filename
    marked = load_workbook(marked_path)
    for sheet, cell, message in problems:
        comment = marked[sheet][cell].comment
        assert comment is not None, f"{sheet}!{cell} is listed ({message}) but not commented in the marked workbook"
        assert message in comment.text

    # Fix the cells in the investee's own (marked) workbook and upload it again.
    fixed = open_workbook(marked_path.read_bytes())
    fill_workbook(fixed, values=good_values, participants=[["FZ-E2E-001", *participants[0][1:]]])
    fixed_file = tmp_path / f"kpi-{period}-verbeterd.xlsx"
    fixed_file.write_bytes(workbook_bytes(fixed))
    page.get_by_label("Filled-in KPI workbook (.xlsx)").set_input_files(fixed_file)
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page).to_have_url(re.compile(r"/kpi-submissions/\d+$"))
    expect(flash(page)).to_contain_text(f"Your report for {period} is uploaded as a draft (version 1)")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"KPI report {period}")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("draft")
    values = page.locator("h2:has-text('Values') + .table-scroll table")
    for code in codes:
        expect(values.locator("tr", has_text=code)).to_contain_text("12")
    expect(page.locator("body")).not_to_contain_text("111222333")
    expect(page.locator("body")).to_contain_text("FZ-E2E-001")
    shot("draft-report")

    page.get_by_role("link", name="Submit for review").click()
    expect(page.get_by_role("heading", name="Submit report")).to_be_visible()
    expect(page.locator(".app-confirm")).to_contain_text(f"Submit the {period} report (version 1) for review?")
    shot("submit-confirmation")
    page.get_by_role("button", name="Submit for review").click()

    expect(flash(page)).to_contain_text("Report submitted for review.")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("submitted")
    expect(page.get_by_role("link", name="Submit for review")).to_have_count(0)
    shot("submitted")

    page.get_by_role("link", name="Fietsfabriek Zuid").first.click()
    schedule = page.locator("h2:has-text('Reporting schedule') + .table-scroll table")
    expect(schedule.locator("tr", has_text=period)).to_contain_text("awaiting review")
    shot("impact-page-after")


# --- 3. Officers: a claim decided line by line, co-signed above the threshold, then paid ----------------------


def test_officer_reviews_claim_lines_approves_and_second_officer_cosigns(
    page: Any, screenshots: Any, live_server: Any
) -> None:
    shot = screenshots("claim")
    use_english(page)
    log_in(page, OFFICER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    expect(page.get_by_role("heading", name="Claims", level=1)).to_be_visible()
    shot("claims-list")

    # The demo's larger submitted claim of contract RTM-RF-2025-01 (Kringloop Charlois, third quarter last year).
    period = f"{clock.today().year - 1}-Q3"
    row = page.locator("tbody tr", has_text=period).filter(has_text="submitted")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Werk in Rotterdam-Zuid")
    row.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    claim_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Kringloop Charlois · {period}")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("submitted")
    payable = money(card_figure(page, "payable"))
    threshold = live_server.app.config["CLAIM_DUAL_APPROVAL_ABOVE"]
    assert payable > threshold
    assert card_figure(page, "signatures") == "0 / 2"
    lines = page.locator("h2:has-text('Lines') + .table-scroll table tbody tr")
    assert lines.count() >= 2
    # Before approval the page shows what each payer's share of the payable amount would be.
    shares = page.locator("h2:has-text('Split over the payers') + .table-scroll table tbody tr")
    expect(shares.filter(has_text="Gemeente Rotterdam")).to_have_count(1)
    expect(shares.filter(has_text="Provincie Zuid-Holland")).to_have_count(1)
    shot("claim-submitted")

    # Reject the last line, with a reason.
    last_line = lines.last
    rejected_participant = last_line.locator("td").nth(2).inner_text().strip()
    rejected_payable = money(last_line.locator("td").nth(10).inner_text())
    last_line.get_by_role("link", name="Reject line").click()
    expect(page.get_by_role("heading", name="Reject a claim line")).to_be_visible()
    expect(page.locator(".app-confirm")).to_contain_text(rejected_participant)
    reason = "Geen loonstroken over zes maanden aangeleverd."
    page.get_by_label("Reason").fill(reason)
    shot("reject-line-confirmation")
    page.get_by_role("button", name="Reject line").click()
    expect(flash(page)).to_have_text("Line rejected.")
    expect(lines.last).to_contain_text("rejected")
    expect(lines.last).to_contain_text(reason)
    shot("line-rejected")

    # The first signature.
    page.get_by_role("link", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", name="Approve claim")).to_be_visible()
    expect(page.locator(".app-confirm")).to_contain_text(f"Approve this claim for €{payable - rejected_payable:,.2f}?")
    expect(page.locator(".warning-text")).to_contain_text("this is signature 1 of 2")
    shot("approve-confirmation")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(flash(page)).to_have_text("Signed. A second officer must co-sign this claim.")
    assert card_figure(page, "signatures") == "1 / 2"
    expect(card(page, "signatures")).to_contain_text(OFFICER)
    expect(page.locator(".utrecht-button-group")).to_contain_text("You signed on ")
    expect(page.locator(".utrecht-button-group")).to_contain_text("a second officer must co-sign.")
    expect(page.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
    expect(heading.locator(".utrecht-status-badge")).to_have_text("submitted")
    shot("signed-once")

    # The second officer co-signs.
    log_out(page)
    log_in(page, OFFICER2)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    expect(page.locator("tbody tr", has_text=period)).to_contain_text("(1/2)")
    page.goto(claim_url)
    page.get_by_role("link", name="Co-sign").click()
    expect(page.locator(".warning-text")).to_contain_text("this is signature 2 of 2")
    shot("cosign-confirmation")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(flash(page)).to_have_text("Claim approved.")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("partly approved")
    assert card_figure(page, "signatures") == "2 / 2"
    assert money(card_figure(page, "approved")) == payable - rejected_payable
    shot("approved")

    # Each payer pays its own part (70 / 30): the municipality first.
    approved = payable - rejected_payable
    page.get_by_role("link", name="Record payment").click()
    expect(page.get_by_role("heading", name="Record payment")).to_be_visible()
    parts = page.locator("table tbody tr")
    expect(parts.filter(has_text="Gemeente Rotterdam")).to_contain_text("your part")
    expect(parts.filter(has_text="Provincie Zuid-Holland")).to_contain_text("awaiting payment by this payer")
    page.get_by_label("Date paid").fill(clock.today().isoformat())
    page.get_by_label("Payment reference").fill("RTM-BETALING-0042")
    shot("payment-form")
    page.get_by_role("button", name="Record payment").click()
    expect(flash(page)).to_have_text("Payment recorded; the claim is paid once the other payers have recorded theirs.")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("partly approved")
    split = page.locator("h2:has-text('Split over the payers') + .table-scroll table tbody tr")
    expect(split.filter(has_text="Gemeente Rotterdam")).to_contain_text(f"€{approved * 7 / 10:,.2f}")
    expect(split.filter(has_text="Gemeente Rotterdam")).to_contain_text("RTM-BETALING-0042")
    expect(split.filter(has_text="Provincie Zuid-Holland")).to_contain_text("awaiting payment")
    expect(page.get_by_role("link", name="Record payment")).to_have_count(0)
    shot("paid-in-part")

    # The province records its own payment of its own part; then the claim is paid.
    log_out(page)
    log_in(page, PROVINCE_OFFICER)
    page.goto(claim_url)
    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Date paid").fill(clock.today().isoformat())
    page.get_by_label("Payment reference").fill("PZH-2026-0007")
    page.get_by_role("button", name="Record payment").click()
    expect(flash(page)).to_have_text("Payment recorded; every payer has paid its part, so the claim is paid.")
    expect(heading.locator(".utrecht-status-badge")).to_have_text("paid")
    expect(split.filter(has_text="Provincie Zuid-Holland")).to_contain_text(f"€{approved * 3 / 10:,.2f}")
    expect(split.filter(has_text="Provincie Zuid-Holland")).to_contain_text("PZH-2026-0007")
    expect(split.filter(has_text="Gemeente Rotterdam")).to_contain_text("RTM-BETALING-0042")
    shot("paid")


# --- The interface language -------------------------------------------------------------------------------------


def test_interface_is_dutch_by_default(page: Any, screenshots: Any) -> None:
    shot = screenshots("language")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    dutch = (page.locator("h1").inner_text(), page.locator("label[for=email]").inner_text())
    shot("login-default")
    use_english(page)
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english = (page.locator("h1").inner_text(), page.locator("label[for=email]").inner_text())
    shot("login-english")
    assert dutch[0] != english[0], f"the heading is {dutch[0]!r} in Dutch and in English"
    assert dutch[1] != english[1], f"the email label is {dutch[1]!r} in Dutch and in English"


# --- Defects found on the way (each shown by a strict xfail, so a fix is noticed) ------------------------------------


def test_navigation_marks_one_current_page(page: Any, screenshots: Any) -> None:
    shot = screenshots("navigation")
    use_english(page)
    log_in(page, INVESTEE)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My impact").click()
    shot("my-impact")
    current = page.get_by_role("navigation", name="Main").locator("a[aria-current=page]").all_inner_texts()
    assert current == ["My impact"]


def test_claim_page_fits_a_1280px_window(page: Any, screenshots: Any) -> None:
    shot = screenshots("claim-width")
    use_english(page)
    log_in(page, OFFICER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contracts").click()
    page.get_by_role("link", name="Werk in Rotterdam-Zuid").click()
    row = page.locator("tbody tr", has_text=f"{clock.today().year - 1}-Q3")  # the demo's five-line claim
    row.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    expect(page.get_by_role("heading", name="Lines")).to_be_visible()
    shot("claim")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the claim page is {width} px wide in a 1280 px window"


def test_officer_can_list_all_claims(page: Any, screenshots: Any) -> None:
    shot = screenshots("claims-all")
    use_english(page)
    log_in(page, OFFICER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    filters = page.locator("main .utrecht-button-group")
    expect(filters.get_by_role("link", name="submitted")).not_to_have_class(re.compile(r"secondary"))
    filters.get_by_role("link", name="All", exact=True).click()
    shot("all")
    expect(filters.get_by_role("link", name="submitted")).to_have_class(re.compile(r"secondary"), timeout=2_000)
    expect(filters.get_by_role("link", name="All", exact=True)).not_to_have_class(
        re.compile(r"secondary"), timeout=2_000
    )
