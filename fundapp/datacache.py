"""Figures worked out once per version of the data they are read from (a fund's portfolio, say), per process.

The version is read from the database in the request's own transaction, so it holds across app processes:
- PostgreSQL: the last audit entry's id. Every change of state appends one, and writers append under one lock
  held until they commit (fundapp/audit.py), so a committed change always raises the last id a reader sees.
  Writes without an audit entry (a session's or a token's "last used") change nothing the figures show, and
  leave the version as it was (a transaction's snapshot would change with any commit at all).
- SQLite: the last audit entry's id (every change of state appends one; SQLite commits one writer at a time)
  and the connection's count of changed rows (``total_changes``: its own writes, committed without an audit entry
  too), with the connection's own token, since that count is per connection.
A transaction that has written rows of its own (on PostgreSQL: it has a transaction id; on SQLite: the
connection's count of changed rows moved since BEGIN) is not served from the cache and does not fill it: it sees
rows that no other transaction sees, and may roll them back. A figure filled after a commit that
followed the version's read is newer than its version, never older: the version read next is a new one.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

T = TypeVar("T")
SIZE = 512  # figures kept per process, the least recently used dropped first

_lock = threading.Lock()
_figures: OrderedDict[Hashable, Any] = OrderedDict()
_tokens = itertools.count(1)


def data_version(session: Session) -> Hashable | None:
    """The version of the data this transaction sees; None when it has written rows of its own.

    Read once per transaction until it writes (a page that shows three kept figures asks once): the connection
    remembers it until its next statement that is not a SELECT, its commit or its rollback (``_forget``), and
    fundapp.bulk's COPY, which goes around those events, forgets it itself.
    """
    connection = session.connection()
    info = connection.connection.info  # the database connection's own
    if VERSION in info:
        return info[VERSION]
    info[VERSION] = version = _read_version(session, connection)
    return version


VERSION = "fundapp.datacache.version"
EXACT = "fundapp.datacache.exact"


def exact_version(session: Session) -> Hashable | None:
    """The version of every row this transaction sees, audited or not; None when it has written rows of its own.

    Stricter than ``data_version`` and for what may show any row (a whole page, fundapp/kept_answers.py): it moves
    with every commit that wrote anything, a session's "last used" included.
    - PostgreSQL: the transaction's snapshot (``pg_current_snapshot()``: which transactions' rows it sees), with
      the database and the server's start. Two equal snapshots of one database in one run of the server see the
      same rows. Transaction ids are the server's, not the database's: a commit in another database of the same
      server moves the snapshot too (a miss, never a wrong answer).
    - SQLite: ``PRAGMA data_version`` (moves when another connection commits a change) with the connection's own
      count of changed rows and its token, as ``data_version``.
    Read once per transaction until it writes, as ``data_version``.
    """
    connection = session.connection()
    info = connection.connection.info
    if EXACT in info:
        return info[EXACT]
    info[EXACT] = version = _read_exact(connection)
    return version


def _read_exact(connection: Any) -> Hashable | None:
    if connection.dialect.name == "postgresql":
        # The server's start names its run: a server restored to an earlier point, or a replica promoted after
        # missing commits, may hand out the same transaction ids again, so the same snapshot text.
        own, snapshot, database, started = connection.exec_driver_sql(
            "SELECT pg_current_xact_id_if_assigned()::text, pg_current_snapshot()::text, current_database(),"
            " pg_postmaster_start_time()::text"
        ).one()
        return None if own is not None else (database, started, snapshot)
    own_state = _sqlite_reader(connection)
    if own_state is None:
        return None
    token, changes = own_state
    return (token, connection.exec_driver_sql("SELECT data_version FROM pragma_data_version").scalar(), changes)


def _sqlite_reader(connection: Any) -> tuple[int, int] | None:
    """On SQLite: the connection's token and count of changed rows, or None when this transaction has written
    (the count moved since BEGIN). The count is per connection, so the token goes with it in a version."""
    from fundapp.db import CHANGES_AT_BEGIN

    info = connection.connection.info  # the database connection's own, kept as long as it lives
    changes = connection.connection.dbapi_connection.total_changes
    if changes != info.get(CHANGES_AT_BEGIN):
        return None
    return info.setdefault("fundapp.datacache", next(_tokens)), changes


def forget(connection: Any) -> None:
    """This connection's transaction wrote, or ended: its version is read again. A connection found broken (or
    read-only, see fundapp.db) is connected afresh by the pool, which then empties its info."""
    if not (connection.invalidated or connection.closed):
        info = connection.connection.info
        info.pop(VERSION, None)
        info.pop(EXACT, None)


@event.listens_for(Engine, "before_cursor_execute")
def _forget_on_write(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        forget(connection)


@event.listens_for(Engine, "begin")
@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget(connection: Any) -> None:
    forget(connection)


@event.listens_for(Pool, "checkin")
def _forget_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(VERSION, None)
    record.info.pop(EXACT, None)


def _read_version(session: Session, connection: Any) -> Hashable | None:
    from fundapp.audit import SEEN, AuditEntry

    if connection.dialect.name == "postgresql":
        # The condition is the partial index's own text (a bound value would not prove that the index applies).
        own, last = connection.exec_driver_sql(
            f"SELECT pg_current_xact_id_if_assigned()::text, (SELECT max(id) FROM audit_entries WHERE {SEEN})"  # noqa: S608 (a constant)
        ).one()
        return None if own is not None else last
    own_state = _sqlite_reader(connection)
    if own_state is None:
        return None
    token, changes = own_state
    last = session.scalar(select(func.max(AuditEntry.id)).where(text(SEEN)))
    return (token, last, changes)


def cached(session: Session, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``key`` at the data's current version, computed at most once per version."""
    version = data_version(session)
    if version is None:
        return compute()
    slot = (name, key, version)
    with _lock:
        if slot in _figures:
            _figures.move_to_end(slot)
            return _figures[slot]
    result = compute()
    with _lock:
        _figures[slot] = result
        while len(_figures) > SIZE:
            _figures.popitem(last=False)
    return result


def clear() -> None:
    with _lock:
        _figures.clear()
