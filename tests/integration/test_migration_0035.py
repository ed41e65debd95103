"""Migration 0035 keeps a participant row's events on the row (no table of their own) and drops its investee_id
(the submission's investee); the downgrade builds both again."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fundapp import migrate
from fundapp.db import make_engine
from fundapp.impact.models import Participant
from tests.factories import make_plan, make_submission
from tests.integration.test_migrations import scratch_url  # noqa: F401 - the fixture

JOB = "LP-EMPLOYED-HEADCOUNT"
STARTED = "LP-PLACEMENTS-STARTED"


def _rows(url: str, query: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query)).all()
    engine.dispose()
    return sorted(tuple(row) for row in rows)


def _events(url: str) -> dict[str, list[list[str]]]:
    engine = make_engine(url)
    with Session(engine) as session:
        events = dict(session.execute(sa.select(Participant.reference, Participant.events)).all())
    engine.dispose()
    return events


def test_the_downgrade_rebuilds_the_event_rows_and_each_rows_investee_and_the_upgrade_keeps_them_on_the_row(
    scratch_url,  # noqa: F811
):
    from tests.factories import make_world

    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    started = date(2025, 4, 1)
    with Session(engine) as session:
        world = make_world(session)
        a, b = world.investee_a, world.investee_b
        make_plan(session, a)
        make_plan(session, b)
        two = [JOB, date(2026, 2, 3), STARTED, date(2026, 1, 9)]
        make_submission(session, a, participants=[["D-1", started, None, None, None, *two], ["D-2", started]])
        make_submission(session, b, participants=[["D-3", started, None, None, None, JOB, date(2026, 3, 1)]])
        session.commit()
        expected = [("D-1", a.id), ("D-2", a.id), ("D-3", b.id)]
    engine.dispose()
    events = {
        "D-1": [[JOB, "2026-02-03"], [STARTED, "2026-01-09"]],
        "D-2": [],
        "D-3": [[JOB, "2026-03-01"]],
    }
    assert _events(scratch_url) == events
    rows = "SELECT id, submission_id, reference, start_date, row FROM kpi_participants"
    before = _rows(scratch_url, rows)

    migrate.downgrade(scratch_url, "0033")
    assert _rows(scratch_url, "SELECT reference, investee_id FROM kpi_participants") == expected
    assert _rows(scratch_url, rows) == before
    stored = "SELECT reference, code, achieved_on FROM kpi_participant_events ORDER BY id"
    engine = make_engine(scratch_url)
    with engine.connect() as connection:
        one_by_one = [tuple(row) for row in connection.execute(sa.text(stored))]
    engine.dispose()
    assert [(who, code, str(on)) for who, code, on in one_by_one] == [
        (who, code, on) for who, happened in events.items() for code, on in happened
    ]

    migrate.upgrade(scratch_url)
    assert _rows(scratch_url, rows) == before
    assert _events(scratch_url) == events
    engine = make_engine(scratch_url)
    assert "investee_id" not in {c["name"] for c in sa.inspect(engine).get_columns("kpi_participants")}
    engine.dispose()
