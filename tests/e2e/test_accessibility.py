"""Every page a role can reach passes axe-core's WCAG 2.1 A and AA rules, on a laptop and on a phone.

Per role the crawler logs in, starts at the dashboard and follows every same-origin link breadth-first (GET
only: no logout, no downloads; the language switch once, at the end), one page per address pattern (ids
become {id}, so /loans/1 and /loans/2 count once). Each page is checked by axe-core at 1366 px and at 390 px
and saved as test-artifacts/screenshots/pages/<role>/<width>/<pattern>.png. Each POST form with a required
field is also sent once with its fields emptied (the browser's own checks switched off); the 422 page that
answers, with its error summary and marked fields, is checked and saved as <pattern>--invalid.png. The test
fails listing every violation (rule, impact, the elements, the page, the role and the width) and every page
wider than its window.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

USERS = {
    "visitor": None,
    "admin": "admin@fundapp.example",
    "manager": "manager.rotterdam@fundapp.example",
    "officer": "officer.rotterdam@fundapp.example",
    "investee": "investee@fietsfabriek.example",
    "validator": "validator@fundapp.example",
}
WIDTHS = {1366: {"width": 1366, "height": 768}, 390: {"width": 390, "height": 844}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
MAX_PATTERNS = 140
# Not pages: the session's end, the language cookie, files (templates, PDF, workbooks) and the API.
SKIPPED_PATHS = re.compile(
    r"^/(logout|language/|static/|api/v1/(?!docs$))|/kpi/template$|/kpi-submissions/\d+/file$|\.(pdf|xlsx|json|css)$"
)
DOWNLOAD_FORMATS = {"pdf", "xlsx", "csv", "json"}
# Pages anyone sees alike are checked once, by the visitor.
PUBLIC_PAGES = {"/login", "/api/v1/docs"}
# A page that is meant to answer with an error, checked like any other.
ERROR_PAGES = {"/no-such-page": 404}
# A form sent empty answers 422 with its errors; a failed login answers 401.
INVALID_STATUS = {"/login": 401}

# Empties every field of the index-th POST form in main and sends it without the browser's own checks.
SEND_EMPTIED = """index => {
  const form = [...document.querySelectorAll("main form")].filter(f => f.method === "post")[index];
  form.noValidate = true;
  for (const field of form.elements) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = -1;
    else field.value = "";
  }
  form.requestSubmit();
}"""
# An upload form is sent by static/upload-progress.js, which puts the answer in place of the page: no navigation.
SENT_BY_SCRIPT = """index => [...document.querySelectorAll("main form")].filter(f => f.method === "post")[index]
  .hasAttribute("data-upload-progress")"""
POST_FORMS_WITH_REQUIRED_FIELDS = """() => [...document.querySelectorAll("main form")].filter(f => f.method === "post")
  .map((form, index) => form.querySelector("[required]") ? index : -1).filter(index => index >= 0)"""


@dataclass(frozen=True)
class Violation:
    role: str
    width: int
    url: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.role} {self.width}px {self.url}: {self.rule} ({self.impact}) {self.help} → {', '.join(self.targets)}"


def address_pattern(url: str, origin: str) -> str | None:
    """The page's pattern (/loans/{id}/repay), or None when the link is not a page to crawl."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED_PATHS.search(parts.path):
        return None
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    if query.get("format") in DOWNLOAD_FORMATS:
        return None
    # A number, or a code such as JOB-START or 2025-Q1, names an object: one visit per kind of page.
    segments = ["{id}" if re.fullmatch(r"\d+|[A-Z0-9][A-Z0-9_-]*", s) else s for s in parts.path.split("/")]
    return "/".join(segments)


