"""/api/v1 for result financing: the public simulation contract, contracts and rate cards, results (by hand and
from approved KPI reports), claims with their decisions, payments and corrections, budget, the INDIGO export,
and who sees what.

Every test checks the status, the body AND the stored rows. Money is a decimal string in and out.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.auth.models import Role
from fundapp.impact import submissions as subs
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
    RateCard,
    ResultStatus,
)
from tests.factories import ACTOR, make_plan, make_submission, make_user
from tests.outcome_factories import D, item, make_claim, make_contract, make_result

SIMULATION = {
    "currency": "EUR",
    "contract_cap": "250000.00",
    "participant_cap": None,
    "deadweight_percent": "0",
    "payers": [{"name": "Gemeente Rotterdam", "share_percent": "100", "commitment": None}],
    "items": [
        {
            "code": "JOB6",
            "name": "Six months in paid work",
            "price": "4000.00",
            "max_units": None,
            "max_amount": None,
            "prerequisite": None,
            "price_bands": None,
        }
    ],
    "results": [
        {"item": "JOB6", "participant": "R-0001", "achieved_on": "2026-05-01", "months_on_benefit": 14},
        {"item": "JOB6", "units": 12},
    ],
}
LINE_KEYS = {"item", "participant", "units", "price", "gross", "deadweight", "payable", "capped_by"}


class Caller:
    """Calls /api/v1 as one user: caller.get(path) / caller.post(path, json)."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, path):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path, json=None):
        return self.client.post(f"/api/v1{path}", json=json if json is not None else {}, headers=self.headers)


@pytest.fixture()
def api(client, world, api_headers):
    """api["officer_a"].post(...): one caller per role of the world."""
    return {role: Caller(client, api_headers(world.user(role))) for role in world.users}


def _fields(response) -> list[str]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return [d["field"] for d in body["error"]["details"]]


def _code(response) -> str:
    return response.get_json()["error"]["code"]


def _counts(db_session) -> dict[str, int]:
    db_session.expire_all()
    return {
        m.__name__: db_session.scalar(select(func.count()).select_from(m))
        for m in (
            AuditEntry,
            OutcomeContract,
            RateCard,
            OutcomeResult,
            Claim,
            ClaimLine,
            ClaimApproval,
            ClaimPayerSplit,
        )
    }


def _fresh(db_session, model, object_id):
    db_session.expire_all()
    return db_session.get(model, object_id)


def _simulate(api, payload):
    return api["officer_a"].post("/outcome-contracts/simulate", payload)


def _sim(items, results, payers=None, **terms):
    payload = {
        "currency": "EUR",
        "contract_cap": None,
        "participant_cap": None,
        "deadweight_percent": "0",
        "payers": payers or [{"name": "Gemeente Rotterdam", "share_percent": "100", "commitment": None}],
        "items": items,
        "results": results,
    }
    payload.update(terms)
    return payload


def _item(code, price, **extra):
    return {"code": code, "name": f"Item {code}", "price": price, **extra}


# --- 1. the public simulation contract --------------------------------------------------------------------------


def test_the_simulation_of_the_published_example_answers_exactly_the_published_shape(api, db_session):
    before = _counts(db_session)
    response = _simulate(api, SIMULATION)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"lines", "total_gross", "total_payable", "by_payer"}
    assert all(set(line) == LINE_KEYS for line in body["lines"])
    assert body["lines"] == [
        {
            "item": "JOB6",
            "participant": "R-0001",
            "units": 1,
            "price": "4000.00",
            "gross": "4000.00",
            "deadweight": "0.00",
            "payable": "4000.00",
            "capped_by": None,
        },
        {
            "item": "JOB6",
            "participant": None,
            "units": 12,
            "price": "4000.00",
            "gross": "48000.00",
            "deadweight": "0.00",
            "payable": "48000.00",
            "capped_by": None,
        },
    ]
    assert (body["total_gross"], body["total_payable"]) == ("52000.00", "52000.00")
    assert body["by_payer"] == [{"name": "Gemeente Rotterdam", "amount": "52000.00"}]
    assert _counts(db_session) == before  # writes nothing


def test_the_simulation_needs_a_login(client):
    response = client.post("/api/v1/outcome-contracts/simulate", json=SIMULATION)
    assert response.status_code == 401
    assert _code(response) == "unauthorized"


def test_the_simulation_prices_by_months_on_benefit_with_inclusive_bands(api):
    bands = [
        {"min_months": 0, "max_months": 11, "price": "3000.00"},
        {"min_months": 12, "max_months": 35, "price": "4000.00"},
        {"min_months": 36, "max_months": None, "price": "6000.00"},
    ]
    results = [
        {"item": "JOB6", "participant": f"R-{months}", "achieved_on": "2026-05-01", "months_on_benefit": months}
        for months in (11, 12, 36)
    ] + [{"item": "JOB6", "participant": "R-none", "achieved_on": "2026-05-01"}]
    response = _simulate(api, _sim([_item("JOB6", "4500.00", price_bands=bands)], results))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [(ln["participant"], ln["price"], ln["payable"]) for ln in body["lines"]] == [
        ("R-11", "3000.00", "3000.00"),
        ("R-12", "4000.00", "4000.00"),
        ("R-36", "6000.00", "6000.00"),
        ("R-none", "4500.00", "4500.00"),
    ]
    assert body["total_payable"] == "17500.00"


def test_the_simulation_shows_the_contract_cap_binding(api):
    payload = _sim(
        [_item("JOB6", "4000.00")],
        [{"item": "JOB6", "units": 12}, {"item": "JOB6", "units": 2}],
        contract_cap="50000.00",
    )
    body = _simulate(api, payload).get_json()
    # undated cohort results are ordered by units: the 2 units come first
    assert [(ln["units"], ln["gross"], ln["payable"], ln["capped_by"]) for ln in body["lines"]] == [
        (2, "8000.00", "8000.00", None),
        (12, "48000.00", "42000.00", "contract_cap"),
    ]
    assert (body["total_gross"], body["total_payable"]) == ("56000.00", "50000.00")


