"""What a person does over and over in the browser: log in and out, read the flash message, read an amount, fill a KPI template."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

DEMO_PASSWORD = "fundapp-demo"


def use_english(page: Any) -> None:
    """The language switch in the header, as a visitor uses it (sets the language cookie of the context)."""
    page.goto("/language/en")


def log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("header")).to_contain_text(email)


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(flash(page)).to_contain_text("You are logged out.")


def flash(page: Any) -> Any:
    return page.locator(".app-flashes .utrecht-alert")


def money(text: str) -> Decimal:
    """'€1,234.56' (the English format) as a Decimal; the first amount found in the text."""
    match = re.search(r"(-|−)?\s*€\s*([\d,]+\.\d{2})", text)
    if match is None:
        raise AssertionError(f"no amount in {text!r}")
    value = Decimal(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


def card(page: Any, words: str) -> Any:
    """The figure card on a page whose caption contains the words."""
    return page.locator(".cards .card", has_text=words)


def card_figure(page: Any, words: str) -> str:
    return card(page, words).locator(".figure").inner_text().strip()


def kpi_codes(workbook: Any) -> list[str]:
    """The indicator codes a downloaded KPI template asks values for."""
    from fundapp.impact.spreadsheets.filling import data_sheet
    from fundapp.impact.spreadsheets.layout import FIRST_DATA_ROW, KPI_CODE

    sheet = data_sheet(workbook, "kpi")
    codes = (sheet.cell(row, KPI_CODE + 1).value for row in range(FIRST_DATA_ROW, sheet.max_row + 1))
    return [code for code in codes if code]


def period_start(period: str) -> date:
    year, quarter = period.split("-Q")
    return date(int(year), 3 * (int(quarter) - 1) + 1, 1)
