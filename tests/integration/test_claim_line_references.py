"""A claim line's references (its claim, its result, the line it corrects) hold on both databases.

SQLite enforces them as foreign keys; PostgreSQL with triggers once per statement (migration 0037, named in
fundapp.db.CHECKED_PER_STATEMENT_ON_POSTGRESQL), so that a claim of 100,000 lines is not checked line by line.
Each test here runs on both and expects what the foreign keys did: a line naming a row that does not exist is
refused (one line among many too, nothing stored), a deleted claim takes its lines, a deleted result leaves its
line without one, a corrected line stays while a line corrects it, a referenced id does not change. The races
with a second transaction are in test_claim_concurrency.py (PostgreSQL only).
"""

from __future__ import annotations

import threading
from datetime import date

import psycopg
import pytest
from sqlalchemy import delete, event, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from fundapp import bulk
from fundapp.db import CHECKED_PER_STATEMENT_ON_POSTGRESQL, schema_comparison
from fundapp.outcomes.models import Claim, ClaimLine, LineStatus, OutcomeResult
from tests.outcome_factories import make_claim, make_contract, make_result

MISSING = 999_999_999


def _line(claim_id: int, position: int, result_id: int | None, corrects_line_id: int | None = None) -> dict:
    return {
        "claim_id": claim_id,
        "position": position,
        "result_id": result_id,
        "corrects_line_id": corrects_line_id,
        "item_code": "JOB6",
        "participant": f"P-{position}",
        "achieved_on": date(2026, 2, 1),
        "units": 1,
        "units_paid": 0,
        "price": 0,
        "band": None,
        "gross": 0,
        "deadweight": 0,
        "deductions": [],
        "capped_by": None,
        "payable": 0,
        "by_payer": [],
        "status": LineStatus.OPEN,
        "rejection_reason": "",
    }


@pytest.fixture()
def claimed(db_session, world):
    """A submitted claim of two verified results, and a third verified result that no line names yet."""
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    for n in range(2):
        make_result(db_session, contract, world.investee_a, participant=f"REF-{n}", achieved_on=date(2026, 2, 1 + n))
    claim = make_claim(db_session, contract, world.investee_a)
    spare = make_result(db_session, contract, world.investee_a, participant="REF-9", achieved_on=date(2026, 5, 1))
    db_session.flush()
    return claim, spare


def _count(session, *where) -> int:
    return session.scalar(select(func.count()).select_from(ClaimLine).where(*where))


def _refused(session, statement, *params) -> None:
    """The statement fails as a foreign key of the line would fail it; on PostgreSQL: with the SQLSTATE of a
    foreign-key violation and the name of one of the references the triggers check (not another table's key)."""
    with pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(statement, *params)
        session.flush()
    if session.get_bind().dialect.name == "postgresql":
        assert refused.value.orig.sqlstate == "23503"
        assert refused.value.orig.diag.constraint_name in CHECKED_PER_STATEMENT_ON_POSTGRESQL


@pytest.mark.parametrize("key", ["claim_id", "result_id", "corrects_line_id"])
def test_a_line_naming_a_missing_row_is_refused_and_its_statement_stores_nothing(db_session, claimed, key):
    claim, spare = claimed
    before = _count(db_session)
    good = _line(claim.id, 10, spare.id)
    bad = {**_line(claim.id, 11, None), key: MISSING}
    _refused(db_session, ClaimLine.__table__.insert(), [good, bad])
    assert _count(db_session) == before


def test_a_line_among_many_written_in_parts_naming_a_missing_result_stores_none_of_them(db_session, claimed):
    """The path a large claim takes (one COPY on PostgreSQL, fed part by part)."""
    claim, spare = claimed
    before = _count(db_session)
    rows = [_line(claim.id, 100 + n, spare.id if n == 0 else None) for n in range(50)]
    rows[37]["result_id"] = MISSING
    columns = list(rows[0])
    # The COPY goes around SQLAlchemy's statement handling: psycopg's own error, as a foreign key's would be.
    with pytest.raises((IntegrityError, psycopg.IntegrityError)), db_session.begin_nested():
        with bulk.column_writer(db_session, ClaimLine.__table__, columns) as write:
            for part in (rows[:20], rows[20:]):
                write({name: [row[name] for row in part] for name in columns})
        db_session.flush()
    assert _count(db_session) == before


