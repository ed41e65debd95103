"""Pages at scale: every page and API call of the load mix (bench_load.py's MIXES), for one user at a time, on the
world of 1,000 investees with 10,000 loans (load_world.py), beside the reference ``/health`` in the same run.

    python benchmarks/bench_pages.py [--repeat 21] [--investees 1000] [--loans 10000] [--postgres] [--reuse]

Each request goes through the Flask test client (no network), logged in as the person of its mix (a browser
session, or an API token). Prints per request its median wall time and median CPU time of this process, and its
query count, made afresh each time (kept answers off: ANSWER_CACHE_BYTES=0); OVER BUDGET above 25 ms. Beside it,
the same request given again as a kept answer (fundapp/kept_answers.py: the data unchanged since), with its query
count. ``--reuse`` keeps a world built by an earlier run (same size) on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BENCH_POSTGRES_URL, counted_queries, fresh_database, note, quiet_server, sqlite_url
from benchmarks.bench_load import MIXES, PEOPLE, PREVIEW
from benchmarks.load_world import PASSWORD, SECRET, build_world

BUDGET_MS = 25.0


class Person:
    """One logged-in person of the load mix, through the test client."""

    def __init__(self, app: Any, email: str) -> None:
        self.client = app.test_client()
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        response = self.client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
        assert response.status_code == 303, f"login failed for {email}: {response.status_code}"
        response = self.client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {response.get_json()['token']}", "Accept": "application/json"}

    def call(self, kind: str, path: str) -> Callable[[], Any]:
        if kind == "page":
            return lambda: self.client.get(path, headers={"Accept": "text/html"})
        if kind == "preview":
            body = json.dumps(PREVIEW)
            headers = {**self.headers, "Content-Type": "application/json"}
            return lambda: self.client.post(path, data=body, headers=headers)
        return lambda: self.client.get(path, headers=self.headers)


def measure(request: Callable[[], Any], engine: Any, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of ``repeat`` requests after a warm-up, and the queries of one."""
    response = request()
    assert response.status_code < 400, f"{response.status_code}: {response.get_data(as_text=True)[:300]}"
    with counted_queries(engine) as queries:
        request()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        request()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), len(queries)


def run(url: str, label: str, repeat: int) -> list[str]:
    from fundapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "ANSWER_CACHE_BYTES": 0})
    keeping = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    engine, kept_engine = app.extensions["fundapp.db"].engine, keeping.extensions["fundapp.db"].engine
    roles = {role: email for email, role in reversed(PEOPLE)}  # the first person of each role
    people = {role: Person(app, email) for role, email in roles.items()}
    kept_people = {role: Person(keeping, email) for role, email in roles.items()}
    anonymous = app.test_client()
    health = measure(lambda: anonymous.get("/health"), engine, repeat)
    print(f"{label}: median of {repeat} requests each, one user at a time (budget {BUDGET_MS:.0f} ms)")
    print(
        f"  {'/health (reference)':<52} {health[0] * 1000:6.1f} ms  cpu {health[1] * 1000:6.1f} ms  {health[2]:3} queries"
    )
    over = []
    seen = set()
    for role, mix in MIXES.items():
        for kind, path in mix:
            if (role, path) in seen:
                continue
            seen.add((role, path))
            wall, cpu, queries = measure(people[role].call(kind, path), engine, repeat)
            kept_wall, _cpu, kept_queries = measure(kept_people[role].call(kind, path), kept_engine, repeat)
            flag = "  OVER BUDGET" if wall * 1000 > BUDGET_MS else ""
            name = f"{'POST ' if kind == 'preview' else ''}{path} ({role})"
            reference = f"/health {health[0] * 1000:.1f} ms; {queries} queries; kept answer {kept_wall * 1000:.1f} ms"
            note("3", f"{label} {name}: median", wall * 1000, BUDGET_MS, reference, "ms")
            print(
                f"  {name:<52} {wall * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  {queries:3} queries"
                f"   kept {kept_wall * 1000:5.1f} ms {kept_queries:2} queries{flag}"
            )
            if flag:
                over.append(name)
    engine.dispose()
    kept_engine.dispose()
    return over


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--investees", type=int, default=1000)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (FUNDAPP_BENCH_POSTGRES_URL)")
    parser.add_argument("--reuse", action="store_true", help="keep the SQLite world of an earlier run")
    args = parser.parse_args()
    targets = [("SQLite", sqlite_url(f"pages-{args.investees}-{args.loans}"))]
    if args.postgres:
        targets.append(("PostgreSQL", BENCH_POSTGRES_URL.replace("fundapp_bench", "fundapp_pages")))
    over = []
    for name, url in targets:
        path = url.removeprefix("sqlite:///")
        if not (args.reuse and name == "SQLite" and os.path.exists(path)):
            if fresh_database(url) is None:
                continue
            began = time.perf_counter()
            build_world(url, args.investees, args.loans)
            print(
                f"{name}: {args.investees:,} investees with {args.loans:,} loans built in {time.perf_counter() - began:.0f} s"
            )
        quiet_server()
        over += [f"{name} {page}" for page in run(url, name, args.repeat)]
    print(f"OVER BUDGET: {', '.join(over)}" if over else f"every page and API call under {BUDGET_MS:.0f} ms")


if __name__ == "__main__":
    main()
