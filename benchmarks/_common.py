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
