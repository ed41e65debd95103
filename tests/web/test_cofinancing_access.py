"""Co-financing on the API: a fund named in a round sees the round and its share of a syndicated loan, never the
other funds' loans, portfolio or books; a fund not named sees nothing of it."""

from __future__ import annotations

from decimal import Decimal

from fundapp.cofinancing import services
from tests.factories import ACTOR, make_fund, make_loan, make_user


def _syndicate(db_session, world):
    loan = make_loan(db_session, world.investee_a, status="approved", principal=Decimal("9000.00"))
    services.set_participations(
        db_session,
        ACTOR,
        loan,
        [
            {"fund_id": world.fund_a.id, "percentage": Decimal("60")},
            {"fund_id": world.fund_b.id, "percentage": Decimal("40")},
        ],
    )
    return loan


def test_a_manager_records_a_round_with_a_bank_and_another_fund_and_that_fund_sees_it(
    client, db_session, world, api_headers
):
    body = {
        "name": "Groeironde",
        "date": "2026-03-01",
        "participants": [
            {"fund_id": world.fund_a.id, "instrument": "loan", "amount": "150000.00"},
            {"fund_id": world.fund_b.id, "instrument": "equity", "amount": "50000.00"},
            {"party_name": "Rabobank", "party_kind": "bank", "instrument": "loan", "amount": "250000.00"},
        ],
    }
    made = client.post(
        f"/api/v1/investees/{world.investee_a.id}/financing-rounds",
        json=body,
        headers=api_headers(world.user("manager_a")),
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["total"] == "450000.00"
    seen = client.get(f"/api/v1/financing-rounds/{made.get_json()['id']}", headers=api_headers(world.user("manager_b")))
    assert [p["party"] for p in seen.get_json()["participants"]] == [world.fund_a.name, world.fund_b.name, "Rabobank"]
    outsider = make_user(db_session, "fund_manager", make_fund(db_session, name="Elders").id)
    assert (
        client.get(f"/api/v1/financing-rounds/{made.get_json()['id']}", headers=api_headers(outsider)).status_code
        == 404
    )
    listed = client.get("/api/v1/financing-rounds", headers=api_headers(outsider)).get_json()
    assert listed["total"] == 0


def test_a_round_is_recorded_only_by_a_manager_of_a_fund_that_takes_part(client, world, api_headers):
    body = {
        "name": "Zonder ons",
        "date": "2026-03-01",
        "participants": [
            {"party_name": "Provincie", "party_kind": "province", "instrument": "grant", "amount": "1.00"}
        ],
    }
    answer = client.post(
        f"/api/v1/investees/{world.investee_a.id}/financing-rounds",
        json=body,
        headers=api_headers(world.user("manager_a")),
    )
    assert answer.status_code == 403


def test_a_participating_fund_sees_the_syndicated_loan_but_not_the_lead_funds_other_loans_or_books(
    client, db_session, world, api_headers
):
    loan = _syndicate(db_session, world)
    headers = api_headers(world.user("manager_b"))
    shares = client.get(f"/api/v1/loans/{loan.id}/participations", headers=headers).get_json()
    assert [(p["percentage"], p["lead"]) for p in shares["participations"]] == [("60", True), ("40", False)]
    assert client.get(f"/api/v1/loans/{loan.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/loans/{world.loan_a.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/funds/{world.fund_a.id}/portfolio", headers=headers).status_code == 404
    # Read-only: the lead services the loan.
    answer = client.put(
        f"/api/v1/loans/{loan.id}/participations",
        json={"participations": [{"fund_id": world.fund_b.id, "percentage": "100"}]},
        headers=headers,
    )
    assert answer.status_code == 403


def test_participations_not_summing_to_100_are_refused_with_a_clear_error_and_nothing_changes(
    client, db_session, world, api_headers
):
    loan = make_loan(db_session, world.investee_a, status="approved")
    body = {
        "participations": [
            {"fund_id": world.fund_a.id, "percentage": "50"},
            {"party_name": "ASN Bank", "party_kind": "bank", "percentage": "49.99"},
        ]
    }
    answer = client.put(
        f"/api/v1/loans/{loan.id}/participations", json=body, headers=api_headers(world.user("manager_a"))
    )
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"] == [
        {"field": "participations", "message": "The percentages must sum to exactly 100."}
    ]
    assert services.participations_of(db_session, loan) == []
