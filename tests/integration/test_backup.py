"""Backup and restore move the whole database between SQLite and PostgreSQL without loss."""

from __future__ import annotations

import io
import os
import tempfile

import pytest

from fundapp import backup, migrate
from fundapp.db import make_engine
from tests.conftest import _checkout, _recreate_database, test_database_url

POSTGRES = os.environ.get("FUNDAPP_TEST_DATABASE_URL", "")


def _sqlite_path(name: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return os.path.join(tempfile.gettempdir(), f"fundapp-{os.getuid()}-{_checkout()}-{worker}-{name}.sqlite3")


def _scratch(name: str) -> str:
    base = test_database_url()
    url = f"{base}_{name}" if base.startswith("postgresql") else f"sqlite:///{_sqlite_path(name)}"
    _recreate_database(url)
    migrate.upgrade(url)
    return url


def _sqlite(name: str) -> str:
    url = f"sqlite:///{_sqlite_path(name)}"
    _recreate_database(url)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="module")
def filled_source(app):
    """A database with the whole demo world in it (loans, reports, contracts, claims, audit trail)."""
    from fundapp import create_app
    from fundapp.db import session_scope
    from fundapp.demo import load_demo
    from tests.conftest import test_config

    url = _sqlite("backup-source")
    source_app = create_app(test_config(DATABASE_URL=url))
    with source_app.app_context(), session_scope(source_app) as session:
        load_demo(session)
    source_app.extensions["fundapp.db"].engine.dispose()
    return url


def _round_trip(source_url: str, target_url: str) -> tuple[dict, dict, dict]:
    source, target = make_engine(source_url), make_engine(target_url)
    buffer = io.BytesIO()
    with source.connect() as connection:
        counts = backup.create(connection, buffer)
        before = backup.table_digest(connection)
    buffer.seek(0)
    with target.begin() as connection:
        backup.restore(connection, buffer)
    with target.connect() as connection:
        after = backup.table_digest(connection)
    source.dispose()
    target.dispose()
    return counts, before, after


def test_a_backup_restored_into_another_sqlite_database_holds_every_row_of_every_table(filled_source):
    counts, before, after = _round_trip(filled_source, _sqlite("backup-target"))
    assert counts["loans"] > 0 and counts["claim_lines"] > 0 and counts["kpi_participants"] > 0
    assert counts["audit_entries"] > 100
    assert after == before


@pytest.mark.skipif(not POSTGRES.startswith("postgresql"), reason="needs PostgreSQL (FUNDAPP_TEST_DATABASE_URL)")
def test_sqlite_to_postgresql_and_back_loses_nothing(filled_source):
    postgres = _scratch("backup-pg")
    _counts, before, in_postgres = _round_trip(filled_source, postgres)
    assert in_postgres == before
    _counts, _same, back_in_sqlite = _round_trip(postgres, _sqlite("backup-back"))
    assert back_in_sqlite == before


def test_the_restored_audit_trail_still_verifies_and_new_rows_get_new_ids(filled_source):
    from sqlalchemy.orm import Session

    from fundapp import audit
    from fundapp.funds.models import Fund

    target = _sqlite("backup-audit")
    _round_trip(filled_source, target)
    engine = make_engine(target)
    with Session(engine) as session, session.begin():
        assert audit.verify_chain(session).ok
        fund = Fund(name="After restore", region="Utrecht", description="", currency="EUR")
        session.add(fund)
        session.flush()
        assert fund.id > 2
    engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(filled_source):
    buffer = io.BytesIO()
    engine = make_engine(filled_source)
    with engine.connect() as connection:
        backup.create(connection, buffer)
    buffer.seek(0)
    with pytest.raises(backup.BackupError, match="empty database"), engine.begin() as connection:
        backup.restore(connection, buffer)
    engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup():
    target = _sqlite("backup-garbage")
    engine = make_engine(target)
    with pytest.raises((backup.BackupError, OSError)), engine.begin() as connection:
        backup.restore(connection, io.BytesIO(b"not a backup at all"))
    engine.dispose()


def test_the_cli_creates_and_restores_a_backup(filled_source, tmp_path):
    from fundapp import create_app
    from tests.conftest import test_config

    file = tmp_path / "fundapp.backup.gz"
    source_app = create_app(test_config(DATABASE_URL=filled_source))
    result = source_app.test_cli_runner().invoke(args=["backup", "create", str(file)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    target_app = create_app(test_config(DATABASE_URL=_sqlite("backup-cli")))
    result = target_app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert result.exit_code == 0, result.output
    again = target_app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert again.exit_code != 0 and "empty database" in again.output
