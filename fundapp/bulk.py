"""Many rows into one table at the database's own speed (a claim stores up to 100,000 lines in one go).

Each value goes through its column's own bind processor, so it is stored exactly as the ORM stores it (money in
cents on SQLite, dates as text there, enums by value); the rows then go in by COPY on PostgreSQL and by one
executemany on SQLite, in the session's transaction. What this skips is SQLAlchemy's per-row statement work,
which for a large insert costs more than the database does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Date, Table, func, insert, select
from sqlalchemy.orm import Session

from fundapp.db import ExactDecimal

# Types whose equal values are stored alike (Decimal("1.0") == Decimal("1.00"): both are the same cents), so a
# value's stored form is worked out once per distinct value: a claim's lines repeat few prices and dates.
_SAME_STORED_IF_EQUAL = (ExactDecimal, Date)


def _memo(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    known: dict[Any, Any] = {}

    def stored(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = result = process(value)
            return result

    return stored


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    as_stored: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (values in the order of ``columns``); the columns named in ``as_stored`` already hold what
    the database stores (JSON text a caller built once for many rows, say) and are passed on as they are."""
    connection = session.connection()
    dialect = connection.dialect
    processors = [
        (i, _memo(process) if isinstance(table.c[name].type, _SAME_STORED_IF_EQUAL) else process)
        for i, name in enumerate(columns)
        if name not in as_stored and (process := table.c[name].type._cached_bind_processor(dialect)) is not None
    ]

    def stored(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, process in processors:
            values[i] = process(values[i])
        return values

    # Identifiers only, each a column of the table (table.c[name] above), quoted by the dialect; values are bound.
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(table.c[name].name) for name in columns)})"
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's own
        with cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(stored(row))
        return
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {target} VALUES ({marks})"  # noqa: S608 - see above
    connection.exec_driver_sql(insert, [tuple(stored(row)) for row in rows])


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
