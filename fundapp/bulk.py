"""Many rows into one table at the database's own speed (a claim stores up to 100,000 lines in one go).

Each value goes through its column's own bind processor, so it is stored exactly as the ORM stores it (money in
cents on SQLite, dates as text there, enums by value); the rows then go in by COPY on PostgreSQL and by
multi-row INSERTs on SQLite (at most two statements a part, made in a thread of their own while the caller works
out the next part), in the session's transaction. What this skips is SQLAlchemy's per-row statement work, which
for a large insert costs more than the database does. read_rows is the same the other way round.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Date, Select, Table, func, insert, select
from sqlalchemy.orm import Session

from fundapp import datacache
from fundapp.db import ExactDecimal, begin_transaction

# Types whose equal values are stored alike (Decimal("1.0") == Decimal("1.00"): both are the same cents), so a
# value's stored form is worked out once per distinct value: a claim's lines repeat few prices and dates.
_SAME_STORED_IF_EQUAL = (ExactDecimal, Date)


class _Memo(dict[Any, Any]):
    """Each distinct value's stored form, worked out once; looked up in C for the values seen before."""

    def __init__(self, process: Callable[[Any], Any]):
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        self[value] = stored = self.process(value)
        return stored


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    as_stored: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (values in the order of ``columns``); see insert_columns for ``as_stored``."""
    rows = list(rows)
    if rows:
        insert_columns(session, table, dict(zip(columns, zip(*rows, strict=True), strict=True)), as_stored)


def insert_columns(
    session: Session, table: Table, values_of: Mapping[str, Iterable[Any]], as_stored: Sequence[str] = ()
) -> None:
    """Insert rows given column by column (each column's values in row order, all of one length); the columns
    named in ``as_stored`` already hold what the database stores (JSON text a caller built once for many rows,
    say) and are passed on as they are."""
    with column_writer(session, table, list(values_of), as_stored) as write:
        write(values_of)


@contextmanager
def column_writer(
    session: Session, table: Table, columns: Sequence[str], as_stored: Sequence[str] = ()
) -> Iterator[Callable[[Mapping[str, Iterable[Any]]], None]]:
    """A writer of rows into ``columns`` of ``table``, given part by part as insert_columns takes them (each part
    a mapping of those columns to their values): a caller that works rows out in parts hands each on as it is
    made. On PostgreSQL the parts go into one COPY, so the server stores a part while the caller works out the
    next; the COPY starts with the first part (none, no COPY) and ends when the block does. On SQLite each part
    is inserted as it comes."""
    connection = session.connection()
    dialect = connection.dialect
    converters: list[Callable[[Any], Any] | None] = []
    for name in columns:
        process = table.c[name].type._cached_bind_processor(dialect)
        if process is not None and name not in as_stored:
            memo = isinstance(table.c[name].type, _SAME_STORED_IF_EQUAL)
            # Memos last for the whole writer: a part repeats the prices and dates of the parts before.
            converters.append(_Memo(process).__getitem__ if memo else process)
        else:
            converters.append(None)

    # Identifiers only, each a column of the table (table.c[name] above), quoted by the dialect; values are bound.
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(table.c[name].name) for name in columns)})"

    def stored(values_of: Mapping[str, Iterable[Any]]) -> Iterator[tuple[Any, ...]]:
        if list(values_of) != list(columns):
            raise ValueError(f"a part gives {list(values_of)}, the writer takes {list(columns)}")
        # Column by column, so that the conversion runs in C's map and zip rather than a Python loop per row.
        values = [
            values if convert is None else map(convert, values)
            for convert, values in zip(converters, values_of.values(), strict=True)
        ]
        return zip(*values, strict=True)

    if dialect.name != "postgresql":
        with _InsertsAside(connection, target, len(columns)) as aside:
            yield lambda values_of: aside.insert(list(chain.from_iterable(stored(values_of))))
        return
    with ExitStack() as stack:
        copy: Any = None

        def write(values_of: Mapping[str, Iterable[Any]]) -> None:
            nonlocal copy
            if copy is None:
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's
                # COPY goes around the statement events that tell the transaction wrote (and, in a read-first
                # request, begin it)
                datacache.forget(connection)
                begin_transaction(connection)
                copy = stack.enter_context(cursor.copy(f"COPY {target} FROM STDIN"))
            for row in stored(values_of):
                copy.write_row(row)

        yield write


class _InsertsAside:
    """SQLite inserts a part's rows in a thread of its own while the caller works out the next part: SQLite
    stores rows (its B-trees, foreign-key checks and indexes) without holding Python's lock, so on two cores a
    claim is priced and stored at once, as the COPY does on PostgreSQL. One part is in flight at a time, the
    connection is used by one thread at a time (the caller hands it over until the part is stored), and an error
    of the thread is raised in the caller at the next part or at the end."""

    def __init__(self, connection: Connection, target: str, width: int):
        self.connection, self.target, self.width = connection, target, width
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> _InsertsAside:
        return self

    def __exit__(self, error_type: type[BaseException] | None, *_exc: object) -> None:
        # Before anything else uses the connection, even on an error (the caller rolls back); the caller's own
        # error goes on as it was, whatever the part in flight met.
        self._wait(raising=error_type is None)

    def insert(self, values: list[Any]) -> None:
        self._wait()
        self.thread = threading.Thread(target=self._run, args=(values,), name="fundapp-bulk-insert")
        self.thread.start()

    def _run(self, values: list[Any]) -> None:
        try:
            _insert_on_sqlite(self.connection, self.target, self.width, values)
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc

    def _wait(self, raising: bool = True) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        error, self.error = self.error, None
        if error is not None and raising:
            raise error


# Rows per INSERT on SQLite, at most: fewer where SQLite's limit of bound values in one statement, divided by the
# columns, is lower (1,820 lines of a claim). One statement of many rows costs the per-statement work (Python's
# call, SQLite's step and reset) once per chunk rather than once per row: a claim of 100,000 lines is stored
# some 0.3 s sooner than row by row. Stored aside (_InsertsAside), each statement hands Python's lock back once
# when SQLite has stored its rows, and waits for it (up to Python's switch interval, 5 ms) to go on: with 200
# rows a statement that wait came 500 times a claim and ate the gain of storing aside.
_ROWS_PER_STATEMENT = 2000


def _insert_on_sqlite(connection: Connection, target: str, width: int, values: list[Any]) -> None:
    """The rows (``values`` one row after another, ``width`` to a row) into ``target`` (the quoted table and its
    columns) as a few multi-row INSERTs; each statement's values a slice of the list."""
    if not values:
        return
    driver = connection.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
    per = max(1, min(_ROWS_PER_STATEMENT, limit // width))
    marks = f"({', '.join('?' * width)})"
    step = per * width
    whole = len(values) - len(values) % step
    if whole:
        many = f"INSERT INTO {target} VALUES {', '.join([marks] * per)}"  # noqa: S608 - see insert_columns
        connection.exec_driver_sql(many, [tuple(values[at : at + step]) for at in range(0, whole, step)])
    if whole < len(values):
        rest = [tuple(values[at : at + width]) for at in range(whole, len(values), width)]
        connection.exec_driver_sql(f"INSERT INTO {target} VALUES {marks}", rest)  # noqa: S608 - as above


def read_rows(session: Session, query: Select) -> list[tuple[Any, ...]]:
    """The rows of a select of plain columns as tuples, each value as the ORM reads it (dates from SQLite's text,
    say), converted column by column in C and once per distinct value; what this skips is the per-row Row work.
    Sees what the session has not written yet (it flushes first)."""
    session.flush()
    result = session.connection().execute(query)
    dialect = session.get_bind().dialect
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    if not rows:
        return []
    values: list[Iterable[Any]] = list(zip(*rows, strict=True))
    for i, column in enumerate(query.selected_columns):
        process = column.type._cached_result_processor(dialect, None)
        if process is not None:
            memo = isinstance(column.type, _SAME_STORED_IF_EQUAL)
            values[i] = map(_Memo(process).__getitem__ if memo else process, values[i])
    return list(zip(*values, strict=True))


def insert_with_ids(session: Session, target: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``target`` (an ORM model: column defaults applied and rows grouped by the keys they
    leave None; a table: every row with the same keys, None stored as NULL) and return their ids in row order.

    SQLite has no ordered RETURNING for many rows, so SQLAlchemy would insert them one by one; instead the ids are
    read back: the transaction holds SQLite's only write lock from the insert on, and a writer that came in
    between the read of the highest id and the insert makes the insert fail, so the ids above it are these rows'."""
    if not rows:
        return []
    id_column = getattr(target, "__table__", target).c.id
    if session.get_bind().dialect.name != "sqlite":
        return list(session.scalars(insert(target).returning(id_column, sort_by_parameter_order=True), rows))
    before = session.scalar(select(func.max(id_column))) or 0
    session.execute(insert(target), rows)
    ids = list(session.scalars(select(id_column).where(id_column > before).order_by(id_column)))
    assert len(ids) == len(rows), "another writer inserted rows in this transaction"
    return ids