def test_the_simulation_reproduces_the_domains_worked_example(api):
    payload = _sim(
        [_item("A", "1000.00"), _item("B", "3000.00", prerequisite="A")],
        [
            {"item": "B", "participant": "P-1", "achieved_on": "2026-03-01"},
            {"item": "A", "participant": "P-1", "achieved_on": "2026-02-01"},
        ],
        participant_cap="3500.00",
    )
    body = _simulate(api, payload).get_json()
    assert [(ln["item"], ln["gross"], ln["payable"], ln["capped_by"]) for ln in body["lines"]] == [
        ("A", "1000.00", "1000.00", None),
        ("B", "3000.00", "2500.00", "participant_cap"),
    ]
    assert body["total_payable"] == "3500.00"


def test_the_simulation_splits_sixty_forty_to_the_cent_and_the_parts_sum_exactly(api):
    payers = [
        {"name": "Gemeente Rotterdam", "share_percent": "60", "commitment": None},
        {"name": "Provincie Zuid-Holland", "share_percent": "40", "commitment": None},
    ]
    results = [{"item": "X", "participant": f"P-{n}", "achieved_on": "2026-02-01"} for n in range(3)]
    body = _simulate(api, _sim([_item("X", "333.33")], results, payers=payers)).get_json()
    assert body["total_payable"] == "999.99"
    assert body["by_payer"] == [
        {"name": "Gemeente Rotterdam", "amount": "600.00"},
        {"name": "Provincie Zuid-Holland", "amount": "399.99"},
    ]
    assert sum(Decimal(p["amount"]) for p in body["by_payer"]) == Decimal(body["total_payable"])


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"payers": [{"name": "G", "share_percent": "60", "commitment": None}]}, ["payers"]),
        ({"results": [{"item": "NOPE", "units": 2}]}, ["results[0].item"]),
        (
            {"items": [_item("A", "1.00", prerequisite="B"), _item("B", "1.00", prerequisite="A")], "results": []},
            ["items[0].prerequisite", "items[1].prerequisite"],
        ),
        ({"items": [_item("A", "1.00", prerequisite="A")], "results": []}, ["items[0].prerequisite"]),
        ({"items": [_item("A", "1.00", prerequisite="Z")], "results": []}, ["items[0].prerequisite"]),
        ({"items": [_item("JOB6", 4000.0)]}, ["items.0.price"]),
        ({"contract_cap": 250000.0}, ["contract_cap"]),
        ({"results": [{"item": "JOB6", "participant": "R-1"}]}, ["results[0].achieved_on"]),
    ],
)
def test_a_draft_that_breaks_the_rules_gets_422_naming_the_field_and_writes_nothing(api, db_session, change, fields):
    before = _counts(db_session)
    response = _simulate(api, {**SIMULATION, **change})
    assert response.status_code == 422
    assert _code(response) == "validation_failed"
    assert sorted(_fields(response)) == fields
    assert _counts(db_session) == before


# --- 2. contracts and rate cards ---------------------------------------------------------------------------------


def _contract_body(world, reference="RF-2026-001", **extra):
    body = {
        "name": "Werk in Rotterdam-Zuid",
        "reference": reference,
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "participant_cap": "6000.00",
        "contract_cap": "250000.00",
        "payers": [
            {"payer_id": world.payer_a.id, "share_percent": "60", "commitment": "150000.00"},
            {"payer_id": world.payer_b.id, "share_percent": "40", "commitment": "100000.00"},
        ],
        "providers": [world.investee_a.id],
        "items": [
            {"code": "START", "name": "Started work", "price": "1000.00"},
            {
                "code": "JOB6",
                "name": "Six months in paid work",
                "price": "4000.00",
                "prerequisite": "START",
                "evidence": "payslips",
                "indicator_code": "LP-EMPLOYED-HEADCOUNT",
            },
        ],
    }
    body.update(extra)
    return body


def _accept_all(api, world, contract_id):
    """Officer B accepts payer B's share, manager A accepts for provider investee A (payer A accepted on creation)."""
    accepted = api["officer_b"].post(f"/outcome-contracts/{contract_id}/payers/{world.payer_b.id}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    accepted = api["manager_a"].post(f"/outcome-contracts/{contract_id}/providers/{world.investee_a.id}/accept")
    assert accepted.status_code == 200, accepted.get_json()


def test_an_officer_creates_a_draft_contract_with_two_payers_and_activates_it_once_every_party_accepted(
    api, world, db_session
):
    response = api["officer_a"].post("/outcome-contracts", _contract_body(world))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["reference"] == "RF-2026-001"
    assert [{k: p[k] for k in ("payer_id", "name", "share_percent", "commitment")} for p in body["payers"]] == [
        {"payer_id": world.payer_a.id, "name": "Gemeente A", "share_percent": "60", "commitment": "150000.00"},
        {"payer_id": world.payer_b.id, "name": "Provincie B", "share_percent": "40", "commitment": "100000.00"},
    ]
    # The creating officer accepts for its own payer; the co-payer and the provider are only invited.
    assert [p["accepted_at"] is not None for p in body["payers"]] == [True, False]
    assert body["providers"] == [{"investee_id": world.investee_a.id, "name": "Investee A", "accepted_at": None}]
    refused = api["officer_a"].post(f"/outcome-contracts/{body['id']}/activate")
    assert refused.status_code == 409 and [d["message"] for d in refused.get_json()["error"]["details"]] == [
        "Provincie B",
        "Investee A",
    ]
    _accept_all(api, world, body["id"])
    assert [(i["code"], i["price"], i["prerequisite"]) for i in body["items"]] == [
        ("START", "1000.00", None),
        ("JOB6", "4000.00", "START"),
    ]
    assert (body["participant_cap"], body["contract_cap"], body["deadweight_percent"]) == ("6000.00", "250000.00", "0")
    stored = _fresh(db_session, OutcomeContract, body["id"])
    assert stored.status == ContractStatus.DRAFT
    assert [(p.payer_id, p.share_percent) for p in stored.payers] == [
        (world.payer_a.id, D("60")),
        (world.payer_b.id, D("40")),
    ]

    activated = api["officer_a"].post(f"/outcome-contracts/{body['id']}/activate")
    assert activated.status_code == 200 and activated.get_json()["status"] == "active"
    assert _fresh(db_session, OutcomeContract, body["id"]).status == ContractStatus.ACTIVE
    again = api["officer_a"].post(f"/outcome-contracts/{body['id']}/activate")
    assert again.status_code == 409 and _code(again) == "invalid_transition"


def test_only_an_officer_of_a_payer_of_the_contract_activates_it(api, world, db_session):
    contract_id = api["officer_a"].post("/outcome-contracts", _contract_body(world)).get_json()["id"]
    assert api["manager_a"].post(f"/outcome-contracts/{contract_id}/activate").status_code == 403
    assert api["member_a"].post(f"/outcome-contracts/{contract_id}/activate").status_code == 403
    assert api["manager_b"].post(f"/outcome-contracts/{contract_id}/activate").status_code == 404
    assert _fresh(db_session, OutcomeContract, contract_id).status == ContractStatus.DRAFT


def test_a_fund_manager_cannot_create_a_contract(api, world, db_session):
    before = _counts(db_session)
    response = api["manager_a"].post("/outcome-contracts", _contract_body(world))
    assert response.status_code == 403 and _code(response) == "forbidden"
    assert _counts(db_session) == before


def test_a_contract_without_the_officers_own_payer_is_refused(api, world, db_session):
    before = _counts(db_session)
    body = _contract_body(world, payers=[{"payer_id": world.payer_b.id, "share_percent": "100", "commitment": None}])
    response = api["officer_a"].post("/outcome-contracts", body)
    assert response.status_code == 403
    assert _fields(response) == ["payers"]
    assert _counts(db_session) == before


def test_a_duplicate_contract_reference_is_a_conflict(api, world, db_session):
    assert api["officer_a"].post("/outcome-contracts", _contract_body(world)).status_code == 201
    before = _counts(db_session)
    response = api["officer_a"].post("/outcome-contracts", _contract_body(world, name="Another"))
    assert response.status_code == 409
    assert _fields(response) == ["reference"]
    assert _counts(db_session) == before


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"valid_until": "2025-12-31"}, ["valid_until"]),
        ({"items": None}, ["items"]),
        ({"payers": "payer A at 60 % alone"}, ["payers"]),
        ({"participant_cap": 6000.0}, ["participant_cap"]),
        ({"providers": [999999]}, ["providers[0]"]),
    ],
)
def test_contract_terms_that_break_the_rules_get_422_and_store_nothing(api, world, db_session, change, fields):
    if "payers" in change:  # shares that do not sum to 100
        change = {"payers": [{"payer_id": world.payer_a.id, "share_percent": "60", "commitment": None}]}
    body = _contract_body(world, **change)
    before = _counts(db_session)
    response = api["officer_a"].post("/outcome-contracts", body)
    assert response.status_code == 422, response.get_json()
    assert _fields(response) == fields
    assert _counts(db_session) == before


