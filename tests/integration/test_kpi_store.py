"""A KPI upload stores its participant rows and events in bulk (fundapp.bulk): the database then holds exactly
what the ORM stored for the same parsed rows, on generated submissions."""

from __future__ import annotations

import gc
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, insert, inspect, select, text

from fundapp.impact import spreadsheets as sheets
from fundapp.impact import submissions as subs
from fundapp.impact.models import Participant, Submission, SubmissionStatus
from fundapp.impact.spreadsheets import ParsedSubmission
from fundapp.impact.spreadsheets.model import ParticipantRow
from tests.factories import make_plan, make_submission

START = date(2024, 1, 1)
days = st.integers(0, 900).map(lambda n: START + timedelta(days=n))
hours = st.one_of(st.none(), st.decimals(0, 60, places=2).map(lambda d: abs(d) if d == 0 else d))
events = st.lists(st.tuples(st.sampled_from(("EV01", "JOB6", "Ü-1")), days), max_size=6).map(tuple)
people = st.lists(
    st.tuples(
        days,
        st.one_of(st.none(), st.sampled_from(("bijstand", "ww", "wajong", "none"))),
        st.one_of(st.none(), st.integers(0, 600)),
        hours,
        events,
    ),
    max_size=40,
)


def _parsed(investee_id: int, rows) -> ParsedSubmission:
    participants = tuple(
        ParticipantRow(f"D-{n:05d}-ë", start, benefit, months, hours, happened, n + 3)
        for n, (start, benefit, months, hours, happened) in enumerate(rows)
    )
    return ParsedSubmission(investee_id, "2026-Q1", "1", (), participants)


def _store_by_orm(session, submission: Submission, parsed: ParsedSubmission) -> None:
    """The ORM's own bulk insert of the same rows: the reference the fast store must match."""
    participants = [
        {
            "submission_id": submission.id,
            "reference": p.reference,
            "start_date": p.start_date,
            "benefit_type": p.benefit_type,
            "months_on_benefit": p.months_on_benefit,
            "hours_per_week": p.hours_per_week,
            "row": p.row,
            "events": [[code, on.isoformat()] for code, on in p.events],
        }
        for p in parsed.participants
    ]
    if participants:
        session.execute(insert(Participant), participants)
    session.flush()


def _raw(session, submission_id: int) -> list[tuple]:
    """The rows as the database holds them (a text query: no column types between, quantities scaled on SQLite,
    the events' JSON text as stored)."""
    names = ", ".join(c.name for c in Participant.__table__.c if c.name not in ("id", "submission_id"))
    events = "CAST(events AS TEXT)" if session.get_bind().dialect.name == "postgresql" else "events"
    query = text(
        f"SELECT {names.replace('events', events)} FROM kpi_participants WHERE submission_id = :id ORDER BY id"
    )
    return [tuple(row) for row in session.execute(query, {"id": submission_id})]


def _draft(session, investee_id: int, version: int) -> Submission:
    submission = Submission(
        investee_id=investee_id,
        period="2026-Q1",
        version=version,
        status=SubmissionStatus.SUPERSEDED,
        file_name="kpi.xlsx",
        file_sha256="0" * 64,
        template_version="1",
        participant_count=0,
    )
    session.add(submission)
    session.flush()
    return submission


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=people)
def test_participants_and_events_stored_in_bulk_are_the_rows_the_orm_stores_for_the_same_upload(
    db_session, world, rows
):
    investee = world.investee_a
    parsed = _parsed(investee.id, rows)
    version = 100 * (1 + (db_session.scalar(text("SELECT COUNT(*) FROM kpi_submissions")) or 0))
    by_orm, in_bulk = _draft(db_session, investee.id, version), _draft(db_session, investee.id, version + 1)
    _store_by_orm(db_session, by_orm, parsed)
    subs._store_rows(db_session, in_bulk, parsed)
    assert _raw(db_session, in_bulk.id) == _raw(db_session, by_orm.id)
    assert len(_raw(db_session, in_bulk.id)) == len(rows)
    stored = db_session.scalars(select(Participant).where(Participant.submission_id == in_bulk.id).order_by("id"))
    assert [(p.reference, p.start_date, p.hours_per_week, p.events) for p in stored] == [
        (p.reference, p.start_date, p.hours_per_week, [[code, on.isoformat()] for code, on in p.events])
        for p in parsed.participants
    ]


