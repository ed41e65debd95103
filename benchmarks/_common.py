"""Shared set-up for the benchmarks: a fresh, migrated database on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from fundapp.db import Database

BENCH_POSTGRES_URL = os.environ.get(
    "FUNDAPP_BENCH_POSTGRES_URL", "postgresql://fundapp:fundapp@127.0.0.1:5432/fundapp_bench"
)


def sqlite_url(name: str) -> str:
    return f"sqlite:///{os.path.join(tempfile.gettempdir(), f'fundapp-bench-{name}.sqlite3')}"


def fresh_database(url: str) -> str | None:
    """Recreate and migrate; None when the server is not reachable (the figure is then skipped)."""
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from fundapp import migrate
    from tests.conftest import _recreate_database

    try:
        _recreate_database(url)
    except Exception as exc:
        print(f"  (skipping {url.split('@')[-1]}: {type(exc).__name__})")
        return None
    migrate.upgrade(url)
    return url


def quiet_server(url: str = BENCH_POSTGRES_URL, limit: float = 300.0) -> None:
    """Wait until the PostgreSQL server works for nobody: no autovacuum worker and no other client's statement.

    The budgets hold on an otherwise idle machine. An earlier benchmark leaves a world of millions of rows behind,
    and the server's autovacuum then works through it for a minute or more, on one of the two cores: a figure
    measured meanwhile measures that too (a claim took 2.0-2.3 s so under ``make bench``, 1.5-1.7 s alone). Says
    how long it waited; a server that cannot be reached is not waited for.
    """
    from sqlalchemy import create_engine, text

    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (backend_type = 'autovacuum worker'"
        " OR (backend_type = 'client backend' AND state NOT IN ('idle', 'idle in transaction')))"
    )
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    start = time.perf_counter()
    try:
        with engine.connect() as connection:
            while connection.scalar(query) and time.perf_counter() - start < limit:
                time.sleep(0.5)
    except Exception as exc:  # no server: nothing of it to wait for
        print(f"  (not waiting for {url.split('@')[-1]}: {type(exc).__name__})")
        return
    finally:
        engine.dispose()
    waited = time.perf_counter() - start
    if waited >= 1:
        print(f"  (waited {waited:.0f} s for the PostgreSQL server's autovacuum and other clients to finish)")


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    result: dict[str, float] = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start


@contextmanager
def counted_queries(engine: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def session_scope_of(database: Database) -> Iterator[Session]:
    """One transaction, committed at the end, outside any Flask app."""
    session = database.new_session()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


SUMMARY_ENV = "FUNDAPP_BENCH_SUMMARY"  # set by benchmarks/run_all.py: each budget line is also noted there


def budget(
    item: str, what: str, figure: float, limit: float, reference: str, unit: str = "s", at_least: bool = False
) -> bool:
    """Print one of issue #15's budgets: the figure measured, its budget, and the reference measured in the same
    run; note it for the summary ``make bench`` prints at the end. ``at_least``: a figure that must reach the
    limit (requests per second) rather than stay under it."""
    within = figure >= limit if at_least else figure < limit
    sign = ">=" if at_least else "<"
    verdict = "within budget" if within else "OVER BUDGET"
    print(f"  [{item}] {what}: {figure:,.3g} {unit} (budget {sign} {limit:,} {unit}; {reference}) {verdict}")
    return note(item, what, figure, limit, reference, unit, at_least)


def note(
    item: str, what: str, figure: float, limit: float, reference: str, unit: str = "s", at_least: bool = False
) -> bool:
    """Note a budget for the summary of ``make bench`` only (the script printed it its own way); True if within."""
    import json

    within = figure >= limit if at_least else figure < limit
    path = os.environ.get(SUMMARY_ENV)
    if path:
        row = {"item": item, "what": what, "figure": figure, "limit": limit, "unit": unit}
        row |= {"sign": ">=" if at_least else "<", "reference": reference, "within": within}
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(json.dumps(row) + "\n")
    return within
