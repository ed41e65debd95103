"""A claim stores, line for line and cent for cent, what the pricing rules read one result at a time give."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from fundapp.outcomes import claims, pricing, pricing_fast
from fundapp.outcomes.models import Claim, ClaimLine, OutcomeResult, ResultStatus
from fundapp.outcomes.terms import contract_terms
from tests.outcome_factories import band, item, make_claim, make_contract


def _random_results(session, contract, investee, count: int, seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        cohort = rng.random() < 0.05
        rows.append(
            {
                "contract_id": contract.id,
                "investee_id": investee.id,
                "item_code": rng.choice(("A", "B", "C", "D")),
                "participant": None if cohort else f"P-{rng.randrange(count // 4):04d}",
                "achieved_on": date(2026, 3, 31) if cohort else date(2026, 1, 1) + timedelta(days=rng.randrange(90)),
                "period": "2026-Q1" if cohort else None,
                "months_on_benefit": rng.choice((None, rng.randrange(48))),
                "units": rng.randrange(1, 4) if cohort else 1,
                "evidence": "seen",
                "status": ResultStatus.VERIFIED.value,
                "rejection_reason": "",
            }
        )
    session.execute(insert(OutcomeResult), rows)


@pytest.mark.parametrize("part", [pricing_fast.PART, 7])  # one part, and 115 parts stored as they are priced
def test_a_claim_stores_the_lines_and_cents_the_rules_give_one_result_at_a_time(db_session, world, monkeypatch, part):
    monkeypatch.setattr(pricing_fast, "PART", part)
    contract = make_contract(
        db_session,
        [(world.payer_a, "70", "90000.00"), (world.payer_b, "30", None)],
        [world.investee_a],
        [
            item("A", "1000.00", price_bands=[band(0, 11, "800.00"), band(12, None, "1333.33")]),
            item("B", "2500.00", prerequisite="A"),
            item("C", "750.50", max_units=40),
            item("D", "3000.00", max_amount=Decimal("45000.00")),
        ],
        participant_cap="4000.00",
        contract_cap="250000.00",
        deadweight_percent="12.5",
    )
    _random_results(db_session, contract, world.investee_a, 800, seed=15)
    db_session.flush()
    prior = claims.prior_usage(db_session, contract)
    claim = make_claim(db_session, contract, world.investee_a, submit=False)

    results = db_session.execute(select(OutcomeResult).where(OutcomeResult.contract_id == contract.id)).scalars()
    expected = pricing.compute_claim_by_rules(
        contract_terms(contract),
        [
            pricing.Result(
                r.item_code,
                f"{r.investee_id}/{r.participant}" if r.participant else None,
                r.achieved_on,
                r.months_on_benefit,
                r.units,
                str(r.id),
            )
            for r in results
        ],
        prior,
    )
    db_session.expire_all()
    stored = db_session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.position))
    as_stored = [
        (
            str(line.result_id),
            line.item_code,
            line.participant,
            line.achieved_on,
            line.units,
            line.units_paid,
            line.price,
            line.band,
            line.gross,
            line.deadweight,
            [tuple(pair) for pair in line.deductions],
            line.capped_by,
            line.payable,
            [tuple(pair) for pair in line.by_payer],
        )
        for line in stored
    ]
    as_priced = [
        (
            line.result_key,
            line.item,
            line.participant and line.participant.split("/", 1)[1],
            line.achieved_on,
            line.units,
            line.units_paid,
            line.price,
            line.band,
            line.gross,
            line.deadweight,
            [(reason, str(amount)) for reason, amount in line.deductions],
            line.capped_by,
            line.payable,
            [(name, str(amount)) for name, amount in line.by_payer],
        )
        for line in expected.lines
    ]
    assert len(as_stored) == 800
    assert as_stored == as_priced
    assert {line[11] for line in as_priced} >= {"participant_cap", "item_units_cap", "duplicate"}  # caps bind
    assert (claim.total_gross, claim.total_payable) == (expected.total_gross, expected.total_payable)


def test_computing_a_claim_writes_its_lines_and_leaves_the_results_rows_untouched(db_session, world):
    from sqlalchemy import event

    codes = [item(code, "1000.00") for code in "ABCD"]
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], codes)
    _random_results(db_session, contract, world.investee_a, 40, seed=32)
    db_session.flush()
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.lstrip().upper())

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        claim = make_claim(db_session, contract, world.investee_a, submit=False)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # Whether a result is claimed is read from its line: a claim of 100,000 results does not rewrite 100,000 rows.
    assert not [s for s in statements if s.startswith(("UPDATE OUTCOME_RESULTS", "INSERT INTO OUTCOME_RESULTS"))]
    claimed = db_session.execute(select(OutcomeResult.id, OutcomeResult.claim_line_id)).all()
    lines = db_session.execute(select(ClaimLine.result_id, ClaimLine.id).where(ClaimLine.claim_id == claim.id)).all()
    assert sorted(claimed) == sorted(lines) and len(lines) == 40


def test_a_large_claim_is_read_priced_and_stored_with_the_collector_paused(db_session, world):
    import gc

    codes = [item(code, "1000.00") for code in "ABCD"]
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], codes)
    _random_results(db_session, contract, world.investee_a, 3000, seed=7)
    db_session.flush()
    passes: list[int] = []

    def seen(phase, info) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        claim = claims.compute_claim(
            db_session, claims.audit.Actor.system("test"), contract, world.investee_a.id, "2026-Q1"
        )
    finally:
        gc.callbacks.remove(seen)
    assert db_session.scalar(select(func.count()).where(ClaimLine.claim_id == claim.id)) == 3000
    # Each pass walks every object made since the last one: one pass once the claim is stored, not one per burst.
    assert len(passes) <= 1


def test_a_claim_whose_storing_fails_part_way_leaves_nothing_and_can_be_computed_again(db_session, world, monkeypatch):
    # The lines are stored part by part while the next part is priced; a part the database refuses (here a line
    # whose result is gone) fails the claim whole: no claim, no line of the parts stored before it.
    codes = [item(code, "1000.00") for code in "ABCD"]
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], codes)
    _random_results(db_session, contract, world.investee_a, 120, seed=5)
    db_session.commit()  # the results stay when the failed claim is rolled back
    monkeypatch.setattr(pricing_fast, "PART", 50)
    columns_of = claims._LineColumns.of
    parts: list[tuple[int, int]] = []

    def second_part_refused(self, lines, start, stop):
        parts.append((start, stop))
        columns = columns_of(self, lines, start, stop)
        if len(parts) == 2:
            columns["result_id"] = [-1] * (stop - start)  # no such result: the foreign key refuses the part
        return columns

    monkeypatch.setattr(claims._LineColumns, "of", second_part_refused)
    actor = claims.audit.Actor.system("test")
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        claims.compute_claim(db_session, actor, contract, world.investee_a.id, "2026-Q1")
    db_session.rollback()
    assert parts[:2] == [(0, 50), (50, 100)]
    assert db_session.scalar(select(func.count()).select_from(Claim).where(Claim.contract_id == contract.id)) == 0
    assert db_session.scalar(select(func.count()).select_from(ClaimLine)) == 0

    monkeypatch.setattr(claims._LineColumns, "of", columns_of)
    claim = claims.compute_claim(db_session, actor, contract, world.investee_a.id, "2026-Q1")
    positions = db_session.scalars(select(ClaimLine.position).where(ClaimLine.claim_id == claim.id))
    assert sorted(positions) == list(range(120))
