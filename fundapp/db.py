"""Database: the declarative Base, exact decimal types, engine, sessions and the one commit point.

A web request gets one session (``get_session()``); it is committed once, after
the view succeeded, and rolled back on any error (see ``init_app``). CLI
commands and imports use ``session_scope()``. Nothing else commits.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import BigInteger, DateTime, Enum, MetaData, Numeric, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

from fundapp.money import round_places

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Foreign keys of the models that PostgreSQL checks with triggers once per statement rather than as foreign keys,
# with the same effect (migration 0037): a claim of 100,000 lines is stored with one COPY, and a foreign key's
# check per line (a lookup and a row lock per line and key) was about 0.9 s of its 2 s. SQLite enforces them as
# foreign keys. Tests prove the behaviour on both databases (tests/integration/test_claim_line_references.py).
CHECKED_PER_STATEMENT_ON_POSTGRESQL = frozenset(
    {
        "fk_claim_lines_claim_id_claims",
        "fk_claim_lines_result_id_outcome_results",
        "fk_claim_lines_corrects_line_id_claim_lines",
    }
)


def schema_comparison(dialect_name: str) -> Callable[..., bool]:
    """alembic's ``include_object`` for comparing the models with a database of ``dialect_name``: on PostgreSQL
    the foreign keys checked per statement are left out (the database has triggers in their place)."""

    def include(_object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        return not (
            dialect_name == "postgresql"
            and type_ == "foreign_key_constraint"
            and name in CHECKED_PER_STATEMENT_ON_POSTGRESQL
        )

    return include


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store enum values (not names) as a portable VARCHAR with a CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use fundapp.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator):
    """An exact decimal with a fixed scale: NUMERIC on PostgreSQL, scaled integer on SQLite.

    SQLite has no exact decimal type: it would store NUMERIC as a binary float.
    Storing a scaled integer (cents for money) keeps every value and every
    SUM() exact there too. A value with more decimals than the scale is
    rounded half-up to it when stored.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not stored as exact decimals")
        value = round_places(Decimal(value), self.scale)
        if dialect.name == "sqlite":
            return int(value * self._factor)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return _unscaled(value, -self.scale)
        return round_places(Decimal(value), self.scale)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        exponent = -self.scale
        # The same as process_result_value without the decorator's layers per value: a journal of five years reads
        # hundreds of thousands of amounts.
        return lambda value: None if value is None else _unscaled(value, exponent)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self


def _unscaled(value: Any, exponent: int) -> Decimal:
    """A scaled integer read back: its digits at the scale's exponent, exactly what dividing and rounding gives."""
    return Decimal(int(value)).scaleb(exponent)


def Money() -> ExactDecimal:  # noqa: N802 - reads like a type in model declarations
    return ExactDecimal(18, 2)


def Rate() -> ExactDecimal:  # noqa: N802
    return ExactDecimal(12, 6)


def Quantity() -> ExactDecimal:  # noqa: N802
    return ExactDecimal(18, 4)


def name_taken(session: Session, model: Any, name: str, exclude_id: int | None = None) -> bool:
    """Whether another row of ``model`` has this name, ignoring case (names people tell apart by reading)."""
    from sqlalchemy import func, select

    query = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return session.scalar(query.limit(1)) is not None


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    event.listen(engine, "handle_error", _drop_read_only_connections)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    else:
        event.listen(engine, "before_cursor_execute", _transaction_before_writing)
        event.listen(engine, "commit", _end_reading)
        event.listen(engine, "rollback", _end_reading)
    return engine


