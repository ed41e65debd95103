"""The investee's KPI report by keyboard alone: Tab, Shift+Tab, Enter, Space and typing; no mouse, no click().

At every Tab stop the focused element must show a focus ring (an outline or a box shadow). The journey logs in,
uses the skip link, walks the menu backwards, downloads the template, uploads a workbook with errors, downloads
it with the problems marked, uploads the fixed one and submits it. Screenshots: test-artifacts/screenshots/keyboard-*.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from playwright.sync_api import expect

from tests.e2e.helpers import DEMO_PASSWORD, flash, kpi_codes, period_start

pytestmark = pytest.mark.e2e

INVESTEE = "investee@fietsfabriek.example"

# The focused element, its accessible name as a person reads it, and whether it shows where the focus is.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = el.getAttribute("aria-label") || label || el.innerText || el.value || "";
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {name: name.replace(/\\s+/g, " ").replace(/ \\*$/, "").trim(), tag: el.tagName.toLowerCase(),
          id: el.id, ring: outline || style.boxShadow !== "none"};
}"""


class Keyboard:
    """Moves the focus by Tab or Shift+Tab, checking at each stop that the focus can be seen."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.stops = 0

    def focused(self) -> dict[str, Any]:
        focused = self.page.evaluate(FOCUSED)
        assert focused is not None, "the focus left the page's elements"
        return focused

    def tab_to(self, name: str, *, backwards: bool = False, limit: int = 60) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self.stops += 1
            focused = self.focused()
            assert focused["ring"], f"{focused['tag']} {focused['name']!r} has the focus but shows no focus ring"
            if focused["name"] == name:
                return
        raise AssertionError(f"{name!r} was not reached in {limit} presses of {'Shift+' if backwards else ''}Tab")

    def choose_file(self, label: str, path: Path) -> None:
        """The file field is reached by Tab with a visible ring, and the focused field gets the file.

        What Space then opens is the system's file chooser, the browser's own part; headless Chromium does not
        always report it when other pages run in the same browser, so the file is given to the focused field.
        """
        self.tab_to(label)
        self.page.locator(":focus").set_input_files(path)


def _upload(page: Any, keys: Keyboard, path: Path) -> None:
    keys.choose_file("Filled-in KPI workbook (.xlsx)", path)
    keys.tab_to("Upload")
    # static/upload-progress.js sends the form itself and puts the answer in place: no navigation to wait for.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.keyboard.press("Enter")


def test_investee_reports_kpis_by_keyboard_alone_and_always_sees_where_the_focus_is(
    page: Any, screenshots: Any, tmp_path: Path
) -> None:
    from fundapp.impact.spreadsheets.filling import fill_workbook, open_workbook, workbook_bytes

    shot = screenshots("keyboard")
    keys = Keyboard(page)
    page.goto("/login")
    assert keys.focused()["id"] == "email", "the login page puts the focus in its first field"
    keys.tab_to("English", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to fundapp")
    page.keyboard.type(INVESTEE)
    keys.tab_to("Password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    # The first Tab shows the skip link; Enter moves the focus to the content, and the next Tab stays in it.
    keys.tab_to("Skip to content")
    skip = page.locator(".utrecht-skip-link")
    expect(skip).to_be_in_viewport()
    shot("skip-link")
    page.keyboard.press("Enter")
    assert keys.focused()["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    expect(skip).not_to_be_in_viewport()

    # Back out of the content into the menu, to "My impact".
    keys.tab_to("My impact", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact · Fietsfabriek Zuid")

    received = page.locator(
        "h2:has-text('Reports received') + .table-scroll table tbody tr td:first-child"
    ).all_inner_texts()
    period = next(p for p in page.locator("#period option").all_inner_texts() if p not in received)
    keys.tab_to("Period")
    page.keyboard.type(period)  # a closed list picks the option whose text is typed
    expect(page.locator("#period")).to_have_value(period)
    keys.tab_to("Download KPI template")
    shot("template-chosen")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)

    workbook = open_workbook(template.read_bytes())
    codes = kpi_codes(workbook)
    good = dict.fromkeys(codes, 12)
    participant = ["FZ-KEY-001", period_start(period), "bijstand", 18, 32]
    fill_workbook(workbook, values={**good, codes[0]: "veel"}, participants=[participant])
    bad_file = tmp_path / f"kpi-{period}-ingevuld.xlsx"
    bad_file.write_bytes(workbook_bytes(workbook))

    keys.tab_to("Upload filled-in template")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _upload(page, keys, bad_file)
    summary = page.locator(".app-error-summary")
    expect(summary.get_by_role("heading")).to_contain_text("Nothing was stored")
    expect(summary.locator("tbody tr")).to_have_count(1)
    shot("problems")

    keys.tab_to("Download your workbook with the problems marked")
    with page.expect_download() as marked:
        page.keyboard.press("Enter")
    marked_file = tmp_path / "marked.xlsx"
    marked.value.save_as(marked_file)
    fixed = open_workbook(marked_file.read_bytes())
    fill_workbook(fixed, values=good, participants=[participant])
    fixed_file = tmp_path / f"kpi-{period}-verbeterd.xlsx"
    fixed_file.write_bytes(workbook_bytes(fixed))
    _upload(page, keys, fixed_file)

    expect(page).to_have_url(re.compile(r"/kpi-submissions/\d+$"))
    expect(flash(page)).to_contain_text(f"Your report for {period} is uploaded as a draft")
    keys.tab_to("Submit for review")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Submit report")).to_be_visible()
    keys.tab_to("Submit for review")
    shot("submit-confirmation")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(flash(page)).to_contain_text("Report submitted for review.")
    expect(page.get_by_role("heading", level=1).locator(".utrecht-status-badge")).to_have_text("submitted")
    shot("submitted")
    assert keys.stops > 20, "the journey went by Tab from element to element"