def slug(pattern: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", pattern.lower()).strip("-") or "dashboard"


class Crawl:
    """One role's walk: the pages to visit, and what was found on them."""

    def __init__(self, page: Any, role: str, origin: str) -> None:
        self.page, self.role, self.origin = page, role, origin
        self.script = Axe().axe_script
        self.seen: set[str] = set()
        self.queue: deque[tuple[str, str]] = deque()
        self.violations: list[Violation] = []
        self.problems: list[str] = []

    def add(self, url: str) -> None:
        pattern = address_pattern(urljoin(self.origin, url), self.origin)
        if pattern is None or pattern in self.seen or (USERS[self.role] and pattern in PUBLIC_PAGES):
            return
        assert len(self.seen) < MAX_PATTERNS, f"{self.role} reaches more than {MAX_PATTERNS} kinds of page"
        self.seen.add(pattern)
        self.queue.append((pattern, url))

    def walk(self) -> None:
        while self.queue:
            pattern, url = self.queue.popleft()
            response = self.page.goto(url)
            status = response.status if response else None
            if status != ERROR_PAGES.get(url, 200):
                self.problems.append(f"{url} answered {status} ({self.role})")
                continue
            landed = address_pattern(self.page.url, self.origin)
            if landed != pattern and landed in self.seen:  # redirected to a page checked already
                continue
            self.check(pattern)
            # A link marked download (a batch's SEPA file) gives a file, not a page, and may mark it downloaded.
            links = self.page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href.split('#')[0])"
            )
            self.send_invalid_forms(pattern, url)
            for link in links:
                self.add(link)

    def check(self, pattern: str, state: str = "") -> None:
        """Saves a screenshot of the open page and runs axe on it, at each width."""
        name = slug(pattern) + (f"--{state}" if state else "")
        path = urlsplit(self.page.url).path
        for width, viewport in WIDTHS.items():
            self.page.set_viewport_size(viewport)
            folder = SCREENSHOTS / "pages" / self.role / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            # A long page (the API reference) takes a while to draw whole on a busy machine.
            self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True, timeout=60_000)
            wide = self.page.evaluate("document.scrollingElement.scrollWidth")
            if wide > width:
                self.problems.append(f"{path} is {wide} px wide in a {width} px window ({self.role})")
            for rule in self.axe()["violations"]:
                targets = tuple(" ".join(map(str, node["target"])) for node in rule["nodes"])
                self.violations.append(
                    Violation(self.role, width, path, rule["id"], rule["impact"], rule["help"], targets)
                )

    def axe(self) -> dict[str, Any]:
        if not self.page.evaluate("typeof window.axe === 'object'"):  # once per page, not once per width
            self.page.evaluate(self.script)
        return self.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)

    def send_invalid_forms(self, pattern: str, url: str) -> None:
        for index in self.page.evaluate(POST_FORMS_WITH_REQUIRED_FIELDS):
            if index != 0:
                self.page.goto(url)
            by_script = self.page.evaluate(SENT_BY_SCRIPT, index)
            answer = self.page.expect_response(lambda r: r.request.method == "POST") if by_script else None
            with answer or self.page.expect_navigation() as sent:
                self.page.evaluate(SEND_EMPTIED, index)
            if by_script:
                self.page.locator(".app-error-summary").wait_for()
            status = sent.value.status if sent.value else None
            expected = INVALID_STATUS.get(urlsplit(self.page.url).path, 422)
            if status != expected:
                self.problems.append(f"{url}: form {index + 1} sent empty answered {status}, not {expected}")
                continue
            self.check(pattern, f"invalid{'' if index == 0 else f'-{index + 1}'}")


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path == "/", f"{email} could not log in"


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_a_role_reaches_passes_axe_at_both_widths(browser: Any, live_server: Any, role: str) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[1366], locale="nl-NL")
    context.set_default_timeout(10_000)
    crawl = Crawl(context.new_page(), role, live_server.url)
    try:
        email = USERS[role]
        if email:
            _log_in(crawl.page, email)
        start = ["/", *ERROR_PAGES] if email else ["/login"]
        for url in start:
            crawl.add(url)
        crawl.walk()
        # The language switch, once: the first page again, in English.
        crawl.page.goto("/language/en")
        crawl.page.goto(start[0])
        assert crawl.page.locator("html").get_attribute("lang") == "en"
        crawl.check(start[0], "en")
    finally:
        context.close()
    found = crawl.problems + [str(violation) for violation in crawl.violations]
    if found:
        heading = f"{len(crawl.violations)} WCAG 2.1 A/AA violations and {len(crawl.problems)} other problems"
        pytest.fail(f"{heading}:\n" + "\n".join(found), pytrace=False)


def test_axe_can_measure_the_contrast_of_every_table_cell(browser: Any, live_server: Any) -> None:
    """A table's scroll shadow is no background image, so no cell's contrast is left unchecked as unmeasurable."""
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[1366], locale="nl-NL")
    page = context.new_page()
    try:
        _log_in(page, USERS["manager"])
        page.goto(page.locator("nav a[href$='/loans']").get_attribute("href"))
        page.goto(page.locator("main tbody a[href^='/loans/']").first.get_attribute("href"))
        assert page.locator("main table").count() >= 2
        crawl = Crawl(page, "manager", live_server.url)
        crawl.axe()
        results = page.evaluate("() => axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['incomplete']})")
    finally:
        context.close()
    unmeasured = [
        " ".join(node["target"])
        for rule in results["incomplete"]
        for node in rule["nodes"]
        if any(check.get("data", {}).get("messageKey") in ("bgGradient", "bgImage") for check in node["any"])
    ]
    assert unmeasured == [], f"{len(unmeasured)} cells on a background image, e.g. {unmeasured[:3]}"