def test_a_contract_naming_the_same_provider_twice_is_refused_naming_the_field(api, world):
    body = _contract_body(world, providers=[world.investee_a.id, world.investee_a.id])
    response = api["officer_a"].post("/outcome-contracts", body)
    assert response.status_code == 422
    assert _fields(response) == ["providers[1]"]


def test_a_contract_from_a_rate_card_copies_its_items_and_keeps_them_when_the_card_changes(api, world, db_session):
    card = api["officer_a"].post(
        "/rate-cards",
        {
            "payer_id": world.payer_a.id,
            "name": "Tarieven 2026",
            "items": [
                {
                    "code": "JOB6",
                    "name": "Six months in paid work",
                    "price": "4000.00",
                    "price_bands": [
                        {"min_months": 0, "max_months": 11, "price": "3000.00"},
                        {"min_months": 12, "max_months": None, "price": "5000.00"},
                    ],
                },
            ],
        },
    )
    assert card.status_code == 201, card.get_json()
    card_body = card.get_json()
    assert card_body["payer_id"] == world.payer_a.id and card_body["items"][0]["price"] == "4000.00"
    assert [c["id"] for c in api["officer_a"].get("/rate-cards").get_json()["items"]] == [card_body["id"]]
    assert api["officer_b"].get("/rate-cards").get_json()["items"] == []
    assert api["officer_b"].get(f"/rate-cards/{card_body['id']}").status_code == 404

    body = _contract_body(world, rate_card_id=card_body["id"])
    del body["items"]
    response = api["officer_a"].post("/outcome-contracts", body)
    assert response.status_code == 201, response.get_json()
    contract = response.get_json()
    assert [(i["code"], i["price"]) for i in contract["items"]] == [("JOB6", "4000.00")]
    assert contract["items"][0]["price_bands"] == card_body["items"][0]["price_bands"]

    stored_card = _fresh(db_session, RateCard, card_body["id"])
    stored_card.items[0].price = D("9000.00")
    stored_card.items[0].price_bands = []
    db_session.flush()
    after = api["officer_a"].get(f"/outcome-contracts/{contract['id']}").get_json()
    assert [(i["code"], i["price"]) for i in after["items"]] == [("JOB6", "4000.00")]
    assert len(after["items"][0]["price_bands"]) == 2
    assert api["officer_a"].get(f"/rate-cards/{card_body['id']}").get_json()["items"][0]["price"] == "9000.00"


def test_rate_cards_are_made_by_officers_for_their_own_payer_only(api, world, db_session):
    body = {"payer_id": world.payer_b.id, "name": "Not mine", "items": [{"code": "X", "name": "X", "price": "1.00"}]}
    before = _counts(db_session)
    assert api["officer_a"].post("/rate-cards", body).status_code == 403
    assert api["manager_a"].post("/rate-cards", {**body, "payer_id": world.payer_a.id}).status_code == 403
    assert _counts(db_session) == before


# --- 3. results ----------------------------------------------------------------------------------------------------


@pytest.fixture()
def contract(db_session, world) -> OutcomeContract:
    """Payer A 60 % (commitment 150,000), payer B 40 % (100,000); provider investee A; JOB6 at 4,000.00."""
    return make_contract(
        db_session, [(world.payer_a, "60", "150000.00"), (world.payer_b, "40", "100000.00")], [world.investee_a]
    )


def _participant(world, ref="R-0001", on="2026-02-01", **extra):
    return {
        "investee_id": world.investee_a.id,
        "item": "JOB6",
        "participant": ref,
        "achieved_on": on,
        "months_on_benefit": 14,
        "evidence": "payslips Feb-Jul",
        **extra,
    }


