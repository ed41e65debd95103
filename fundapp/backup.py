"""Backup and restore of the whole database, portable between SQLite and PostgreSQL.

A backup is a gzipped JSON-lines file: a header (format, Alembic revision, table
order), then one line per row, values tagged by type (Decimal as its exact
string, dates ISO 8601), so nothing is lost on the way from one database to the
other. Restore goes into an empty, migrated database at the same revision, in
one transaction.

Given the file store, a backup also carries the files the database refers to (documents, kept KPI workbooks):
after the rows, one line per file, ``{"f": sha256, "b": base64}``; restore checks each file against its hash and
puts it into the target's store, so a database and its files move together.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import ColumnElement, Table, func, insert, select, text, update
from sqlalchemy.engine import Connection

import fundapp.models  # noqa: F401 - every table on Base.metadata
from fundapp.db import Base
from fundapp.documents.storage import FileMissing, FileStore

FORMAT = "fundapp-backup/1"
FILES = "(files)"


class BackupError(RuntimeError):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool | dict | list):
        return value.value  # an Enum: its stored value
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$d":
            return Decimal(raw)
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$date":
            return date.fromisoformat(raw)
        if tag == "$b":
            return base64.b64decode(raw)
    return value


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def _enum_safe(table: Table) -> Any:
    """Select the raw stored values (enum columns as strings), keeping exact-decimal and datetime processing."""
    from sqlalchemy import Enum, String, cast

    columns: list[ColumnElement[Any]] = []
    for column in table.columns:
        if isinstance(column.type, Enum):
            columns.append(cast(column, String).label(column.name))
        else:
            columns.append(column)
    return select(*columns).order_by(*table.primary_key.columns)


def _referenced_files(connection: Connection) -> list[str]:
    from fundapp.documents.models import Document
    from fundapp.impact.models import Submission
    from fundapp.portfolio_import.models import PortfolioImport

    documents = select(Document.sha256)
    workbooks = select(Submission.file_sha256).where(Submission.file_sha256 != "")
    # An upload still queued runs after a restore too (a finished one keeps its outcome on its row).
    portfolios = select(PortfolioImport.file_sha256)
    return sorted(set().union(*(connection.scalars(query) for query in (documents, workbooks, portfolios))))


def create(connection: Connection, out: IO[bytes], store: FileStore | None = None) -> dict[str, int]:
    """Write every table of the database to ``out`` (and, given a store, the files its rows refer to); answers the
    row count per table (and the number of files under ``FILES``)."""
    counts: dict[str, int] = {}
    with gzip.GzipFile(fileobj=out, mode="wb") as stream:
        header = {"format": FORMAT, "revision": _revision(connection), "tables": [t.name for t in _tables()]}
        stream.write((json.dumps(header) + "\n").encode())
        for table in _tables():
            count = 0
            for row in connection.execute(_enum_safe(table)).mappings():
                line = {"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}
                stream.write((json.dumps(line, separators=(",", ":")) + "\n").encode())
                count += 1
            counts[table.name] = count
        if store is not None:
            counts[FILES] = _write_files(connection, stream, store)
    return counts


def _write_files(connection: Connection, stream: gzip.GzipFile, store: FileStore) -> int:
    written = 0
    for sha256 in _referenced_files(connection):
        try:
            data = store.get(sha256)
        except FileMissing:
            continue  # a KPI workbook from before files were kept: its row says what it held
        stream.write((json.dumps({"f": sha256, "b": base64.b64encode(data).decode()}) + "\n").encode())
        written += 1
    return written


def _lines(source: IO[bytes]) -> Iterator[dict[str, Any]]:
    with gzip.GzipFile(fileobj=source, mode="rb") as stream:
        for raw in stream:
            if raw.strip():
                yield json.loads(raw)


def restore(connection: Connection, source: IO[bytes], store: FileStore | None = None) -> dict[str, int]:
    """Load a backup into an empty database migrated to the same revision (the caller's one transaction); given a
    store, put the backup's files into it."""
    lines = _lines(source)
    header = next(lines, None)
    if not header or header.get("format") != FORMAT:
        raise BackupError("This is not a fundapp backup file.")
    revision = _revision(connection)
    if header.get("revision") != revision:
        raise BackupError(
            f"The backup is of database revision {header.get('revision')}; this database is at "
            f"{revision}. Run 'flask db upgrade {header.get('revision')}' on an empty database first."
        )
    tables = {t.name: t for t in _tables()}
    _refuse_if_not_empty(connection, tables)
    deferred = _deferred_foreign_keys(tables)
    pending: dict[str, list[dict[str, Any]]] = {}
    later_updates: list[tuple[Table, dict[str, Any]]] = []
    counts: dict[str, int] = {}
    for line in lines:
        if "f" in line:
            _restore_file(line, store)
            counts[FILES] = counts.get(FILES, 0) + 1
            continue
        table = tables.get(line["t"])
        if table is None:
            raise BackupError(f"The backup holds an unknown table {line['t']}.")
        row = {k: _decode(v) for k, v in line["r"].items()}
        for column in deferred.get(table.name, ()):
            if row.get(column) is not None:
                key = {c.name: row[c.name] for c in table.primary_key.columns}
                later_updates.append((table, {**key, column: row[column]}))
                row[column] = None
        pending.setdefault(table.name, []).append(row)
        counts[table.name] = counts.get(table.name, 0) + 1
        if len(pending[table.name]) >= 2000:
            connection.execute(insert(table), pending.pop(table.name))
    for name, rows in pending.items():
        connection.execute(insert(tables[name]), rows)
    for table, values in later_updates:
        key_columns = list(table.primary_key.columns)
        statement = update(table).where(*[c == values[c.name] for c in key_columns])
        connection.execute(
            statement.values({k: v for k, v in values.items() if k not in {c.name for c in key_columns}})
        )
    _reset_sequences(connection, tables)
    return counts


def _restore_file(line: dict[str, Any], store: FileStore | None) -> None:
    data = base64.b64decode(line["b"])
    if hashlib.sha256(data).hexdigest() != line["f"]:
        raise BackupError(f"The backup's file {line['f']} does not match its hash; the backup is damaged.")
    if store is not None:
        store.put(data)


def _deferred_foreign_keys(tables: dict[str, Table]) -> dict[str, tuple[str, ...]]:
    """Columns whose foreign key closes a cycle (declared use_alter): filled in after every row is in."""
    deferred: dict[str, tuple[str, ...]] = {}
    for table in tables.values():
        columns = tuple(
            fk.parent.name
            for fk in table.foreign_keys
            if fk.use_alter or (fk.constraint is not None and fk.constraint.use_alter)
        )
        if columns:
            deferred[table.name] = columns
    return deferred


# Seeded by the migrations themselves; the backup carries them (with any additions), so they are replaced.
REFERENCE_TABLES = ("indicators", "themes")


def _refuse_if_not_empty(connection: Connection, tables: dict[str, Table]) -> None:
    from sqlalchemy import delete

    for table in tables.values():
        if table.name in REFERENCE_TABLES:
            continue
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(
                f"Restore needs an empty database; table {table.name} has rows. "
                "Create a new database and run 'flask db upgrade' first."
            )
    for name in REFERENCE_TABLES:
        connection.execute(delete(tables[name]))


def _reset_sequences(connection: Connection, tables: dict[str, Table]) -> None:
    """PostgreSQL's id sequences must continue after the restored ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables.values():
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and str(keys[0].type) == "INTEGER":
            # Names come from our own metadata, never from input.
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "  # noqa: S608
                    f"COALESCE((SELECT MAX({keys[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )


def table_digest(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as comparable tuples (for the round-trip test and for checking a restore)."""
    result = {}
    for table in _tables():
        rows = connection.execute(_enum_safe(table)).all()
        result[table.name] = [tuple(_normalise(v) for v in row) for row in rows]
    return result


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value