# A page or a download (GET) mostly only reads. On PostgreSQL its reads run without a transaction of their own
# until its first statement that writes or locks: each statement sees the data as committed when it starts
# (READ COMMITTED, as inside a transaction), and BEGIN and COMMIT, two round trips to the server, are not sent.
# That first statement (an UPDATE, an INSERT, a SAVEPOINT, a SELECT ... FOR UPDATE, a transaction-scoped advisory
# lock) begins the transaction, so what the request writes is still committed or rolled back as one.
READS_FIRST = "fundapp.reads_first"  # Session.info: this session's transactions begin by reading
READING = "fundapp.reading"  # the connection's info: reading without a transaction now
_LOCKING = ("FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE", "PG_ADVISORY")


def _begin_by_reading(session: Session, transaction: Any, connection: Any) -> None:
    # A savepoint (begin_nested) comes after the transaction it is part of has begun, by its SAVEPOINT statement.
    if session.info.get(READS_FIRST) and connection.dialect.name == "postgresql" and not transaction.nested:
        fairy = connection.connection
        fairy.dbapi_connection.autocommit = True
        fairy.info[READING] = True


def _transaction_before_writing(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if connection.connection.info.get(READING) and _writes(statement):
        begin_transaction(connection)


def _writes(statement: str) -> bool:
    if statement.lstrip()[:6].upper() != "SELECT":
        return True
    upper = statement.upper()
    return any(lock in upper for lock in _LOCKING)


def begin_transaction(connection: Any) -> None:
    """The connection's next statement begins a transaction (for writes that go around the statement events)."""
    fairy = connection.connection
    if fairy.info.pop(READING, None):
        fairy.dbapi_connection.autocommit = False


def _end_reading(connection: Any) -> None:
    if not (connection.invalidated or connection.closed):
        begin_transaction(connection)


@event.listens_for(Pool, "checkin")
def _transactions_again(dbapi_connection: Any, record: Any) -> None:
    """A connection goes back to the pool beginning transactions, whatever its last user did."""
    if record.info.pop(READING, None) and dbapi_connection is not None and not dbapi_connection.closed:
        dbapi_connection.autocommit = False


def _drop_read_only_connections(context: Any) -> None:
    """A connection that found the database read-only stays read-only; the pool must not hand it out again.

    SQLite opens a file it cannot write read-only and keeps it so after the file
    is writable again; a PostgreSQL connection may point at a replica after a
    failover. Treated as a disconnect, the pool is emptied and the next request
    connects afresh, so writes recover without a restart.
    """
    original = context.original_exception
    if getattr(original, "sqlstate", None) == "25006" or "readonly database" in str(original).lower():
        context.is_disconnect = True


CHANGES_AT_BEGIN = "fundapp.changes_at_begin"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs and foreign keys;
    # take over: no implicit transactions, BEGIN emitted by SQLAlchemy.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # A transaction that touches more pages than the page cache holds (a claim of 100,000 results writes
        # some 30 MB) spills them to the log again and again before it commits; 64 MB (the default is 2 MB)
        # keeps such a transaction in memory. It is an upper bound, taken only as pages are read or written.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")
        # What the connection had changed when the transaction began: fundapp/datacache.py tells by it whether
        # this transaction has written rows of its own (its figures are then nobody else's, nor kept).
        conn.connection.info[CHANGES_AT_BEGIN] = conn.connection.dbapi_connection.total_changes


class Database:
    """The engine and session factory of one app; tests may swap the factory."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        event.listen(self.session_factory, "after_begin", _begin_by_reading)

    def new_session(self) -> Session:
        return self.session_factory()


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["fundapp.db"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().new_session()
        if request and request.method in ("GET", "HEAD"):
            g.db_session.info[READS_FIRST] = True
    return g.db_session


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """One transaction for a CLI command or an import: commit on success, roll back on error."""
    session = get_db(app).new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def init_app(app: Flask) -> None:
    app.extensions["fundapp.db"] = Database(app.config["DATABASE_URL"], app.config["SQL_ECHO"])

    @app.after_request
    def _commit_on_success(response: Any) -> Any:
        # The one commit point of a request: only a successful response commits.
        session = g.get("db_session")
        if session is not None:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        return response

    @app.teardown_request
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