def test_a_fund_manager_records_a_participant_result_and_a_member_a_cohort_result(api, world, db_session, contract):
    response = api["manager_a"].post(f"/outcome-contracts/{contract.id}/results", _participant(world))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("item", "participant", "achieved_on", "units", "status", "claimed", "period")} == {
        "item": "JOB6",
        "participant": "R-0001",
        "achieved_on": "2026-02-01",
        "units": 1,
        "status": "pending",
        "claimed": False,
        "period": None,
    }
    cohort = api["member_a"].post(
        f"/outcome-contracts/{contract.id}/results",
        {"investee_id": world.investee_a.id, "item": "JOB6", "period": "2026-Q1", "units": 5, "evidence": "list"},
    )
    assert cohort.status_code == 201, cohort.get_json()
    assert (cohort.get_json()["participant"], cohort.get_json()["achieved_on"], cohort.get_json()["units"]) == (
        None,
        "2026-03-31",
        5,
    )
    stored = db_session.scalars(select(OutcomeResult).order_by(OutcomeResult.id)).all()
    assert [(r.participant, r.units, r.status, r.investee_id) for r in stored] == [
        ("R-0001", 1, ResultStatus.PENDING, world.investee_a.id),
        (None, 5, ResultStatus.PENDING, world.investee_a.id),
    ]


def test_results_are_not_entered_by_officers_strangers_or_for_another_provider(api, world, db_session, contract):
    before = _counts(db_session)
    assert api["officer_a"].post(f"/outcome-contracts/{contract.id}/results", _participant(world)).status_code == 403
    assert api["manager_b"].post(f"/outcome-contracts/{contract.id}/results", _participant(world)).status_code == 404
    assert api["member_b"].post(f"/outcome-contracts/{contract.id}/results", _participant(world)).status_code == 404
    other = api["manager_a"].post(
        f"/outcome-contracts/{contract.id}/results", _participant(world, investee_id=world.investee_b.id)
    )
    assert other.status_code == 422 and _fields(other) == ["investee_id"]
    assert _counts(db_session) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"participant": "111222333"}, "participant"),
        ({"achieved_on": "2025-12-31"}, "achieved_on"),
        ({"achieved_on": "2028-01-01"}, "achieved_on"),
        ({"item": "NOPE"}, "item"),
        ({"participant": None, "period": "2025-Q4", "units": 2}, "achieved_on"),
        ({"units": 2}, "units"),
        ({"evidence": ""}, "evidence"),
    ],
)
def test_a_result_that_breaks_the_rules_gets_422_naming_the_field(api, world, db_session, contract, change, field):
    before = _counts(db_session)
    response = api["manager_a"].post(f"/outcome-contracts/{contract.id}/results", _participant(world, **change))
    assert response.status_code == 422, response.get_json()
    assert _fields(response) == [field]
    assert _counts(db_session) == before


def test_the_same_participant_and_item_twice_is_a_conflict(api, world, db_session, contract):
    assert api["manager_a"].post(f"/outcome-contracts/{contract.id}/results", _participant(world)).status_code == 201
    before = _counts(db_session)
    response = api["member_a"].post(f"/outcome-contracts/{contract.id}/results", _participant(world, on="2026-03-01"))
    assert response.status_code == 409
    assert _fields(response) == ["participant"]
    assert _counts(db_session) == before


def test_the_payer_verifies_or_rejects_a_result_never_the_lender_alone(api, world, db_session, contract):
    first = make_result(
        db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1), verify=False
    )
    second = make_result(
        db_session, contract, world.investee_a, participant="R-2", achieved_on=date(2026, 2, 1), verify=False
    )
    # The provider's fund manager prepares and checks results (it sees them) but does not release public money.
    assert api["manager_a"].post(f"/outcome-results/{first.id}/verify").status_code == 403
    assert api["member_a"].post(f"/outcome-results/{first.id}/verify").status_code == 403
    assert api["admin"].post(f"/outcome-results/{first.id}/verify").status_code == 403
    assert api["manager_b"].post(f"/outcome-results/{first.id}/verify").status_code == 404
    assert api["officer_b"].post(f"/outcome-results/{second.id}/verify").status_code == 200  # a co-payer verifies too
    assert _fresh(db_session, OutcomeResult, first.id).status == ResultStatus.PENDING

    verified = api["officer_a"].post(f"/outcome-results/{first.id}/verify")
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    third = make_result(
        db_session, contract, world.investee_a, participant="R-3", achieved_on=date(2026, 2, 1), verify=False
    )
    rejected = api["officer_a"].post(f"/outcome-results/{third.id}/reject", {"reason": "no payslips"})
    assert rejected.status_code == 200
    assert (rejected.get_json()["status"], rejected.get_json()["rejection_reason"]) == ("rejected", "no payslips")
    assert api["officer_a"].post(f"/outcome-results/{first.id}/verify").status_code == 409
    stored = [_fresh(db_session, OutcomeResult, r.id) for r in (first, second)]
    assert [(r.status, r.verified_by_id) for r in stored] == [
        (ResultStatus.VERIFIED, world.user("officer_a").id),
        (ResultStatus.VERIFIED, world.user("officer_b").id),
    ]


def test_a_validator_of_the_contract_verifies_its_results_and_nothing_else(api, world, db_session, contract, client):
    from fundapp.auth.services import issue_token

    validator = make_user(db_session, Role.VALIDATOR, contract.id)
    other = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    mine = make_result(
        db_session, contract, world.investee_a, participant="V-1", achieved_on=date(2026, 2, 1), verify=False
    )
    theirs = make_result(
        db_session, other, world.investee_a, participant="V-2", achieved_on=date(2026, 2, 1), verify=False
    )
    _row, token = issue_token(db_session, validator, "test")
    db_session.flush()
    caller = Caller(client, {"Authorization": f"Bearer {token}"})
    assert caller.post(f"/outcome-results/{theirs.id}/verify").status_code == 404
    assert caller.get(f"/investees/{world.investee_a.id}").status_code == 404
    assert caller.post(f"/outcome-results/{mine.id}/verify").status_code == 200
    stored = _fresh(db_session, OutcomeResult, mine.id)
    assert (stored.status, stored.verified_by_id) == (ResultStatus.VERIFIED, validator.id)
    assert _fresh(db_session, OutcomeResult, theirs.id).status == ResultStatus.PENDING


