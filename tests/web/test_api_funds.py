"""/api/v1/funds and the deprecated capital sources (answered from investors): the envelope, scoping, validation, conflicts; a failed write changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.capital.models import CapitalCall, Investor, InvestorKind
from fundapp.funds.models import Fund
from tests.factories import make_fund, make_investor


def _counts(db_session) -> dict[str, int]:
    return {
        model.__name__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Fund, Investor, CapitalCall, AuditEntry)
    }


def _details(response) -> list[dict]:
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]["details"]


def _fields(response) -> set[str]:
    return {d["field"] for d in _details(response)}


@pytest.fixture()
def as_admin(world, api_headers):
    return api_headers(world.user("admin"))


@pytest.fixture()
def as_manager_a(world, api_headers):
    return api_headers(world.user("manager_a"))


# --- list ---------------------------------------------------------------------------------


def test_admin_lists_all_funds_in_the_page_envelope_with_money_as_strings(client, world, as_admin):
    response = client.get("/api/v1/funds", headers=as_admin)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 25)
    assert [f["name"] for f in body["items"]] == ["Fund A", "Fund B"]
    fund_a = body["items"][0]
    assert fund_a["id"] == world.fund_a.id
    assert fund_a["total_committed"] == "100000.00"
    assert fund_a["total_paid_in"] == "20000.00"
    source = fund_a["capital_sources"][0]
    assert source["id"] == world.investor_a.id
    assert source["committed"] == "100000.00"
    assert source["paid_in"] == "20000.00"
    assert source["expected_return_percent"] is None
    assert source["currency"] == "EUR"
    assert source["kind"] == "other"


def test_fund_list_pages_and_searches(client, db_session, world, as_admin):
    for n in range(1, 8):
        make_fund(db_session, name=f"Paging Fund {n}", region="Utrecht" if n % 2 else "Zwolle")
    db_session.flush()
    page2 = client.get("/api/v1/funds?q=paging&page=2&page_size=3", headers=as_admin).get_json()
    assert (page2["total"], page2["page"], page2["page_size"]) == (7, 2, 3)
    assert [f["name"] for f in page2["items"]] == ["Paging Fund 4", "Paging Fund 5", "Paging Fund 6"]
    last = client.get("/api/v1/funds?q=paging&page=3&page_size=3", headers=as_admin).get_json()
    assert [f["name"] for f in last["items"]] == ["Paging Fund 7"]
    beyond = client.get("/api/v1/funds?q=paging&page=9&page_size=3", headers=as_admin).get_json()
    assert (beyond["items"], beyond["total"]) == ([], 7)
    by_region = client.get("/api/v1/funds?q=ZWOLLE", headers=as_admin).get_json()
    assert [f["name"] for f in by_region["items"]] == ["Paging Fund 2", "Paging Fund 4", "Paging Fund 6"]


def test_a_search_for_a_percent_sign_finds_only_names_with_one(client, db_session, world, as_admin):
    make_fund(db_session, name="100% Circulair", region="Delft")
    db_session.flush()
    assert [f["name"] for f in client.get("/api/v1/funds?q=%25", headers=as_admin).get_json()["items"]] == [
        "100% Circulair"
    ]
    assert client.get("/api/v1/funds?q=_", headers=as_admin).get_json()["total"] == 0


def test_bad_paging_parameters_get_422_naming_the_parameter(client, world, as_admin):
    for query in ("page=0", "page_size=0", "page_size=201", "page=x"):
        response = client.get(f"/api/v1/funds?{query}", headers=as_admin)
        assert response.status_code == 422, query
        assert _fields(response) == {query.split("=")[0]}, query


def test_each_role_lists_only_its_own_funds(client, world, api_headers):
    expected = {"manager_a": ["Fund A"], "manager_b": ["Fund B"], "officer_a": [], "member_a": []}
    for role, names in expected.items():
        body = client.get("/api/v1/funds?page_size=200", headers=api_headers(world.user(role))).get_json()
        assert [f["name"] for f in body["items"]] == names, role
        assert body["total"] == len(names), role


# --- get --------------------------------------------------------------------------------


def test_a_manager_gets_their_fund_and_404_for_another(client, world, as_manager_a):
    own = client.get(f"/api/v1/funds/{world.fund_a.id}", headers=as_manager_a)
    assert own.status_code == 200
    assert own.get_json()["name"] == "Fund A"
    other = client.get(f"/api/v1/funds/{world.fund_b.id}", headers=as_manager_a)
    assert other.status_code == 404
    assert other.get_json()["error"]["code"] == "not_found"
    missing = client.get("/api/v1/funds/999999", headers=as_manager_a)
    assert missing.status_code == 404
    assert missing.get_json() == other.get_json()  # no difference between "not yours" and "not there"


def test_payer_officers_and_investee_members_get_404_for_any_fund(client, world, api_headers):
    for role in ("officer_a", "member_a"):
        headers = api_headers(world.user(role))
        assert client.get(f"/api/v1/funds/{world.fund_a.id}", headers=headers).status_code == 404, role
        assert client.get(f"/api/v1/funds/{world.fund_a.id}/capital-sources", headers=headers).status_code == 404, role


# --- create -------------------------------------------------------------------------------


def test_admin_creates_a_fund_and_gets_201_with_it(client, db_session, world, as_admin):
    before = _counts(db_session)
    response = client.post(
        "/api/v1/funds",
        json={"name": "  Social Impact Fund Utrecht ", "region": "Utrecht", "founded_on": "2025-01-15"},
        headers=as_admin,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Social Impact Fund Utrecht"
    assert (body["region"], body["currency"], body["founded_on"]) == ("Utrecht", "EUR", "2025-01-15")
    assert (body["capital_sources"], body["total_committed"]) == ([], "0.00")
    fund = db_session.get(Fund, body["id"])
    assert fund.name == "Social Impact Fund Utrecht"
    after = _counts(db_session)
    assert (after["Fund"], after["AuditEntry"]) == (before["Fund"] + 1, before["AuditEntry"] + 1)


def test_only_an_admin_creates_a_fund(client, db_session, world, api_headers):
    tokens = {role: api_headers(world.user(role)) for role in ("manager_a", "officer_a", "member_a")}
    before = _counts(db_session)
    for role, headers in tokens.items():
        response = client.post("/api/v1/funds", json={"name": "Rogue Fund", "region": "Delft"}, headers=headers)
        assert response.status_code == 403, role
        assert response.get_json()["error"]["code"] == "forbidden"
    assert _counts(db_session) == before


INVALID_FUNDS = [
    ({"region": "Utrecht"}, "name"),
    ({"name": "Fund U"}, "region"),
    ({"name": "U", "region": "Utrecht"}, "name"),
    ({"name": "Fund U", "region": "Utrecht", "currency": "USD"}, "currency"),
    ({"name": "Fund U", "region": "Utrecht", "founded_on": "2025-13-01"}, "founded_on"),
    ({"name": "Fund U", "region": "Utrecht", "colour": "red"}, "colour"),
    ({"name": None, "region": "Utrecht"}, "name"),
    ({"name": "Fund\x00U", "region": "Utrecht"}, "name"),
]


def test_an_invalid_fund_gets_422_naming_the_field_and_writes_nothing(client, db_session, world, as_admin):
    before = _counts(db_session)
    for payload, field in INVALID_FUNDS:
        response = client.post("/api/v1/funds", json=payload, headers=as_admin)
        assert response.status_code == 422, payload
        assert response.get_json()["error"]["code"] == "validation_failed"
        assert field in _fields(response), payload
        assert all(d["message"] for d in _details(response))
    assert _counts(db_session) == before


def test_a_duplicate_fund_name_gets_409_whatever_its_case_and_writes_nothing(client, db_session, world, as_admin):
    before = _counts(db_session)
    response = client.post("/api/v1/funds", json={"name": "FUND a", "region": "Elders"}, headers=as_admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert _details(response) == [{"field": "name", "message": "already exists"}]
    assert _counts(db_session) == before


# --- update -------------------------------------------------------------------------------


def test_a_manager_patches_their_own_fund(client, db_session, world, as_manager_a):
    response = client.patch(
        f"/api/v1/funds/{world.fund_a.id}", json={"description": "Lends to Rotterdam-Zuid."}, headers=as_manager_a
    )
    assert response.status_code == 200
    assert response.get_json()["description"] == "Lends to Rotterdam-Zuid."
    assert response.get_json()["name"] == "Fund A"
    db_session.expire_all()
    assert db_session.get(Fund, world.fund_a.id).description == "Lends to Rotterdam-Zuid."


def test_a_manager_gets_404_patching_another_fund_and_it_is_unchanged(client, db_session, world, as_manager_a):
    before = _counts(db_session)
    response = client.patch(f"/api/v1/funds/{world.fund_b.id}", json={"region": "Hacked"}, headers=as_manager_a)
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(Fund, world.fund_b.id).region == "Rotterdam"
    assert _counts(db_session) == before


def test_renaming_a_fund_to_an_existing_name_gets_409_and_changes_nothing(client, db_session, world, as_admin):
    before = _counts(db_session)
    response = client.patch(f"/api/v1/funds/{world.fund_a.id}", json={"name": "fund b"}, headers=as_admin)
    assert response.status_code == 409
    assert _fields(response) == {"name"}
    db_session.expire_all()
    assert db_session.get(Fund, world.fund_a.id).name == "Fund A"
    assert _counts(db_session) == before


def test_renaming_a_fund_to_its_own_name_in_other_case_is_allowed(client, db_session, world, as_admin):
    response = client.patch(f"/api/v1/funds/{world.fund_a.id}", json={"name": "FUND A"}, headers=as_admin)
    assert response.status_code == 200
    assert response.get_json()["name"] == "FUND A"


def test_an_invalid_patch_gets_422_and_changes_nothing(client, db_session, world, as_admin):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/funds/{world.fund_a.id}", json={"region": "", "currency": "GBP"}, headers=as_admin
    )
    assert response.status_code == 422
    assert _fields(response) == {"region", "currency"}
    assert _counts(db_session) == before


# --- capital sources (deprecated: investors) ------------------------------------------------


@pytest.fixture()
def source_a(db_session, world):
    """An investor of fund A in the shape of a former capital source: 1,000,000.00 committed, 250,000.00 paid in."""
    investor, _call = make_investor(
        db_session,
        world.fund_a,
        call=Decimal("250000.00"),
        name="Foundation",
        kind=InvestorKind.FOUNDATION,
        commitment=Decimal("1000000.00"),
        expected_return_percent=Decimal("2.5"),
        term_years=10,
    )
    return investor


def _source(**overrides) -> dict:
    data = {"name": "Gemeente Rotterdam", "kind": "municipality", "committed": "250000.00", "paid_in": "100000.50"}
    data.update(overrides)
    return data


def test_a_manager_adds_a_capital_source_with_exact_amounts(client, db_session, world, as_manager_a):
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources",
        json=_source(expected_return_percent="2.75", term_years=10),
        headers=as_manager_a,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["fund_id"] == world.fund_a.id
    assert (body["committed"], body["paid_in"], body["expected_return_percent"]) == ("250000.00", "100000.50", "2.75")
    assert (body["kind"], body["term_years"], body["currency"]) == ("municipality", 10, "EUR")
    investor = db_session.get(Investor, body["id"])
    assert (investor.commitment, investor.expected_return_percent, investor.term_years) == (
        Decimal("250000.00"),
        Decimal("2.75"),
        10,
    )
    assert [(call.on, call.amount) for call in investor.calls] == [(clock.today(), Decimal("100000.50"))]
    fund = client.get(f"/api/v1/funds/{world.fund_a.id}", headers=as_manager_a).get_json()
    assert (fund["total_committed"], fund["total_paid_in"]) == ("350000.00", "120000.50")
    listed = client.get(f"/api/v1/funds/{world.fund_a.id}/capital-sources", headers=as_manager_a).get_json()
    assert [s["name"] for s in listed["items"]][-1] == "Gemeente Rotterdam"
    same = client.get(f"/api/v1/investors/{body['id']}", headers=as_manager_a).get_json()
    assert (same["name"], same["commitment"]) == ("Gemeente Rotterdam", "250000.00")


def test_a_dutch_decimal_comma_is_refused_and_a_missing_paid_in_is_zero(client, db_session, world, as_manager_a):
    refused = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources",
        json={"name": "Bank", "kind": "bank", "committed": "1250,50"},
        headers=as_manager_a,
    )
    assert refused.status_code == 422
    assert _fields(refused) == {"committed"}
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources",
        json={"name": "Bank", "kind": "bank", "committed": "1250.50"},
        headers=as_manager_a,
    )
    assert response.status_code == 201
    assert (response.get_json()["committed"], response.get_json()["paid_in"]) == ("1250.50", "0.00")
    assert db_session.get(Investor, response.get_json()["id"]).calls == []


INVALID_SOURCES = [
    ({"committed": 250000.5}, "committed"),
    ({"committed": "250000.505"}, "committed"),
    ({"committed": "-1.00"}, "committed"),
    ({"committed": "lots"}, "committed"),
    ({"kind": "crowdfunding"}, "kind"),
    ({"name": ""}, "name"),
    ({"paid_in": "250000.01"}, "paid_in"),
    ({"expected_return_percent": "101"}, "expected_return_percent"),
    ({"expected_return_percent": 2.5}, "expected_return_percent"),
    ({"term_years": 101}, "term_years"),
]


def test_an_invalid_capital_source_gets_422_naming_the_field_and_writes_nothing(
    client, db_session, world, as_manager_a
):
    before = _counts(db_session)
    for overrides, field in INVALID_SOURCES:
        payload = _source(**overrides)
        response = client.post(f"/api/v1/funds/{world.fund_a.id}/capital-sources", json=payload, headers=as_manager_a)
        assert response.status_code == 422, (overrides, response.get_json())
        assert _fields(response) == {field}, overrides
    assert _counts(db_session) == before


def test_a_json_integer_amount_is_exact_and_accepted(client, world, as_manager_a):
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources", json=_source(committed=250000), headers=as_manager_a
    )
    assert response.status_code == 201
    assert response.get_json()["committed"] == "250000.00"


def test_a_float_amount_is_refused_with_a_message_asking_for_a_string(client, world, as_manager_a):
    response = client.post(
        f"/api/v1/funds/{world.fund_a.id}/capital-sources", json=_source(committed=1000.1), headers=as_manager_a
    )
    assert _details(response) == [
        {"field": "committed", "message": 'Send amounts as a decimal string, e.g. "1234.50", not as a number.'}
    ]


def test_a_manager_cannot_add_or_change_capital_sources_of_another_fund(client, db_session, world, as_manager_a):
    before = _counts(db_session)
    added = client.post(f"/api/v1/funds/{world.fund_b.id}/capital-sources", json=_source(), headers=as_manager_a)
    assert added.status_code == 404
    source_b = db_session.scalar(select(Investor).where(Investor.fund_id == world.fund_b.id))
    patched = client.patch(f"/api/v1/capital-sources/{source_b.id}", json={"notes": "mine"}, headers=as_manager_a)
    assert patched.status_code == 404
    db_session.expire_all()
    assert db_session.get(Investor, source_b.id).notes == ""
    assert _counts(db_session) == before


def test_a_manager_patches_a_capital_source_of_their_fund_and_so_its_investor(
    client, db_session, source_a, as_manager_a
):
    response = client.patch(
        f"/api/v1/capital-sources/{source_a.id}",
        json={"committed": "1200000.00", "notes": "second tranche", "term_years": 12, "paid_in": "250000.00"},
        headers=as_manager_a,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["committed"], body["paid_in"], body["notes"], body["term_years"]) == (
        "1200000.00",
        "250000.00",
        "second tranche",
        12,
    )
    db_session.expire_all()
    investor = db_session.get(Investor, source_a.id)
    assert (investor.commitment, investor.notes, investor.term_years) == (Decimal("1200000.00"), "second tranche", 12)


def test_a_patch_that_changes_paid_in_is_refused_pointing_at_capital_calls_and_changes_nothing(
    client, db_session, source_a, as_manager_a
):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/capital-sources/{source_a.id}",
        json={"paid_in": "500000.00", "notes": "second tranche"},
        headers=as_manager_a,
    )
    assert response.status_code == 422
    [detail] = _details(response)
    assert detail["field"] == "paid_in"
    assert "/api/v1/investors/<id>/calls" in detail["message"]
    db_session.expire_all()
    assert (db_session.get(Investor, source_a.id).paid_in, db_session.get(Investor, source_a.id).notes) == (
        Decimal("250000.00"),
        "",
    )
    assert _counts(db_session) == before


def test_a_patch_with_a_float_amount_gets_422_and_changes_nothing(client, db_session, source_a, as_manager_a):
    before = _counts(db_session)
    response = client.patch(f"/api/v1/capital-sources/{source_a.id}", json={"committed": 1.5}, headers=as_manager_a)
    assert response.status_code == 422
    assert _fields(response) == {"committed"}
    assert _counts(db_session) == before


def test_a_patch_cannot_lower_the_commitment_below_what_was_paid_in(client, db_session, source_a, as_manager_a):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/capital-sources/{source_a.id}", json={"committed": "100.00"}, headers=as_manager_a
    )
    assert response.status_code == 422
    assert _fields(response) == {"paid_in"}
    db_session.expire_all()
    assert db_session.get(Investor, source_a.id).commitment == Decimal("1000000.00")
    assert _counts(db_session) == before


def test_capital_source_totals_on_the_api_are_exact_over_many_sources(client, db_session, world, as_admin):
    fund = make_fund(db_session, name="Many Small Sources")
    for _ in range(30):
        make_investor(db_session, fund, call=Decimal("0.01"), commitment=Decimal("0.10"))
    db_session.flush()
    body = client.get(f"/api/v1/funds/{fund.id}", headers=as_admin).get_json()
    assert (body["total_committed"], body["total_paid_in"]) == ("3.00", "0.30")


def test_the_capital_source_operations_are_marked_deprecated_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    deprecated = {
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and operation.get("deprecated")
    }
    assert deprecated == {
        ("/api/v1/funds/{fund_id}/capital-sources", "get"),
        ("/api/v1/funds/{fund_id}/capital-sources", "post"),
        ("/api/v1/capital-sources/{source_id}", "patch"),
    }
