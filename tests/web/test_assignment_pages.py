"""Assigned outcome payments on the contract page and under /api/v1: the fund manager assigns, the officer accepts."""

from __future__ import annotations

from tests.factories import add_outcomes


def test_the_manager_assigns_through_the_api_and_the_officer_accepts_on_the_contract_page(
    client, db_session, world, api_headers, login_as
):
    add_outcomes(db_session, world)
    contract = world.contract_a
    body = {
        "investee_id": world.investee_a.id,
        "loan_id": world.loan_a.id,
        "share_percent": "40",
        "valid_from": "2026-01-01",
    }
    url = f"/api/v1/outcome-contracts/{contract.id}/assignments"
    # The officer may not see the loan: answered as a loan that does not exist (test_assignment_visibility).
    assert client.post(url, json=body, headers=api_headers(world.user("officer_a"))).status_code == 404
    made = client.post(url, json=body, headers=api_headers(world.user("manager_a")))
    assert made.status_code == 201
    assert made.get_json()["share_percent"] == "40" and made.get_json()["payers"][0]["accepted_at"] is None

    page = login_as(world.user("officer_a")).get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f"/contracts/{contract.id}/assignments/accept" in page
    accepted = client.post(f"/contracts/{contract.id}/assignments/accept")
    assert accepted.status_code == 303
    listed = client.get(url, headers=api_headers(world.user("member_a"))).get_json()
    assert listed["total"] == 1 and listed["items"][0]["payers"][0]["accepted_at"] is not None
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f"/contracts/{contract.id}/assignments/accept" not in page
