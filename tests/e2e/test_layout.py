"""Every page fits its screen: a phone (390 px) and a laptop (1366 px), for every role.

On each page: the page itself never scrolls sideways; every table's last column can be seen,
at once or by scrolling the table's own box; no number breaks over two lines; numeric column
headers are aligned to the right like their numbers. A full-page screenshot of each is saved
in test-artifacts/screenshots/layout-<role>-<width>-<nn>-<page>.png.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from fundapp import clock

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from playwright.sync_api import expect

from tests.e2e.conftest import Screenshots
from tests.e2e.helpers import log_in, use_english

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
MANY_LINES = 30

# What the browser measures on a page; a list of problems, empty when the page fits.
MEASURE = """() => {
  const problems = [];
  const oneLine = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect().height < 1.8 * parseFloat(getComputedStyle(element).fontSize);
  };
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth) problems.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
  document.querySelectorAll("main table").forEach((table, n) => {
    const box = table.closest(".table-scroll");
    const name = `table ${n + 1} (${box ? box.getAttribute("aria-label") : table.rows[0].innerText.slice(0, 40)})`;
    if (!box) { problems.push(`${name} has no scroll box of its own`); return; }
    if (!["auto", "scroll"].includes(getComputedStyle(box).overflowX)) problems.push(`${name}: its box does not scroll`);
    const head = table.rows[0], last = head.cells[head.cells.length - 1];
    if (!head.getClientRects().length) return;  // an empty table shows its one message, no columns
    const body = [...table.tBodies].flatMap(b => [...b.rows]).find(r => r.cells.length > 1 && r.cells[0].colSpan === 1);
    box.scrollLeft = box.scrollWidth;
    const b = box.getBoundingClientRect(), c = last.getBoundingClientRect();
    if (c.right > b.right + 1 || c.left < b.left - 1) problems.push(`${name}: the last column is out of reach`);
    if (body && body.cells[0].getBoundingClientRect().left < b.left - 1) problems.push(`${name}: the first column scrolls out of view`);
    box.scrollLeft = 0;
    table.querySelectorAll("td.utrecht-table__cell--numeric-column, th.utrecht-table__header-cell--numeric-column").forEach(cell => {
      if (getComputedStyle(cell).textAlign !== "right") problems.push(`${name}: "${cell.innerText}" is not aligned right`);
    });
    table.querySelectorAll("td.utrecht-table__cell--numeric-column").forEach(cell => {
      if (!oneLine(cell)) problems.push(`${name}: "${cell.innerText}" breaks over two lines`);
    });
  });
  document.querySelectorAll(".card .figure").forEach(figure => {
    if (!oneLine(figure)) problems.push(`the figure "${figure.innerText}" breaks over two lines`);
  });
  return problems;
}"""

# Whether every table on the page shows all its columns without scrolling.
TABLES_CUT_OFF = """() => [...document.querySelectorAll("main .table-scroll")]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => `${box.getAttribute("aria-label")}: ${box.scrollWidth} px in a ${box.clientWidth} px box`)"""


@dataclass(frozen=True)
class Urls:
    fund: int
    loan: int
    investee: int
    payer: int
    contract: int
    claim: int


@pytest.fixture(scope="module")
def urls(live_server: Any) -> Urls:
    """The demo's objects, and one submitted claim of many lines (Fietsfabriek Zuid, second quarter last year), its
    third line rejected with a reason, as an officer leaves it."""
    from flask import current_app
    from sqlalchemy import select

    from fundapp.auth.models import User
    from fundapp.auth.policy import Scope
    from fundapp.db import session_scope
    from fundapp.demo_world import ACTOR
    from fundapp.funds.models import Fund
    from fundapp.investees.models import Investee
    from fundapp.loans.models import Loan
    from fundapp.outcomes import claims, results
    from fundapp.outcomes.models import OutcomeContract
    from fundapp.payers.models import OutcomePayer

    app = live_server.app
    with app.app_context(), session_scope(app) as session:
        fund = session.scalars(select(Fund).where(Fund.name.like("%Rotterdam%"))).first()
        investee = session.scalars(select(Investee).where(Investee.name == "Fietsfabriek Zuid")).one()
        loan = session.scalars(select(Loan).where(Loan.investee_id == investee.id)).first()
        payer = session.scalars(select(OutcomePayer).where(OutcomePayer.name == "Gemeente Rotterdam")).one()
        contract = session.scalars(select(OutcomeContract).where(OutcomeContract.reference == "RTM-RF-2025-01")).one()
        start = date(clock.today().year - 1, 4, 2)
        for n in range(MANY_LINES):
            result = results.record_result(
                session,
                ACTOR,
                contract,
                {
                    "investee_id": investee.id,
                    "item": "JOB-START",
                    "participant": f"FZ-{n + 1:04d}",
                    "achieved_on": start + timedelta(days=n * 2),
                    "months_on_benefit": 3 + n * 2,
                    "evidence": "contract on file",
                },
            )
            results.verify(session, ACTOR, result)
        claim = claims.compute_claim(session, ACTOR, contract, investee.id, f"{start.year}-Q2")
        claims.submit(session, ACTOR, claim, current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"])
        officer = session.scalars(select(User).where(User.email == USERS["officer"])).one()
        reason = "No payslips over the six months after the job start were handed in."
        claims.reject_line(session, officer, Scope.of_user(officer), claim, claim.lines[2], reason)
        return Urls(fund.id, loan.id, investee.id, payer.id, contract.id, claim.id)


def _pages(role: str, u: Urls) -> list[tuple[str, str]]:
    claim = ("claim-many-lines", f"/claims/{u.claim}")
    return {
        "admin": [
            ("dashboard", "/"),
            ("funds", "/funds/"),
            ("investees", "/investees/"),
            ("payers", "/payers/"),
            ("indicators", "/indicators"),
            ("new-fund", "/funds/new"),
        ],
        "manager": [
            ("dashboard", "/"),
            ("loan-book", f"/funds/{u.fund}/loans"),
            ("loan", f"/loans/{u.loan}"),
            ("fund-report", f"/reports/funds/{u.fund}"),
            ("impact-reporting", f"/funds/{u.fund}/reporting"),
            ("new-loan", "/loans/new"),
            ("revolving", f"/funds/{u.fund}/revolving"),
            ("consolidated", "/consolidated/"),
        ],
        "officer": [
            ("dashboard", "/"),
            ("claims", "/claims"),
            claim,
            ("contract", f"/contracts/{u.contract}"),
            ("municipal-report", f"/reports/payers/{u.payer}"),
            ("what-if", f"/contracts/{u.contract}/simulate"),
            ("rate-cards", "/rate-cards"),
        ],
        "investee": [
            ("dashboard", "/"),
            ("my-loans", f"/investees/{u.investee}/loans"),
            ("my-impact", f"/investees/{u.investee}/impact"),
            ("impact-report", f"/reports/investees/{u.investee}"),
            claim,
            ("upload", f"/investees/{u.investee}/kpi/upload"),
        ],
    }[role]


USERS = {
    "admin": "admin@fundapp.example",
    "manager": "manager.rotterdam@fundapp.example",
    "officer": "officer.rotterdam@fundapp.example",
    "investee": "investee@fietsfabriek.example",
}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
@pytest.mark.parametrize("role", list(USERS))
def test_every_page_fits_the_screen_without_sideways_scrolling_or_broken_numbers(
    page: Any, screenshots: Any, urls: Urls, role: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    shot = screenshots(f"layout-{role}-{viewport['width']}")
    use_english(page)
    log_in(page, USERS[role])
    problems = {}
    for name, url in _pages(role, urls):
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        shot(name)
        found = page.evaluate(MEASURE)
        if viewport is LAPTOP:
            found += [f"cut off: {t}" for t in page.evaluate(TABLES_CUT_OFF)]
        if found:
            problems[name] = found
    assert not problems, problems


def test_the_claim_lines_show_every_column_and_the_reject_action_on_a_laptop(page: Any, urls: Urls) -> None:
    page.set_viewport_size(LAPTOP)
    use_english(page)
    log_in(page, USERS["officer"])
    page.goto(f"/claims/{urls.claim}")
    lines = page.get_by_role("region", name="Lines")
    expect(lines.get_by_role("columnheader", name="Status")).to_be_in_viewport(ratio=1)
    expect(lines.get_by_role("link", name="Reject line").first).to_be_in_viewport(ratio=1)
    assert page.evaluate(TABLES_CUT_OFF) == []


def test_a_wide_table_scrolls_in_its_own_box_with_its_first_column_in_view_on_a_phone(page: Any, urls: Urls) -> None:
    page.set_viewport_size(PHONE)
    use_english(page)
    log_in(page, USERS["officer"])
    page.goto(f"/claims/{urls.claim}")
    box = page.get_by_role("region", name="Lines")
    # The box's top in view, as a reader scrolling down meets it (focusing a box out of view would centre it).
    box.evaluate("box => window.scrollBy(0, box.getBoundingClientRect().top - 80)")
    first = box.locator("tbody tr").first.locator("td").first
    left = first.bounding_box()["x"]
    box.focus()
    for _ in range(40):  # a keyboard user scrolls the focused box with the arrow keys (it scrolls smoothly)
        page.keyboard.press("ArrowRight")
    for _ in range(40):
        if box.evaluate("box => box.scrollLeft + box.clientWidth >= box.scrollWidth - 1"):
            break
        page.wait_for_timeout(50)
    expect(box.get_by_role("link", name="Reject line").first).to_be_in_viewport(ratio=1)
    assert first.bounding_box()["x"] == pytest.approx(left, abs=1)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_navigation_folds_into_a_menu_on_a_phone_that_opens_by_keyboard(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        shot = Screenshots(page, f"layout-menu-{'js' if javascript else 'no-js'}")
        use_english(page)
        log_in(page, USERS["manager"])
        nav = page.get_by_role("navigation", name="Main")
        loan_book = nav.get_by_role("link", name="Portfolio")
        expect(loan_book).to_be_hidden()
        shot("closed")
        nav.get_by_text("Menu").focus()
        page.keyboard.press("Enter")
        expect(loan_book).to_be_visible()
        shot("open")
        loan_book.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio")
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_the_navigation_is_open_and_the_menu_button_hidden_on_a_laptop(page: Any) -> None:
    page.set_viewport_size(LAPTOP)
    use_english(page)
    log_in(page, USERS["manager"])
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_text("Menu")).to_be_hidden()
    for name in ("Dashboard", "Portfolio", "Claims", "Reports"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()


def test_what_the_officer_already_did_is_written_out_where_the_button_was_and_wraps_on_a_phone(
    page: Any, screenshots: Any, live_server: Any, urls: Urls
) -> None:
    from flask import current_app
    from sqlalchemy import select

    from fundapp.auth.models import User
    from fundapp.auth.policy import Scope
    from fundapp.db import session_scope
    from fundapp.demo_world import ACTOR
    from fundapp.outcomes import claims, results
    from fundapp.outcomes.models import OutcomeContract

    app = live_server.app
    with app.app_context(), session_scope(app) as session:
        contract = session.get(OutcomeContract, urls.contract)
        start = date(clock.today().year - 1, 7, 2)
        for n in range(12):  # € 27,000 payable: more than one officer may approve alone
            result = results.record_result(
                session,
                ACTOR,
                contract,
                {
                    "investee_id": urls.investee,
                    "item": "JOB-START",
                    "participant": f"FZ-Q3-{n + 1:02d}",
                    "achieved_on": start + timedelta(days=n * 3),
                    "months_on_benefit": 40,
                    "evidence": "contract on file",
                },
            )
            results.verify(session, ACTOR, result)
        claim = claims.compute_claim(session, ACTOR, contract, urls.investee, f"{start.year}-Q3")
        threshold = current_app.config["CLAIM_DUAL_APPROVAL_ABOVE"]
        claims.submit(session, ACTOR, claim, threshold)
        officer = session.scalars(select(User).where(User.email == USERS["officer"])).one()
        claims.approve(session, officer, Scope.of_user(officer), claim, threshold)
        claim_id = claim.id
    page.set_viewport_size(PHONE)
    use_english(page)
    log_in(page, USERS["officer"])
    page.goto(f"/claims/{claim_id}")
    expect(page.locator("main .utrecht-button-group")).to_contain_text("You signed on ")
    expect(page.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
    screenshots("layout-signed-390")("claim")
    assert page.evaluate(MEASURE) == []