def test_an_approved_kpi_report_puts_pending_results_on_the_contract_naming_the_report(api, world, db_session):
    created = api["officer_a"].post(
        "/outcome-contracts",
        _contract_body(world, items=[{"code": "JOB6", "name": "Six months in paid work", "price": "4000.00"}]),
    )
    contract_id = created.get_json()["id"]
    _accept_all(api, world, contract_id)
    assert api["officer_a"].post(f"/outcome-contracts/{contract_id}/activate").status_code == 200
    make_plan(db_session, world.investee_a)
    submission = make_submission(
        db_session,
        world.investee_a,
        participants=[
            ["R-0001", date(2026, 1, 5), "bijstand", 14, 32, "JOB6", date(2026, 2, 20)],
            ["R-0002", date(2026, 1, 5), "bijstand", 3, 32, "LP-PLACEMENTS-STARTED", date(2026, 1, 5)],
        ],
    )
    subs.submit(db_session, ACTOR, submission)
    assert api["manager_a"].get(f"/outcome-contracts/{contract_id}/results").get_json()["items"] == []
    subs.approve(db_session, ACTOR, submission)
    db_session.flush()
    listed = api["manager_a"].get(f"/outcome-contracts/{contract_id}/results")
    assert listed.status_code == 200
    body = listed.get_json()["items"]
    assert [(r["participant"], r["item"], r["achieved_on"], r["status"], r["months_on_benefit"]) for r in body] == [
        ("R-0001", "JOB6", "2026-02-20", "pending", 14)
    ]
    assert body[0]["source_submission_id"] == submission.id
    assert body[0]["evidence"].startswith("KPI report 2026-Q1 v1")
    assert api["officer_a"].get(f"/outcome-contracts/{contract_id}/results").get_json()["items"] == body
    assert api["manager_b"].get(f"/outcome-contracts/{contract_id}/results").status_code == 404


# --- 4. claims -----------------------------------------------------------------------------------------------------


def _claim(api, contract, world, role="manager_a", period="2026-Q1"):
    return api[role].post(
        f"/outcome-contracts/{contract.id}/claims", {"investee_id": world.investee_a.id, "period": period}
    )


def test_a_claim_is_computed_submitted_approved_split_per_payer_and_paid_once(api, world, db_session, contract):
    r1 = make_result(
        db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1), months_on_benefit=14
    )
    r2 = make_result(db_session, contract, world.investee_a, participant="R-2", achieved_on=date(2026, 3, 1))
    response = _claim(api, contract, world)
    assert response.status_code == 201, response.get_json()
    claim = response.get_json()
    assert (claim["status"], claim["period"], claim["currency"], claim["total_payable"]) == (
        "draft",
        "2026-Q1",
        "EUR",
        "8000.00",
    )
    assert claim["approvals_needed"] == 1 and claim["approvals"] == [] and claim["splits"] == []
    line = claim["lines"][0]
    assert {
        k: line[k]
        for k in (
            "result_id",
            "item",
            "participant",
            "units",
            "units_paid",
            "price",
            "band",
            "gross",
            "deadweight",
            "deductions",
            "capped_by",
            "payable",
            "status",
        )
    } == {
        "result_id": r1.id,
        "item": "JOB6",
        "participant": "R-1",
        "units": 1,
        "units_paid": 1,
        "price": "4000.00",
        "band": None,
        "gross": "4000.00",
        "deadweight": "0.00",
        "deductions": [],
        "capped_by": None,
        "payable": "4000.00",
        "status": "open",
    }
    assert line["by_payer"] == [[str(world.payer_a.id), "2400.00"], [str(world.payer_b.id), "1600.00"]]
    assert [ln["result_id"] for ln in claim["lines"]] == [r1.id, r2.id]
    assert _fresh(db_session, OutcomeResult, r1.id).claim_line_id == line["id"]

    assert api["officer_a"].post(f"/claims/{claim['id']}/approve").status_code == 409  # a draft is not decided
    submitted = api["member_a"].post(f"/claims/{claim['id']}/submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"

    approved = api["officer_a"].post(f"/claims/{claim['id']}/approve")
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert (body["status"], body["approved_amount"]) == ("approved", "8000.00")
    assert [(s["payer_id"], s["name"], s["amount"], s["paid_on"]) for s in body["splits"]] == [
        (world.payer_a.id, "Gemeente A", "4800.00", None),
        (world.payer_b.id, "Provincie B", "3200.00", None),
    ]
    assert sum(Decimal(s["amount"]) for s in body["splits"]) == Decimal(body["approved_amount"])
    assert [a["user"] for a in body["approvals"]] == [world.user("officer_a").email]

    # Each payer records its own part: officer A's payment pays Gemeente A's part only.
    paid = api["officer_a"].post(
        f"/claims/{claim['id']}/payment", {"paid_on": "2026-05-01", "reference": "BANK-2026-77"}
    )
    assert paid.status_code == 200
    body = paid.get_json()
    assert (body["status"], body["paid_on"], body["payment_reference"]) == ("approved", None, "")
    assert [(s["payer_id"], s["paid_on"], s["payment_reference"]) for s in body["splits"]] == [
        (world.payer_a.id, "2026-05-01", "BANK-2026-77"),
        (world.payer_b.id, None, ""),
    ]
    again = api["officer_a"].post(
        f"/claims/{claim['id']}/payment", {"paid_on": "2026-05-02", "reference": "BANK-2026-78"}
    )
    assert again.status_code == 409
    last = api["officer_b"].post(f"/claims/{claim['id']}/payment", {"paid_on": "2026-05-04", "reference": "PB-0042"})
    assert last.status_code == 200
    assert (last.get_json()["status"], last.get_json()["paid_on"], last.get_json()["payment_reference"]) == (
        "paid",
        "2026-05-04",
        "BANK-2026-77; PB-0042",
    )
    assert (
        api["officer_b"]
        .post(f"/claims/{claim['id']}/payment", {"paid_on": "2026-05-04", "reference": "PB-1"})
        .status_code
        == 409
    )
    stored = _fresh(db_session, Claim, claim["id"])
    assert (stored.status, stored.paid_on) == (ClaimStatus.PAID, date(2026, 5, 4))
    assert [(s.amount, s.paid_on, s.payment_reference) for s in stored.splits] == [
        (D("4800.00"), date(2026, 5, 1), "BANK-2026-77"),
        (D("3200.00"), date(2026, 5, 4), "PB-0042"),
    ]
    assert db_session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "claim.paid")) == 2

    before = _counts(db_session)
    twice = _claim(api, contract, world)
    assert twice.status_code == 422 and _fields(twice) == ["period"]
    assert _counts(db_session) == before


