"""Upgrading an empty database through every migration gives exactly the models' schema, and back."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import fundapp.models  # noqa: F401
from fundapp import migrate
from fundapp.db import Base, make_engine
from tests.conftest import _recreate_database, test_database_url


@pytest.fixture()
def scratch_url():
    url = test_database_url()
    url = url.replace(".sqlite3", "-migrations.sqlite3") if url.startswith("sqlite") else url + "_migrations"
    _recreate_database(url)
    return url


def _diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(scratch_url):
    migrate.upgrade(scratch_url)
    assert _diff(scratch_url) == []


def test_every_migration_downgrades_to_an_empty_database_and_upgrades_again(scratch_url):
    migrate.upgrade(scratch_url)
    migrate.downgrade(scratch_url, "base")
    engine = make_engine(scratch_url)
    leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert leftover == set()
    migrate.upgrade(scratch_url)
    assert _diff(scratch_url) == []


def test_the_first_migration_seeds_the_impactpad_themes(scratch_url):
    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    with engine.connect() as connection:
        codes = {row[0] for row in connection.exec_driver_sql("SELECT code FROM themes")}
    engine.dispose()
    assert {"arbeidsparticipatie", "circulaire_economie", "duurzame_waardeketen"} <= codes
