"""/api/v1/auth/tokens and /api/v1/me: getting, listing, using and revoking API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from fundapp.audit import AuditEntry
from fundapp.auth.models import ApiToken
from fundapp.auth.services import hash_token
from tests.factories import PASSWORD


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _new_token(client, user, name: str = "script") -> dict:
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD, "name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_token_is_issued_for_the_right_password_and_shown_once(client, db_session, world):
    user = world.user("manager_a")
    body = _new_token(client, user, "laptop")
    assert set(body) == {"token", "id", "expires_at"}
    assert body["token"].startswith("fa_")
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=89, hours=23) < expires - datetime.now(UTC) <= timedelta(days=90)
    row = db_session.get(ApiToken, body["id"])
    assert (row.user_id, row.name, row.token_hash) == (user.id, "laptop", hash_token(body["token"]))
    every_value = db_session.execute(text("SELECT * FROM api_tokens")).all()
    assert all(body["token"] not in str(value) for r in every_value for value in r)


def test_the_token_works_for_me_and_lists(client, world):
    user = world.user("member_a")
    token = _new_token(client, user)["token"]
    me = client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200
    assert me.get_json() == {
        "id": user.id,
        "email": user.email,
        "name": "",
        "memberships": [
            {"role": "investee_member", "fund_id": None, "payer_id": None, "investee_id": world.investee_a.id}
        ],
    }
    investees = client.get("/api/v1/investees", headers=_bearer(token)).get_json()
    assert [i["name"] for i in investees["items"]] == ["Investee A"]


def test_the_bearer_scheme_is_case_insensitive(client, world):
    token = _new_token(client, world.user("admin"))["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "a@b.example"}, "password"),
        ({"password": "x"}, "email"),
        ({"email": "a@b.example", "password": ""}, "password"),
    ],
)
def test_a_token_request_missing_a_field_gets_422_naming_it(client, db_session, payload, field):
    before = db_session.scalar(select(func.count()).select_from(ApiToken))
    response = client.post("/api/v1/auth/tokens", json=payload)
    assert response.status_code == 422
    assert field in {d["field"] for d in response.get_json()["error"]["details"]}
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == before


def test_a_wrong_password_gets_401_and_no_token(client, db_session, world):
    before = db_session.scalar(select(func.count()).select_from(ApiToken))
    response = client.post(
        "/api/v1/auth/tokens", json={"email": world.user("admin").email, "password": "wrong-password-1"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == {
        "code": "login_failed",
        "message": "The email address or password is not correct.",
        "details": [],
    }
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == before


def test_listing_tokens_shows_only_your_own_and_never_a_secret(client, db_session, world, api_headers):
    mine = api_headers(world.user("manager_a"))
    api_headers(world.user("manager_b"))
    _new_token(client, world.user("manager_a"), "second")
    response = client.get("/api/v1/auth/tokens", headers=mine)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 25)
    tokens = body["items"]
    assert [t["name"] for t in tokens] == ["test", "second"]
    assert all(
        set(t) == {"id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"} for t in tokens
    )
    user_ids = {db_session.get(ApiToken, t["id"]).user_id for t in tokens}
    assert user_ids == {world.user("manager_a").id}


def test_revoking_your_own_token_makes_it_stop_working(client, db_session, world, api_headers):
    user = world.user("officer_a")
    keeper = api_headers(user)
    doomed = _new_token(client, user, "doomed")
    assert client.get("/api/v1/me", headers=_bearer(doomed["token"])).status_code == 200
    response = client.delete(f"/api/v1/auth/tokens/{doomed['id']}", headers=keeper)
    assert response.status_code == 204
    db_session.expire_all()
    assert db_session.get(ApiToken, doomed["id"]).revoked_at is not None
    refused = client.get("/api/v1/me", headers=_bearer(doomed["token"]))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/me", headers=keeper).status_code == 200
    listed = {t["id"]: t for t in client.get("/api/v1/auth/tokens", headers=keeper).get_json()["items"]}
    assert listed[doomed["id"]]["revoked_at"] is not None


def test_a_token_can_revoke_itself(client, world):
    token = _new_token(client, world.user("member_b"))
    assert client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=_bearer(token["token"])).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(token["token"])).status_code == 401


def test_revoking_someone_elses_token_gets_404_and_leaves_it_working(client, db_session, world, api_headers):
    victim = _new_token(client, world.user("manager_b"))
    attacker = api_headers(world.user("manager_a"))
    entries = db_session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.delete(f"/api/v1/auth/tokens/{victim['id']}", headers=attacker)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    db_session.expire_all()
    assert db_session.get(ApiToken, victim["id"]).revoked_at is None
    assert client.get("/api/v1/me", headers=_bearer(victim["token"])).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    admin = api_headers(world.user("admin"))
    assert client.delete(f"/api/v1/auth/tokens/{victim['id']}", headers=admin).status_code == 404


def test_revoking_a_token_that_does_not_exist_gets_404(client, world, api_headers):
    assert client.delete("/api/v1/auth/tokens/999999", headers=api_headers(world.user("admin"))).status_code == 404


def test_an_expired_token_gets_401(client, db_session, world):
    token = _new_token(client, world.user("admin"))
    row = db_session.get(ApiToken, token["id"])
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.flush()
    response = client.get("/api/v1/funds", headers=_bearer(token["token"]))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_and_token_lists_need_a_login(client, world):
    for path in ("/api/v1/me", "/api/v1/auth/tokens"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.delete("/api/v1/auth/tokens/1").status_code == 401