def _parts(rows: list[dict], size: int):
    columns = list(rows[0])
    for at in range(0, len(rows), size):
        yield {name: [row[name] for row in rows[at : at + size]] for name in columns}


def test_on_sqlite_a_refused_part_stops_the_writer_at_the_next_part_and_stores_nothing(db_session, claimed):
    """On SQLite a part is stored in a thread of its own while the caller works out the next: its error comes at
    the caller's next part (the caller stops there), and nothing of the parts before it stays."""
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's COPY reports at its end (the test above)")
    claim, _spare = claimed
    before = _count(db_session)
    rows = [_line(claim.id, 100 + n, None) for n in range(30)]
    rows[13]["result_id"] = MISSING  # in the second part
    handed = []
    writer = bulk.column_writer(db_session, ClaimLine.__table__, list(rows[0]))
    with pytest.raises(IntegrityError), db_session.begin_nested(), writer as write:
        for part in _parts(rows, 10):
            write(part)
            handed.append(len(part["position"]))
    assert handed == [10, 10]  # the third part was not worked on: the second's error came first
    assert _count(db_session) == before
    db_session.execute(select(1))  # the connection is the caller's again


def test_on_sqlite_the_callers_own_error_goes_on_whatever_the_part_in_flight_met(db_session, claimed):
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores the parts by COPY")
    claim, _spare = claimed
    before = _count(db_session)
    rows = [_line(claim.id, 100 + n, None) for n in range(10)]
    rows[4]["result_id"] = MISSING  # refused in the thread while the caller fails on its own
    writer = bulk.column_writer(db_session, ClaimLine.__table__, list(rows[0]))
    with pytest.raises(ValueError, match="the caller's"), db_session.begin_nested(), writer as write:
        write(next(_parts(rows, 10)))
        raise ValueError("the caller's")
    assert _count(db_session) == before


