"""Naming a party in an outcome contract grants nothing until that party accepts; a draft grants no access;
starting needs every party, closing needs every payer; splitting a claim never avoids the second signature.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.outcomes.models import Claim, ClaimStatus, ContractStatus, OutcomeContract
from tests.factories import add_reports
from tests.outcome_factories import D, item, make_claim, make_contract, make_result


def _api(client, headers):
    class Caller:
        def get(self, path):
            return client.get(f"/api/v1{path}", headers=headers)

        def post(self, path, body=None):
            return client.post(f"/api/v1{path}", json=body if body is not None else {}, headers=headers)

    return Caller()


@pytest.fixture()
def api(client, world, api_headers):
    return {role: _api(client, api_headers(world.user(role))) for role in world.users}


def _investee_a_reads(world) -> list[str]:
    """Everything of investee A that a payer's officer would see once investee A provides for it."""
    sub = world.submission_a.id
    inv = world.investee_a.id
    return [
        f"/investees/{inv}",
        f"/investees/{inv}/impact-plan",
        f"/investees/{inv}/kpi-submissions",
        f"/kpi-submissions/{sub}",
        f"/kpi-submissions/{sub}/participants",
        f"/investees/{inv}/impact-report?period=2026",
    ]


def _pages(world) -> list[str]:
    inv = world.investee_a.id
    return [f"/investees/{inv}", f"/investees/{inv}/impact", f"/kpi-submissions/{world.submission_a.id}"]


