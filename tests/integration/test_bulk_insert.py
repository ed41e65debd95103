"""fundapp.bulk stores each value exactly as the ORM stores it (SQLite and PostgreSQL), in the session's transaction."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text

from fundapp import bulk
from fundapp.outcomes.models import ClaimLine, LineStatus
from tests.outcome_factories import make_claim, make_contract, make_result
from tests.statements import recorded_statements

D = Decimal
COLUMNS = ("claim_id", "position", "result_id", "item_code", "participant", "achieved_on", "units", "units_paid")
MONEY = ("price", "gross", "deadweight", "payable")


def _values(claim_id: int, position: int) -> dict:
    return {
        "claim_id": claim_id,
        "position": position,
        "result_id": None,
        "item_code": "JOB6",
        "participant": None if position % 2 else "R-ü 1",
        "achieved_on": date(2026, 2, 28) if position % 2 else None,
        "units": 3,
        "units_paid": 2,
        "price": D("4000.005"),  # more decimals than the column: half-up to the cent, as the ORM stores it
        "gross": D("8000.0"),
        "deadweight": D("0.10"),
        "payable": D("7999.90"),
        "band": None,
        "capped_by": "participant_cap",
        "status": LineStatus.OPEN.value,
        "rejection_reason": "",
    }


def _raw(db_session, claim_id: int, position: int) -> tuple:
    """The row as the database holds it (a text query: no column types between, money in cents on SQLite)."""
    names = ", ".join(c.name for c in ClaimLine.__table__.c if c.name not in ("id", "claim_id", "position"))
    query = text(f"SELECT {names} FROM claim_lines WHERE claim_id = :claim AND position = :position")
    return tuple(db_session.execute(query, {"claim": claim_id, "position": position}).one())


def test_rows_inserted_in_bulk_read_back_exactly_as_the_same_rows_stored_by_the_orm(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=1)
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    pairs = [("deadweight", D("0.10"))]
    for position in (100, 101):
        values = _values(claim.id, position)
        db_session.add(ClaimLine(**values, deductions=[[n, str(a)] for n, a in pairs], by_payer=[["1", "7999.90"]]))
    db_session.flush()
    columns = (*COLUMNS, *MONEY, "band", "capped_by", "status", "rejection_reason", "deductions", "by_payer")
    rows = []
    for position in (200, 201):
        values = _values(claim.id, position)
        text = json.dumps([[n, str(a)] for n, a in pairs])
        rows.append([values[c] for c in columns[:-2]] + [text, json.dumps([["1", "7999.90"]])])
    bulk.insert_rows(db_session, ClaimLine.__table__, columns, rows, as_stored=("deductions", "by_payer"))
    for orm, fast in ((100, 200), (101, 201)):
        by_orm, in_bulk = _raw(db_session, claim.id, orm), _raw(db_session, claim.id, fast)
        assert by_orm == in_bulk
    stored = db_session.scalar(select(ClaimLine).where(ClaimLine.position == 200))
    assert (stored.price, stored.gross, stored.deductions) == (D("4000.01"), D("8000.00"), [["deadweight", "0.10"]])


def test_many_rows_go_in_whole_and_in_order_across_the_statements_they_are_split_into(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=1)
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    count = 2 * bulk._ROWS_PER_STATEMENT + 3  # two whole multi-row statements and a remainder
    columns = (*COLUMNS, *MONEY, "band", "capped_by", "status", "rejection_reason", "deductions", "by_payer")
    positions = [1000 + (7 * at) % count for at in range(count)]  # not in ascending order
    rows = [[_values(claim.id, p)[c] for c in columns[:-2]] + ["[]", "[]"] for p in positions]
    with recorded_statements(db_session) as statements:
        bulk.insert_rows(db_session, ClaimLine.__table__, columns, rows, as_stored=("deductions", "by_payer"))
    # However many rows: at most two statements (COPY on PostgreSQL is one), never one per row or per chunk.
    assert len(statements) <= 2
    query = select(ClaimLine.position, ClaimLine.participant, ClaimLine.price).where(ClaimLine.position >= 1000)
    stored = db_session.execute(query.order_by(ClaimLine.id)).all()
    expected = [(p, None if p % 2 else "R-ü 1", D("4000.01")) for p in positions]
    assert [tuple(row) for row in stored] == expected
