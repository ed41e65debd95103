"""Migration 0035 drops kpi_participants.investee_id (the submission's investee); the downgrade fills it in again."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fundapp import migrate
from fundapp.db import make_engine
from tests.factories import make_plan, make_submission
from tests.integration.test_migrations import scratch_url  # noqa: F401 - the fixture


def _rows(url: str, query: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query)).all()
    engine.dispose()
    return sorted(tuple(row) for row in rows)


def test_the_downgrade_gives_each_participant_row_its_submissions_investee_and_the_upgrade_drops_it_again(
    scratch_url,  # noqa: F811
):
    from tests.factories import make_world

    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    with Session(engine) as session:
        world = make_world(session)
        for investee, people in ((world.investee_a, ["D-1", "D-2"]), (world.investee_b, ["D-3"])):
            make_plan(session, investee)
            make_submission(
                session, investee, participants=[[who, date(2025, 4, 1), None, None, None] for who in people]
            )
        session.commit()
        a, b = world.investee_a.id, world.investee_b.id
        expected = [("D-1", a), ("D-2", a), ("D-3", b)]
    engine.dispose()
    rows = "SELECT id, submission_id, reference, start_date, row FROM kpi_participants"
    before = _rows(scratch_url, rows)

    migrate.downgrade(scratch_url, "0033")
    assert _rows(scratch_url, "SELECT reference, investee_id FROM kpi_participants") == expected
    assert _rows(scratch_url, rows) == before

    migrate.upgrade(scratch_url)
    assert _rows(scratch_url, rows) == before
    engine = make_engine(scratch_url)
    assert "investee_id" not in {c["name"] for c in sa.inspect(engine).get_columns("kpi_participants")}
    engine.dispose()
