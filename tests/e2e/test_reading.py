"""What the page screenshots showed, fixed: each test reads a page as a person would on a phone or a laptop."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from playwright.sync_api import expect

from tests.e2e.helpers import log_in, use_english

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MANAGER = "manager.rotterdam@fundapp.example"
OFFICER = "officer.rotterdam@fundapp.example"
INVESTEE = "investee@fietsfabriek.example"
CONTROL_BORDER = "rgb(110, 119, 129)"  # --fundapp-color-control-border, #6e7781

# Texts of the cells in a table's first column that take more than one line.
BROKEN_FIRST_CELLS = """table => [...table.tBodies[0].rows].map(row => row.cells[0]).filter(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return range.getClientRects().length > 1;
}).map(cell => cell.innerText)"""


def _open(page: Any, email: str, *, phone: bool = False) -> None:
    if phone:
        page.set_viewport_size(PHONE)
    use_english(page)
    log_in(page, email)


def _menu(page: Any, name: str) -> None:
    nav = page.get_by_role("navigation", name="Main")
    if nav.get_by_text("Menu").is_visible():
        nav.get_by_text("Menu").click()
    nav.get_by_role("link", name=name).click()


def test_on_a_phone_an_empty_table_says_so_in_full(page: Any) -> None:
    _open(page, INVESTEE, phone=True)
    page.goto("/reports/")
    page.get_by_role("link", name="Page").first.click()
    message = page.get_by_text("No approved or paid claims for this period.")
    message.scroll_into_view_if_needed()
    expect(message).to_be_in_viewport(ratio=1)


def test_on_a_phone_the_note_under_the_token_form_is_read_whole(page: Any) -> None:
    _open(page, INVESTEE, phone=True)
    page.locator("header").get_by_role("link", name=INVESTEE).click()
    note = page.get_by_text("Tokens are stored as a hash; a lost token cannot be shown again, only revoked.")
    expect(note).to_be_in_viewport(ratio=1)


def test_the_api_token_placeholder_is_shown_where_the_pages_explain_the_api(page: Any) -> None:
    _open(page, INVESTEE)
    page.locator("header").get_by_role("link", name=INVESTEE).click()
    expect(page.locator("main")).to_contain_text("send it as Authorization: Bearer <token>.")
    page.get_by_role("link", name="API documentation").click()
    expect(page.locator("main")).to_contain_text("send Authorization: Bearer <token>.")


def test_on_a_phone_a_date_in_a_tables_first_column_stays_on_one_line(page: Any) -> None:
    _open(page, MANAGER, phone=True)
    _menu(page, "Portfolio")
    page.get_by_role("link", name="L2023-0006").click()
    history = page.get_by_role("region", name="History").locator("table")
    expect(history.locator("tbody tr").nth(3)).to_be_attached()  # waits for the loan's page: count() would not
    assert history.evaluate(BROKEN_FIRST_CELLS) == []


def test_an_empty_required_reason_is_not_marked_as_wrong_before_it_is_sent(page: Any) -> None:
    _open(page, MANAGER)
    _menu(page, "Portfolio")
    page.get_by_role("link", name="L2023-0006").click()
    page.get_by_role("region", name="History").get_by_role("link", name="Reverse").first.click()
    reason = page.get_by_label("Reason")
    expect(reason).to_have_value("")
    border = reason.evaluate("el => [getComputedStyle(el).borderTopColor, getComputedStyle(el).borderTopWidth]")
    assert border == [CONTROL_BORDER, "1px"], f"the empty reason is drawn with a {border} border, as if it were wrong"


def test_on_a_phone_a_rate_card_item_field_keeps_a_usable_width(page: Any) -> None:
    _open(page, OFFICER, phone=True)
    _menu(page, "Contracts")
    page.get_by_role("link", name="New contract").click()
    assert page.get_by_label("Name 1", exact=True).bounding_box()["width"] >= 150
    assert page.get_by_label("Code 1", exact=True).bounding_box()["width"] >= 60


def test_a_placeholder_is_muted_so_an_empty_field_never_looks_filled_in(page: Any) -> None:
    _open(page, MANAGER)
    _menu(page, "Investees")
    search = page.get_by_role("searchbox", name="Search")
    expect(search).to_have_value("")
    assert search.evaluate("el => getComputedStyle(el, '::placeholder').color") == "rgb(87, 96, 106)"