def test_each_claim_line_explains_band_deadweight_and_the_cap_that_bound(api, world, db_session):
    contract = make_contract(
        db_session,
        [(world.payer_a, "60", None), (world.payer_b, "40", None)],
        [world.investee_a],
        [
            item(
                "JOB6",
                "4000.00",
                price_bands=[
                    {"min_months": 0, "max_months": 11, "price": "3000.00"},
                    {"min_months": 12, "max_months": 35, "price": "4000.00"},
                    {"min_months": 36, "max_months": None, "price": "6000.00"},
                ],
            )
        ],
        deadweight_percent="10",
        contract_cap="8200.00",
    )
    for ref, months, day in (("R-11", 11, 1), ("R-36", 36, 2), ("R-12", 12, 3)):
        make_result(
            db_session,
            contract,
            world.investee_a,
            participant=ref,
            achieved_on=date(2026, 2, day),
            months_on_benefit=months,
        )
    response = _claim(api, contract, world)
    assert response.status_code == 201, response.get_json()
    lines = [
        {
            k: ln[k]
            for k in (
                "participant",
                "band",
                "price",
                "units",
                "gross",
                "deadweight",
                "deductions",
                "capped_by",
                "payable",
            )
        }
        for ln in response.get_json()["lines"]
    ]
    assert lines == [
        {
            "participant": "R-11",
            "band": "0-11",
            "price": "3000.00",
            "units": 1,
            "gross": "3000.00",
            "deadweight": "300.00",
            "deductions": [["deadweight", "300.00"]],
            "capped_by": None,
            "payable": "2700.00",
        },
        {
            "participant": "R-36",
            "band": "36+",
            "price": "6000.00",
            "units": 1,
            "gross": "6000.00",
            "deadweight": "600.00",
            "deductions": [["deadweight", "600.00"]],
            "capped_by": None,
            "payable": "5400.00",
        },
        {
            "participant": "R-12",
            "band": "12-35",
            "price": "4000.00",
            "units": 1,
            "gross": "4000.00",
            "deadweight": "400.00",
            "deductions": [["deadweight", "400.00"], ["contract_cap", "3500.00"]],
            "capped_by": "contract_cap",
            "payable": "100.00",
        },
    ]
    body = response.get_json()
    assert (body["total_gross"], body["total_deadweight"], body["total_payable"]) == ("13000.00", "1300.00", "8200.00")
    stored = _fresh(db_session, Claim, body["id"])
    assert [(ln.band, ln.payable, ln.capped_by) for ln in stored.lines] == [
        ("0-11", D("2700.00"), None),
        ("36+", D("5400.00"), None),
        ("12-35", D("100.00"), "contract_cap"),
    ]


def test_a_line_rejected_with_a_reason_makes_the_claim_partly_approved(api, world, db_session, contract):
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    dropped = make_result(db_session, contract, world.investee_a, participant="R-2", achieved_on=date(2026, 2, 2))
    claim = make_claim(db_session, contract, world.investee_a)
    line_id = claim.lines[1].id
    assert api["member_a"].post(f"/claims/{claim.id}/lines/{line_id}/reject", {"reason": "mine"}).status_code == 403
    assert api["officer_a"].post(f"/claims/{claim.id}/lines/999999/reject", {"reason": "no such"}).status_code == 404
    no_reason = api["officer_a"].post(f"/claims/{claim.id}/lines/{line_id}/reject", {"reason": ""})
    assert no_reason.status_code == 422 and _fields(no_reason) == ["reason"]
    rejected = api["officer_a"].post(f"/claims/{claim.id}/lines/{line_id}/reject", {"reason": "no employment contract"})
    assert rejected.status_code == 200
    assert [ln["status"] for ln in rejected.get_json()["lines"]] == ["open", "rejected"]
    assert rejected.get_json()["status"] == "submitted"

    approved = api["officer_a"].post(f"/claims/{claim.id}/approve").get_json()
    assert (approved["status"], approved["total_payable"], approved["approved_amount"]) == (
        "partly_approved",
        "4000.00",
        "4000.00",
    )
    assert [(ln["status"], ln["rejection_reason"]) for ln in approved["lines"]] == [
        ("approved", ""),
        ("rejected", "no employment contract"),
    ]
    assert sum(Decimal(s["amount"]) for s in approved["splits"]) == Decimal("4000.00")
    result = _fresh(db_session, OutcomeResult, dropped.id)
    assert (result.status, result.claim_line_id, result.rejection_reason) == (
        ResultStatus.REJECTED,
        None,
        "no employment contract",
    )
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.PARTLY_APPROVED


def test_a_rejected_claim_releases_its_results_which_can_be_claimed_again(api, world, db_session, contract):
    result = make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a)
    no_reason = api["officer_a"].post(f"/claims/{claim.id}/reject", {})
    assert no_reason.status_code == 422 and _fields(no_reason) == ["reason"]
    response = api["officer_a"].post(f"/claims/{claim.id}/reject", {"reason": "evidence missing"})
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["rejection_reason"]) == ("rejected", "evidence missing")
    stored = _fresh(db_session, OutcomeResult, result.id)
    assert (stored.status, stored.claim_line_id) == (ResultStatus.VERIFIED, None)
    again = _claim(api, contract, world)
    assert again.status_code == 201
    assert [ln["result_id"] for ln in again.get_json()["lines"]] == [result.id]
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.REJECTED


def test_above_the_dual_approval_amount_two_different_officers_sign(
    api, world, db_session, contract, api_headers, client
):
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=7)  # 28,000.00 > 25,000.00
    claim = make_claim(db_session, contract, world.investee_a)
    first = api["officer_a"].post(f"/claims/{claim.id}/approve")
    assert first.status_code == 200
    assert (first.get_json()["status"], first.get_json()["approvals_needed"], len(first.get_json()["approvals"])) == (
        "submitted",
        2,
        1,
    )
    assert first.get_json()["approved_amount"] is None and first.get_json()["splits"] == []
    same = api["officer_a"].post(f"/claims/{claim.id}/approve")
    assert same.status_code == 409 and _code(same) == "conflict"
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.SUBMITTED

    colleague = make_user(db_session, Role.PAYER_OFFICER, world.payer_a.id)
    db_session.flush()
    second = Caller(client, api_headers(colleague)).post(f"/claims/{claim.id}/approve")
    assert second.status_code == 200, second.get_json()
    body = second.get_json()
    assert (body["status"], body["approved_amount"]) == ("approved", "28000.00")
    assert [a["user"] for a in body["approvals"]] == [world.user("officer_a").email, colleague.email]
    assert [s["amount"] for s in body["splits"]] == ["16800.00", "11200.00"]
    stored = _fresh(db_session, Claim, claim.id)
    assert [a.user_id for a in stored.approvals] == [world.user("officer_a").id, colleague.id]


