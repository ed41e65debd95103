"""Users, login, lockout and API tokens: the auth services, and login through the page and the API."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select, text

from fundapp import audit
from fundapp.audit import AuditEntry
from fundapp.auth import services
from fundapp.auth.models import ApiToken, LoginFailure, Membership, Role, User
from fundapp.db import session_scope, utcnow
from fundapp.errors import Conflict, NotFound, ValidationFailed
from tests.factories import ACTOR, PASSWORD, make_user

WRONG = "not-the-right-password"
SAME_MESSAGE = "The email address or password is not correct."


# --- lockout, with real commits --------------------------------------------------------
#
# A failed login is counted in a transaction of its own because the failing request
# is rolled back. The db_session fixture runs every session of a test on one
# connection inside SAVEPOINTs, so there the request's rollback would also undo the
# count. These tests therefore run on the app's real engine and clean up after.


@pytest.fixture()
def committed_user(app):
    database = app.extensions["fundapp.db"]
    assert database.session_factory.kw.get("bind") is database.engine, "must not run inside db_session"
    email = f"lockout.{uuid.uuid4().hex[:10]}@test.example"
    with database.engine.connect() as conn:
        first_new_entry = (conn.execute(select(func.max(AuditEntry.id))).scalar() or 0) + 1
        first_new_failure = (conn.execute(select(func.max(LoginFailure.id))).scalar() or 0) + 1
    with session_scope(app) as session:
        user = services.create_user(session, ACTOR, email, PASSWORD, Role.ADMIN)
        user_id = user.id
    try:
        yield SimpleNamespace(id=user_id, email=email)
    finally:
        with database.engine.begin() as conn:
            conn.execute(delete(AuditEntry).where(AuditEntry.id >= first_new_entry))
            conn.execute(delete(LoginFailure).where(LoginFailure.id >= first_new_failure))
            conn.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
            conn.execute(delete(Membership).where(Membership.user_id == user_id))
            conn.execute(delete(User).where(User.id == user_id))


def _stored(app, user_id: int) -> tuple[int, object]:
    with app.extensions["fundapp.db"].engine.connect() as conn:
        row = conn.execute(select(User.failed_logins, User.locked_until).where(User.id == user_id)).one()
    return row.failed_logins, row.locked_until


def _entries(app, action: str, entity_id: int) -> int:
    with app.extensions["fundapp.db"].engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == action, AuditEntry.entity_id == str(entity_id))
        ).scalar_one()


def test_failed_logins_on_the_login_page_are_counted_although_the_request_fails(app, committed_user):
    client = app.test_client()
    for attempt in (1, 2):
        response = client.post("/login?lang=en", data={"email": committed_user.email, "password": WRONG})
        assert response.status_code == 401
        assert SAME_MESSAGE in response.get_data(as_text=True)
        assert _stored(app, committed_user.id) == (attempt, None)


def test_the_login_page_locks_the_account_after_the_maximum_failures_even_for_the_right_password(app, committed_user):
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert client.post("/login?lang=en", data={"email": committed_user.email, "password": WRONG}).status_code == 401
    failed, locked_until = _stored(app, committed_user.id)
    assert failed == 0
    assert locked_until is not None
    assert _entries(app, "user.locked", committed_user.id) == 1

    response = client.post("/login?lang=en", data={"email": committed_user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)
    assert client.get("/funds/").status_code == 302  # not logged in
    api = client.post("/api/v1/auth/tokens", json={"email": committed_user.email, "password": PASSWORD})
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "account_locked"
    # attempts while locked neither extend the lock nor count
    assert _stored(app, committed_user.id) == (0, locked_until)


def test_the_token_endpoint_counts_failures_and_locks_the_account(app, committed_user):
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for attempt in range(1, limit):
        response = client.post("/api/v1/auth/tokens", json={"email": committed_user.email, "password": WRONG})
        assert response.status_code == 401
        assert response.get_json() == {"error": {"code": "login_failed", "message": SAME_MESSAGE, "details": []}}
        assert _stored(app, committed_user.id) == (attempt, None)
    assert (
        client.post("/api/v1/auth/tokens", json={"email": committed_user.email, "password": WRONG}).status_code == 401
    )
    assert _stored(app, committed_user.id)[1] is not None

    response = client.post("/api/v1/auth/tokens", json={"email": committed_user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.get_json()["error"]["message"]
    with app.extensions["fundapp.db"].engine.connect() as conn:
        assert conn.execute(select(func.count()).where(ApiToken.user_id == committed_user.id)).scalar_one() == 0
    assert client.post("/login?lang=en", data={"email": committed_user.email, "password": PASSWORD}).status_code == 401


def test_an_unknown_email_gets_the_answers_an_account_gets_so_a_lock_tells_nothing(app, committed_user):
    client = app.test_client()
    unknown = f"unknown.{uuid.uuid4().hex[:10]}@test.example"
    answers = {}
    for email in (committed_user.email, unknown):
        replies = [
            client.post("/api/v1/auth/tokens", json={"email": email, "password": WRONG})
            for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2)
        ]
        answers[email] = [(r.status_code, r.get_json()) for r in replies]
    assert answers[unknown] == answers[committed_user.email]
    assert [status for status, _body in answers[unknown]][-3:] == [401, 429, 429]
    assert answers[unknown][-1][1]["error"]["code"] == "account_locked"


def test_a_successful_login_before_the_limit_resets_the_failure_count(app, committed_user):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/login?lang=en", data={"email": committed_user.email, "password": WRONG})
    assert _stored(app, committed_user.id)[0] == app.config["LOGIN_MAX_FAILURES"] - 1
    assert client.post("/login?lang=en", data={"email": committed_user.email, "password": PASSWORD}).status_code == 303
    assert _stored(app, committed_user.id) == (0, None)


# --- login rules at the service level ----------------------------------------------------


def test_unknown_email_and_wrong_password_fail_with_the_same_message(db_session, world):
    with pytest.raises(services.LoginFailed) as unknown:
        services.authenticate(db_session, "nobody@test.example", PASSWORD)
    with pytest.raises(services.LoginFailed) as wrong:
        services.authenticate(db_session, world.user("admin").email, WRONG)
    assert unknown.value.message == wrong.value.message == SAME_MESSAGE
    assert unknown.value.status == wrong.value.status == 401


def test_unknown_email_and_wrong_password_look_the_same_on_the_login_page_and_the_api(client, world):
    pages = [
        client.post("/login?lang=en", data={"email": "nobody@test.example", "password": WRONG}),
        client.post("/login?lang=en", data={"email": world.user("admin").email, "password": WRONG}),
    ]
    assert [p.status_code for p in pages] == [401, 401]
    assert all(SAME_MESSAGE in p.get_data(as_text=True) for p in pages)
    api = [
        client.post("/api/v1/auth/tokens", json={"email": "nobody@test.example", "password": WRONG}),
        client.post("/api/v1/auth/tokens", json={"email": world.user("admin").email, "password": WRONG}),
    ]
    assert api[0].status_code == api[1].status_code == 401
    assert api[0].get_json() == api[1].get_json()


def test_login_email_is_matched_case_insensitively(db_session, world):
    user = world.user("manager_a")
    assert services.authenticate(db_session, "  " + user.email.upper() + " ", PASSWORD) is user


def test_note_failed_login_locks_at_the_limit_and_authenticate_refuses_until_the_lock_ends(db_session, world):
    user = world.user("member_a")
    policy = services.LoginPolicy(max_failures=3, lockout_minutes=15)
    now = utcnow()
    for expected in (1, 2):
        services.note_failed_login(db_session, user.email, policy, now)
        assert (user.failed_logins, user.locked_until) == (expected, None)
    services.note_failed_login(db_session, user.email, policy, now)
    assert user.failed_logins == 0
    assert user.locked_until == now + timedelta(minutes=15)
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.actor, entry.entity_id) == ("user.locked", "login", str(user.id))

    with pytest.raises(services.AccountLocked) as locked:
        services.authenticate(db_session, user.email, PASSWORD, now + timedelta(minutes=14))
    assert locked.value.status == 429
    services.note_failed_login(db_session, user.email, policy, now + timedelta(minutes=1))
    assert user.locked_until == now + timedelta(minutes=15), "a failure while locked does not extend the lock"

    assert services.authenticate(db_session, user.email, PASSWORD, now + timedelta(minutes=15, seconds=1)) is user
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_note_failed_login_for_an_unknown_email_writes_nothing(db_session, world):
    before = db_session.scalar(select(func.count()).select_from(AuditEntry))
    services.note_failed_login(db_session, "nobody@test.example", services.LoginPolicy(1, 15))
    db_session.flush()
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_an_inactive_user_cannot_log_in_even_with_the_right_password(db_session, client, world):
    user = world.user("manager_b")
    user.active = False
    db_session.flush()
    with pytest.raises(services.LoginFailed):
        services.authenticate(db_session, user.email, PASSWORD)
    response = client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


# --- creating users ---------------------------------------------------------------------


def test_create_user_normalises_the_email_and_stores_one_membership(db_session, world):
    user = services.create_user(
        db_session,
        ACTOR,
        "  Ilse@Fietsfabriek.Example ",
        "a-long-secret-phrase",
        Role.INVESTEE_MEMBER,
        world.investee_a.id,
    )
    assert user.email == "ilse@fietsfabriek.example"
    assert user.password_hash.startswith("$argon2id$")
    assert services.verify_password(user.password_hash, "a-long-secret-phrase")
    rows = db_session.execute(
        select(Membership.role, Membership.investee_id, Membership.fund_id, Membership.payer_id).where(
            Membership.user_id == user.id
        )
    ).all()
    assert [tuple(r) for r in rows] == [(Role.INVESTEE_MEMBER, world.investee_a.id, None, None)]


def test_a_new_user_object_lists_its_membership_once(db_session, world):
    user = services.create_user(
        db_session, ACTOR, "once@test.example", "a-long-secret-phrase", Role.FUND_MANAGER, world.fund_a.id
    )
    assert len(user.memberships) == 1


@pytest.mark.parametrize(
    ("email", "password", "fields"),
    [
        ("no-at-sign.example", "a-long-secret-phrase", {"email"}),
        ("ok@test.example", "short", {"password"}),
        ("wachtwoord@test.example", "wachtwoord123", {"password"}),
        ("bad", "123", {"email", "password"}),
    ],
)
def test_create_user_refuses_a_bad_email_or_weak_password_naming_the_field(db_session, email, password, fields):
    before = db_session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationFailed) as info:
        services.create_user(db_session, ACTOR, email, password, Role.ADMIN)
    assert {d["field"] for d in info.value.details} == fields
    assert db_session.scalar(select(func.count()).select_from(User)) == before


def test_create_user_refuses_a_duplicate_email_whatever_its_case(db_session, world):
    with pytest.raises(Conflict) as info:
        services.create_user(db_session, ACTOR, world.user("admin").email.upper(), "a-long-secret-phrase", Role.ADMIN)
    assert info.value.status == 409
    assert info.value.details == [{"field": "email", "message": "already exists"}]


@pytest.mark.parametrize(
    ("role", "target", "field"),
    [
        (Role.ADMIN, 1, "target"),
        (Role.FUND_MANAGER, None, "fund_id"),
        (Role.PAYER_OFFICER, None, "payer_id"),
        (Role.INVESTEE_MEMBER, None, "investee_id"),
        (Role.FUND_MANAGER, 999999, "fund_id"),
        (Role.PAYER_OFFICER, 999999, "payer_id"),
        (Role.INVESTEE_MEMBER, 999999, "investee_id"),
    ],
)
def test_a_membership_needs_the_target_of_its_role_and_only_that(db_session, role, target, field):
    before = db_session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationFailed) as info:
        services.create_user(
            db_session, ACTOR, f"{uuid.uuid4().hex[:8]}@test.example", "a-long-secret-phrase", role, target
        )
    assert [d["field"] for d in info.value.details] == [field]
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(User)) == before


# --- tokens -----------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_sha256_and_a_short_prefix(db_session, world):
    user = world.user("officer_a")
    row, token = services.issue_token(db_session, user, "script", days=30)
    db_session.flush()
    assert token.startswith("fa_") and len(token) > 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:10]
    raw = db_session.execute(text("SELECT * FROM api_tokens WHERE id = :id"), {"id": row.id}).one()
    assert all(token not in str(value) for value in raw)
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)


def test_user_for_token_finds_the_user_of_a_valid_token(db_session, world):
    user = world.user("officer_a")
    row, token = services.issue_token(db_session, user)
    assert services.user_for_token(db_session, token) == (user, row)


def test_user_for_token_refuses_revoked_expired_unknown_and_malformed_tokens(db_session, world):
    user = world.user("officer_a")
    revoked, revoked_token = services.issue_token(db_session, user)
    services.revoke_token(db_session, user, revoked.id)
    expired, expired_token = services.issue_token(db_session, user)
    expired.expires_at = utcnow() - timedelta(seconds=1)
    _valid, valid_token = services.issue_token(db_session, user)
    db_session.flush()
    assert services.user_for_token(db_session, revoked_token) is None
    assert services.user_for_token(db_session, expired_token) is None
    assert services.user_for_token(db_session, valid_token[:-1] + ("A" if valid_token[-1] != "A" else "B")) is None
    assert services.user_for_token(db_session, valid_token[3:]) is None
    assert services.user_for_token(db_session, "") is None
    assert services.user_for_token(db_session, valid_token) is not None


def test_a_token_of_a_deactivated_user_is_refused(db_session, world):
    user = world.user("officer_b")
    _row, token = services.issue_token(db_session, user)
    user.active = False
    db_session.flush()
    assert services.user_for_token(db_session, token) is None


def test_a_user_cannot_revoke_someone_elses_token(db_session, world):
    owner, other = world.user("manager_a"), world.user("manager_b")
    row, token = services.issue_token(db_session, owner)
    with pytest.raises(NotFound):
        services.revoke_token(db_session, other, row.id)
    with pytest.raises(NotFound):
        services.revoke_token(db_session, other, 999999)
    assert row.revoked_at is None
    assert services.user_for_token(db_session, token) is not None


def test_revoked_and_expired_tokens_get_401_from_the_api(client, db_session, world):
    user = world.user("manager_a")
    revoked, revoked_token = services.issue_token(db_session, user)
    services.revoke_token(db_session, user, revoked.id)
    expired, expired_token = services.issue_token(db_session, user)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    _valid, valid_token = services.issue_token(db_session, user)
    db_session.flush()
    for token in (revoked_token, expired_token, "fa_made-up-token"):
        response = client.get("/api/v1/funds", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    ok = client.get("/api/v1/funds", headers={"Authorization": f"Bearer {valid_token}"})
    assert ok.status_code == 200
    assert [f["name"] for f in ok.get_json()["items"]] == ["Fund A"]


def test_create_user_audit_uses_the_given_actor(db_session, world):
    admin = world.user("admin")
    user = make_user(db_session, Role.PAYER_OFFICER, world.payer_b.id)
    services.add_membership(db_session, audit.actor_of(admin), user, Role.PAYER_OFFICER, world.payer_a.id)
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.actor, entry.actor_id) == ("membership.added", admin.email, admin.id)
    assert entry.changes["payer_id"] == [None, world.payer_a.id]
