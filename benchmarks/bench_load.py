"""Load: gunicorn (4 workers) on PostgreSQL with the world of load_world.py (the demo, 1,000 investees, 10,000
loans); simulated users (fund managers, officers, investees) click through pages and call the API. Two scenarios:
50 users without think time for 60 s ("busy": budget at least 160 requests/s, p95 under 400 ms) and 500 users
with a 5 s think time ("council": p95 under 150 ms); 0 errors in both.

    python benchmarks/bench_load.py [--users 50 --think 0] [--seconds 60] [--clients N] [--investees 1000]
                                    [--loans 10000] [--url https://host] [--no-kept-answers]

The pages and API calls of the mix keep their answers per exact version of the data (fundapp/kept_answers.py);
--no-kept-answers starts gunicorn with that store off, so every request is made afresh.
Prints each scenario's throughput, p50/p95/p99 latency and error count beside its budgets, and the CPU share of
the load clients: they run in processes of their own (one per 100 users, at most 4, unless --clients), apart
from the server's; near 100 % of a core each, they would be the bottleneck. --users runs that one scenario.
With --url it loads a running deployment instead (several app machines behind a proxy, say): that deployment must
hold the demo world (``flask --app wsgi demo load``) with the demo password; nothing is built or started.
Without --url it needs PostgreSQL (FUNDAPP_BENCH_POSTGRES_URL, default postgresql://fundapp:fundapp@127.0.0.1:5432/fundapp_bench)
and gunicorn (installed with fundapp).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
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
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import BENCH_POSTGRES_URL, fresh_database, note  # noqa: E402
from benchmarks.load_world import PASSWORD, SECRET, build_world  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return kind(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def start_gunicorn(url: str, port: int, keep_answers: bool = True) -> subprocess.Popen:
    env = {**os.environ, "FUNDAPP_DATABASE_URL": url, "FUNDAPP_SECRET_KEY": SECRET, "FUNDAPP_ENV": "development"}
    if not keep_answers:
        env["FUNDAPP_ANSWER_CACHE_BYTES"] = "0"
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


SCENARIOS = {
    # name: users, think time (s); budgets: at least this many requests/s, p95 under this many seconds
    "busy": (50, 0.0, 160.0, 0.400),
    "council": (500, 5.0, None, 0.150),
}


LOG_INS_AT_ONCE = 4  # per client process


def clicks(user: User, index: int, think: float, stop: float) -> tuple[list[float], list[str]]:
    """One person clicking through the mix of their role until ``stop`` (monotonic clock)."""
    rng = random.Random(index)
    latencies: list[float] = []
    errors: list[str] = []
    if think:  # people do not all click at the same moment: each starts somewhere within the first think time
        time.sleep(rng.uniform(0, think))
    while time.monotonic() < stop:
        kind, path = rng.choice(MIXES[user.role])
        began = time.perf_counter()
        if kind == "page":
            status, _ = user.request("GET", path, headers={"Accept": "text/html"})
        elif kind == "preview":
            status, _ = user.api("POST", path, PREVIEW)
        else:
            status, _ = user.api("GET", path)
        latencies.append(time.perf_counter() - began)
        if status >= 400:
            errors.append(f"{status} {kind} {path} as {user.role}")
        if think:  # a person reads the page a while (uniformly around the think time), not past the end
            time.sleep(max(0.0, min(think * rng.uniform(0.5, 1.5), stop - time.monotonic())))
    return latencies, errors


def client_process(base_url: str, indexes: list[int], think: float, ready: Any, start: Any, out: Any) -> None:
    """One load client process: a thread per person, all logged in before the start. Sends back the latencies,
    the errors and the CPU seconds this process spent from the start to the end."""
    logged_in = threading.Barrier(len(indexes) + 1)
    go, stop, results = threading.Event(), [0.0], []
    # Log-ins hash passwords on purpose slowly: hundreds at once would time out before the run even starts.
    logging_in = threading.BoundedSemaphore(LOG_INS_AT_ONCE)

    def run(index: int) -> None:
        email, role = PEOPLE[index % len(PEOPLE)]
        user: User | None = User(base_url, email, role)
        try:
            with logging_in:
                user.log_in()  # type: ignore[union-attr]
        except Exception as exc:  # the run reports it as an error
            results.append(([], [f"log-in of {email}: {type(exc).__name__} {exc}"]))
            user = None
        logged_in.wait()
        go.wait()
        if user is not None:
            results.append(clicks(user, index, think, stop[0]))

    threads = [threading.Thread(target=run, args=(n,)) for n in indexes]
    for thread in threads:
        thread.start()
    logged_in.wait()
    ready.put(os.getpid())
    stop[0] = start.get()
    before = os.times()
    go.set()
    for thread in threads:
        thread.join()
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    out.put(([t for r in results for t in r[0]], [e for r in results for e in r[1]], cpu))


def run_users(
    base_url: str, users: int, seconds: float, think: float, clients: int
) -> tuple[list[float], list[str], float]:
    """``users`` people spread over ``clients`` processes; returns the latencies, the errors and the clients'
    total CPU seconds during the run."""
    context = multiprocessing.get_context("fork")
    ready, start, out = context.Queue(), context.Queue(), context.Queue()
    processes = [
        context.Process(
            target=client_process, args=(base_url, list(range(n, users, clients)), think, ready, start, out)
        )
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=600)
    stop = time.monotonic() + seconds
    for _ in processes:
        start.put(stop)
    latencies: list[float] = []
    errors: list[str] = []
    cpu = 0.0
    for _ in processes:
        mine, wrong, spent = out.get(timeout=seconds + 120)
        latencies += mine
        errors += wrong
        cpu += spent
    for process in processes:
        process.join()
    return latencies, errors, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def report(name: str, users: int, think: float, seconds: float, clients: int, base_url: str) -> bool:
    """Runs one scenario and prints its figures beside its budgets; True when within them."""
    _users, _think, least_rate, p95_budget = SCENARIOS.get(name, (users, think, None, None))
    latencies, errors, cpu = run_users(base_url, users, seconds, think, clients)
    rate, p95 = len(latencies) / seconds, percentile(latencies, 0.95)
    rate_note = (
        f" (budget at least {least_rate:.0f}{'' if rate >= least_rate else ': OVER BUDGET'})" if least_rate else ""
    )
    p95_note = (
        f" (budget {p95_budget * 1000:.0f} ms{'' if p95 < p95_budget else ': OVER BUDGET'})" if p95_budget else ""
    )
    print(f"{users} users, think time {think:g} s, for {seconds:.0f} s ({clients} client processes):")
    scenario, clients_share = f"{users} users, think {think:g} s", f"load clients {100 * cpu / seconds:.0f} % of a core"
    if least_rate:
        note("4", f"{scenario}: throughput", rate, least_rate, clients_share, "requests/s", at_least=True)
    if p95_budget:
        note("4", f"{scenario}: p95", p95 * 1000, p95_budget * 1000, clients_share, "ms")
    note("4", f"{scenario}: errors", len(errors), 1, f"{len(latencies):,} requests", "errors")
    print(f"  requests: {len(latencies):,}  throughput: {rate:,.1f} requests/s{rate_note}")
    print(
        f"  latency p50 {percentile(latencies, 0.50) * 1000:.0f} ms  p95 {p95 * 1000:.0f} ms{p95_note}  "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms  (mean {statistics.mean(latencies or [0]) * 1000:.0f} ms)"
    )
    print(f"  load clients' CPU: {cpu:.1f} s in {seconds:.0f} s ({100 * cpu / seconds:.0f} % of one core)")
    print(f"  errors: {len(errors)} (budget 0)")
    for line in sorted(set(errors))[:20]:
        print("   ", line)
    return not errors and (not least_rate or rate >= least_rate) and (not p95_budget or p95 < p95_budget)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, help="one scenario of this many users (default: both scenarios)")
    parser.add_argument("--think", type=float, default=0.0, help="think time in seconds between a person's clicks")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, help="load client processes (default: one per 100 users, at most 4)")
    parser.add_argument("--investees", type=int, default=1000)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument(
        "--no-kept-answers",
        action="store_true",
        help="start gunicorn with kept answers off (FUNDAPP_ANSWER_CACHE_BYTES=0): every page made afresh",
    )
    parser.add_argument("--url", help="a running deployment to load (holding the demo world); nothing is started")
    args = parser.parse_args()
    if args.users:
        scenarios = [("", args.users, args.think)]
    else:
        scenarios = [(name, users, think) for name, (users, think, _rate, _p95) in SCENARIOS.items()]
    server = None
    if args.url:
        base_url, target = args.url.rstrip("/"), args.url
    else:
        url = fresh_database(BENCH_POSTGRES_URL.replace("fundapp_bench", "fundapp_load"))
        if url is None:
            sys.exit("PostgreSQL is needed for the load benchmark (or give --url of a running deployment).")
        began = time.perf_counter()
        build_world(url, args.investees, args.loans)
        print(
            f"demo world with {args.investees:,} investees and {args.loans:,} loans built in {time.perf_counter() - began:.0f} s"
        )
        port = free_port()
        server = start_gunicorn(url, port, keep_answers=not args.no_kept_answers)
        kept = "kept answers off" if args.no_kept_answers else "kept answers on (fundapp/kept_answers.py)"
        base_url, target = f"http://127.0.0.1:{port}", f"gunicorn -w 4 on PostgreSQL, {kept}"
    print(f"against {target}; the load clients are processes of their own")
    within = True
    try:
        for name, users, think in scenarios:
            clients = args.clients or max(1, min(4, users // 100))
            within = report(name, users, think, args.seconds, clients, base_url) and within
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    if not within:
        sys.exit(1)


if __name__ == "__main__":
    main()
