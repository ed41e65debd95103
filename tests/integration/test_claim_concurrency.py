"""Two officers deciding on the same claim at the same moment: exactly one wins, the other gets a 409.

PostgreSQL only (SQLite serialises writers, so there is no race to lose). The usual fixtures run each test
inside one rolled-back transaction, where two requests cannot race, so this module builds its own app on a
database of its own (created and migrated here, dropped at the end), commits its data through
``fundapp.db.session_scope`` and sends the two requests from two threads that a ``threading.Barrier`` releases
together. Each race is run several times, so that a pass is not luck.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fundapp.audit import AuditEntry, verify_chain
from fundapp.auth.models import Role
from fundapp.outcomes.models import Claim, ClaimApproval, ClaimPayerSplit, ClaimStatus
from tests.conftest import test_config, test_database_url

URL = test_database_url()
ROUNDS = 5
# Every race claims 4,000.00 for the same provider and period; the rounds add up, and dual approval counts what
# is already approved, so the threshold sits above all rounds together: one signature decides each race.
THRESHOLD = Decimal("1000000.00")

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="the race needs PostgreSQL (set FUNDAPP_TEST_DATABASE_URL)"
)


def _admin_engine(url: str) -> Any:
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return parsed, create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _drop_database(url: str) -> None:
    parsed, admin = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _create_database(url: str) -> None:
    _drop_database(url)
    parsed, admin = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


@dataclass
class Race:
    app: Any
    contract_id: int
    investee_id: int
    payer_id: int
    officers: list[str]  # API tokens of two officers of the contract's payer
    providers: list[str]  # API tokens of the provider's fund manager and of a member of the provider


@pytest.fixture(scope="module")
def race() -> Iterator[Race]:
    """A committed world on a database of its own: a contract of payer A for investee A, and two officers of A."""
    from fundapp import create_app, migrate
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.auth.services import issue_token
    from fundapp.db import session_scope
    from tests.factories import make_user, make_world
    from tests.outcome_factories import make_contract

    use_fast_hashing_for_tests()
    url = f"{URL}_race"
    _create_database(url)
    app = None
    try:
        migrate.upgrade(url)
        # PROPAGATE_EXCEPTIONS off: a crash answers 500 as in production instead of raising in the thread.
        app = create_app(test_config(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False, CLAIM_DUAL_APPROVAL_ABOVE=THRESHOLD))
        with session_scope(app) as session:
            world = make_world(session)
            second = make_user(session, Role.PAYER_OFFICER, world.payer_a.id)
            contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
            officers = [issue_token(session, u, "race")[1] for u in (world.user("officer_a"), second)]
            providers = [issue_token(session, world.user(r), "race")[1] for r in ("manager_a", "member_a")]
            data = Race(app, contract.id, world.investee_a.id, world.payer_a.id, officers, providers)
        yield data
    finally:
        if app is not None:
            app.extensions["fundapp.db"].engine.dispose()
        _drop_database(url)


def _verified_result(race: Race, n: int, achieved_on: date = date(2026, 2, 1)) -> int:
    from fundapp.db import session_scope
    from fundapp.investees.models import Investee
    from fundapp.outcomes.models import OutcomeContract
    from tests.outcome_factories import make_result

    with session_scope(race.app) as session:
        contract = session.get(OutcomeContract, race.contract_id)
        investee = session.get(Investee, race.investee_id)
        return make_result(session, contract, investee, participant=f"RACE-{n:03d}", achieved_on=achieved_on).id


def _submitted_claim(race: Race, n: int) -> int:
    """A new submitted claim of one verified result (4,000.00: one signature is enough), committed."""
    from fundapp.db import session_scope
    from fundapp.investees.models import Investee
    from fundapp.outcomes.models import OutcomeContract
    from tests.outcome_factories import make_claim

    _verified_result(race, n)
    with session_scope(race.app) as session:
        contract = session.get(OutcomeContract, race.contract_id)
        claim = make_claim(session, contract, session.get(Investee, race.investee_id), "2026-Q1", threshold=THRESHOLD)
        assert claim.status == ClaimStatus.SUBMITTED and claim.total_payable == Decimal("4000.00")
        return claim.id


def _at_once(
    race: Race, tokens: list[str], path: str | list[str], bodies: list[dict[str, Any] | None]
) -> list[tuple[int, Any]]:
    """POST /api/v1<path> (or each token its own path) from one thread per token, released together by a barrier."""
    paths = path if isinstance(path, list) else [path] * len(tokens)
    barrier = threading.Barrier(len(tokens))
    answers: list[Any] = [None] * len(tokens)

    def run(i: int) -> None:
        client = race.app.test_client()
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        warm = client.get(f"/api/v1/outcome-contracts/{race.contract_id}", headers=headers)  # token touched
        assert warm.status_code == 200
        barrier.wait(timeout=30)
        response = client.post(f"/api/v1{paths[i]}", json=bodies[i] or {}, headers=headers)
        answers[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(a is not None for a in answers), answers
    return answers


def _stored(race: Race, claim_id: int) -> dict[str, Any]:
    from fundapp.db import session_scope

    with session_scope(race.app) as session:
        claim = session.get(Claim, claim_id)
        entries = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "Claim", AuditEntry.entity_id == str(claim_id))
        ).all()
        return {
            "status": claim.status,
            "approvals": session.scalar(
                select(func.count()).select_from(ClaimApproval).where(ClaimApproval.claim_id == claim_id)
            ),
            "splits": [
                (s.payer_id, s.amount, s.paid_on, s.payment_reference)
                for s in session.scalars(select(ClaimPayerSplit).where(ClaimPayerSplit.claim_id == claim_id))
            ],
            "payment_reference": claim.payment_reference,
            "audit": sorted(entries),
            "chain_ok": verify_chain(session).ok,
        }


def _winner(answers: list[tuple[int, Any]], loser_status: int | None = 409) -> int:
    """Exactly one 200; the other answer is loser_status (or, with None, any refusal that changed nothing)."""
    statuses = [status for status, _body in answers]
    assert statuses.count(200) == 1, answers
    loser = next(status for status in statuses if status != 200)
    if loser_status is None:
        assert loser >= 400, answers
    else:
        assert loser == loser_status, answers
        assert next(b for s, b in answers if s != 200)["error"]["code"] in {"conflict", "invalid_transition"}
    return statuses.index(200)


def _race_approvals(race: Race, first: int, loser_status: int | None) -> None:
    for n in range(first, first + ROUNDS):
        claim_id = _submitted_claim(race, n)
        answers = _at_once(race, race.officers, f"/claims/{claim_id}/approve", [None, None])
        winner = _winner(answers, loser_status)
        assert answers[winner][1]["status"] == "approved"
        stored = _stored(race, claim_id)
        assert stored["status"] == ClaimStatus.APPROVED, (n, stored)
        assert stored["approvals"] == 1, (n, stored)
        assert stored["splits"] == [(race.payer_id, Decimal("4000.00"), None, "")], (n, stored)
        assert stored["audit"] == ["claim.computed", "claim.signed", "claim.submitted"], (n, stored)
        assert stored["chain_ok"]


def _race_payments(race: Race, first: int, loser_status: int | None) -> None:
    for n in range(first, first + ROUNDS):
        claim_id = _submitted_claim(race, n)
        approved = race.app.test_client().post(
            f"/api/v1/claims/{claim_id}/approve", headers={"Authorization": f"Bearer {race.officers[0]}"}
        )
        assert approved.status_code == 200
        bodies = [
            {"paid_on": "2026-05-01", "reference": f"BANK-{n}-first"},
            {"paid_on": "2026-05-02", "reference": f"BANK-{n}-second"},
        ]
        answers = _at_once(race, race.officers, f"/claims/{claim_id}/payment", bodies)
        winner = _winner(answers, loser_status)
        reference, paid_on = bodies[winner]["reference"], date.fromisoformat(bodies[winner]["paid_on"])
        stored = _stored(race, claim_id)
        assert stored["status"] == ClaimStatus.PAID, (n, stored)
        assert stored["payment_reference"] == reference
        assert stored["splits"] == [(race.payer_id, Decimal("4000.00"), paid_on, reference)], (n, stored)
        assert stored["audit"].count("claim.paid") == 1, (n, stored)
        assert stored["chain_ok"]


def test_two_officers_approving_the_same_claim_at_once_store_exactly_one_approval(race):
    _race_approvals(race, 0, loser_status=None)


def test_two_payments_of_the_same_claim_at_once_record_exactly_one_payment(race):
    _race_payments(race, 100, loser_status=None)


def test_the_officer_who_loses_an_approval_race_is_told_409(race):
    _race_approvals(race, 200, loser_status=409)


def test_the_officer_who_loses_a_payment_race_is_told_409(race):
    _race_payments(race, 300, loser_status=409)


def test_two_claims_computed_at_once_from_the_same_results_claim_each_result_once(race):
    from fundapp.db import session_scope
    from fundapp.outcomes.models import ClaimLine, OutcomeResult

    body = {"investee_id": race.investee_id, "period": "2026-Q2"}
    for n in range(400, 400 + ROUNDS):
        result_ids = [_verified_result(race, n * 10 + k, date(2026, 5, 1)) for k in range(3)]
        path = f"/outcome-contracts/{race.contract_id}/claims"
        answers = _at_once(race, race.providers, path, [body, body])
        assert sorted(status for status, _ in answers) == [201, 422], answers
        created = next(b for s, b in answers if s == 201)
        refused = next(b for s, b in answers if s == 422)
        assert [d["field"] for d in refused["error"]["details"]] == ["period"]
        assert sorted(line["result_id"] for line in created["lines"]) == sorted(result_ids)
        with session_scope(race.app) as session:
            lines = session.scalars(select(ClaimLine).where(ClaimLine.result_id.in_(result_ids))).all()
            assert {line.claim_id for line in lines} == {created["id"]} and len(lines) == 3
            claimed = session.scalars(select(OutcomeResult.claim_line_id).where(OutcomeResult.id.in_(result_ids)))
            assert sorted(claimed) == sorted(line.id for line in lines)


def test_two_claims_of_one_provider_and_period_approved_at_once_never_pass_together_with_one_signature(race):
    """Each claim alone is under the dual-approval amount, together they are over it: approvals of one contract
    take turns, so the second officer's claim waits for a second signature instead of slipping through."""
    from fundapp.db import session_scope
    from fundapp.investees.models import Investee
    from tests.outcome_factories import item, make_claim, make_contract, make_result

    price = (THRESHOLD * Decimal("0.6")).quantize(Decimal("0.01"))
    for n in range(ROUNDS):
        with session_scope(race.app) as session:
            from fundapp.payers.models import OutcomePayer

            investee = session.get(Investee, race.investee_id)
            contract = make_contract(
                session, [(session.get(OutcomePayer, race.payer_id), "100", None)], [investee], [item("BIG", price)]
            )
            claim_ids = []
            for k in range(2):
                make_result(
                    session, contract, investee, "BIG", participant=f"BIG-{n}-{k}", achieved_on=date(2026, 2, 1 + k)
                )
                claim_ids.append(make_claim(session, contract, investee, "2026-Q1", threshold=THRESHOLD).id)
        paths = [f"/claims/{claim_id}/approve" for claim_id in claim_ids]
        answers = _at_once(race, race.officers, paths, [None, None])
        with session_scope(race.app) as session:
            statuses = sorted(session.get(Claim, cid).status for cid in claim_ids)
        assert statuses == [ClaimStatus.APPROVED, ClaimStatus.SUBMITTED], (n, answers)


