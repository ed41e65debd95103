"""A forgotten password: the same answer whatever the address, a mailed link that works once within 15 minutes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.auth.models import TokenPurpose, UserSession, UserToken
from fundapp.auth.services import hash_token
from tests.factories import PASSWORD
from tests.smtp import link_in, text_of

NEW_PASSWORD = "seven-blue-kites-fly"
USED = "Deze link is al gebruikt, of verlopen."


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email})


def _without_csrf(body: str) -> str:
    return re.sub(r'name="(csrf_token|form_token)" value="[^"]*"', "", body)


def test_the_login_page_offers_a_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address_and_only_the_known_one_gets_mail(
    client, db_session, world, inbox
):
    member = world.user("member_a")
    known = _ask(client, member.email)
    unknown = _ask(client, "nobody@example.nl")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(unknown.get_data(as_text=True))
    assert [m["To"] for m in inbox.received] == [member.email]


def test_an_inactive_account_gets_the_same_answer_and_no_mail(client, db_session, world, inbox):
    member = world.user("member_a")
    member.active = False
    db_session.flush()
    unknown = _ask(client, "nobody@example.nl")
    inactive = _ask(client, member.email)
    assert inactive.status_code == 200
    assert _without_csrf(inactive.get_data(as_text=True)) == _without_csrf(unknown.get_data(as_text=True))
    assert inbox.received == []


def test_the_reset_link_sets_a_new_password_once_and_ends_the_other_sessions(
    app, client, db_session, world, login_as, inbox
):
    member = world.user("member_a")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": member.email, "password": PASSWORD})
    assert elsewhere.get("/").status_code == 200
    member.failed_logins = 3
    db_session.flush()

    _ask(client, member.email)
    [mail] = inbox.received
    assert "15" in text_of(mail)
    link = link_in(mail)
    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 303
    assert client.get("/").status_code == 200, "the person is logged in with the new password"
    assert elsewhere.get("/").status_code == 302, "the session elsewhere ended"
    db_session.expire_all()
    assert member.failed_logins == 0 and member.locked_until is None
    assert db_session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == member.id)) == 1
    assert db_session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.password_reset", AuditEntry.entity_id == str(member.id))
    )

    again = client.post(link, data={"password": "other-green-hills-ok", "password_again": "other-green-hills-ok"})
    assert USED in again.get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"email": member.email, "password": NEW_PASSWORD}).status_code == 303


def test_a_reset_link_older_than_fifteen_minutes_is_refused(client, db_session, world, inbox):
    member = world.user("member_a")
    _ask(client, member.email)
    link = link_in(inbox.received[0])
    row = db_session.scalar(select(UserToken).where(UserToken.purpose == TokenPurpose.PASSWORD_RESET))
    assert row.expires_at - row.created_at == timedelta(minutes=15)
    row.created_at -= timedelta(minutes=15, seconds=1)
    row.expires_at -= timedelta(minutes=15, seconds=1)
    db_session.flush()
    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert USED in response.get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 303


def test_a_newer_reset_link_voids_the_older_one(client, db_session, world, inbox):
    member = world.user("member_a")
    _ask(client, member.email)
    _ask(client, member.email)
    first, second = (link_in(m) for m in inbox.received)
    assert USED in client.get(first).get_data(as_text=True)
    assert USED not in client.get(second).get_data(as_text=True)


def test_the_reset_token_is_stored_as_its_hash(client, db_session, world, inbox):
    _ask(client, world.user("member_a").email)
    token = link_in(inbox.received[0]).rsplit("/", 1)[1]
    assert db_session.scalars(select(UserToken.token_hash)).all() == [hash_token(token)]


def test_asking_for_links_is_throttled_like_logging_in_for_every_address_alike(app, client, db_session, world, inbox):
    app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"], limit = 3, app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"]
    try:
        for email in (world.user("member_a").email, "nobody@example.nl"):
            statuses = [_ask(client, email).status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429], email
    finally:
        app.config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"] = limit
    assert len(inbox.received) == 3
    assert client.post("/login", data={"email": world.user("member_a").email, "password": PASSWORD}).status_code == 303


def test_a_reset_revokes_every_api_token_of_the_account(app, client, db_session, world, inbox):
    from fundapp.auth.services import issue_token

    member, other = world.user("member_a"), world.user("manager_a")
    _row, stolen = issue_token(db_session, member, "made with the stolen password")
    _row, kept = issue_token(db_session, other, "someone else's")
    db_session.flush()
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {stolen}"}).status_code == 200

    _ask(client, member.email)
    [mail] = inbox.received
    client.post(link_in(mail), data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {stolen}"}).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {kept}"}).status_code == 200
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset"))
    assert entry.changes["api_tokens_revoked"] == [0, 1]
