"""Who sees a provider's payments assigned to its loan: the contract's payers, the provider's side and whoever sees
the loan; not another provider of the same contract (nor its fund), not the contract's validator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fundapp.auth.models import Role
from fundapp.auth.policy import Scope
from fundapp.outcomes import assignments
from tests.factories import make_loan, make_user
from tests.outcome_factories import item, make_contract


@pytest.fixture
def shared(db_session, world):
    """One contract of payer A with two providers from two funds; each fund assigns its provider's payments."""
    contract = make_contract(
        db_session, [(world.payer_a, "100", None)], [world.investee_a, world.investee_b], [item("JOB6", "2500.00")]
    )
    loan_b = make_loan(db_session, world.investee_b)
    world.loan_b = loan_b
    world.users["validator_shared"] = make_user(db_session, Role.VALIDATOR, contract.id)
    for manager, investee, loan in (
        ("manager_a", world.investee_a, world.loan_a),
        ("manager_b", world.investee_b, loan_b),
    ):
        user = world.user(manager)
        data = {
            "investee_id": investee.id,
            "loan_id": loan.id,
            "share_percent": Decimal("40"),
            "valid_from": date(2026, 1, 1),
        }
        assignments.assign(db_session, user, Scope.of_user(user), contract, data)
    db_session.commit()
    return contract


def _loans_listed(client, headers, contract):
    answer = client.get(f"/api/v1/outcome-contracts/{contract.id}/assignments", headers=headers)
    assert answer.status_code == 200
    return {row["loan_reference"] for row in answer.get_json()["items"]}, answer.get_json()["total"]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer_a", {"a", "b"}),  # the payer consents to and pays both
        ("manager_a", {"a"}),
        ("member_a", {"a"}),
        ("manager_b", {"b"}),
        ("member_b", {"b"}),
        ("validator_shared", set()),
    ],
)
def test_each_party_sees_only_the_assignments_that_are_its_business(client, world, shared, api_headers, who, sees):
    references = {"a": world.loan_a.reference, "b": world.loan_b.reference}
    expected = {references[key] for key in sees}
    listed, total = _loans_listed(client, api_headers(world.user(who)), shared)
    assert listed == expected and total == len(expected)


@pytest.mark.parametrize(
    ("who", "own", "other"), [("manager_a", "a", "b"), ("member_b", "b", "a"), ("officer_a", "a", None)]
)
def test_the_contract_page_shows_another_providers_loan_to_nobody_but_the_payer(
    world, shared, login_as, who, own, other
):
    references = {"a": world.loan_a.reference, "b": world.loan_b.reference}
    page = login_as(world.user(who)).get(f"/contracts/{shared.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert references[own] in text
    if other is None:
        assert references["b"] in text
    else:
        assert references[other] not in text


def test_assigning_tells_whoever_may_not_see_a_loan_nothing_about_it(client, db_session, world, api_headers):
    """Another provider's side, the validator or the payer naming a provider's loan hears what it hears of a loan
    that does not exist (404); someone who sees the loan but does not manage it is refused (403); nothing stored."""
    contract = make_contract(
        db_session, [(world.payer_a, "100", None)], [world.investee_a, world.investee_b], [item("JOB6", "2500.00")]
    )
    world.users["validator_c"] = make_user(db_session, Role.VALIDATOR, contract.id)
    db_session.commit()
    url = f"/api/v1/outcome-contracts/{contract.id}/assignments"

    def post(who, loan_id):
        body = {
            "investee_id": world.investee_a.id,
            "loan_id": loan_id,
            "share_percent": "40",
            "valid_from": "2026-01-01",
        }
        return client.post(url, json=body, headers=api_headers(world.user(who)))

    for who in ("member_b", "manager_b", "validator_c", "officer_a"):
        real, absent = post(who, world.loan_a.id), post(who, 999_999)
        assert real.status_code == absent.status_code == 404, who
        assert real.get_json()["error"] == absent.get_json()["error"], who
    assert post("member_a", world.loan_a.id).status_code == 403
    assert client.get(url, headers=api_headers(world.user("officer_a"))).get_json()["total"] == 0
