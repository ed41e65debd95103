"""Real-browser harness: a live fundapp server on a fresh demo database and a headless Chromium.

The server runs in a daemon thread of the test process (one per xdist worker), on a
SQLite file of its own in a temporary directory, migrated and loaded with the demo
world. CSRF stays on: the browser submits the real forms with their tokens.

Debian's Chromium is used (Playwright's own browser download is not); without it,
or without the playwright package, every e2e test is skipped.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SECRET_KEY = "e2e-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# Low enough that the demo's submitted claims need two officers (the threshold is fixed when a claim is
# submitted, and the demo submits its claims while loading, so it must be set before the demo is loaded).
DUAL_APPROVAL_ABOVE = Decimal("1000.00")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Any


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Chromium is not installed (looked for 'chromium' on PATH)")
    return path


def _quiet_handler() -> Any:
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        """No access log line per request: a failing test's output shows the test, not 40 GETs."""

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            pass

    return QuietHandler


@pytest.fixture(scope="session")
def live_server(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    from fundapp import create_app, migrate
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.db import session_scope
    from fundapp.demo import load_demo

    use_fast_hashing_for_tests()
    database = tmp_path_factory.mktemp("e2e-db") / "fundapp-e2e.sqlite3"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "FILES_DIR": str(tmp_path_factory.mktemp("e2e-files")),
            "SECRET_KEY": SECRET_KEY,
            "CLAIM_DUAL_APPROVAL_ABOVE": DUAL_APPROVAL_ABOVE,
        }
    )
    with app.app_context(), session_scope(app) as session:
        load_demo(session)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
    thread = threading.Thread(target=server.serve_forever, name="fundapp-e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["fundapp.db"].engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


class Screenshots:
    """shot("step") saves test-artifacts/screenshots/<journey>-<nn>-<step>.png, numbered in order."""

    def __init__(self, page: Any, journey: str) -> None:
        self.page = page
        self.journey = journey
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = SCREENSHOTS / f"{self.journey}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture()
def screenshots(page: Any) -> Any:
    def start(journey: str) -> Screenshots:
        return Screenshots(page, journey)

    return start
