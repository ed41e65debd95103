"""`backup create` and `backup restore` carry the documents' files (and the uploaded portfolio workbooks) with the
database."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import pytest

from fundapp import backup
from fundapp.db import make_engine
from fundapp.documents import services
from fundapp.documents.storage import LocalFileStore
from fundapp.portfolio_import.models import PortfolioImport
from tests.documents_files import PDF, PNG
from tests.factories import ACTOR as SYSTEM
from tests.factories import ADMIN_SCOPE
from tests.integration.test_backup import _sqlite
from tests.portfolio_factories import simple_workbook


def test_a_backup_restored_elsewhere_holds_the_documents_rows_and_their_files(tmp_path: Any) -> None:
    from fundapp import create_app
    from fundapp.db import session_scope
    from tests.conftest import test_config
    from tests.factories import make_world

    source_url, target_url = _sqlite("documents-source"), _sqlite("documents-target")
    source_files, target_files = tmp_path / "source-files", tmp_path / "target-files"
    source_app = create_app(test_config(DATABASE_URL=source_url, FILES_DIR=str(source_files)))
    with source_app.app_context(), session_scope(source_app) as session:
        world = make_world(session)
        store = source_app.extensions["fundapp.files"]
        agreement = services.attach(session, SYSTEM, world.loan_a, PDF, "agreement.pdf", "loan_agreement", store, 10**6)
        scan = services.attach(session, SYSTEM, world.investee_a, PNG, "kvk.png", "kvk_extract", store, 10**6)
        services.delete(session, SYSTEM, ADMIN_SCOPE, scan, "an old extract")
        portfolio = simple_workbook("99887744")
        queued = PortfolioImport(fund_id=world.fund_a.id, file_sha256=store.put(portfolio), file_name="p.xlsx")
        session.add(queued)
        hashes = {agreement.sha256, scan.sha256, queued.file_sha256}
    file = tmp_path / "fundapp.backup.gz"
    made = source_app.test_cli_runner().invoke(args=["backup", "create", str(file)])
    assert made.exit_code == 0, made.output
    assert "and 3 files" in made.output

    target_app = create_app(test_config(DATABASE_URL=target_url, FILES_DIR=str(target_files)))
    restored = target_app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert restored.exit_code == 0, restored.output
    assert "and 3 files" in restored.output

    target = LocalFileStore(target_files)
    assert {target.get(sha) for sha in hashes} == {PDF, PNG, portfolio}
    source_engine, target_engine = make_engine(source_url), make_engine(target_url)
    with source_engine.connect() as before, target_engine.connect() as after:
        assert backup.table_digest(after)["documents"] == backup.table_digest(before)["documents"]
        assert len(backup.table_digest(after)["documents"]) == 2
    source_engine.dispose()
    target_engine.dispose()
    for application in (source_app, target_app):
        application.extensions["fundapp.db"].engine.dispose()


def test_a_damaged_file_in_a_backup_stops_the_restore(tmp_path: Any) -> None:
    engine = make_engine(_sqlite("documents-damaged"))
    with engine.connect() as connection:
        revision = backup._revision(connection)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as stream:
        stream.write((json.dumps({"format": backup.FORMAT, "revision": revision, "tables": []}) + "\n").encode())
        stream.write((json.dumps({"f": "0" * 64, "b": "aGVsbG8="}) + "\n").encode())
    buffer.seek(0)
    with pytest.raises(backup.BackupError, match="does not match its hash"), engine.begin() as connection:
        backup.restore(connection, buffer, LocalFileStore(tmp_path))
    engine.dispose()
    assert not any(tmp_path.iterdir())