def test_the_dual_approval_amount_is_configurable(api, world, db_session, contract, app, monkeypatch):
    monkeypatch.setitem(app.config, "CLAIM_DUAL_APPROVAL_ABOVE", D("3999.99"))
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a)
    body = api["officer_a"].post(f"/claims/{claim.id}/approve").get_json()
    assert (body["status"], body["approvals_needed"]) == ("submitted", 2)


def test_at_exactly_the_dual_approval_amount_one_officer_is_enough(api, world, db_session, contract, app, monkeypatch):
    monkeypatch.setitem(app.config, "CLAIM_DUAL_APPROVAL_ABOVE", D("4000.00"))
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a)
    body = api["officer_a"].post(f"/claims/{claim.id}/approve").get_json()
    assert (body["status"], body["approvals_needed"]) == ("approved", 1)


def test_a_correction_is_a_new_draft_claim_with_negative_lines_and_the_original_is_unchanged(
    api, world, db_session, contract
):
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    make_result(db_session, contract, world.investee_a, participant="R-2", achieved_on=date(2026, 2, 2))
    claim = make_claim(
        db_session, contract, world.investee_a, approve_by=[world.user("officer_a")], pay_by=world.user("officer_a")
    )
    original = api["manager_a"].get(f"/claims/{claim.id}").get_json()
    line_id = original["lines"][1]["id"]
    response = api["manager_a"].post(
        f"/claims/{claim.id}/corrections", {"line_ids": [line_id], "reason": "R-2 left in week 2"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["corrects_claim_id"], body["period"], body["total_payable"]) == (
        "draft",
        claim.id,
        "2026-Q1",
        "-4000.00",
    )
    assert [(ln["participant"], ln["units"], ln["gross"], ln["payable"], ln["result_id"]) for ln in body["lines"]] == [
        ("R-2", -1, "-4000.00", "-4000.00", None)
    ]
    assert body["lines"][0]["by_payer"] == [[str(world.payer_a.id), "-2400.00"], [str(world.payer_b.id), "-1600.00"]]
    assert api["manager_a"].get(f"/claims/{claim.id}").get_json() == original
    assert _fresh(db_session, Claim, body["id"]).lines[0].corrects_line_id == line_id
    twice = api["manager_a"].post(f"/claims/{claim.id}/corrections", {"line_ids": [line_id], "reason": "again"})
    assert twice.status_code == 409
    # The payer's officers may start a correction too (to get money back), and are told it was corrected already.
    again = api["officer_a"].post(f"/claims/{claim.id}/corrections", {"line_ids": [line_id], "reason": "paid twice"})
    assert again.status_code == 409
    assert (
        api["member_b"].post(f"/claims/{claim.id}/corrections", {"line_ids": [line_id], "reason": "mine"}).status_code
        == 404
    )


def test_a_second_claim_for_q2_respects_the_participant_cap_used_in_q1(api, world, db_session):
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        [item("A", "1000.00"), item("B", "3000.00", prerequisite="A")],
        participant_cap="3500.00",
    )
    make_result(db_session, contract, world.investee_a, "A", participant="P-1", achieved_on=date(2026, 3, 31))
    q1 = _claim(api, contract, world).get_json()
    api["manager_a"].post(f"/claims/{q1['id']}/submit")
    assert api["officer_a"].post(f"/claims/{q1['id']}/approve").get_json()["approved_amount"] == "1000.00"
    make_result(db_session, contract, world.investee_a, "B", participant="P-1", achieved_on=date(2026, 4, 1))
    q2 = _claim(api, contract, world, period="2026-Q2")
    assert q2.status_code == 201
    line = q2.get_json()["lines"][0]
    assert (line["item"], line["gross"], line["payable"], line["capped_by"], line["deductions"]) == (
        "B",
        "3000.00",
        "2500.00",
        "participant_cap",
        [["participant_cap", "500.00"]],
    )


# --- 5. budget and INDIGO ------------------------------------------------------------------------------------------


def test_the_budget_matches_the_claims_per_contract_and_per_payer(api, world, db_session, contract):
    officer = world.user("officer_a")
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=3)
    make_result(db_session, contract, world.investee_a, period="2026-Q2", units=1)
    make_result(db_session, contract, world.investee_a, period="2026-Q3", units=2)
    both = [officer, world.user("officer_b")]
    make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer], pay_by=both)
    make_claim(db_session, contract, world.investee_a, "2026-Q2", approve_by=[officer])
    make_claim(db_session, contract, world.investee_a, "2026-Q3")
    response = api["officer_b"].get(f"/outcome-contracts/{contract.id}/budget")
    assert response.status_code == 200
    body = response.get_json()
    assert body["contract"] == {
        "name": contract.name,
        "payer_id": None,
        "committed": "250000.00",
        "claimed": "24000.00",
        "approved": "16000.00",
        "paid": "12000.00",
        "remaining": "234000.00",
    }
    assert body["payers"] == [
        {
            "name": "Gemeente A",
            "payer_id": world.payer_a.id,
            "committed": "150000.00",
            "claimed": "14400.00",
            "approved": "9600.00",
            "paid": "7200.00",
            "remaining": "140400.00",
        },
        {
            "name": "Provincie B",
            "payer_id": world.payer_b.id,
            "committed": "100000.00",
            "claimed": "9600.00",
            "approved": "6400.00",
            "paid": "4800.00",
            "remaining": "93600.00",
        },
    ]
    assert body["investor"] is None
    for key in ("claimed", "approved", "paid"):
        assert sum(Decimal(p[key]) for p in body["payers"]) == Decimal(body["contract"][key])
    db_session.expire_all()
    paid = db_session.scalar(select(func.sum(Claim.approved_amount)).where(Claim.status == ClaimStatus.PAID))
    assert paid == Decimal(body["contract"]["paid"])