def test_on_sqlite_the_parts_are_stored_aside_in_order_and_all_there_when_the_writer_ends(db_session, claimed):
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores the parts by COPY")
    claim, _spare = claimed
    rows = [_line(claim.id, 1000 + (7 * n) % 45, None) for n in range(45)]  # positions not in order
    threads = []

    def note(_connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO claim_lines"):
            threads.append(threading.get_ident())

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        with bulk.column_writer(db_session, ClaimLine.__table__, list(rows[0])) as write:
            for part in _parts(rows, 20):
                write(part)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(threads) == 3 and threading.get_ident() not in threads
    stored = db_session.scalars(select(ClaimLine.position).where(ClaimLine.position >= 1000).order_by(ClaimLine.id))
    assert list(stored) == [row["position"] for row in rows]


def test_lines_naming_rows_that_exist_are_stored(db_session, claimed):
    claim, spare = claimed
    first = claim.lines[0]
    db_session.execute(ClaimLine.__table__.insert(), [_line(claim.id, 10, spare.id, corrects_line_id=first.id)])
    assert _count(db_session, ClaimLine.corrects_line_id == first.id) == 1


def test_a_deleted_claim_takes_its_lines(db_session, claimed):
    claim, _spare = claimed
    claim_id = claim.id
    assert _count(db_session, ClaimLine.claim_id == claim_id) == 2
    db_session.expunge_all()
    db_session.execute(delete(Claim).where(Claim.id == claim_id))
    assert _count(db_session, ClaimLine.claim_id == claim_id) == 0


def test_a_deleted_result_leaves_its_line_without_a_result(db_session, claimed):
    claim, _spare = claimed
    line_id, result_id = claim.lines[0].id, claim.lines[0].result_id
    other = claim.lines[1].result_id
    db_session.expunge_all()
    db_session.execute(delete(OutcomeResult).where(OutcomeResult.id == result_id))
    assert db_session.scalar(select(ClaimLine.result_id).where(ClaimLine.id == line_id)) is None
    assert _count(db_session, ClaimLine.result_id == other) == 1  # the other line keeps its result


def test_a_corrected_line_stays_while_a_line_corrects_it(db_session, claimed):
    claim, spare = claimed
    corrected = claim.lines[0].id
    db_session.execute(ClaimLine.__table__.insert(), [_line(claim.id, 10, spare.id, corrects_line_id=corrected)])
    _refused(db_session, delete(ClaimLine).where(ClaimLine.id == corrected))
    assert _count(db_session, ClaimLine.id == corrected) == 1
    # The correction gone first, the corrected line may go.
    db_session.execute(delete(ClaimLine).where(ClaimLine.corrects_line_id == corrected))
    db_session.execute(delete(ClaimLine).where(ClaimLine.id == corrected))
    assert _count(db_session, ClaimLine.id == corrected) == 0


def test_a_claim_whose_lines_another_claim_corrects_is_not_deleted(db_session, claimed, world):
    claim, spare = claimed
    later = make_claim(db_session, claim.contract, world.investee_a, "2026-Q2", submit=False)  # claims the spare
    assert [line.result_id for line in later.lines] == [spare.id]
    db_session.execute(ClaimLine.__table__.insert(), [_line(later.id, 10, None, corrects_line_id=claim.lines[0].id)])
    claim_id = claim.id
    db_session.expunge_all()
    _refused(db_session, delete(Claim).where(Claim.id == claim_id))
    assert _count(db_session, ClaimLine.claim_id == claim_id) == 2


@pytest.mark.parametrize("key", ["claim_id", "result_id", "corrects_line_id"])
def test_a_line_changed_to_name_a_missing_row_is_refused(db_session, claimed, key):
    claim, _spare = claimed
    line_id = claim.lines[1].id
    db_session.expunge_all()
    _refused(db_session, update(ClaimLine).where(ClaimLine.id == line_id).values({key: MISSING}))
    assert db_session.scalar(select(getattr(ClaimLine, key)).where(ClaimLine.id == line_id)) != MISSING


def test_a_line_changed_to_name_another_existing_row_is_stored(db_session, claimed):
    claim, spare = claimed
    line_id, corrected = claim.lines[1].id, claim.lines[0].id
    db_session.expunge_all()
    db_session.execute(
        update(ClaimLine).where(ClaimLine.id == line_id).values(result_id=spare.id, corrects_line_id=corrected)
    )
    assert db_session.execute(
        select(ClaimLine.result_id, ClaimLine.corrects_line_id).where(ClaimLine.id == line_id)
    ).one() == (spare.id, corrected)


@pytest.mark.parametrize("table", ["claims", "outcome_results", "claim_lines"])
def test_an_id_that_a_line_names_is_not_changed(db_session, claimed, table):
    claim, spare = claimed
    first = claim.lines[0]
    named = {"claims": claim.id, "outcome_results": first.result_id, "claim_lines": first.id}[table]
    if table == "claim_lines":
        db_session.execute(ClaimLine.__table__.insert(), [_line(claim.id, 10, spare.id, corrects_line_id=first.id)])
    db_session.expunge_all()
    _refused(db_session, text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"new": MISSING, "old": named})


def test_postgresql_checks_exactly_the_named_references_per_statement_and_sqlite_as_foreign_keys(db_session):
    connection = db_session.connection()
    dialect = connection.dialect.name
    keys = {fk["name"] for fk in inspect(connection).get_foreign_keys("claim_lines")}
    declared = {fk.name for fk in ClaimLine.__table__.foreign_key_constraints}
    assert declared == CHECKED_PER_STATEMENT_ON_POSTGRESQL  # the models keep every one of them
    if dialect == "postgresql":
        assert keys & CHECKED_PER_STATEMENT_ON_POSTGRESQL == set()
        triggers = set(
            connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'claim_lines_%'")
            ).scalars()
        )
        assert {"claim_lines_check_inserted", "claim_lines_go_with_claims", "claim_lines_keep_corrected"} <= triggers
    else:
        assert {fk["referred_table"] for fk in inspect(connection).get_foreign_keys("claim_lines")} == {
            "claims",
            "outcome_results",
            "claim_lines",
        }


def test_the_schema_comparison_leaves_out_only_those_foreign_keys_and_only_on_postgresql():
    name = next(iter(CHECKED_PER_STATEMENT_ON_POSTGRESQL))
    assert schema_comparison("postgresql")(None, name, "foreign_key_constraint", False, None) is False
    assert schema_comparison("sqlite")(None, name, "foreign_key_constraint", False, None) is True
    assert schema_comparison("postgresql")(
        None, "fk_claims_contract_id_outcome_contracts", "foreign_key_constraint", False, None
    )
    assert schema_comparison("postgresql")(None, name, "index", False, None) is True
