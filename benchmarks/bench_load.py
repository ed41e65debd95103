"""Load: gunicorn (4 workers) on PostgreSQL with the demo world scaled to 1,000 investees; 50 concurrent
simulated users (fund managers, officers, investees) click through pages and call the API for 60 seconds.

    python benchmarks/bench_load.py [--users 50] [--seconds 60] [--investees 1000] [--url https://host]

Prints throughput, p50/p95/p99 latency, the error count (which must be 0) and the load client's CPU share (the
client runs in this process, apart from the server's; near 100 % of a core it would be the bottleneck).
With --url it loads a running deployment instead (several app machines behind a proxy, say): that deployment must
hold the demo world (``flask --app wsgi demo load``) with the demo password; nothing is built or started.
Without --url it needs PostgreSQL (FUNDAPP_BENCH_POSTGRES_URL, default postgresql://fundapp:fundapp@127.0.0.1:5432/fundapp_bench)
and gunicorn (installed with fundapp).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import BENCH_POSTGRES_URL, fresh_database  # noqa: E402

SECRET = "load-benchmark-secret-key-0123456789abcdef"
PASSWORD = "fundapp-demo"


def build_world(url: str, investees: int) -> None:
    from fundapp import create_app
    from fundapp.audit import Actor
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.auth.policy import Scope
    from fundapp.db import session_scope
    from fundapp.demo import load_demo
    from fundapp.investees import services as investee_services
    from fundapp.investees.models import LegalForm
    from fundapp.loans import services as loan_services
    from fundapp.loans.schedule import Amortization, DayCount, Frequency

    use_fast_hashing_for_tests()  # the demo users' hashes only; gunicorn verifies them normally
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    actor, scope = Actor.system("load"), Scope(user_id=0, is_admin=True)
    with app.app_context():
        with session_scope(app) as session:
            load_demo(session)
        rng = random.Random(5)
        for start in range(0, investees - 12, 200):
            with session_scope(app) as session:
                for n in range(start, min(start + 200, investees - 12)):
                    investee = investee_services.create_investee(
                        session,
                        actor,
                        scope,
                        {
                            "fund_id": 1 + n % 2,
                            "name": f"Impactbedrijf {n:04d}",
                            "kvk_number": f"{80000000 + n:08d}",
                            "legal_form": LegalForm.BV,
                            "municipality": rng.choice(["Rotterdam", "Schiedam", "Den Haag"]),
                            "themes": ["arbeidsparticipatie"],
                            "sdgs": [8],
                            "labels": [],
                        },
                    )
                    if n % 3 == 0:
                        from datetime import date

                        loan = loan_services.create_loan(
                            session,
                            actor,
                            investee,
                            {
                                "principal": Decimal(rng.choice(["20000.00", "50000.00"])),
                                "annual_rate": Decimal("5"),
                                "disbursement_date": date(2025, 1 + n % 12, 10),
                                "first_due_date": None,
                                "number_of_installments": 36,
                                "frequency": Frequency.MONTHLY,
                                "amortization": Amortization.ANNUITY,
                                "grace_periods": 0,
                                "day_count": DayCount.THIRTY_360,
                                "installment_multiple": Decimal("0.01"),
                                "purpose": "",
                                "subordinated": False,
                            },
                        )
                        loan_services.approve(session, actor, loan)
                        loan_services.disburse(session, actor, loan, loan.disbursement_date, loan.principal)
    app.extensions["fundapp.db"].engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return kind(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "FUNDAPP_DATABASE_URL": url, "FUNDAPP_SECRET_KEY": SECRET, "FUNDAPP_ENV": "development"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


class User:
    """One simulated person: a logged-in browser session plus an API token."""

    def __init__(self, base_url: str, email: str, role: str) -> None:
        self.base_url, self.email, self.role = base_url, email, role
        self.connection = connect(base_url)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = connect(self.base_url)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, data

    def log_in(self) -> None:
        _status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"csrf_token": token, "email": self.email, "password": PASSWORD}).encode()
        status, _ = self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, f"login failed for {self.email}: {status}"
        status, body = self.request(
            "POST",
            "/api/v1/auth/tokens",
            json.dumps({"email": self.email, "password": PASSWORD}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 201, body
        self.token = json.loads(body)["token"]

    def api(self, method: str, path: str, payload: dict | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            body, headers["Content-Type"] = json.dumps(payload).encode(), "application/json"
        saved, self.cookies = self.cookies, {}
        try:
            return self.request(method, path, body, headers)
        finally:
            self.cookies = saved


PREVIEW = {
    "principal": "25000.00",
    "annual_interest_rate": "5",
    "disbursement_date": "2026-01-15",
    "number_of_installments": 36,
    "frequency": "monthly",
    "amortization": "annuity",
}

MIXES = {
    "manager_denhaag": [
        ("page", "/"),
        ("page", "/funds/2/loans"),
        ("page", "/investees/?page=2"),
        ("page", "/funds/2/reporting"),
        ("api", "/api/v1/funds/2/portfolio"),
        ("api", "/api/v1/investees?page=3"),
        ("preview", "/api/v1/loans/schedule-preview"),
        ("page", "/investees/8/impact"),
    ],
    "manager": [
        ("page", "/"),
        ("page", "/funds/1/loans"),
        ("page", "/investees/?page=3"),
        ("page", "/loans/1"),
        ("page", "/funds/1/reporting"),
        ("api", "/api/v1/funds/1/portfolio"),
        ("api", "/api/v1/investees?page=2"),
        ("api", "/api/v1/loans?fund_id=1&page=4"),
        ("preview", "/api/v1/loans/schedule-preview"),
        ("page", "/investees/1/impact"),
    ],
    "officer": [
        ("page", "/"),
        ("page", "/claims"),
        ("page", "/contracts/1"),
        ("page", "/claims/1"),
        ("api", "/api/v1/outcome-contracts/1/budget"),
        ("api", "/api/v1/claims?status=submitted"),
    ],
    "investee": [
        ("page", "/"),
        ("page", "/investees/1/impact"),
        ("page", "/investees/1/loans"),
        ("page", "/loans/1"),
        ("api", "/api/v1/investees/1"),
        ("api", "/api/v1/investees/1/kpi-submissions"),
    ],
}
PEOPLE = [
    ("manager.rotterdam@fundapp.example", "manager"),
    ("manager.denhaag@fundapp.example", "manager_denhaag"),
    ("officer.rotterdam@fundapp.example", "officer"),
    ("officer2.rotterdam@fundapp.example", "officer"),
    ("investee@fietsfabriek.example", "investee"),
]


def run_users(base_url: str, users: int, seconds: float) -> tuple[list[float], list[str], int]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(users)

    def person(index: int) -> None:
        email, role = PEOPLE[index % len(PEOPLE)]
        user = User(base_url, email, role)
        user.log_in()
        rng = random.Random(index)
        barrier.wait()
        mine: list[float] = []
        while time.monotonic() < stop:
            kind, path = rng.choice(MIXES[role])
            began = time.perf_counter()
            if kind == "page":
                status, _ = user.request("GET", path, headers={"Accept": "text/html"})
            elif kind == "preview":
                status, _ = user.api("POST", path, PREVIEW)
            else:
                status, _ = user.api("GET", path)
            mine.append(time.perf_counter() - began)
            if status >= 400:
                with lock:
                    errors.append(f"{status} {kind} {path} as {role}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, len(latencies)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--investees", type=int, default=1000)
    parser.add_argument("--url", help="a running deployment to load (holding the demo world); nothing is started")
    args = parser.parse_args()
    server = None
    if args.url:
        base_url, target = args.url.rstrip("/"), args.url
    else:
        url = fresh_database(BENCH_POSTGRES_URL.replace("fundapp_bench", "fundapp_load"))
        if url is None:
            sys.exit("PostgreSQL is needed for the load benchmark (or give --url of a running deployment).")
        began = time.perf_counter()
        build_world(url, args.investees)
        print(f"demo world with {args.investees:,} investees built in {time.perf_counter() - began:.0f} s")
        port = free_port()
        server = start_gunicorn(url, port)
        base_url, target = f"http://127.0.0.1:{port}", "gunicorn -w 4 on PostgreSQL"
    client_before, wall_before = os.times(), time.perf_counter()
    try:
        latencies, errors, requests = run_users(base_url, args.users, args.seconds)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    client_after, wall = os.times(), time.perf_counter() - wall_before
    client_cpu = (client_after.user - client_before.user) + (client_after.system - client_before.system)
    print(f"{args.users} users for {args.seconds:.0f} s against {target}:")
    print(f"  requests: {requests:,}  throughput: {requests / args.seconds:,.1f} requests/s")
    print(
        f"  latency p50 {percentile(latencies, 0.50) * 1000:.0f} ms  p95 {percentile(latencies, 0.95) * 1000:.0f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms  (mean {statistics.mean(latencies) * 1000:.0f} ms)"
    )
    print(f"  load client CPU: {client_cpu:.1f} s in {wall:.1f} s ({100 * client_cpu / wall:.0f} % of one core)")
    print(f"  errors: {len(errors)}")
    for line in sorted(set(errors))[:20]:
        print("   ", line)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