def _line_naming(claim_id: int, result_id: int, returning: str = "") -> Any:
    return text(
        "INSERT INTO claim_lines (claim_id, position, result_id, item_code, units, units_paid, price, gross,"
        " deadweight, deductions, payable, by_payer, status, rejection_reason)"
        f" VALUES ({claim_id}, 99, {result_id}, 'JOB6', 1, 0, 0, 0, 0, '[]', 0, '[]', 'open', '')" + returning
    )


def _in_a_thread(url: Any, statement: Any) -> tuple[threading.Thread, threading.Event, list[BaseException]]:
    """Run ``statement`` and commit in a transaction of its own, in a thread: it may have to wait for a lock."""
    done, failed = threading.Event(), []

    def run() -> None:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(statement)
        except BaseException as exc:  # reported to the test
            failed.append(exc)
        finally:
            engine.dispose()
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done, failed


def test_a_result_deleted_while_a_new_line_names_it_waits_and_then_the_line_loses_its_result(race):
    """A line naming a result locks it (FOR KEY SHARE, as a foreign key does, migration 0037): a result deleted
    meanwhile waits for the line's transaction; once that commits, the deletion leaves the line without a result
    rather than naming a row that is gone."""
    claim_id = _submitted_claim(race, 900)
    result_id = _verified_result(race, 901, achieved_on=date(2026, 5, 1))
    url = race.app.extensions["fundapp.db"].engine.url
    engine = create_engine(url)
    try:
        with engine.connect() as inserting:
            line_id = inserting.execute(_line_naming(claim_id, result_id, " RETURNING id")).scalar()
            thread, done, failed = _in_a_thread(url, text(f"DELETE FROM outcome_results WHERE id = {result_id}"))
            assert not done.wait(1.5)  # the deletion waits for the line's transaction
            inserting.commit()
        thread.join(timeout=30)
        assert done.is_set() and failed == []
        with engine.connect() as reading:
            assert reading.execute(text(f"SELECT result_id FROM claim_lines WHERE id = {line_id}")).one() == (None,)
    finally:
        engine.dispose()


def test_a_line_naming_a_result_being_deleted_waits_and_is_refused_once_the_deletion_commits(race):
    claim_id = _submitted_claim(race, 910)
    result_id = _verified_result(race, 911, achieved_on=date(2026, 5, 1))
    url = race.app.extensions["fundapp.db"].engine.url
    engine = create_engine(url)
    try:
        with engine.connect() as deleting:
            deleting.execute(text(f"DELETE FROM outcome_results WHERE id = {result_id}"))
            thread, done, failed = _in_a_thread(url, _line_naming(claim_id, result_id))
            assert not done.wait(1.5)  # the line waits for the deletion's transaction
            deleting.commit()
        thread.join(timeout=30)
        assert done.is_set() and len(failed) == 1
        assert getattr(failed[0].__cause__ or failed[0], "sqlstate", None) == "23503", failed
        with engine.connect() as reading:
            assert reading.execute(text(f"SELECT count(*) FROM claim_lines WHERE result_id = {result_id}")).one() == (
                0,
            )
    finally:
        engine.dispose()
