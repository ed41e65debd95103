"""/api/v1/investees and labels: lists with filters, scoping per role, validation, conflicts, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.investees.models import Investee, InvesteeSdg, Label, investee_themes
from tests.factories import make_investee


def _counts(db_session) -> dict[str, int]:
    counts = {
        model.__name__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Investee, Label, InvesteeSdg, AuditEntry)
    }
    counts["themes"] = db_session.scalar(select(func.count()).select_from(investee_themes))
    return counts


def _details(response) -> list[dict]:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]["details"]


def _fields(response) -> set[str]:
    return {d["field"] for d in _details(response)}


def _names(response) -> list[str]:
    return [item["name"] for item in response.get_json()["items"]]


def _new(fund_id: int, **overrides) -> dict:
    data = {
        "fund_id": fund_id,
        "name": "Fietsfabriek Zuid",
        "kvk_number": "9012 3456",
        "legal_form": "bv_maatschappelijk_doel",
        "municipality": "Rotterdam",
        "themes": ["arbeidsparticipatie", "circulaire_economie"],
        "sdgs": [12, 8],
        "labels": [{"kind": "pso", "level": "trede_2", "valid_until": "2027-06-30"}],
    }
    data.update(overrides)
    return data


@pytest.fixture()
def headers(world, api_headers):
    """Tokens for every role, issued up front so counting rows afterwards is not disturbed."""
    return {role: api_headers(world.user(role)) for role in world.users}


@pytest.fixture()
def many(db_session, world):
    """Extra investees: 4 more in fund A (2 in Schiedam, circular), 2 more in fund B."""
    made = [
        make_investee(
            db_session, world.fund_a, name="Alpha Kringloop", municipality="Schiedam", themes=["circulaire_economie"]
        ),
        make_investee(db_session, world.fund_a, name="Beta Bakkerij", municipality="Rotterdam"),
        make_investee(
            db_session,
            world.fund_a,
            name="Gamma Groen",
            municipality="schiedam",
            themes=["circulaire_economie", "arbeidsparticipatie"],
        ),
        make_investee(db_session, world.fund_a, name="Delta Dienst", municipality="Vlaardingen", themes=[]),
        make_investee(
            db_session, world.fund_b, name="Epsilon Energie", municipality="Den Haag", themes=["circulaire_economie"]
        ),
        make_investee(db_session, world.fund_b, name="Zeta Zorg", municipality="Den Haag"),
    ]
    db_session.flush()
    return made


# --- lists and scoping ---------------------------------------------------------------------


def test_admin_lists_every_investee_in_the_envelope(client, world, headers):
    response = client.get("/api/v1/investees", headers=headers["admin"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 25)
    assert _names(response) == ["Investee A", "Investee B"]
    item = body["items"][0]
    assert item["id"] == world.investee_a.id
    assert item["fund_id"] == world.fund_a.id
    assert item["themes"] == ["arbeidsparticipatie"]
    assert item["sdgs"] == [8]
    assert item["labels"][0]["kind"] == "pso" and item["labels"][0]["lapsed"] is False


def test_each_role_lists_only_the_investees_it_may_see(client, world, many, headers):
    expected = {
        "manager_a": ["Alpha Kringloop", "Beta Bakkerij", "Delta Dienst", "Gamma Groen", "Investee A"],
        "manager_b": ["Epsilon Energie", "Investee B", "Zeta Zorg"],
        "member_a": ["Investee A"],
        "member_b": ["Investee B"],
    }
    for role, names in expected.items():
        response = client.get("/api/v1/investees?page_size=200", headers=headers[role])
        assert _names(response) == names, role
        assert response.get_json()["total"] == len(names), role


def test_a_payer_officer_without_contracts_lists_no_investees(client, world, headers):
    response = client.get("/api/v1/investees", headers=headers["officer_a"])
    assert response.status_code == 200
    assert (response.get_json()["items"], response.get_json()["total"]) == ([], 0)


def test_a_manager_filtering_on_another_fund_gets_nothing(client, world, many, headers):
    response = client.get(f"/api/v1/investees?fund_id={world.fund_b.id}", headers=headers["manager_a"])
    assert response.status_code == 200
    assert (response.get_json()["items"], response.get_json()["total"]) == ([], 0)


def test_investee_list_filters_by_fund_theme_and_municipality(client, world, many, headers):
    admin = headers["admin"]
    by_fund = client.get(f"/api/v1/investees?fund_id={world.fund_b.id}", headers=admin)
    assert _names(by_fund) == ["Epsilon Energie", "Investee B", "Zeta Zorg"]
    by_theme = client.get("/api/v1/investees?theme=circulaire_economie", headers=admin)
    assert _names(by_theme) == ["Alpha Kringloop", "Epsilon Energie", "Gamma Groen"]
    by_city = client.get("/api/v1/investees?municipality=SCHIEDAM", headers=admin)
    assert _names(by_city) == ["Alpha Kringloop", "Gamma Groen"]
    combined = client.get(
        f"/api/v1/investees?fund_id={world.fund_a.id}&theme=arbeidsparticipatie&municipality=Rotterdam", headers=admin
    )
    assert _names(combined) == ["Beta Bakkerij", "Investee A"]
    unknown_theme = client.get("/api/v1/investees?theme=no_such_theme", headers=admin)
    assert (unknown_theme.status_code, unknown_theme.get_json()["total"]) == (200, 0)


def test_investee_list_searches_name_kvk_and_municipality(client, world, many, headers):
    admin = headers["admin"]
    assert _names(client.get("/api/v1/investees?q=bakker", headers=admin)) == ["Beta Bakkerij"]
    assert _names(client.get(f"/api/v1/investees?q={world.investee_b.kvk_number}", headers=admin)) == ["Investee B"]
    assert _names(client.get("/api/v1/investees?q=vlaard", headers=admin)) == ["Delta Dienst"]
    assert _names(client.get("/api/v1/investees?q=zzz-nothing", headers=admin)) == []


def test_investee_list_pages(client, world, many, headers):
    first = client.get("/api/v1/investees?page=1&page_size=3", headers=headers["admin"]).get_json()
    second = client.get("/api/v1/investees?page=2&page_size=3", headers=headers["admin"]).get_json()
    third = client.get("/api/v1/investees?page=3&page_size=3", headers=headers["admin"]).get_json()
    assert (first["total"], first["page"], first["page_size"]) == (8, 1, 3)
    assert [i["name"] for i in first["items"]] == ["Alpha Kringloop", "Beta Bakkerij", "Delta Dienst"]
    assert [i["name"] for i in second["items"]] == ["Epsilon Energie", "Gamma Groen", "Investee A"]
    assert [i["name"] for i in third["items"]] == ["Investee B", "Zeta Zorg"]


def test_bad_list_parameters_get_422_naming_them(client, world, headers):
    for query in ("fund_id=abc", "page_size=500", "page=-1"):
        response = client.get(f"/api/v1/investees?{query}", headers=headers["admin"])
        assert response.status_code == 422, query
        assert _fields(response) == {query.split("=")[0]}, query


# --- get ---------------------------------------------------------------------------------


def test_users_get_the_investees_they_may_see_and_404_for_others(client, world, headers):
    for role, own, other in (("manager_a", "a", "b"), ("member_a", "a", "b"), ("member_b", "b", "a")):
        mine = getattr(world, f"investee_{own}")
        theirs = getattr(world, f"investee_{other}")
        response = client.get(f"/api/v1/investees/{mine.id}", headers=headers[role])
        assert response.status_code == 200, role
        assert response.get_json()["name"] == mine.name
        hidden = client.get(f"/api/v1/investees/{theirs.id}", headers=headers[role])
        assert hidden.status_code == 404, role
        assert hidden.get_json()["error"]["code"] == "not_found"


def test_a_payer_officer_without_contracts_sees_no_investee(client, world, headers):
    assert client.get(f"/api/v1/investees/{world.investee_a.id}", headers=headers["officer_a"]).status_code == 404


# --- create ---------------------------------------------------------------------------------


def test_a_manager_creates_an_investee_in_their_fund(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.post("/api/v1/investees", json=_new(world.fund_a.id), headers=headers["manager_a"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kvk_number"] == "90123456"
    assert body["themes"] == ["arbeidsparticipatie", "circulaire_economie"]
    assert body["sdgs"] == [8, 12]
    assert body["labels"][0] | {"id": None} == {
        "id": None,
        "kind": "pso",
        "level": "trede_2",
        "reference": "",
        "valid_until": "2027-06-30",
        "lapsed": False,
    }
    investee = db_session.get(Investee, body["id"])
    assert (investee.name, investee.fund_id, investee.kvk_number) == ("Fietsfabriek Zuid", world.fund_a.id, "90123456")
    after = _counts(db_session)
    assert after["Investee"] == before["Investee"] + 1
    assert after["AuditEntry"] == before["AuditEntry"] + 1
    assert after["Label"] == before["Label"] + 1


def test_a_manager_creating_an_investee_in_another_fund_gets_403_and_nothing_is_written(
    client, db_session, world, headers
):
    before = _counts(db_session)
    response = client.post("/api/v1/investees", json=_new(world.fund_b.id), headers=headers["manager_a"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert _details(response) == [{"field": "fund_id", "message": "not your fund"}]
    assert _counts(db_session) == before


def test_members_and_officers_cannot_create_investees(client, db_session, world, headers):
    before = _counts(db_session)
    for role in ("member_a", "officer_a"):
        response = client.post("/api/v1/investees", json=_new(world.fund_a.id), headers=headers[role])
        assert response.status_code == 403, role
    assert _counts(db_session) == before


INVALID_INVESTEES = [
    ({"kvk_number": "1234567"}, "kvk_number"),
    ({"kvk_number": "123456789"}, "kvk_number"),
    ({"kvk_number": "1234567a"}, "kvk_number"),
    ({"kvk_number": "00000000"}, "kvk_number"),
    ({"name": None}, "name"),
    ({"legal_form": "limited"}, "legal_form"),
    ({"themes": ["armoede", "arbeidsparticipatie"]}, "themes"),
    ({"sdgs": [8, 18]}, "sdgs.1"),
    ({"sdgs": [8, 8]}, "sdgs"),
    ({"labels": [{"kind": "pso"}]}, "labels.0.level"),
    ({"labels": [{"kind": "keurmerk_x"}]}, "labels.0.kind"),
    ({"website": "www.example.nl"}, "website"),
    ({"founded_on": (clock.today() + timedelta(days=1)).isoformat()}, "founded_on"),
    ({"fund_id": 999999}, "fund_id"),
    ({"fund_id": "abc"}, "fund_id"),
    ({"municipality": "R"}, "municipality"),
]


def test_an_invalid_investee_gets_422_naming_the_field_and_writes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    for overrides, field in INVALID_INVESTEES:
        payload = {k: v for k, v in {**_new(world.fund_a.id), **overrides}.items() if v is not None}
        response = client.post("/api/v1/investees", json=payload, headers=headers["manager_a"])
        assert response.status_code == 422, (overrides, response.get_json())
        assert response.get_json()["error"]["code"] == "validation_failed"
        assert _fields(response) == {field}, overrides
    assert _counts(db_session) == before


def test_an_unknown_theme_is_named_in_the_message(client, world, headers):
    response = client.post(
        "/api/v1/investees", json=_new(world.fund_a.id, themes=["ruimtevaart"]), headers=headers["manager_a"]
    )
    assert _details(response) == [{"field": "themes", "message": "Unknown theme: ruimtevaart."}]


def test_every_missing_required_field_is_listed(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.post("/api/v1/investees", json={}, headers=headers["admin"])
    assert response.status_code == 422
    assert _fields(response) == {"fund_id", "name", "kvk_number", "legal_form", "municipality"}
    assert _counts(db_session) == before


def test_a_duplicate_kvk_number_gets_409_and_writes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    typed = world.investee_a.kvk_number[:4] + " " + world.investee_a.kvk_number[4:]
    response = client.post(
        "/api/v1/investees", json=_new(world.fund_a.id, kvk_number=typed), headers=headers["manager_a"]
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert _details(response) == [{"field": "kvk_number", "message": "already registered"}]
    assert _counts(db_session) == before


# --- update ---------------------------------------------------------------------------------


def test_a_manager_patches_their_investee(client, db_session, world, headers):
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}",
        json={"municipality": "Schiedam", "themes": ["circulaire_economie"], "sdgs": [12]},
        headers=headers["manager_a"],
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["municipality"], body["themes"], body["sdgs"]) == ("Schiedam", ["circulaire_economie"], [12])
    db_session.expire_all()
    investee = db_session.get(Investee, world.investee_a.id)
    assert (investee.municipality, investee.theme_codes, investee.sdg_numbers) == (
        "Schiedam",
        ["circulaire_economie"],
        [12],
    )


def test_an_investee_member_may_see_but_not_change_their_investee(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}", json={"name": "Renamed by member"}, headers=headers["member_a"]
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_a.id).name == "Investee A"
    assert _counts(db_session) == before


def test_patching_an_investee_of_another_fund_gets_404(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/investees/{world.investee_b.id}", json={"name": "Mine now"}, headers=headers["manager_a"]
    )
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_b.id).name == "Investee B"
    assert _counts(db_session) == before


def test_a_manager_cannot_move_an_investee_into_a_fund_they_do_not_manage(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}", json={"fund_id": world.fund_b.id}, headers=headers["manager_a"]
    )
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_a.id).fund_id == world.fund_a.id
    assert _counts(db_session) == before


def test_an_admin_moves_an_investee_to_another_fund(client, db_session, world, headers):
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}", json={"fund_id": world.fund_b.id}, headers=headers["admin"]
    )
    assert response.status_code == 200
    assert client.get(f"/api/v1/investees/{world.investee_a.id}", headers=headers["manager_a"]).status_code == 404
    assert client.get(f"/api/v1/investees/{world.investee_a.id}", headers=headers["manager_b"]).status_code == 200


def test_patching_to_another_investees_kvk_gets_409_and_changes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}",
        json={"kvk_number": world.investee_b.kvk_number},
        headers=headers["admin"],
    )
    assert response.status_code == 409
    assert _fields(response) == {"kvk_number"}
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_a.id).kvk_number == world.investee_a.kvk_number
    assert _counts(db_session) == before


def test_an_invalid_patch_gets_422_and_changes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    cases = [
        ({"kvk_number": "12"}, "kvk_number"),
        ({"themes": ["nope"]}, "themes"),
        ({"legal_form": "llc"}, "legal_form"),
    ]
    for payload, field in cases:
        response = client.patch(f"/api/v1/investees/{world.investee_a.id}", json=payload, headers=headers["manager_a"])
        assert response.status_code == 422, payload
        assert _fields(response) == {field}, payload
    db_session.expire_all()
    investee = db_session.get(Investee, world.investee_a.id)
    assert (investee.kvk_number, investee.theme_codes, investee.legal_form.value) == (
        world.investee_a.kvk_number,
        ["arbeidsparticipatie"],
        "bv",
    )
    assert _counts(db_session) == before


def test_a_patch_keeping_its_own_kvk_is_not_a_conflict(client, world, headers):
    response = client.patch(
        f"/api/v1/investees/{world.investee_a.id}",
        json={"kvk_number": world.investee_a.kvk_number, "name": "Investee A BV"},
        headers=headers["manager_a"],
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Investee A BV"


# --- labels -------------------------------------------------------------------------------


def test_a_manager_adds_updates_and_deletes_a_label(client, db_session, world, headers):
    manager = headers["manager_a"]
    added = client.post(
        f"/api/v1/investees/{world.investee_a.id}/labels",
        json={"kind": "code_sociale_ondernemingen", "reference": "CSO-9", "valid_until": "2020-01-31"},
        headers=manager,
    )
    assert added.status_code == 201, added.get_json()
    label = added.get_json()
    assert (label["kind"], label["reference"], label["lapsed"]) == ("code_sociale_ondernemingen", "CSO-9", True)
    patched = client.patch(f"/api/v1/labels/{label['id']}", json={"valid_until": "2099-01-31"}, headers=manager)
    assert patched.status_code == 200
    assert (patched.get_json()["valid_until"], patched.get_json()["lapsed"]) == ("2099-01-31", False)
    deleted = client.delete(f"/api/v1/labels/{label['id']}", headers=manager)
    assert deleted.status_code == 204
    assert deleted.get_data() == b""
    assert db_session.get(Label, label["id"]) is None


def test_a_pso_label_without_a_level_gets_422_and_writes_nothing(client, db_session, world, headers):
    before = _counts(db_session)
    response = client.post(
        f"/api/v1/investees/{world.investee_a.id}/labels", json={"kind": "pso"}, headers=headers["manager_a"]
    )
    assert response.status_code == 422
    assert _fields(response) == {"level"}
    assert _counts(db_session) == before


def test_a_member_may_not_add_change_or_delete_labels_of_their_investee(client, db_session, world, headers):
    member = headers["member_a"]
    label_id = world.investee_a.labels[0].id
    before = _counts(db_session)
    assert (
        client.post(
            f"/api/v1/investees/{world.investee_a.id}/labels", json={"kind": "b_corp"}, headers=member
        ).status_code
        == 403
    )
    assert client.patch(f"/api/v1/labels/{label_id}", json={"reference": "x"}, headers=member).status_code == 403
    assert client.delete(f"/api/v1/labels/{label_id}", headers=member).status_code == 403
    assert _counts(db_session) == before


def test_a_manager_gets_404_for_labels_of_another_funds_investee(client, db_session, world, headers):
    manager = headers["manager_a"]
    label_id = world.investee_b.labels[0].id
    before = _counts(db_session)
    assert (
        client.post(
            f"/api/v1/investees/{world.investee_b.id}/labels", json={"kind": "b_corp"}, headers=manager
        ).status_code
        == 404
    )
    assert client.patch(f"/api/v1/labels/{label_id}", json={"reference": "x"}, headers=manager).status_code == 404
    assert client.delete(f"/api/v1/labels/{label_id}", headers=manager).status_code == 404
    assert db_session.get(Label, label_id) is not None
    assert _counts(db_session) == before
