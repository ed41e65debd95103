"""Upgrading an empty database through every migration gives exactly the models' schema, and back."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import fundapp.models  # noqa: F401
from fundapp import migrate
from fundapp.db import Base, make_engine, schema_comparison
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
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "include_object": schema_comparison(connection.dialect.name),
            },
        )
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


def test_migration_0013_leaves_rejected_lines_out_of_payable_totals_and_gives_results_their_lines_reason(scratch_url):
    from datetime import date

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from fundapp.auth.policy import Scope
    from fundapp.outcomes import claims
    from tests.factories import make_world
    from tests.outcome_factories import THRESHOLD, make_claim, make_contract, make_result

    # The world is made by today's models, then taken back to 0012 (later migrations' downgrades keep its rows).
    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    with Session(engine) as session:
        world = make_world(session)
        contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
        for n in range(2):
            make_result(session, contract, world.investee_a, participant=f"P-{n}", achieved_on=date(2026, 2, 1 + n))
        claim = make_claim(session, contract, world.investee_a)
        officer = world.user("officer_a")
        claims.reject_line(session, officer, Scope.of_user(officer), claim, claim.lines[1], "no payslip")
        claims.approve(session, officer, Scope.of_user(officer), claim, THRESHOLD)
        claim_id, result_id = claim.id, claim.lines[1].result_id
        session.commit()
    migrate.downgrade(scratch_url, "0012")
    with Session(engine) as session:
        # What the code before 0013 stored: the total of every line (0013's downgrade puts it back, checked below),
        # and a fixed sentence on the rejected result.
        session.execute(text("UPDATE outcome_results SET rejection_reason = 'rejected in the claim by the payer'"))
        session.commit()

    def stored() -> tuple[object, str]:
        with engine.connect() as connection:
            total = connection.execute(text(f"SELECT total_payable FROM claims WHERE id = {claim_id}")).scalar()
            reason = connection.execute(
                text(f"SELECT rejection_reason FROM outcome_results WHERE id = {result_id}")
            ).scalar()
        return total, reason

    before = stored()
    migrate.upgrade(scratch_url, "0013")
    after = stored()
    migrate.downgrade(scratch_url, "0012")
    again = stored()
    engine.dispose()
    cents = 100 if scratch_url.startswith("sqlite") else 1  # SQLite keeps money as cents
    assert before == (8000 * cents, "rejected in the claim by the payer")
    assert after == (4000 * cents, "no payslip")
    assert again == before
