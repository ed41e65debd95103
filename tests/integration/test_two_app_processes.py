"""Two app processes on one database, as two machines behind a proxy would run: nothing a person or a system
relies on lives in one process.

The module builds a committed world on a database of its own (PostgreSQL when FUNDAPP_TEST_DATABASE_URL names
one, else a SQLite file both processes open), starts two gunicorn processes on it (one worker each, the README's
production command) and sends each step of a journey to one of them, the next step to the other: a browser
session, an Idempotency-Key, the login throttle and a claim's two signatures must hold across them.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_SECRET, _recreate_database, test_config, test_database_url

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = Decimal("25000.00")


def _url(tmp: Path) -> str:
    base = test_database_url()
    return f"{base}_two" if base.startswith("postgresql") else f"sqlite:///{tmp / 'two-processes.sqlite3'}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(url: str, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {
        **os.environ,
        "FUNDAPP_DATABASE_URL": url,
        "FUNDAPP_SECRET_KEY": TEST_SECRET,
        "FUNDAPP_FILES_DIR": str(tmp / "files"),
        "FUNDAPP_OUTBOX_DIR": str(tmp / "outbox"),
        "FUNDAPP_JOBS_FILE": str(tmp / "jobs.sqlite3"),
        "FUNDAPP_REDIS_URL": "",
        "FUNDAPP_LOGIN_MAX_FAILURES": "5",
        "FUNDAPP_CLAIM_DUAL_APPROVAL_ABOVE": str(THRESHOLD),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not start")


@dataclass
class Browser:
    """Cookies kept across requests to either process, as a browser behind a proxy keeps them."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, dict(response.headers), data

    def form(self, port: int, path: str, fields: dict[str, str], page: str | None = None) -> tuple[int, dict, bytes]:
        """POST a form with the CSRF token of the page it is on (read from that page on the same process)."""
        _status, _headers, html = self.request(port, "GET", page or path)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()
        body = urlencode({"csrf_token": token, **fields}).encode()
        return self.request(port, "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def _api(port: int, token: str, method: str, path: str, payload: Any = None, **headers: str) -> tuple[int, Any]:
    status, _headers, data = Browser().request(
        port,
        method,
        f"/api/v1{path}",
        json.dumps(payload).encode() if payload is not None else None,
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )
    return status, json.loads(data) if data else None


@dataclass
class Deployment:
    app: Any
    ports: tuple[int, int]
    emails: dict[str, str]
    tokens: dict[str, str]
    fund_id: int
    claim_id: int


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from fundapp import create_app, migrate
    from fundapp.auth.models import Role
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.auth.services import issue_token
    from fundapp.db import session_scope
    from tests.factories import make_user, make_world
    from tests.outcome_factories import make_claim, make_contract, make_result

    use_fast_hashing_for_tests()  # the hashes carry their parameters: gunicorn verifies them as stored
    tmp = tmp_path_factory.mktemp("two-processes")
    url = _url(tmp)
    _recreate_database(url)
    migrate.upgrade(url)
    app = create_app(test_config(DATABASE_URL=url, CLAIM_DUAL_APPROVAL_ABOVE=THRESHOLD))
    with session_scope(app) as session:
        world = make_world(session)
        colleague = make_user(session, Role.PAYER_OFFICER, world.payer_a.id)
        contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
        make_result(session, contract, world.investee_a, period="2026-Q1", units=7)  # 28,000.00: two signatures
        claim = make_claim(session, contract, world.investee_a, threshold=THRESHOLD)
        people = {"manager": world.user("manager_a"), "officer": world.user("officer_a"), "colleague": colleague}
        emails = {role: user.email for role, user in people.items()} | {"member": world.user("member_b").email}
        emails |= {f"racer{n}": make_user(session, Role.INVESTEE_MEMBER, world.investee_b.id).email for n in range(3)}
        tokens = {role: issue_token(session, user, "two processes")[1] for role, user in people.items()}
        data = (emails, tokens, world.fund_a.id, claim.id)
    servers = [_start(url, tmp), _start(url, tmp)]
    try:
        yield Deployment(app, (servers[0][1], servers[1][1]), *data)
    finally:
        for process, _port in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        app.extensions["fundapp.db"].engine.dispose()


def _log_in(browser: Browser, port: int, email: str, password: str) -> int:
    status, _headers, _body = browser.form(port, "/login", {"email": email, "password": password})
    return status


def test_a_session_opened_on_one_process_is_honoured_and_ended_on_the_other(deployment):
    from tests.factories import PASSWORD

    first, second = deployment.ports
    browser = Browser()
    assert _log_in(browser, first, deployment.emails["manager"], PASSWORD) == 303
    status, _headers, page = browser.request(second, "GET", f"/funds/{deployment.fund_id}/loans")
    assert status == 200 and deployment.emails["manager"].encode() in page
    status, headers, _page = browser.form(second, "/logout", {}, page=f"/funds/{deployment.fund_id}/loans")
    assert status == 303
    status, headers, _page = browser.request(first, "GET", f"/funds/{deployment.fund_id}/loans")
    assert status in (302, 303) and "/login" in headers["Location"]


def test_an_idempotency_key_answers_the_same_on_the_other_process_and_creates_once(deployment):
    from fundapp.capital.models import Investor
    from fundapp.db import session_scope

    first, second = deployment.ports
    body = {"name": "Stichting Twee Processen", "commitment": "50000.00"}
    key = {"Idempotency-Key": "two-processes-investor-1"}
    made = _api(first, deployment.tokens["manager"], "POST", f"/funds/{deployment.fund_id}/investors", body, **key)
    again = _api(second, deployment.tokens["manager"], "POST", f"/funds/{deployment.fund_id}/investors", body, **key)
    assert made[0] == 201 and again == made
    with session_scope(deployment.app) as session:
        count = session.scalar(select(func.count()).select_from(Investor).where(Investor.name == body["name"]))
    assert count == 1


def test_failed_logins_on_both_processes_add_up_to_one_lockout(deployment):
    from tests.factories import PASSWORD

    first, second = deployment.ports
    email = deployment.emails["member"]
    for port in (first, second, first, second, first):  # five failures, the configured limit, spread over both
        assert _log_in(Browser(), port, email, "not-the-password") == 401
    assert _log_in(Browser(), second, email, PASSWORD) == 401  # locked: even the right password is refused


def test_a_claims_two_signatures_hold_across_processes(deployment):
    first, second = deployment.ports
    path = f"/claims/{deployment.claim_id}/approve"
    status, body = _api(first, deployment.tokens["officer"], "POST", path)
    assert status == 200 and (body["status"], len(body["approvals"])) == ("submitted", 1)
    status, body = _api(second, deployment.tokens["officer"], "POST", path)
    assert status == 409 and body["error"]["code"] == "conflict"  # the same officer cannot sign twice
    status, body = _api(second, deployment.tokens["colleague"], "POST", path)
    assert status == 200 and (body["status"], body["approved_amount"]) == ("approved", "28000.00")


def _guesses_at_once(ports: tuple[int, int], email: str, guesses: int) -> list[int]:
    """Wrong passwords for one account, each from a browser of its own, released together on both processes."""
    browsers = [Browser() for _ in range(guesses)]
    barrier = threading.Barrier(guesses)
    statuses: list[int] = []

    def guess(i: int) -> None:
        port = ports[i % 2]
        _status, _headers, html = browsers[i].request(port, "GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()
        body = urlencode({"csrf_token": token, "email": email, "password": "not-the-password"}).encode()
        barrier.wait(timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        statuses.append(browsers[i].request(port, "POST", "/login", body, headers)[0])

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.skipif(
    not test_database_url().startswith("postgresql"),
    reason="several machines share PostgreSQL; SQLite answers writers sent at once 'busy, try again'",
)
def test_failed_logins_sent_at_once_to_both_processes_each_count(deployment):
    """Eight wrong passwords released together on the four workers of the two processes: each failure counts (the
    count is one UPDATE, not a read and a write that lose each other's increment), so the account locks."""
    from tests.factories import PASSWORD

    for n in range(3):  # three accounts, three races: a pass is not luck
        email = deployment.emails[f"racer{n}"]
        assert _guesses_at_once(deployment.ports, email, 8) == [401] * 8
        assert _log_in(Browser(), deployment.ports[n % 2], email, PASSWORD) == 401, email
