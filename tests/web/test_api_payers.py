"""/api/v1/payers: outcome payers listed, created and changed within each user's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.payers.models import OutcomePayer, PayerKind
from tests.factories import make_payer


def _counts(db_session) -> tuple[int, int]:
    return (
        db_session.scalar(select(func.count()).select_from(OutcomePayer)),
        db_session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def _fields(response) -> set[str]:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return {d["field"] for d in body["error"]["details"]}


def _names(response) -> list[str]:
    return [p["name"] for p in response.get_json()["items"]]


@pytest.fixture()
def headers(world, api_headers):
    return {role: api_headers(world.user(role)) for role in world.users}


def test_admin_lists_all_payers_in_the_envelope(client, world, headers):
    response = client.get("/api/v1/payers", headers=headers["admin"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 25)
    assert body["items"][0] == {
        "id": world.payer_a.id,
        "name": "Gemeente A",
        "kind": "municipality",
        "region": "",
        "contact_email": "",
        "description": "",
    }
    assert body["items"][1]["kind"] == "province"


def test_each_role_lists_only_its_own_payers(client, world, headers):
    expected = {"officer_a": ["Gemeente A"], "officer_b": ["Provincie B"], "manager_a": [], "member_a": []}
    for role, names in expected.items():
        response = client.get("/api/v1/payers", headers=headers[role])
        assert _names(response) == names, role
        assert response.get_json()["total"] == len(names), role


def test_payer_list_searches_and_pages(client, db_session, world, headers):
    for n in range(1, 6):
        make_payer(db_session, name=f"Gemeente Paging {n}", region="Utrecht" if n <= 2 else "Gelderland")
    db_session.flush()
    admin = headers["admin"]
    page = client.get("/api/v1/payers?q=paging&page=2&page_size=2", headers=admin).get_json()
    assert (page["total"], page["page"], page["page_size"]) == (5, 2, 2)
    assert [p["name"] for p in page["items"]] == ["Gemeente Paging 3", "Gemeente Paging 4"]
    assert _names(client.get("/api/v1/payers?q=UTRECHT", headers=admin)) == ["Gemeente Paging 1", "Gemeente Paging 2"]


def test_an_officer_gets_their_payer_and_404_for_another(client, world, headers):
    own = client.get(f"/api/v1/payers/{world.payer_a.id}", headers=headers["officer_a"])
    assert own.status_code == 200
    assert own.get_json()["name"] == "Gemeente A"
    other = client.get(f"/api/v1/payers/{world.payer_b.id}", headers=headers["officer_a"])
    assert other.status_code == 404
    assert other.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/payers/{world.payer_a.id}", headers=headers["manager_a"]).status_code == 404


def test_admin_creates_a_payer(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.post(
        "/api/v1/payers",
        json={
            "name": "Gemeente Leiden",
            "kind": "municipality",
            "region": "Holland Rijnland",
            "contact_email": "sroi@leiden.example",
        },
        headers=headers["admin"],
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["kind"], body["contact_email"]) == (
        "Gemeente Leiden",
        "municipality",
        "sroi@leiden.example",
    )
    payer = db_session.get(OutcomePayer, body["id"])
    assert (payer.name, payer.kind) == ("Gemeente Leiden", PayerKind.MUNICIPALITY)
    assert _counts(db_session) == (before[0] + 1, before[1] + 1)


def test_a_payer_without_a_contact_email_can_be_created(client, db_session, world, headers):
    for n, email in enumerate(["missing", None, ""]):
        payload = {"name": f"Provincie Utrecht {n}", "kind": "province"}
        if email != "missing":
            payload["contact_email"] = email
        response = client.post("/api/v1/payers", json=payload, headers=headers["admin"])
        assert response.status_code == 201, (email, response.get_json())
        assert db_session.get(OutcomePayer, response.get_json()["id"]).contact_email == ""


def test_a_payer_patch_without_the_contact_email_changes_just_what_was_sent(client, db_session, world, headers):
    response = client.patch(
        f"/api/v1/payers/{world.payer_a.id}", json={"region": "Rijnmond"}, headers=headers["officer_a"]
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["region"] == "Rijnmond"


def test_only_an_admin_creates_payers(client, db_session, world, headers):
    before = _counts(db_session)
    for role in ("officer_a", "manager_a", "member_a"):
        response = client.post(
            "/api/v1/payers",
            json={"name": "Gemeente X", "kind": "municipality", "contact_email": "x@gemeente.example"},
            headers=headers[role],
        )
        assert response.status_code == 403, role
    assert _counts(db_session) == before


INVALID_PAYERS = [
    ({"kind": "municipality", "contact_email": "x@gemeente.example"}, "name"),
    ({"name": "Gemeente X", "contact_email": "x@gemeente.example"}, "kind"),
    ({"name": "Gemeente X", "kind": "waterschap", "contact_email": "x@gemeente.example"}, "kind"),
    ({"name": "Gemeente X", "kind": "municipality", "contact_email": "not-an-email"}, "contact_email"),
    ({"name": "G", "kind": "municipality", "contact_email": "x@gemeente.example"}, "name"),
]


def test_an_invalid_payer_gets_422_naming_the_field_and_writes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    for payload, field in INVALID_PAYERS:
        response = client.post("/api/v1/payers", json=payload, headers=headers["admin"])
        assert response.status_code == 422, payload
        assert _fields(response) == {field}, payload
    assert _counts(db_session) == before


def test_a_duplicate_payer_name_gets_409_whatever_its_case_and_writes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.post(
        "/api/v1/payers",
        json={"name": "gemeente a", "kind": "municipality", "contact_email": "a@gemeente.example"},
        headers=headers["admin"],
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert _fields(response) == {"name"}
    assert _counts(db_session) == before


def test_an_officer_patches_their_payer(client, db_session, world, headers):
    response = client.patch(
        f"/api/v1/payers/{world.payer_a.id}",
        json={"region": "Rijnmond", "description": "Pays for jobs.", "contact_email": "werk@gemeente-a.example"},
        headers=headers["officer_a"],
    )
    assert response.status_code == 200
    assert response.get_json()["region"] == "Rijnmond"
    db_session.expire_all()
    payer = db_session.get(OutcomePayer, world.payer_a.id)
    assert (payer.description, payer.contact_email) == ("Pays for jobs.", "werk@gemeente-a.example")


def test_patching_a_payer_you_do_not_belong_to_gets_404_and_changes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    for role in ("officer_a", "manager_b", "member_b"):
        response = client.patch(f"/api/v1/payers/{world.payer_b.id}", json={"region": "Hacked"}, headers=headers[role])
        assert response.status_code == 404, role
    db_session.expire_all()
    assert db_session.get(OutcomePayer, world.payer_b.id).region == ""
    assert _counts(db_session) == before


def test_renaming_a_payer_to_an_existing_name_gets_409_and_changes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/payers/{world.payer_a.id}",
        json={"name": "PROVINCIE B", "contact_email": "a@gemeente.example"},
        headers=headers["officer_a"],
    )
    assert response.status_code == 409
    db_session.expire_all()
    assert db_session.get(OutcomePayer, world.payer_a.id).name == "Gemeente A"
    assert _counts(db_session) == before


def test_an_invalid_payer_patch_gets_422(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/payers/{world.payer_a.id}",
        json={"kind": "city", "contact_email": "a@gemeente.example"},
        headers=headers["officer_a"],
    )
    assert response.status_code == 422
    assert _fields(response) == {"kind"}
    assert _counts(db_session) == before
