"""Result financing through the services on the database: contracts and rate cards, results (by hand and from
approved KPI reports), claims computed by the pricing engine across periods, decisions, corrections, budget and
the INDIGO export.

Every test checks what the service returns AND the stored rows. The contract of most tests: payer A (60 %)
and payer B (40 %), provider investee A, item JOB6 at 4,000.00, running 2026-01-01 .. 2027-12-31.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from fundapp.audit import AuditEntry
from fundapp.auth.models import Role
from fundapp.auth.policy import Scope
from fundapp.demo_world import agree_and_start
from fundapp.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from fundapp.impact import submissions as subs
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import claims, contracts, indigo, payments, results
from fundapp.outcomes.models import (
    Claim,
    ClaimApproval,
    ClaimLine,
    ClaimPayerSplit,
    ClaimStatus,
    ContractStatus,
    LineStatus,
    OutcomeContract,
    OutcomeResult,
    RateItemRow,
    ResultStatus,
)
from tests.factories import ACTOR, make_plan, make_submission, make_user
from tests.outcome_factories import (
    THRESHOLD,
    D,
    band,
    contract_data,
    item,
    make_claim,
    make_contract,
    make_result,
    officer_scope,
)
from tests.statements import recorded_statements


def _fields(exc: pytest.ExceptionInfo) -> list[str]:
    return [d["field"] for d in exc.value.details]


def _scope(user) -> Scope:
    return Scope.of_user(user)


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def _fresh(db_session, model, object_id):
    db_session.expire_all()
    return db_session.get(model, object_id)


@pytest.fixture()
def shared(db_session, world) -> OutcomeContract:
    """Payer A 60 % (commitment 100,000), payer B 40 % (commitment 60,000); investee A; JOB6 4,000.00."""
    return make_contract(
        db_session, [(world.payer_a, "60", "100000.00"), (world.payer_b, "40", "60000.00")], [world.investee_a]
    )


# --- contracts and rate cards ----------------------------------------------------------------------------------


def test_a_contract_is_created_as_a_draft_with_its_payers_providers_and_items_then_activated(db_session, world):
    contract = make_contract(
        db_session,
        [(world.payer_a, "60", None), (world.payer_b, "40", "50000.00")],
        [world.investee_a],
        [item("START", "500.00"), item("JOB6", "4000.00", prerequisite="START")],
        activate=False,
        contract_cap="250000.00",
    )
    stored = _fresh(db_session, OutcomeContract, contract.id)
    assert stored.status == ContractStatus.DRAFT
    assert [(p.payer_id, p.share_percent, p.commitment) for p in stored.payers] == [
        (world.payer_a.id, D("60.000000"), None),
        (world.payer_b.id, D("40.000000"), D("50000.00")),
    ]
    assert stored.provider_ids == {world.investee_a.id}
    assert [(r.code, r.price, r.prerequisite, r.position) for r in stored.items] == [
        ("START", D("500.00"), None, 0),
        ("JOB6", D("4000.00"), "START", 1),
    ]
    assert stored.contract_cap == D("250000.00")
    agree_and_start(db_session, ACTOR, stored)
    assert _fresh(db_session, OutcomeContract, contract.id).status == ContractStatus.ACTIVE
    actions = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "OutcomeContract", AuditEntry.entity_id == str(contract.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "contract.created",
        "contract.payer_accepted",
        "contract.payer_accepted",
        "contract.provider_accepted",
        "contract.activated",
    ]


def test_an_active_contract_cannot_be_activated_again_nor_accepted_and_closes_once_every_payer_agreed(
    db_session, world, shared
):
    with pytest.raises(InvalidTransition):
        contracts.activate(db_session, ACTOR, shared)
    with pytest.raises(InvalidTransition):
        contracts.accept_provision(db_session, ACTOR, shared.providers[0])
    contracts.agree_to_close(db_session, ACTOR, [shared.payers[0]])
    assert _fresh(db_session, OutcomeContract, shared.id).status == ContractStatus.ACTIVE
    contracts.agree_to_close(db_session, ACTOR, [shared.payers[1]])
    assert _fresh(db_session, OutcomeContract, shared.id).status == ContractStatus.CLOSED
    with pytest.raises(InvalidTransition):
        contracts.agree_to_close(db_session, ACTOR, [shared.payers[0]])


def test_a_contract_without_providers_cannot_start(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [], activate=False)
    contracts.accept_share(db_session, ACTOR, contract.payers[0])
    with pytest.raises(ValidationFailed) as exc:
        contracts.activate(db_session, ACTOR, contract)
    assert _fields(exc) == ["providers"]
    assert _fresh(db_session, OutcomeContract, contract.id).status == ContractStatus.DRAFT


def test_contract_terms_that_break_the_pricing_rules_store_nothing(db_session, world):
    before = _count(db_session, OutcomeContract)
    data = contract_data(
        [(world.payer_a, "60", None), (world.payer_b, "30", None)],
        [world.investee_a],
        [item("A", "100.00", prerequisite="B"), item("B", "100.00", prerequisite="A")],
    )
    with pytest.raises(ValidationFailed) as exc:
        contracts.create_contract(db_session, ACTOR, Scope(user_id=1, is_admin=True), data)
    assert sorted(_fields(exc)) == ["items[0].prerequisite", "items[1].prerequisite", "payers"]
    assert _count(db_session, OutcomeContract) == before


def test_an_officer_sets_up_contracts_only_with_their_own_payer_in_it(db_session, world):
    officer_a = world.user("officer_a")
    with pytest.raises(Forbidden):
        contracts.create_contract(
            db_session, officer_a, _scope(officer_a), contract_data([(world.payer_b, "100", None)], [world.investee_a])
        )
    data = contract_data([(world.payer_a, "50", None), (world.payer_b, "50", None)], [world.investee_a])
    contract = contracts.create_contract(db_session, officer_a, _scope(officer_a), data)
    assert contract.payer_ids == {world.payer_a.id, world.payer_b.id}
    with pytest.raises(Conflict):
        contracts.create_contract(db_session, officer_a, _scope(officer_a), dict(data))


def test_a_contract_copies_the_rate_card_items_so_a_later_change_of_the_card_leaves_it_alone(db_session, world):
    officer_a = world.user("officer_a")
    card = contracts.create_rate_card(
        db_session,
        officer_a,
        _scope(officer_a),
        {
            "payer_id": world.payer_a.id,
            "name": "Werk 2026",
            "description": "",
            "items": [
                item("START", "500.00"),
                item(
                    "JOB6",
                    "4000.00",
                    prerequisite="START",
                    price_bands=[band(0, 11, "3000.00"), band(12, None, "5000.00")],
                ),
            ],
        },
    )
    data = contract_data([(world.payer_a, "100", None)], [world.investee_a], items=None)
    data["items"], data["rate_card_id"] = None, card.id
    contract = contracts.create_contract(db_session, officer_a, _scope(officer_a), data)
    card.items[1].price = D("9999.00")
    card.items[1].price_bands = []
    card.items.append(RateItemRow(position=2, code="NEW", name="New", price=D("1.00"), price_bands=[], evidence=""))
    db_session.flush()
    stored = _fresh(db_session, OutcomeContract, contract.id)
    assert [(r.code, r.price, r.prerequisite) for r in stored.items] == [
        ("START", D("500.00"), None),
        ("JOB6", D("4000.00"), "START"),
    ]
    assert stored.items[1].price_bands == [
        {"min_months": 0, "max_months": 11, "price": "3000.00"},
        {"min_months": 12, "max_months": None, "price": "5000.00"},
    ]
    assert all(r.rate_card_id is None and r.contract_id == contract.id for r in stored.items)


def test_a_rate_card_of_another_payer_cannot_be_applied(db_session, world):
    officer_a, officer_b = world.user("officer_a"), world.user("officer_b")
    card = contracts.create_rate_card(
        db_session,
        officer_b,
        _scope(officer_b),
        {"payer_id": world.payer_b.id, "name": "B card", "description": "", "items": [item("X", "1.00")]},
    )
    data = contract_data([(world.payer_a, "100", None)], [world.investee_a])
    data["items"], data["rate_card_id"] = None, card.id
    with pytest.raises(ValidationFailed) as exc:
        contracts.create_contract(db_session, officer_a, _scope(officer_a), data)
    assert _fields(exc) == ["rate_card_id"]


# --- results -------------------------------------------------------------------------------------------------


def test_a_participant_result_is_recorded_pending_and_verified_with_who_and_when(db_session, world, shared):
    result = make_result(
        db_session,
        shared,
        world.investee_a,
        participant="R-0001",
        achieved_on=date(2026, 2, 1),
        months_on_benefit=14,
        verify=False,
    )
    stored = _fresh(db_session, OutcomeResult, result.id)
    assert (stored.status, stored.units, stored.period, stored.months_on_benefit) == (ResultStatus.PENDING, 1, None, 14)
    manager = world.user("manager_a")
    results.verify(db_session, manager, stored)
    stored = _fresh(db_session, OutcomeResult, result.id)
    assert stored.status == ResultStatus.VERIFIED
    assert stored.verified_by_id == manager.id and stored.verified_at is not None
    with pytest.raises(InvalidTransition):
        results.reject(db_session, manager, stored, "too late")


def test_a_cohort_result_counts_as_achieved_on_its_periods_last_day(db_session, world, shared):
    result = make_result(db_session, shared, world.investee_a, period="2026-Q2", units=7, verify=False)
    stored = _fresh(db_session, OutcomeResult, result.id)
    assert (stored.participant, stored.achieved_on, stored.period, stored.units) == (
        None,
        date(2026, 6, 30),
        "2026-Q2",
        7,
    )
    assert stored.is_cohort


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"participant": "111222333", "achieved_on": date(2026, 2, 1)}, "participant"),
        ({"participant": "1112.22.333", "achieved_on": date(2026, 2, 1)}, "participant"),
        ({"participant": "R-0001", "achieved_on": date(2025, 12, 31)}, "achieved_on"),
        ({"participant": "R-0001", "achieved_on": date(2028, 1, 1)}, "achieved_on"),
        ({"participant": "R-0001", "achieved_on": None}, "achieved_on"),
        ({"participant": "R-0001", "achieved_on": date(2026, 2, 1), "units": 3}, "units"),
        ({"period": "2025-Q4", "units": 3}, "achieved_on"),
        ({"period": "2026-13", "units": 3}, "period"),
        ({"period": "2026-Q1", "units": None}, "units"),
        ({"item": "NOPE", "participant": "R-0001", "achieved_on": date(2026, 2, 1)}, "item"),
    ],
)
def test_a_result_that_breaks_the_rules_is_refused_naming_the_field(db_session, world, shared, data, field):
    base = {
        "investee_id": world.investee_a.id,
        "item": "JOB6",
        "evidence": "seen",
        "participant": None,
        "achieved_on": None,
        "period": None,
        "units": None,
    }
    before = _count(db_session, OutcomeResult)
    with pytest.raises(ValidationFailed) as exc:
        results.record_result(db_session, ACTOR, shared, {**base, **data})
    assert _fields(exc) == [field]
    assert _count(db_session, OutcomeResult) == before


def test_results_are_recorded_only_for_providers_of_an_active_contract(db_session, world, shared):
    data = {
        "investee_id": world.investee_b.id,
        "item": "JOB6",
        "participant": "R-1",
        "achieved_on": date(2026, 2, 1),
        "evidence": "seen",
    }
    with pytest.raises(ValidationFailed) as exc:
        results.record_result(db_session, ACTOR, shared, data)
    assert _fields(exc) == ["investee_id"]
    draft = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], activate=False)
    with pytest.raises(InvalidTransition):
        results.record_result(db_session, ACTOR, draft, {**data, "investee_id": world.investee_a.id})


def test_a_participant_has_each_result_once_but_may_be_entered_again_after_a_rejection(db_session, world, shared):
    first = make_result(
        db_session, shared, world.investee_a, participant="R-0001", achieved_on=date(2026, 2, 1), verify=False
    )
    with pytest.raises(Conflict):
        make_result(db_session, shared, world.investee_a, participant="R-0001", achieved_on=date(2026, 3, 1))
    results.reject(db_session, world.user("manager_a"), first, "no payslip")
    again = make_result(db_session, shared, world.investee_a, participant="R-0001", achieved_on=date(2026, 3, 1))
    stored = db_session.scalars(
        select(OutcomeResult).where(OutcomeResult.contract_id == shared.id).order_by(OutcomeResult.id)
    ).all()
    assert [(r.id, r.status, r.rejection_reason) for r in stored] == [
        (first.id, ResultStatus.REJECTED, "no payslip"),
        (again.id, ResultStatus.VERIFIED, ""),
    ]


def test_two_providers_of_one_contract_may_each_have_their_own_participant_with_the_same_reference(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a, world.investee_b])
    make_result(db_session, contract, world.investee_a, participant="P-0001", achieved_on=date(2026, 2, 1))
    other = make_result(db_session, contract, world.investee_b, participant="P-0001", achieved_on=date(2026, 2, 1))
    assert other.investee_id == world.investee_b.id


def _report(db_session, investee, rows, status="approved"):
    make_plan(db_session, investee)
    return make_submission(db_session, investee, participants=rows, status=status)


def test_an_approved_kpi_report_turns_participant_events_with_item_codes_into_pending_results(
    db_session, world, shared
):
    rows = [
        ["R-0001", date(2026, 1, 5), "bijstand", 14, 32, "JOB6", date(2026, 2, 1)],
        ["R-0002", date(2026, 1, 6), "bijstand", 40, 24, "LP-PLACEMENTS-STARTED", date(2026, 1, 6)],
        ["R-0003", date(2026, 1, 7), "bijstand", 3, 36, "JOB6", date(2026, 3, 2)],
    ]
    submission = _report(db_session, world.investee_a, rows, status="submitted")
    assert _count(db_session, OutcomeResult) == 0  # nothing before approval
    subs.approve(db_session, world.user("manager_a"), submission)
    found = db_session.scalars(select(OutcomeResult).order_by(OutcomeResult.participant)).all()
    assert [(r.participant, r.item_code, r.achieved_on, r.months_on_benefit, r.units, r.status) for r in found] == [
        ("R-0001", "JOB6", date(2026, 2, 1), 14, 1, ResultStatus.PENDING),
        ("R-0003", "JOB6", date(2026, 3, 2), 3, 1, ResultStatus.PENDING),
    ]
    assert all(r.contract_id == shared.id and r.investee_id == world.investee_a.id for r in found)
    assert all(r.source_submission_id == submission.id for r in found)
    assert [r.evidence for r in found] == ["KPI report 2026-Q1 v1, row 5", "KPI report 2026-Q1 v1, row 7"]
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "results.from_kpi_report"))
    assert entry.entity_id == str(submission.id) and sorted(entry.changes["results"][1]) == sorted(r.id for r in found)


def test_a_corrected_kpi_report_does_not_enter_the_same_result_twice(db_session, world, shared):
    rows = [["R-0001", date(2026, 1, 5), "bijstand", 14, 32, "JOB6", date(2026, 2, 1)]]
    _report(db_session, world.investee_a, rows)
    second = make_submission(
        db_session,
        world.investee_a,
        participants=[*rows, ["R-0009", date(2026, 1, 5), "WW", 2, 20, "JOB6", date(2026, 3, 1)]],
        status="approved",
    )
    found = db_session.scalars(select(OutcomeResult).order_by(OutcomeResult.id)).all()
    assert [(r.participant, r.source_submission_id != second.id) for r in found] == [
        ("R-0001", True),
        ("R-0009", False),
    ]


def test_a_kpi_report_of_an_investee_without_active_contracts_makes_no_results(db_session, world):
    make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_b], activate=True)
    _report(
        db_session,
        world.investee_a,
        [["R-0001", date(2026, 1, 5), "bijstand", 14, 32, "LP-PLACEMENTS-STARTED", date(2026, 1, 5)]],
    )
    assert _count(db_session, OutcomeResult) == 0


# --- claims --------------------------------------------------------------------------------------------------


def test_a_claim_prices_verified_unclaimed_results_of_the_period_in_order_and_marks_them_claimed(db_session, world):
    contract = make_contract(
        db_session,
        [(world.payer_a, "60", None), (world.payer_b, "40", None)],
        [world.investee_a],
        [
            item(
                "JOB6",
                "4000.00",
                price_bands=[band(0, 11, "3000.00"), band(12, 35, "4000.00"), band(36, None, "6000.00")],
            )
        ],
        deadweight_percent="10",
    )
    late = make_result(
        db_session, contract, world.investee_a, participant="R-B", achieved_on=date(2026, 3, 1), months_on_benefit=36
    )
    early = make_result(
        db_session, contract, world.investee_a, participant="R-A", achieved_on=date(2026, 2, 1), months_on_benefit=11
    )
    cohort = make_result(db_session, contract, world.investee_a, period="2026-Q1", units=2, months_on_benefit=12)
    pending = make_result(
        db_session, contract, world.investee_a, participant="R-C", achieved_on=date(2026, 2, 1), verify=False
    )
    q2 = make_result(db_session, contract, world.investee_a, participant="R-D", achieved_on=date(2026, 4, 1))
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    stored = _fresh(db_session, Claim, claim.id)
    assert stored.status == ClaimStatus.DRAFT and stored.period == "2026-Q1"
    lines = [
        (
            ln.result_id,
            ln.participant,
            ln.band,
            ln.price,
            ln.units,
            ln.gross,
            ln.deadweight,
            ln.payable,
            ln.capped_by,
            ln.by_payer,
        )
        for ln in stored.lines
    ]
    assert lines == [
        (
            early.id,
            "R-A",
            "0-11",
            D("3000.00"),
            1,
            D("3000.00"),
            D("300.00"),
            D("2700.00"),
            None,
            [[str(world.payer_a.id), "1620.00"], [str(world.payer_b.id), "1080.00"]],
        ),
        (
            late.id,
            "R-B",
            "36+",
            D("6000.00"),
            1,
            D("6000.00"),
            D("600.00"),
            D("5400.00"),
            None,
            [[str(world.payer_a.id), "3240.00"], [str(world.payer_b.id), "2160.00"]],
        ),
        (
            cohort.id,
            None,
            "12-35",
            D("4000.00"),
            2,
            D("8000.00"),
            D("800.00"),
            D("7200.00"),
            None,
            [[str(world.payer_a.id), "4320.00"], [str(world.payer_b.id), "2880.00"]],
        ),
    ]
    assert stored.lines[0].deductions == [["deadweight", "300.00"]]
    assert (stored.total_gross, stored.total_deadweight, stored.total_payable) == (
        D("17000.00"),
        D("1700.00"),
        D("15300.00"),
    )
    claimed = {r.id: r.claim_line_id for r in db_session.scalars(select(OutcomeResult))}
    assert claimed[early.id] == stored.lines[0].id and claimed[cohort.id] == stored.lines[2].id
    assert claimed[pending.id] is None and claimed[q2.id] is None
    with pytest.raises(ValidationFailed) as exc:
        claims.compute_claim(db_session, ACTOR, contract, world.investee_a.id, "2026-Q1")
    assert _fields(exc) == ["period"]


def test_a_draft_contract_has_no_claims_and_a_bad_period_is_refused(db_session, world, shared):
    draft = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], activate=False)
    with pytest.raises(InvalidTransition):
        claims.compute_claim(db_session, ACTOR, draft, world.investee_a.id, "2026-Q1")
    with pytest.raises(ValidationFailed) as exc:
        claims.compute_claim(db_session, ACTOR, shared, world.investee_a.id, "2026-Q5")
    assert _fields(exc) == ["period"]
    with pytest.raises(ValidationFailed) as exc:
        claims.compute_claim(db_session, ACTOR, shared, world.investee_b.id, "2026-Q1")
    assert _fields(exc) == ["investee_id"]


def test_discarding_a_draft_claim_releases_its_results(db_session, world, shared):
    result = make_result(db_session, shared, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, shared, world.investee_a, submit=False)
    claims.discard_draft(db_session, ACTOR, claim)
    assert _count(db_session, Claim) == 0 and _count(db_session, ClaimLine) == 0
    assert _fresh(db_session, OutcomeResult, result.id).claim_line_id is None
    again = make_claim(db_session, shared, world.investee_a, submit=False)
    assert [ln.result_id for ln in again.lines] == [result.id]


def test_discarding_a_draft_leaves_its_lines_to_the_database_without_reading_them(db_session, world, shared):
    for number in range(5):
        make_result(db_session, shared, world.investee_a, participant=f"R-{number}", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, shared, world.investee_a, submit=False)
    db_session.expire_all()  # as a request finds it: a draft of 100,000 lines, none of them loaded
    with recorded_statements(db_session) as statements:
        claims.discard_draft(db_session, ACTOR, db_session.get(Claim, claim.id))
        db_session.flush()
    assert not [s for s in statements if "FROM claim_lines" in s]  # neither read nor deleted by fundapp
    assert _count(db_session, Claim) == 0 and _count(db_session, ClaimLine) == 0


def _submitted_claim_with_a_rejected_line(db_session, world, contract) -> tuple[int, int]:
    """A submitted claim of six lines, the first rejected by officer A; the claim's id and that line's id. The
    session is emptied: the claim is found again as a request finds it, none of its lines loaded."""
    officer = world.user("officer_a")
    for n in range(6):
        make_result(db_session, contract, world.investee_a, participant=f"P-{n}", achieved_on=date(2026, 1, 10 + n))
    claim = make_claim(db_session, contract, world.investee_a)
    first = db_session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.position))
    line = first.first()
    claims.reject_line(db_session, officer, officer_scope(officer), claim, line, "Not living in the city.")
    db_session.flush()
    ids = claim.id, line.id
    db_session.expunge_all()
    return ids


def _decided_loading(db_session, decide) -> list[int]:
    """The ids of the claim lines the ORM loads while ``decide()`` runs (and the session flushes)."""
    loaded: list[int] = []

    def on_load(line, _context) -> None:
        loaded.append(line.id)

    event.listen(ClaimLine, "load", on_load)
    try:
        decide()
        db_session.flush()
    finally:
        event.remove(ClaimLine, "load", on_load)
    return sorted(loaded)


def test_approving_a_claim_decides_its_lines_in_the_database_loading_only_the_rejected_ones(db_session, world, shared):
    claim_id, rejected_id = _submitted_claim_with_a_rejected_line(db_session, world, shared)
    officer = db_session.merge(world.user("officer_a"))
    claim = db_session.get(Claim, claim_id)
    approving = lambda: claims.approve(db_session, officer, officer_scope(officer), claim, THRESHOLD)  # noqa: E731
    # The rejected lines only (an officer rejects them one by one): a claim of 100,000 lines loaded them all.
    assert _decided_loading(db_session, approving) == [rejected_id]
    db_session.expire_all()
    lines = db_session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim_id)).all()
    assert {line.id: line.status for line in lines} == {
        line.id: LineStatus.REJECTED if line.id == rejected_id else LineStatus.APPROVED for line in lines
    }
    assert claim.status == ClaimStatus.PARTLY_APPROVED
    rejected_result = next(line.result_id for line in lines if line.id == rejected_id)
    assert _fresh(db_session, OutcomeResult, rejected_result).status == ResultStatus.REJECTED
    expected: dict[int, Decimal] = {}
    for line in lines:
        for payer, amount in line.by_payer if line.status == LineStatus.APPROVED else []:
            expected[int(payer)] = expected.get(int(payer), D("0")) + Decimal(amount)
    splits = db_session.scalars(select(ClaimPayerSplit).where(ClaimPayerSplit.claim_id == claim_id)).all()
    assert {split.payer_id: split.amount for split in splits} == expected
    assert len(expected) == 2 and sum(expected.values()) == claim.approved_amount > 0


def test_rejecting_a_claim_rejects_its_lines_in_the_database_without_loading_them(db_session, world, shared):
    claim_id, _rejected_id = _submitted_claim_with_a_rejected_line(db_session, world, shared)
    officer = db_session.merge(world.user("officer_a"))
    claim = db_session.get(Claim, claim_id)
    rejecting = lambda: claims.reject(db_session, officer, officer_scope(officer), claim, "Evidence missing.")  # noqa: E731
    assert _decided_loading(db_session, rejecting) == []
    db_session.expire_all()
    statuses = db_session.scalars(select(ClaimLine.status).where(ClaimLine.claim_id == claim_id)).all()
    assert statuses == [LineStatus.REJECTED] * 6
    assert (claim.status, claim.total_payable) == (ClaimStatus.REJECTED, D("0"))


def test_correcting_lines_of_an_approved_claim_loads_those_lines_only(db_session, world, shared):
    claim_id, rejected_id = _submitted_claim_with_a_rejected_line(db_session, world, shared)
    officer = db_session.merge(world.user("officer_a"))
    claim = db_session.get(Claim, claim_id)
    claims.approve(db_session, officer, officer_scope(officer), claim, THRESHOLD)
    db_session.flush()
    db_session.expunge_all()
    claim = db_session.get(Claim, claim_id)
    ids = db_session.scalars(select(ClaimLine.id).where(ClaimLine.claim_id == claim_id).order_by(ClaimLine.id))
    chosen = [line_id for line_id in ids if line_id != rejected_id][-2:]
    made: list[Claim] = []
    loaded = _decided_loading(db_session, lambda: made.append(claims.correct(db_session, ACTOR, claim, chosen, "x")))
    assert loaded == chosen
    assert [line.corrects_line_id for line in made[0].lines] == chosen
    with pytest.raises(ValidationFailed):  # a rejected line is not an approved line of the claim
        claims.correct(db_session, ACTOR, claim, [rejected_id], "x")


def test_the_worked_example_across_two_claims_the_participant_cap_used_in_q1_binds_in_q2(db_session, world):
    officer = world.user("officer_a")
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        [item("A", "1000.00"), item("B", "3000.00", prerequisite="A")],
        participant_cap="3500.00",
    )
    make_result(db_session, contract, world.investee_a, "A", participant="P-1", achieved_on=date(2026, 3, 1))
    q1 = make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer])
    make_result(db_session, contract, world.investee_a, "B", participant="P-1", achieved_on=date(2026, 4, 1))
    q2 = make_claim(db_session, contract, world.investee_a, "2026-Q2", submit=False)
    assert _fresh(db_session, Claim, q1.id).approved_amount == D("1000.00")
    line = _fresh(db_session, Claim, q2.id).lines[0]
    assert (line.gross, line.payable, line.capped_by, line.deductions) == (
        D("3000.00"),
        D("2500.00"),
        "participant_cap",
        [["participant_cap", "500.00"]],
    )


def test_an_item_whose_prerequisite_was_never_counted_is_refused_in_the_claim(db_session, world):
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        [item("A", "1000.00"), item("B", "3000.00", prerequisite="A")],
    )
    make_result(db_session, contract, world.investee_a, "B", participant="P-1", achieved_on=date(2026, 3, 1))
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    line = claim.lines[0]
    assert (line.capped_by, line.payable, line.units_paid, line.deductions) == (
        "prerequisite_missing",
        D("0.00"),
        0,
        [["prerequisite_missing", "3000.00"]],
    )
    assert claim.total_payable == D("0.00") and claim.total_gross == D("3000.00")


def test_the_contract_cap_counts_what_earlier_claims_already_used(db_session, world):
    officer = world.user("officer_a")
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], contract_cap="10000.00")
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=2)
    make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer])
    make_result(db_session, contract, world.investee_a, period="2026-Q2", units=2)
    q2 = make_claim(db_session, contract, world.investee_a, "2026-Q2", submit=False)
    assert (q2.lines[0].payable, q2.lines[0].capped_by) == (D("2000.00"), "contract_cap")


def test_a_payers_commitment_caps_only_its_own_part(db_session, world):
    contract = make_contract(
        db_session, [(world.payer_a, "60", "1000.00"), (world.payer_b, "40", None)], [world.investee_a]
    )
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    line = claim.lines[0]
    assert (line.payable, line.capped_by) == (D("2600.00"), "payer_commitment")
    assert line.by_payer == [[str(world.payer_a.id), "1000.00"], [str(world.payer_b.id), "1600.00"]]


def test_two_claims_computed_before_either_is_submitted_never_pay_more_than_the_contract_cap(db_session, world):
    officer = world.user("officer_a")
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], contract_cap="6000.00")
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=1)
    make_result(db_session, contract, world.investee_a, period="2026-Q2", units=1)
    q1 = make_claim(db_session, contract, world.investee_a, "2026-Q1", submit=False)
    q2 = make_claim(db_session, contract, world.investee_a, "2026-Q2", submit=False)
    for claim in (q1, q2):
        try:
            claims.submit(db_session, ACTOR, claim, THRESHOLD)
            claims.approve(db_session, officer, _scope(officer), claim, THRESHOLD)
        except (Conflict, ValidationFailed):
            pass  # refusing the second claim is also a correct answer
    approved = db_session.scalar(
        select(func.coalesce(func.sum(Claim.approved_amount), 0)).where(Claim.contract_id == contract.id)
    )
    assert Decimal(approved) <= D("6000.00")


def test_an_approved_claim_is_split_per_payer_exactly_and_each_payer_records_its_own_payment(db_session, world):
    contract = make_contract(
        db_session,
        [(world.payer_a, "33.33", None), (world.payer_b, "66.67", None)],
        [world.investee_a],
        [item("X", "333.33")],
    )
    for n in range(3):
        make_result(db_session, contract, world.investee_a, "X", participant=f"P-{n}", achieved_on=date(2026, 2, 1 + n))
    officer = world.user("officer_a")
    claim = make_claim(db_session, contract, world.investee_a, approve_by=[officer])
    stored = _fresh(db_session, Claim, claim.id)
    assert stored.status == ClaimStatus.APPROVED and stored.approved_amount == D("999.99")
    assert [(s.payer_id, s.amount) for s in stored.splits] == [
        (world.payer_a.id, D("333.30")),
        (world.payer_b.id, D("666.69")),
    ]
    assert sum(s.amount for s in stored.splits) == stored.approved_amount
    assert all(ln.status == LineStatus.APPROVED for ln in stored.lines)
    assert [(a.user_id, a.payer_id) for a in stored.approvals] == [(officer.id, world.payer_a.id)]
    payments.record_payment(db_session, officer, _scope(officer), stored, date(2026, 5, 1), "BANK-A")
    with pytest.raises(Conflict):
        payments.record_payment(db_session, officer, _scope(officer), stored, date(2026, 5, 2), "BANK-A2")
    stored = _fresh(db_session, Claim, claim.id)
    # Only officer A's payer has paid: its part is recorded, the other payer's part still awaits its own officer.
    assert (stored.status, stored.paid_on) == (ClaimStatus.APPROVED, None)
    assert [(s.payer_id, s.paid_on, s.payment_reference) for s in stored.splits] == [
        (world.payer_a.id, date(2026, 5, 1), "BANK-A"),
        (world.payer_b.id, None, ""),
    ]
    officer_b = world.user("officer_b")
    payments.record_payment(db_session, officer_b, _scope(officer_b), stored, date(2026, 5, 3), "BANK-B")
    stored = _fresh(db_session, Claim, claim.id)
    assert (stored.status, stored.paid_on, stored.payment_reference) == (
        ClaimStatus.PAID,
        date(2026, 5, 3),
        "BANK-A; BANK-B",
    )
    assert [(s.payer_id, s.paid_on, s.payment_reference) for s in stored.splits] == [
        (world.payer_a.id, date(2026, 5, 1), "BANK-A"),
        (world.payer_b.id, date(2026, 5, 3), "BANK-B"),
    ]
    with pytest.raises(Conflict):
        payments.record_payment(db_session, officer_b, _scope(officer_b), stored, date(2026, 5, 4), "BANK-B2")


def test_a_claim_is_decided_only_by_an_officer_of_a_payer_of_the_contract(db_session, world):
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a)
    officer_b = world.user("officer_b")
    with pytest.raises(Forbidden):
        claims.approve(db_session, officer_b, _scope(officer_b), claim, THRESHOLD)
    with pytest.raises(Forbidden):
        claims.reject(db_session, officer_b, _scope(officer_b), claim, "not ours")
    assert _count(db_session, ClaimApproval) == 0
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.SUBMITTED


def test_a_draft_claim_cannot_be_approved_and_an_unapproved_claim_cannot_be_paid(db_session, world, shared):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, shared, world.investee_a, submit=False)
    with pytest.raises(InvalidTransition):
        claims.approve(db_session, officer, _scope(officer), claim, THRESHOLD)
    claims.submit(db_session, ACTOR, claim, THRESHOLD)
    with pytest.raises(InvalidTransition):
        payments.record_payment(db_session, officer, _scope(officer), claim, date(2026, 5, 1), "X")
    with pytest.raises(InvalidTransition):
        claims.submit(db_session, ACTOR, claim, THRESHOLD)


def test_a_rejected_line_makes_the_claim_partly_approved_and_its_result_rejected(db_session, world, shared):
    officer = world.user("officer_a")
    keep = make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    drop = make_result(db_session, shared, world.investee_a, participant="P-2", achieved_on=date(2026, 2, 2))
    claim = make_claim(db_session, shared, world.investee_a)
    claims.reject_line(db_session, officer, _scope(officer), claim, claim.lines[1], "no contract of employment")
    claims.approve(db_session, officer, _scope(officer), claim, THRESHOLD)
    stored = _fresh(db_session, Claim, claim.id)
    assert stored.status == ClaimStatus.PARTLY_APPROVED
    assert (stored.total_payable, stored.approved_amount) == (D("4000.00"), D("4000.00"))
    assert [(ln.status, ln.rejection_reason) for ln in stored.lines] == [
        (LineStatus.APPROVED, ""),
        (LineStatus.REJECTED, "no contract of employment"),
    ]
    assert [(s.payer_id, s.amount) for s in stored.splits] == [
        (world.payer_a.id, D("2400.00")),
        (world.payer_b.id, D("1600.00")),
    ]
    dropped = _fresh(db_session, OutcomeResult, drop.id)
    assert (dropped.status, dropped.claim_line_id) == (ResultStatus.REJECTED, None)
    assert dropped.rejection_reason == "no contract of employment"
    assert _fresh(db_session, OutcomeResult, keep.id).claim_line_id == stored.lines[0].id


def test_lines_cannot_change_once_an_officer_has_signed(db_session, world, shared):
    low = D("1000.00")
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, shared, world.investee_a, approve_by=[officer], threshold=low)
    assert claim.status == ClaimStatus.SUBMITTED and claims.approvals_needed(db_session, claim, low) == 2
    with pytest.raises(Conflict):
        claims.reject_line(db_session, officer, _scope(officer), claim, claim.lines[0], "changed my mind")
    with pytest.raises(Conflict):
        claims.approve(db_session, officer, _scope(officer), claim, low)
    second = make_user(db_session, Role.PAYER_OFFICER, world.payer_b.id)
    claims.approve(db_session, second, _scope(second), claim, low)
    stored = _fresh(db_session, Claim, claim.id)
    assert stored.status == ClaimStatus.APPROVED
    assert [(a.user_id, a.payer_id) for a in stored.approvals] == [
        (officer.id, world.payer_a.id),
        (second.id, world.payer_b.id),
    ]


def test_a_rejected_claim_releases_its_results_to_be_claimed_again(db_session, world, shared):
    officer = world.user("officer_a")
    result = make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, shared, world.investee_a)
    claims.reject(db_session, officer, _scope(officer), claim, "wrong period")
    stored = _fresh(db_session, Claim, claim.id)
    assert (stored.status, stored.rejection_reason, stored.approved_amount) == (
        ClaimStatus.REJECTED,
        "wrong period",
        None,
    )
    assert all(ln.status == LineStatus.REJECTED for ln in stored.lines)
    released = _fresh(db_session, OutcomeResult, result.id)
    assert (released.status, released.claim_line_id) == (ResultStatus.VERIFIED, None)
    again = make_claim(db_session, shared, world.investee_a, submit=False)
    assert (again.lines[0].result_id, again.lines[0].payable, again.lines[0].capped_by) == (
        result.id,
        D("4000.00"),
        None,
    )


def test_a_correction_is_a_new_draft_with_negative_lines_and_the_approved_claim_never_changes(
    db_session, world, shared
):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    make_result(db_session, shared, world.investee_a, participant="P-2", achieved_on=date(2026, 2, 2))
    both = [officer, world.user("officer_b")]
    claim = make_claim(db_session, shared, world.investee_a, approve_by=[officer], pay_by=both)
    before = [(ln.id, ln.payable, ln.status) for ln in claim.lines]
    correction = claims.correct(
        db_session, world.user("manager_a"), claim, [claim.lines[1].id], "P-2 left after a week"
    )
    stored = _fresh(db_session, Claim, correction.id)
    assert (stored.status, stored.corrects_claim_id, stored.period, stored.note) == (
        ClaimStatus.DRAFT,
        claim.id,
        "2026-Q1",
        "P-2 left after a week",
    )
    line = stored.lines[0]
    assert (line.corrects_line_id, line.result_id, line.participant, line.units, line.gross, line.payable) == (
        claim.lines[1].id,
        None,
        "P-2",
        -1,
        D("-4000.00"),
        D("-4000.00"),
    )
    assert line.by_payer == [[str(world.payer_a.id), "-2400.00"], [str(world.payer_b.id), "-1600.00"]]
    assert stored.total_payable == D("-4000.00")
    original = _fresh(db_session, Claim, claim.id)
    assert original.status == ClaimStatus.PAID and original.approved_amount == D("8000.00")
    assert [(ln.id, ln.payable, ln.status) for ln in original.lines] == before
    with pytest.raises(Conflict):
        claims.correct(db_session, ACTOR, original, [original.lines[1].id], "again")
    with pytest.raises(ValidationFailed):
        claims.correct(db_session, ACTOR, original, [stored.lines[0].id], "not a line of this claim")
    with pytest.raises(InvalidTransition):
        claims.correct(db_session, ACTOR, stored, [stored.lines[0].id], "a draft is not corrected")


def test_an_approved_correction_takes_the_money_back_in_the_budget(db_session, world, shared):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    make_result(db_session, shared, world.investee_a, participant="P-2", achieved_on=date(2026, 2, 2))
    claim = make_claim(db_session, shared, world.investee_a, approve_by=[officer])
    correction = claims.correct(db_session, ACTOR, claim, [claim.lines[1].id], "left early")
    claims.submit(db_session, ACTOR, correction, THRESHOLD)
    claims.approve(db_session, officer, _scope(officer), correction, THRESHOLD)
    assert correction.approved_amount == D("-4000.00")
    assert [(s.payer_id, s.amount) for s in correction.splits] == [
        (world.payer_a.id, D("-2400.00")),
        (world.payer_b.id, D("-1600.00")),
    ]
    money = budgets.budget(db_session, _fresh(db_session, OutcomeContract, shared.id))
    assert (money.contract.claimed, money.contract.approved, money.contract.paid) == (
        D("4000.00"),
        D("4000.00"),
        D("0.00"),
    )
    assert [(r.payer_id, r.approved, r.remaining) for r in money.payers] == [
        (world.payer_a.id, D("2400.00"), D("97600.00")),
        (world.payer_b.id, D("1600.00"), D("58400.00")),
    ]


# --- budget and the investor ---------------------------------------------------------------------------------


def test_the_budget_shows_committed_claimed_approved_paid_and_remaining_per_contract_and_payer(
    db_session, world, shared
):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, period="2026-Q1", units=2)
    make_result(db_session, shared, world.investee_a, period="2026-Q2", units=1)
    make_result(db_session, shared, world.investee_a, period="2026-Q3", units=1)
    # Q1 is paid by payer A only so far: what is paid counts each payer's own payment.
    make_claim(db_session, shared, world.investee_a, "2026-Q1", approve_by=[officer], pay_by=officer)
    make_claim(db_session, shared, world.investee_a, "2026-Q2", approve_by=[officer])
    make_claim(db_session, shared, world.investee_a, "2026-Q3")  # submitted only
    money = budgets.budget(db_session, _fresh(db_session, OutcomeContract, shared.id))
    row = money.contract
    assert (row.committed, row.claimed, row.approved, row.paid, row.remaining) == (
        D("160000.00"),
        D("16000.00"),
        D("12000.00"),
        D("4800.00"),
        D("148000.00"),
    )
    assert [(r.name, r.committed, r.claimed, r.approved, r.paid, r.remaining) for r in money.payers] == [
        ("Gemeente A", D("100000.00"), D("9600.00"), D("7200.00"), D("4800.00"), D("92800.00")),
        ("Provincie B", D("60000.00"), D("6400.00"), D("4800.00"), D("0.00"), D("55200.00")),
    ]
    assert money.investor is None


def test_the_payers_claimed_amounts_add_up_to_the_contracts_after_a_partly_approved_claim(db_session, world, shared):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    make_result(db_session, shared, world.investee_a, participant="P-2", achieved_on=date(2026, 2, 2))
    claim = make_claim(db_session, shared, world.investee_a)
    claims.reject_line(db_session, officer, _scope(officer), claim, claim.lines[1], "no evidence")
    claims.approve(db_session, officer, _scope(officer), claim, THRESHOLD)
    money = budgets.budget(db_session, _fresh(db_session, OutcomeContract, shared.id))
    assert sum(r.claimed for r in money.payers) == money.contract.claimed


def test_the_sib_investor_is_repaid_from_payments_up_to_capital_plus_the_maximum_return(db_session, world):
    officer = world.user("officer_a")
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        investor_name="Stichting Voorfinanciering",
        investor_capital="10000.00",
        investor_max_return_percent="5",
    )
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=2)
    make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer], pay_by=officer)
    first = budgets.budget(db_session, _fresh(db_session, OutcomeContract, contract.id)).investor
    assert (first.capital, first.max_repayment, first.repaid, first.outstanding, first.return_amount) == (
        D("10000.00"),
        D("10500.00"),
        D("8000.00"),
        D("2000.00"),
        D("0"),
    )
    make_result(db_session, contract, world.investee_a, period="2026-Q2", units=1)
    make_claim(db_session, contract, world.investee_a, "2026-Q2", approve_by=[officer], pay_by=officer)
    later = budgets.budget(db_session, _fresh(db_session, OutcomeContract, contract.id)).investor
    assert (later.repaid, later.outstanding, later.return_amount) == (D("10500.00"), D("0"), D("500.00"))


def test_the_indigo_export_names_metrics_prices_and_payments_without_participants(db_session, world, shared):
    officer = world.user("officer_a")
    make_result(db_session, shared, world.investee_a, participant="R-SECRET-1", achieved_on=date(2026, 2, 1))
    both = [officer, world.user("officer_b")]
    make_claim(db_session, shared, world.investee_a, approve_by=[officer], pay_by=both, paid_on=date(2026, 4, 15))
    data = indigo.export(db_session, _fresh(db_session, OutcomeContract, shared.id))
    assert data["name"] == {"value": shared.name, "status": "PUBLIC"}
    assert [m["id"] for m in data["outcome_metrics"]] == ["JOB6"]
    assert [p["price_per_unit"]["amount"]["value"] for p in data["outcome_pricings"]] == ["4000.00"]
    assert data["results"] == [
        {
            "outcome_metric_id": {"value": "JOB6", "status": "PUBLIC"},
            "period": {"value": "2026-Q1", "status": "PUBLIC"},
            "achieved_number": {"value": 1, "status": "PUBLIC"},
        }
    ]
    assert [
        (p["outcome_payer_id"]["value"], p["amount"]["value"], p["date"]["value"]) for p in data["outcome_payments"]
    ] == [
        (f"NL-FUNDAPP-PAYER-{world.payer_a.id}", "2400.00", "2026-04-15"),
        (f"NL-FUNDAPP-PAYER-{world.payer_b.id}", "1600.00", "2026-04-15"),
    ]
    assert data["overall_project_finance"]["total_outcome_payments_made"]["amount"]["value"] == "4000.00"
    assert "R-SECRET-1" not in json.dumps(data)


def test_the_indigo_export_writes_numbers_as_plain_decimals_and_includes_every_organisation_it_references(
    db_session, world
):
    # 70.00 % normalizes to 7E+1 and a band price entered as 7E+2 is stored so: neither may reach the export.
    contract = make_contract(
        db_session,
        [(world.payer_a, "70.00", "100000.00"), (world.payer_b, "30.00", None)],
        [world.investee_a],
        items=[item("JOB6", "4000.00", price_bands=[band(0, 11, "7E+2")], max_amount=D("1E+4"))],
        investor_name="Stichting Kapitaal",
        investor_capital="50000.00",
        investor_max_return_percent="10.00",
    )
    officer = world.user("officer_a")
    make_result(db_session, contract, world.investee_a, participant="P-1", achieved_on=date(2026, 2, 1))
    make_claim(db_session, contract, world.investee_a, approve_by=[officer], pay_by=officer, paid_on=date(2026, 4, 15))
    data = indigo.export(db_session, _fresh(db_session, OutcomeContract, contract.id))

    assert "E+" not in json.dumps(data)
    assert [p["share_percent"]["value"] for p in data["outcome_payers"]] == ["70", "30"]
    assert data["overall_project_finance"]["maximum_potential_return"]["value"] == "10"
    assert data["outcome_pricings"][0]["price_description"]["value"] == (
        "0-11 months on benefit: 700.00; at most 10000.00"
    )
    referenced = {p["organisation_id"]["value"] for p in data["outcome_payers"]}
    referenced |= {p["organisation_id"]["value"] for p in data["service_providers"]}
    referenced |= {p["organisation_id"]["value"] for p in data["investors"]}
    referenced |= {p["outcome_payer_id"]["value"] for p in data["outcome_payments"]}
    organisations = {o["id"]: o for o in data["organisations"]}
    assert set(organisations) == referenced
    payer = organisations[f"NL-FUNDAPP-PAYER-{world.payer_a.id}"]
    assert (payer["name"]["value"], payer["country"]["value"]) == (world.payer_a.name, "NL")
    provider = organisations[f"NL-KVK-{world.investee_a.kvk_number}"]
    assert provider["name"]["value"] == world.investee_a.name
    assert provider["org-ids"]["primary"]["value"] == f"NL-KVK-{world.investee_a.kvk_number}"
    investor = organisations[f"NL-FUNDAPP-{contract.reference}-INVESTOR"]
    assert investor["name"] == {"value": "Stichting Kapitaal", "status": "PUBLIC"}


def test_claim_totals_equal_the_sum_of_their_lines_and_splits(db_session, world, shared):
    officer = world.user("officer_a")
    for n in range(5):
        make_result(db_session, shared, world.investee_a, participant=f"P-{n}", achieved_on=date(2026, 1, 10 + n))
    claim = make_claim(db_session, shared, world.investee_a, approve_by=[officer])
    db_session.expire_all()
    assert (
        db_session.scalar(select(func.sum(ClaimLine.payable)).where(ClaimLine.claim_id == claim.id))
        == claim.total_payable
    )
    assert (
        db_session.scalar(select(func.sum(ClaimPayerSplit.amount)).where(ClaimPayerSplit.claim_id == claim.id))
        == claim.approved_amount
    )
