"""Invitations: who may invite whom, the mail that arrives (over real SMTP), and a link that works once, for 7 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fundapp.audit import AuditEntry
from fundapp.auth.models import Membership, Role, TokenPurpose, User, UserToken
from fundapp.auth.services import hash_token
from fundapp.db import utcnow
from tests.factories import PASSWORD
from tests.smtp import html_of, link_in, text_of

NEW_PASSWORD = "seven-blue-kites-fly"
USED = "Deze link is al gebruikt, of verlopen."  # the page is Dutch by default


def _invite(client, url, email="sanne@example.nl", language="en", name="Sanne de Vries"):
    return client.post(url, data={"email": email, "name": name, "language": language})


def _investee_url(world, investee=None):
    return f"/investees/{(investee or world.investee_a).id}/people/invite"


def _payer_url(world, payer=None):
    return f"/payers/{(payer or world.payer_a).id}/people/invite"


def test_a_manager_invites_a_member_who_gets_one_mail_in_her_language_and_sets_her_password(
    client, db_session, world, login_as, inbox
):
    login_as(world.user("manager_a"))
    response = _invite(client, _investee_url(world))
    assert response.status_code == 303
    user = db_session.scalar(select(User).where(User.email == "sanne@example.nl"))
    assert user is not None and not user.active and user.locale == "en"
    assert [m.role for m in user.memberships] == [Role.INVESTEE_MEMBER]
    assert user.memberships[0].investee_id == world.investee_a.id

    [mail] = inbox.to("sanne@example.nl")
    assert len(inbox.received) == 1
    assert mail["Content-Language"] == "en"
    assert mail["Subject"] == "You are invited to fundapp"
    assert "as a member of Investee A" in text_of(mail)
    link = link_in(mail)
    assert link.startswith("/invitation/")
    assert f'href="http://127.0.0.1:5000{link}"' in html_of(mail)

    client.post("/logout")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 303
    assert client.get("/").status_code == 200, "the invitee is logged in"
    db_session.expire_all()
    assert user.active
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))).all()
    assert "user.invited" in actions and "user.invitation_accepted" in actions

    client.post("/logout")
    assert client.post("/login", data={"email": "sanne@example.nl", "password": NEW_PASSWORD}).status_code == 303


def test_the_same_invitation_link_a_second_time_changes_nothing_and_says_so(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    link = link_in(inbox.received[0])
    client.post("/logout")
    client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    client.post("/logout")
    user = db_session.scalar(select(User).where(User.email == "sanne@example.nl"))
    hash_before = user.password_hash

    again = client.post(link, data={"password": "other-green-hills-ok", "password_again": "other-green-hills-ok"})
    assert again.status_code == 200
    assert USED in again.get_data(as_text=True)
    db_session.expire_all()
    assert user.password_hash == hash_before
    assert client.get("/").status_code == 302, "the second use logged nobody in"


def test_an_invitation_link_older_than_seven_days_is_refused(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    link = link_in(inbox.received[0])
    row = db_session.scalar(select(UserToken).where(UserToken.purpose == TokenPurpose.INVITATION))
    assert row.expires_at - row.created_at == timedelta(days=7)
    row.created_at -= timedelta(days=7, seconds=1)
    row.expires_at -= timedelta(days=7, seconds=1)
    db_session.flush()
    client.post("/logout")

    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert USED in response.get_data(as_text=True)
    assert not db_session.scalar(select(User.active).where(User.email == "sanne@example.nl"))


def test_the_database_holds_the_hash_of_the_link_never_the_link(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    token = link_in(inbox.received[0]).rsplit("/", 1)[1]
    stored = db_session.scalars(select(UserToken.token_hash)).all()
    assert token not in stored
    assert stored == [hash_token(token)]


def test_inviting_a_pending_person_again_sends_a_new_link_and_the_old_one_stops_working(
    client, db_session, world, login_as, inbox
):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    _invite(client, _investee_url(world), language="nl")
    first, second = (link_in(m) for m in inbox.received)
    assert inbox.received[1]["Content-Language"] == "nl"
    assert inbox.received[1]["Subject"] == "Je bent uitgenodigd voor fundapp"
    client.post("/logout")
    assert USED in client.get(first).get_data(as_text=True)
    response = client.post(second, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 303


def test_inviting_an_active_user_adds_the_role_and_mails_a_notice_without_a_link(
    client, db_session, world, login_as, inbox
):
    officer = world.user("officer_a")
    colleague = world.user("officer_b")
    login_as(officer)
    hash_before = colleague.password_hash
    response = _invite(client, _payer_url(world), email=colleague.email)
    assert response.status_code == 303
    [mail] = inbox.to(colleague.email)
    assert "/invitation/" not in text_of(mail) and "/login" in text_of(mail)
    db_session.expire_all()
    assert colleague.password_hash == hash_before
    assert {m.payer_id for m in colleague.memberships} == {world.payer_a.id, world.payer_b.id}
    assert db_session.scalar(select(UserToken).where(UserToken.user_id == colleague.id)) is None


def _flashes(client):
    with client.session_transaction() as session:
        return [message for _kind, message in session.get("_flashes", [])]


def test_inviting_a_switched_off_account_answers_as_any_invitation_and_tells_only_its_owner(
    client, db_session, world, login_as, inbox
):
    """An inviter learns nothing of an account elsewhere: a switched-off one gets the role and a notice, no link."""
    colleague = world.user("officer_b")
    colleague.active = False
    db_session.flush()
    login_as(world.user("officer_a"))

    unknown = _invite(client, _payer_url(world), email="nieuw@example.nl")
    unknown_flash = _flashes(client)[-1]
    switched_off = _invite(client, _payer_url(world), email=colleague.email)
    assert (switched_off.status_code, switched_off.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert _flashes(client)[-1].replace(colleague.email, "nieuw@example.nl") == unknown_flash

    [mail] = inbox.to(colleague.email)
    assert "/invitation/" not in text_of(mail) and "/login" not in text_of(mail)
    assert "switched off" in text_of(mail) and "switched off" in html_of(mail)
    db_session.expire_all()
    assert not colleague.active, "inviting switches nobody on: an administrator does"
    assert {m.payer_id for m in colleague.memberships} == {world.payer_a.id, world.payer_b.id}
    assert db_session.scalar(select(UserToken).where(UserToken.user_id == colleague.id)) is None
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == str(colleague.id), AuditEntry.action == "user.invited")
    ).one()
    assert entry.changes["active"] == [False, False]

    again = _invite(client, _payer_url(world), email=colleague.email)
    assert again.status_code == 422, "the role is there: the inviter sees the person among the officers already"
    assert len(inbox.to(colleague.email)) == 1


def test_a_password_that_breaks_the_rules_is_refused_beside_its_field(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    link = link_in(inbox.received[0])
    client.post("/logout")
    response = client.post(link, data={"password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert "Gebruik minstens 10 tekens." in response.get_data(as_text=True)
    differ = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert differ.status_code == 422
    assert client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 303


def test_a_request_that_fails_sends_no_mail(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    response = _invite(client, _investee_url(world), email="not-an-address")
    assert response.status_code == 422
    assert inbox.received == []


@pytest.mark.parametrize(
    ("role", "where", "expected"),
    [
        ("admin", "investee_a", 303),
        ("manager_a", "investee_a", 303),
        ("manager_b", "investee_a", 404),  # another fund's investee: not even seen
        ("member_a", "investee_a", 403),  # a member sees the investee, does not invite into it
        ("member_b", "investee_a", 404),
        ("officer_a", "investee_a", 404),
        ("admin", "payer_a", 303),
        ("officer_a", "payer_a", 303),
        ("officer_b", "payer_a", 404),  # another payer's officers
        ("manager_a", "payer_a", 404),
        ("member_a", "payer_a", 404),
    ],
)
def test_who_may_invite_whom(client, db_session, world, login_as, inbox, role, where, expected):
    login_as(world.user(role))
    url = _investee_url(world) if where == "investee_a" else _payer_url(world)
    response = _invite(client, url, email="new.person@example.nl")
    assert response.status_code == expected
    invited = db_session.scalar(select(User).where(User.email == "new.person@example.nl"))
    assert (invited is not None) == (expected == 303)
    assert len(inbox.received) == (1 if expected == 303 else 0)


def test_the_invite_form_offers_no_role_to_choose(client, world, login_as):
    """The role follows from the page: a manager cannot make someone a manager or an administrator through it."""
    login_as(world.user("manager_a"))
    client.post(_investee_url(world), data={"email": "x.y@example.nl", "name": "", "language": "nl", "role": "admin"})
    body = client.get(_investee_url(world)).get_data(as_text=True)
    assert 'name="role"' not in body


def test_the_investee_page_lists_its_members_for_who_may_invite_and_not_for_the_member(
    client, db_session, world, login_as, inbox
):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world), name="Sanne de Vries")
    page = client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    assert "Sanne de Vries" in page and world.user("member_a").email in page
    assert _investee_url(world) in page
    login_as(world.user("member_a"))
    page = client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    assert _investee_url(world) not in page


def test_the_command_line_mails_an_invitation_for_a_fund(app, db_session, world, inbox):
    from fundapp.cli import users_invite

    result = app.test_cli_runner().invoke(
        users_invite, ["new.manager@example.nl", "--fund", str(world.fund_a.id), "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    [mail] = inbox.to("new.manager@example.nl")
    assert "as a manager of Fund A" in text_of(mail)
    membership = db_session.scalar(
        select(Membership).join(User).where(User.email == "new.manager@example.nl", Membership.fund_id.is_not(None))
    )
    assert membership.role == Role.FUND_MANAGER
    refused = app.test_cli_runner().invoke(users_invite, ["x@example.nl", "--fund", "1", "--payer", "1"])
    assert refused.exit_code != 0


def test_an_invited_person_cannot_log_in_before_accepting(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    client.post("/logout")
    response = client.post("/login", data={"email": "sanne@example.nl", "password": PASSWORD})
    assert response.status_code == 401


def test_a_used_link_is_marked_with_the_moment_it_was_used(client, db_session, world, login_as, inbox):
    login_as(world.user("manager_a"))
    _invite(client, _investee_url(world))
    link = link_in(inbox.received[0])
    client.post("/logout")
    before = utcnow()
    client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    row = db_session.scalar(select(UserToken))
    db_session.refresh(row)
    assert row.used_at is not None and row.used_at >= before - timedelta(seconds=1)


def test_an_invitation_is_mailed_only_when_its_transaction_commits(app, db_session, world, inbox):
    from fundapp import audit
    from fundapp.auth import invitations

    database = app.extensions["fundapp.db"]
    with app.app_context():
        failed = database.new_session()
        invitations.invite(failed, audit.Actor.system("test"), Role.INVESTEE_MEMBER, world.investee_a.id, "a@b.nl")
        failed.rollback()
        failed.close()
        assert inbox.received == []
        done = database.new_session()
        invitations.invite(done, audit.Actor.system("test"), Role.INVESTEE_MEMBER, world.investee_a.id, "a@b.nl")
        done.commit()
        done.close()
    assert [m["To"] for m in inbox.received] == ["a@b.nl"]
    assert "De applicatiebeheerder van fundapp" in text_of(inbox.received[0])