def test_the_budget_shows_the_sib_investors_position(api, world, db_session):
    officer = world.user("officer_a")
    contract = make_contract(
        db_session,
        [(world.payer_a, "100", None)],
        [world.investee_a],
        investor_name="Impact Invest BV",
        investor_capital="10000.00",
        investor_max_return_percent="8",
    )
    make_result(db_session, contract, world.investee_a, period="2026-Q1", units=3)
    make_claim(db_session, contract, world.investee_a, "2026-Q1", approve_by=[officer], pay_by=officer)
    investor = api["manager_a"].get(f"/outcome-contracts/{contract.id}/budget").get_json()["investor"]
    # repaid = min(paid 12,000.00, 10,000.00 × 1.08)
    assert investor == {
        "name": "Impact Invest BV",
        "capital": "10000.00",
        "max_repayment": "10800.00",
        "repaid": "10800.00",
        "outstanding": "0.00",
        "return_amount": "800.00",
    }


def test_the_indigo_export_publishes_metrics_prices_and_payments_never_a_participant(api, world, db_session, contract):
    officer = world.user("officer_a")
    make_result(db_session, contract, world.investee_a, participant="R-0001", achieved_on=date(2026, 2, 1))
    make_result(db_session, contract, world.investee_a, participant="R-0002", achieved_on=date(2026, 2, 3))
    both = [officer, world.user("officer_b")]
    make_claim(db_session, contract, world.investee_a, approve_by=[officer], pay_by=both, paid_on=date(2026, 6, 1))
    response = api["officer_a"].get(f"/outcome-contracts/{contract.id}/indigo")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"]["value"] == contract.name
    assert body["stage_development"]["value"] == "Implementation"
    assert [m["id"] for m in body["outcome_metrics"]] == ["JOB6"]
    assert [
        (p["outcome_metric_id"]["value"], p["price_per_unit"]["amount"]["value"]) for p in body["outcome_pricings"]
    ] == [("JOB6", "4000.00")]
    assert [
        (p["outcome_payer_id"]["value"], p["amount"]["value"], p["period"]["value"]) for p in body["outcome_payments"]
    ] == [
        (f"NL-FUNDAPP-PAYER-{world.payer_a.id}", "4800.00", "2026-Q1"),
        (f"NL-FUNDAPP-PAYER-{world.payer_b.id}", "3200.00", "2026-Q1"),
    ]
    assert [(r["period"]["value"], r["achieved_number"]["value"]) for r in body["results"]] == [("2026-Q1", 2)]
    text = json.dumps(body)
    assert "R-0001" not in text and "R-0002" not in text


def test_the_indigo_export_has_no_payments_before_a_claim_is_paid(api, world, db_session, contract):
    make_result(db_session, contract, world.investee_a, participant="R-0001", achieved_on=date(2026, 2, 1))
    make_claim(db_session, contract, world.investee_a, approve_by=[world.user("officer_a")])
    body = api["manager_a"].get(f"/outcome-contracts/{contract.id}/indigo").get_json()
    assert body["outcome_payments"] == []
    assert body["overall_project_finance"]["total_outcome_payments_made"]["amount"]["value"] == "0.00"


# --- 6. who sees what ----------------------------------------------------------------------------------------------


@pytest.fixture()
def payer_a_only(db_session, world):
    """A contract of payer A alone (payer B is not in it), provider investee A, with a submitted claim."""
    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    claim = make_claim(db_session, contract, world.investee_a)
    return contract, claim


@pytest.mark.parametrize("role", ["officer_b", "member_b", "manager_b"])
def test_outsiders_see_neither_the_contract_nor_its_claims(api, db_session, payer_a_only, role):
    contract, claim = payer_a_only
    caller = api[role]
    for path in ("", "/budget", "/indigo", "/results"):
        response = caller.get(f"/outcome-contracts/{contract.id}{path}")
        assert response.status_code == 404, (path, response.status_code)
        assert _code(response) == "not_found"
    assert contract.id not in [c["id"] for c in caller.get("/outcome-contracts").get_json()["items"]]
    assert claim.id not in [c["id"] for c in caller.get("/claims").get_json()["items"]]
    assert caller.get(f"/claims/{claim.id}").status_code == 404
    for path in ("/approve", "/submit"):
        assert caller.post(f"/claims/{claim.id}{path}").status_code == 404
    assert caller.post(f"/claims/{claim.id}/reject", {"reason": "not mine"}).status_code == 404
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.SUBMITTED


@pytest.mark.parametrize("role", ["officer_a", "manager_a", "member_a", "admin"])
def test_the_payer_and_the_provider_side_see_the_contract_and_its_claims(api, payer_a_only, role):
    contract, claim = payer_a_only
    assert [c["id"] for c in api[role].get("/outcome-contracts").get_json()["items"]] == [contract.id]
    assert [c["id"] for c in api[role].get("/claims").get_json()["items"]] == [claim.id]
    assert api[role].get(f"/claims/{claim.id}").status_code == 200


def test_an_investee_member_sees_its_claims_read_only(api, world, db_session, payer_a_only):
    contract, claim = payer_a_only
    listed = api["member_a"].get(f"/claims?contract_id={contract.id}&status=submitted").get_json()["items"]
    assert [(c["id"], c["status"], c["total_payable"]) for c in listed] == [(claim.id, "submitted", "4000.00")]
    for path, data in (
        ("/approve", None),
        ("/reject", {"reason": "approve myself"}),
        (f"/lines/{claim.lines[0].id}/reject", {"reason": "x y z"}),
        ("/payment", {"paid_on": "2026-05-01", "reference": "ME"}),
    ):
        response = api["member_a"].post(f"/claims/{claim.id}{path}", data)
        assert response.status_code == 403, path
    stored = _fresh(db_session, Claim, claim.id)
    assert (stored.status, stored.approvals, stored.lines[0].status) == (ClaimStatus.SUBMITTED, [], LineStatus.OPEN)


def test_an_officer_does_not_compute_or_submit_claims_for_providers(api, world, db_session, contract):
    make_result(db_session, contract, world.investee_a, participant="R-1", achieved_on=date(2026, 2, 1))
    assert _claim(api, contract, world, role="officer_a").status_code == 403
    claim = make_claim(db_session, contract, world.investee_a, submit=False)
    assert api["officer_a"].post(f"/claims/{claim.id}/submit").status_code == 403
    assert _fresh(db_session, Claim, claim.id).status == ClaimStatus.DRAFT
