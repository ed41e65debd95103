"""Each payer pays its own part of a claim: the budget, the fund report, the investee report and the INDIGO export
count each payer's payment on its own date, also before the other payers have paid, and never a rejected line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fundapp.auth.policy import Scope
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import claims, indigo, payments
from fundapp.outcomes.models import Claim, ClaimStatus, OutcomeContract
from fundapp.reports import queries
from tests.outcome_factories import THRESHOLD, item, make_claim, make_contract, make_result


def D(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture()
def paid_in_part(db_session, world) -> Claim:
    """A € 14,400 claim (one € 3,600 line of five rejected); Gemeente A (70 %) paid its part on 2026-04-15,
    Provincie B (30 %) has not paid yet."""
    contract = make_contract(
        db_session,
        [(world.payer_a, "70", None), (world.payer_b, "30", None)],
        [world.investee_a],
        items=[item("JOB6", "3600.00")],
        contract_cap="100000.00",
    )
    for n in range(5):
        make_result(db_session, contract, world.investee_a, participant=f"P-{n + 1}", achieved_on=date(2026, 2, 1 + n))
    claim = make_claim(db_session, contract, world.investee_a)
    officer = world.user("officer_a")
    claims.reject_line(db_session, officer, Scope.of_user(officer), claim, claim.lines[4], "no payslip")
    claims.approve(db_session, officer, Scope.of_user(officer), claim, THRESHOLD)
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, date(2026, 4, 15), "GEM-A-1")
    db_session.flush()
    return claim


def _pay_b(db_session, world, claim: Claim, on: date = date(2026, 5, 20)) -> None:
    officer = world.user("officer_b")
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, on, "PB-1")
    db_session.flush()


def test_the_budget_counts_each_payers_own_payment_before_the_claim_is_paid_in_full(db_session, world, paid_in_part):
    assert paid_in_part.status == ClaimStatus.PARTLY_APPROVED and paid_in_part.paid_on is None
    money = budgets.budget(db_session, db_session.get(OutcomeContract, paid_in_part.contract_id))
    assert (money.contract.claimed, money.contract.approved, money.contract.paid) == (
        D("14400.00"),
        D("14400.00"),
        D("10080.00"),
    )
    assert [(row.committed, row.approved, row.paid, row.remaining) for row in money.payers] == [
        (D("70000.00"), D("10080.00"), D("10080.00"), D("59920.00")),
        (D("30000.00"), D("4320.00"), D("0.00"), D("25680.00")),
    ]


def test_the_fund_report_lists_each_payers_payment_with_its_own_date_and_reference(db_session, world, paid_in_part):
    rows = queries.fund_payments(db_session, world.fund_a.id, date(2026, 4, 1), date(2026, 6, 30))
    assert [(r.payers, r.amount, r.paid_on, r.payment_reference) for r in rows] == [
        ("Gemeente A", D("10080.00"), date(2026, 4, 15), "GEM-A-1")
    ]
    _pay_b(db_session, world, paid_in_part)
    rows = queries.fund_payments(db_session, world.fund_a.id, date(2026, 4, 1), date(2026, 6, 30))
    assert [(r.payers, r.amount, r.paid_on, r.payment_reference) for r in rows] == [
        ("Gemeente A", D("10080.00"), date(2026, 4, 15), "GEM-A-1"),
        ("Provincie B", D("4320.00"), date(2026, 5, 20), "PB-1"),
    ]
    assert queries.fund_payments(db_session, world.fund_a.id, date(2026, 5, 1), date(2026, 5, 31))[0].amount == D(
        "4320.00"
    )


def test_the_investee_report_counts_what_the_payers_have_paid_of_a_claim_paid_in_part(db_session, world, paid_in_part):
    [row] = queries.investee_claims(db_session, world.investee_a.id, ["2026-Q1"])
    assert (row.amount, row.paid, row.paid_on) == (D("14400.00"), D("10080.00"), None)
    _pay_b(db_session, world, paid_in_part)
    [row] = queries.investee_claims(db_session, world.investee_a.id, ["2026-Q1"])
    assert (row.amount, row.paid, row.paid_on, row.payment_reference) == (
        D("14400.00"),
        D("14400.00"),
        date(2026, 5, 20),
        "GEM-A-1; PB-1",
    )


def test_the_indigo_export_publishes_each_payers_payment_on_the_date_it_paid(db_session, world, paid_in_part):
    contract = db_session.get(OutcomeContract, paid_in_part.contract_id)

    def published() -> list[tuple[str, str, str]]:
        data = indigo.export(db_session, contract)
        return [
            (p["outcome_payer_id"]["value"], p["amount"]["value"], p["date"]["value"]) for p in data["outcome_payments"]
        ]

    assert published() == [(f"NL-FUNDAPP-PAYER-{world.payer_a.id}", "10080.00", "2026-04-15")]
    _pay_b(db_session, world, paid_in_part)
    assert published() == [
        (f"NL-FUNDAPP-PAYER-{world.payer_a.id}", "10080.00", "2026-04-15"),
        (f"NL-FUNDAPP-PAYER-{world.payer_b.id}", "4320.00", "2026-05-20"),
    ]
    total = indigo.export(db_session, contract)["overall_project_finance"]["total_outcome_payments_made"]
    assert total["amount"]["value"] == "14400.00"


def test_each_payers_payment_touches_the_claim_so_two_recorded_at_once_cannot_both_pass(
    db_session, world, paid_in_part
):
    # The claim's version refuses the second of two officers recording at the same moment (it is told 409),
    # also when the first payment leaves the claim partly paid.
    contract = db_session.get(OutcomeContract, paid_in_part.contract_id)
    make_result(db_session, contract, world.investee_a, participant="P-9", achieved_on=date(2026, 4, 2))
    officer = world.user("officer_a")
    claim = make_claim(db_session, contract, world.investee_a, "2026-Q2", approve_by=[officer])
    before = claim.version
    payments.record_payment(db_session, officer, Scope.of_user(officer), claim, date(2026, 6, 1), "GEM-A-2")
    db_session.flush()
    assert (claim.status, claim.version) == (ClaimStatus.APPROVED, before + 1)
