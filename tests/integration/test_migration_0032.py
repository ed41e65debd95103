"""Migration 0032 reads whether a result is claimed from the claim lines instead of storing it, and back."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fundapp import migrate
from fundapp.auth.policy import Scope
from fundapp.db import make_engine
from fundapp.outcomes import claims
from fundapp.outcomes.models import OutcomeResult
from tests.integration.test_migrations import scratch_url  # noqa: F401 - the fixture
from tests.outcome_factories import THRESHOLD, make_claim, make_contract, make_result


def _claims_of_every_kind(url: str) -> dict[str, int | None]:
    """Per participant, the line that claims its result: approved, a line rejected at approval, a rejected
    claim, a draft, and a submitted claim with a line rejected while the claim waits for its decision."""
    from tests.factories import make_world

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        world = make_world(session)
        officer = world.user("officer_a")
        scope = Scope.of_user(officer)
        contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
        days = {"P-1": (2026, 2, 1), "P-2": (2026, 2, 2), "P-3": (2026, 5, 1), "P-4": (2026, 8, 1)}
        days |= {"P-5": (2026, 11, 1), "P-6": (2026, 11, 2)}
        for who, day in days.items():
            make_result(session, contract, world.investee_a, participant=who, achieved_on=date(*day))
        decided = make_claim(session, contract, world.investee_a, "2026-Q1")
        claims.reject_line(session, officer, scope, decided, decided.lines[1], "no payslip")
        claims.approve(session, officer, scope, decided, THRESHOLD)
        refused = make_claim(session, contract, world.investee_a, "2026-Q2")
        claims.reject(session, officer, scope, refused, "wrong period")
        make_claim(session, contract, world.investee_a, "2026-Q3", submit=False)
        waiting = make_claim(session, contract, world.investee_a, "2026-Q4")
        claims.reject_line(session, officer, scope, waiting, waiting.lines[1], "no payslip")
        session.commit()
        claimed = {r.participant: r.claim_line_id for r in session.scalars(sa.select(OutcomeResult))}
    engine.dispose()
    return claimed


def _stored(url: str, query: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query)).all()
    engine.dispose()
    return sorted(tuple(row) for row in rows)


def test_the_downgrade_stores_on_each_result_the_line_that_claims_it_and_the_upgrade_reads_it_back(
    scratch_url,  # noqa: F811
):
    claimed = _claims_of_every_kind(scratch_url)
    lines = "SELECT id, result_id FROM claim_lines"
    lines_before = _stored(scratch_url, lines)
    assert [who for who, line in sorted(claimed.items()) if line is not None] == ["P-1", "P-4", "P-5", "P-6"]

    migrate.downgrade(scratch_url, "0030")
    assert dict(_stored(scratch_url, "SELECT participant, claim_line_id FROM outcome_results")) == claimed
    assert _stored(scratch_url, lines) == lines_before  # SQLite builds the results table anew: lines keep theirs

    migrate.upgrade(scratch_url)
    assert _stored(scratch_url, lines) == lines_before
    engine = make_engine(scratch_url)
    with Session(engine) as session:
        assert {r.participant: r.claim_line_id for r in session.scalars(sa.select(OutcomeResult))} == claimed
    engine.dispose()