def _draft_naming_investee_a(api, world) -> int:
    body = {
        "name": "Werk",
        "reference": "RF-GRAB",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "payers": [{"payer_id": world.payer_b.id, "share_percent": "100", "commitment": None}],
        "providers": [world.investee_a.id],
        "items": [{"code": "JOB", "name": "Job", "price": "1000.00"}],
    }
    response = api["officer_b"].post("/outcome-contracts", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_naming_an_investee_in_a_draft_gives_the_officer_nothing_of_it(api, world, db_session, login_as):
    add_reports(db_session, world)
    _draft_naming_investee_a(api, world)
    for path in _investee_a_reads(world):
        assert api["officer_b"].get(path).status_code == 404, path
    listed = api["officer_b"].get("/investees").get_json()
    assert [i["id"] for i in listed["items"]] == []
    browser = login_as(world.user("officer_b"))
    for path in _pages(world):
        assert browser.get(path).status_code == 404, path


def test_an_accepted_provider_in_a_draft_still_grants_nothing_until_the_contract_starts(api, world, db_session):
    add_reports(db_session, world)
    contract_id = _draft_naming_investee_a(api, world)
    accepted = api["manager_a"].post(f"/outcome-contracts/{contract_id}/providers/{world.investee_a.id}/accept")
    assert accepted.status_code == 200
    for path in _investee_a_reads(world):
        assert api["officer_b"].get(path).status_code == 404, path
    assert api["officer_b"].post(f"/outcome-contracts/{contract_id}/activate").get_json()["status"] == "active"
    assert api["officer_b"].get(f"/investees/{world.investee_a.id}").status_code == 200
    assert api["officer_b"].get(f"/kpi-submissions/{world.submission_a.id}/participants").status_code == 200


def test_only_the_provider_itself_accepts_and_nobody_accepts_for_another_party(api, world, db_session):
    contract_id = _draft_naming_investee_a(api, world)
    path = f"/outcome-contracts/{contract_id}/providers/{world.investee_a.id}/accept"
    assert api["officer_b"].post(path).status_code == 403  # the payer cannot accept on the provider's behalf
    assert api["admin"].post(path).status_code == 403
    assert api["manager_b"].post(path).status_code == 404  # another fund sees nothing of the invitation
    assert api["member_a"].post(path).status_code == 200
    assert api["manager_a"].post(path).status_code == 409  # accepted once
    stored = db_session.get(OutcomeContract, contract_id)
    db_session.refresh(stored.providers[0])
    assert stored.providers[0].accepted_by_id == world.user("member_a").id


def test_the_provider_picker_and_directory_show_only_name_kvk_and_municipality(api, world, login_as):
    listed = api["officer_b"].get("/providers?q=investee a")
    assert listed.status_code == 200
    assert listed.get_json()["items"] == [
        {
            "id": world.investee_a.id,
            "name": "Investee A",
            "kvk_number": world.investee_a.kvk_number,
            "municipality": world.investee_a.municipality,
        }
    ]
    assert api["manager_a"].get("/providers").status_code == 403
    page = login_as(world.user("officer_b")).get("/contracts/new").get_data(as_text=True)
    assert world.investee_a.kvk_number in page and world.investee_a.municipality in page


def test_one_payer_cannot_commit_another_payers_budget(api, world, db_session, login_as):
    body = {
        "name": "Gedeeld",
        "reference": "RF-SHARED",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "payers": [
            {"payer_id": world.payer_a.id, "share_percent": "50", "commitment": "10000.00"},
            {"payer_id": world.payer_b.id, "share_percent": "50", "commitment": "90000.00"},
        ],
        "providers": [world.investee_a.id],
        "items": [{"code": "JOB", "name": "Job", "price": "1000.00"}],
    }
    contract_id = api["officer_a"].post("/outcome-contracts", body).get_json()["id"]
    assert (
        api["manager_a"].post(f"/outcome-contracts/{contract_id}/providers/{world.investee_a.id}/accept").status_code
        == 200
    )
    refused = api["officer_a"].post(f"/outcome-contracts/{contract_id}/activate")
    assert refused.status_code == 409 and [d["message"] for d in refused.get_json()["error"]["details"]] == [
        "Provincie B"
    ]
    assert db_session.get(OutcomeContract, contract_id).status == ContractStatus.DRAFT
    # Payer B's budget and report know nothing of a contract it did not accept.
    browser = login_as(world.user("officer_b"))
    report = browser.get(f"/reports/payers/{world.payer_b.id}?period=2026")
    assert report.status_code == 200 and "RF-SHARED" not in report.get_data(as_text=True)
    assert "RF-SHARED" not in browser.get("/").get_data(as_text=True)
    assert (
        api["officer_a"].post(f"/outcome-contracts/{contract_id}/payers/{world.payer_b.id}/accept").status_code == 403
    )
    assert (
        api["officer_b"].post(f"/outcome-contracts/{contract_id}/payers/{world.payer_b.id}/accept").status_code == 200
    )
    assert api["officer_a"].post(f"/outcome-contracts/{contract_id}/activate").status_code == 200
    assert "RF-SHARED" in login_as(world.user("officer_b")).get("/").get_data(as_text=True)


def test_one_co_payer_cannot_close_a_shared_contract(api, world, db_session):
    contract = make_contract(db_session, [(world.payer_a, "60", None), (world.payer_b, "40", None)], [world.investee_a])
    first = api["officer_a"].post(f"/outcome-contracts/{contract.id}/close")
    assert first.status_code == 200 and first.get_json()["status"] == "active"
    assert api["manager_a"].post(f"/outcome-contracts/{contract.id}/close").status_code == 403
    second = api["officer_b"].post(f"/outcome-contracts/{contract.id}/close")
    assert second.status_code == 200 and second.get_json()["status"] == "closed"


def test_splitting_a_claim_never_avoids_the_second_signature(db_session, world):
    from fundapp.outcomes import claims
    from tests.outcome_factories import officer_scope

    threshold = D("25000.00")
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], [item("JOB", "20000.00")])
    officer = world.user("officer_a")
    make_result(db_session, contract, world.investee_a, "JOB", participant="S-1", achieved_on=date(2026, 1, 10))
    first = make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer], threshold=threshold)
    assert first.status == ClaimStatus.APPROVED
    make_result(db_session, contract, world.investee_a, "JOB", participant="S-2", achieved_on=date(2026, 2, 10))
    second = make_claim(db_session, contract, world.investee_a, "2026-Q1", threshold=threshold)
    assert claims.approvals_needed(db_session, second, threshold) == 2
    claims.approve(db_session, officer, officer_scope(officer), second, threshold)
    assert second.status == ClaimStatus.SUBMITTED  # 20,000 + 20,000 > 25,000: a second officer signs
    stored = db_session.scalars(select(Claim).where(Claim.contract_id == contract.id).order_by(Claim.id)).all()
    assert [c.approved_amount for c in stored] == [Decimal("20000.00"), None]


def test_two_claims_submitted_side_by_side_cannot_each_pass_with_one_signature(db_session, world):
    from fundapp.outcomes import claims
    from tests.outcome_factories import officer_scope

    threshold = D("25000.00")
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], [item("JOB", "20000.00")])
    officer = world.user("officer_a")
    make_result(db_session, contract, world.investee_a, "JOB", participant="S-1", achieved_on=date(2026, 1, 10))
    first = make_claim(db_session, contract, world.investee_a, "2026-Q1", threshold=threshold)
    make_result(db_session, contract, world.investee_a, "JOB", participant="S-2", achieved_on=date(2026, 2, 10))
    second = make_claim(db_session, contract, world.investee_a, "2026-Q1", threshold=threshold)
    assert (first.approvals_required, second.approvals_required) == (1, 1)  # each alone is under the threshold
    claims.approve(db_session, officer, officer_scope(officer), first, threshold)
    claims.approve(db_session, officer, officer_scope(officer), second, threshold)
    assert (first.status, second.status) == (ClaimStatus.APPROVED, ClaimStatus.SUBMITTED)