def test_a_kpi_upload_stores_its_participants_and_their_events_in_sheet_order(db_session, world):
    make_plan(db_session, world.investee_a)
    submission = make_submission(
        db_session,
        world.investee_a,
        participants=[
            ["D-2", date(2025, 3, 1), "ww", 4, Decimal("12.5"), "LP-EMPLOYED-HEADCOUNT", date(2026, 2, 1)],
            ["d-1", date(2025, 4, 1), None, None, None],
        ],
    )
    where = Participant.submission_id == submission.id
    stored = db_session.execute(
        select(
            Participant.reference,
            Participant.start_date,
            Participant.benefit_type,
            Participant.months_on_benefit,
            Participant.hours_per_week,
            Participant.row,
        )
        .where(where)
        .order_by(Participant.id)
    ).all()
    assert [tuple(row) for row in stored] == [
        ("D-2", date(2025, 3, 1), "ww", 4, Decimal("12.5"), 5),
        ("D-1", date(2025, 4, 1), None, None, None, 6),
    ]
    events = db_session.scalars(select(Participant.events).where(where).order_by(Participant.id)).all()
    assert events == [[["LP-EMPLOYED-HEADCOUNT", "2026-02-01"]], []]


def test_storing_thousands_of_participant_rows_and_their_events_takes_two_statements_whatever_their_number(
    db_session, world
):
    people = [
        (START + timedelta(days=n % 300), None if n % 2 else "ww", n % 40, Decimal("32"), (("EV01", START),) * 3)
        for n in range(3000)
    ]
    parsed = _parsed(world.investee_a.id, people)
    submission = _draft(db_session, world.investee_a.id, 1)
    inserts: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    engine = db_session.connection().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        subs._store_rows(db_session, submission, parsed)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # SQLite: whole chunks of rows in one executemany, the rest in one more; COPY on PostgreSQL does not pass here
    assert len(inserts) <= 2
    stored = db_session.scalars(select(Participant.events).where(Participant.submission_id == submission.id)).all()
    assert sum(map(len, stored)) == 9000


def test_a_kpi_upload_reads_and_stores_with_the_collector_paused_and_turns_it_on_again_after_a_refused_file(
    db_session, world, monkeypatch
):
    make_plan(db_session, world.investee_a)
    seen = []
    plain_parse, plain_store = sheets.parse_submission, subs._store_rows

    def parse(*args, **kwargs):
        seen.append(("parse", gc.isenabled()))
        return plain_parse(*args, **kwargs)

    def store(*args, **kwargs):
        seen.append(("store", gc.isenabled()))
        return plain_store(*args, **kwargs)

    monkeypatch.setattr(sheets, "parse_submission", parse)
    monkeypatch.setattr(subs, "_store_rows", store)
    make_submission(db_session, world.investee_a, participants=[["D-1", date(2025, 4, 1), None, None, None]])
    assert seen == [("parse", False), ("store", False)]
    assert gc.isenabled()
    with pytest.raises(sheets.SpreadsheetInvalid):
        make_submission(db_session, world.investee_a, participants=[["D-1", "not a date", None, None, None]])
    assert gc.isenabled()


def test_participant_rows_and_events_carry_one_index_per_way_they_are_read_and_no_more(db_session):
    inspector = inspect(db_session.connection())
    indexes = [index["column_names"] for index in inspector.get_indexes("kpi_participants")]
    unique = [constraint["column_names"] for constraint in inspector.get_unique_constraints("kpi_participants")]
    assert ["submission_id", "reference"] in unique
    assert ["submission_id"] not in indexes, "the unique index starts with it"
    assert ["submission_id", "row"] in indexes, "a report's rows are still paged in sheet order by an index"
    assert "kpi_participant_events" not in inspector.get_table_names(), "a row's events are kept on the row"


def test_a_participant_row_names_its_submission_only_its_investee_is_the_submissions(db_session):
    """One foreign-key check per stored row: its events have no table (and no foreign key) of their own."""
    inspector = inspect(db_session.connection())
    assert "investee_id" not in {column["name"] for column in inspector.get_columns("kpi_participants")}
    referred = {key["referred_table"] for key in inspector.get_foreign_keys("kpi_participants")}
    assert referred == {"kpi_submissions"}
