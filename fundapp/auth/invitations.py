"""People come in by invitation and reset a forgotten password by a mailed link; nobody hands passwords over.

An invitation makes the user (inactive, with no password anyone knows) and the
membership at once, and mails a link that sets the password; an existing user
gets the membership and a notice. A reset link is mailed only to an active
account, but the person asking is told the same whatever the address.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.auth import user_tokens
from fundapp.auth.models import ApiToken, Role, TokenPurpose, User, UserSession, UserToken
from fundapp.auth.passwords import hash_password, password_problems
from fundapp.auth.services import _target_field, add_membership, find_user, normalize_email
from fundapp.db import utcnow
from fundapp.errors import Conflict, ValidationFailed
from fundapp.formats import LANGUAGES
from fundapp.i18n import gettext as _
from fundapp.messages import N_
from fundapp.notifications import mail

ROLE_PHRASES = {
    Role.ADMIN: N_("as an administrator"),
    Role.FUND_MANAGER: N_("as a manager of %(name)s"),
    Role.PAYER_OFFICER: N_("as an officer of %(name)s"),
    Role.INVESTEE_MEMBER: N_("as a member of %(name)s"),
    Role.VALIDATOR: N_("as the validator of contract %(name)s"),
}


def _send(session: Session, message: mail.Mail) -> None:
    """Send ``message`` through the job queue once the transaction commits: a request that fails sends nothing,
    and a mail server that refuses is tried again with back-off (``flask jobs failed`` after the last try)."""
    from fundapp.jobs.queue import enqueue_after_commit
    from fundapp.notifications.jobs import send_mail

    enqueue_after_commit(send_mail, asdict(message), session=session)


def _url(config: Mapping[str, Any], endpoint: str, **values: Any) -> str:
    """An absolute address for a mail, also outside a request (the command line)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return config["BASE_URL"].rstrip("/") + path


def _mail(user: User, language: str, kind: str, subject: str, **context: Any) -> mail.Mail:
    """The mail ``kind`` (templates mail/<kind>.txt and .html) in ``language``."""
    with force_locale(language):
        return mail.Mail(
            to=user.email,
            subject=_(subject),
            text=render_template(f"mail/{kind}.txt", user=user, language=language, **context),
            html=render_template(f"mail/{kind}.html", user=user, language=language, **context),
            language=language,
        )


def _target_name(session: Session, role: Role, target_id: int | None) -> str:
    from fundapp.funds.models import Fund
    from fundapp.investees.models import Investee
    from fundapp.outcomes.models import OutcomeContract
    from fundapp.payers.models import OutcomePayer

    model = {
        Role.FUND_MANAGER: Fund,
        Role.PAYER_OFFICER: OutcomePayer,
        Role.INVESTEE_MEMBER: Investee,
        Role.VALIDATOR: OutcomeContract,
    }.get(role)
    target = session.get(model, target_id) if model is not None and target_id is not None else None
    if target is None:
        return ""
    return str(getattr(target, "name", None) or getattr(target, "reference", ""))


def _has_membership(user: User, role: Role, target_id: int | None) -> bool:
    field = _target_field(role)
    return any(m.role == role and (field is None or getattr(m, field) == target_id) for m in user.memberships)


def is_pending(session: Session, user: User) -> bool:
    """Invited and not yet in: inactive, with an invitation and none of them ever used."""
    if user.active:
        return False
    invitations = select(UserToken.id).where(UserToken.user_id == user.id, UserToken.purpose == TokenPurpose.INVITATION)
    used = invitations.where(UserToken.used_at.is_not(None))
    return bool(session.scalar(select(exists(invitations)))) and not session.scalar(select(exists(used)))


def invite(
    session: Session,
    actor: audit.Who,
    role: Role,
    target_id: int | None,
    email: str,
    name: str = "",
    language: str = "nl",
    now: datetime | None = None,
) -> User:
    """Invite ``email`` into ``role`` on the target (who may do so is checked by the caller's access rule)."""
    config = current_app.config
    email = normalize_email(email)
    if "@" not in email or len(email) > 255:
        raise ValidationFailed.field("email", "Enter a valid email address.")
    if language not in LANGUAGES:
        raise ValidationFailed.field("language", "Choose Dutch or English.")
    inviter = audit.actor_of(actor) if not isinstance(actor, audit.Actor) else actor
    inviter_name = (
        N_("The administrator of fundapp") if inviter.id is None else (getattr(actor, "name", "") or inviter.label)
    )
    user = find_user(session, email)
    if user is not None and (user.active or not is_pending(session, user)):
        # A switched-off account gets the role as any account does, and the inviter the same answer: a different
        # one would tell anyone who may invite that the address has an account, switched off, somewhere in fundapp.
        return _add_role(session, actor, user, role, target_id, language, inviter_name)
    if user is None:
        # A password nobody knows, hashed like any other: an invited account answers a login as slowly as a real one.
        user = User(email=email, name=name[:200], password_hash=hash_password(secrets.token_urlsafe(32)))
        user.active, user.failed_logins, user.locale = False, 0, language
        session.add(user)
        session.flush()
    else:
        user.locale = language
        user.name = name[:200] or user.name
    if not _has_membership(user, role, target_id):
        add_membership(session, actor, user, role, target_id)
    days = config["INVITATION_DAYS"]
    token = user_tokens.issue(session, user, TokenPurpose.INVITATION, timedelta(days=days), inviter.id, now)
    audit.record(session, actor, "user.invited", user, {"role": [None, role.value], "target": [None, target_id]})
    _send(
        session,
        _mail(
            user,
            language,
            "invitation",
            N_("You are invited to fundapp"),
            phrase=ROLE_PHRASES[role],
            target=_target_name(session, role, target_id),
            inviter=inviter_name,
            link=_url(config, "people.accept_invitation", token=token),
            days=days,
        ),
    )
    return user


def _add_role(
    session: Session, actor: audit.Who, user: User, role: Role, target_id: int | None, language: str, inviter: str
) -> User:
    """Someone who already has an account gets the role and a notice; no link, their password stays. The notice
    of a switched-off account says that an administrator must switch it on first (the audit entry says it too)."""
    if _has_membership(user, role, target_id):
        raise Conflict(N_("This person already has this role."), [{"field": "email", "message": "already"}])
    add_membership(session, actor, user, role, target_id)
    changes: dict[str, Any] = {"role": [None, role.value], "target": [None, target_id]}
    if not user.active:
        changes["active"] = [False, False]
    audit.record(session, actor, "user.invited", user, changes)
    message = _mail(
        user,
        user.locale if user.locale in LANGUAGES else language,
        "added",
        N_("You have a new role in fundapp"),
        phrase=ROLE_PHRASES[role],
        target=_target_name(session, role, target_id),
        inviter=inviter,
        login=_url(current_app.config, "auth.login"),
        switched_off=not user.active,
    )
    _send(session, message)
    return user


def _set_password(user: User, password: str) -> None:
    problems = password_problems(password, user.email, current_app.config["PASSWORD_MIN_LENGTH"])
    if problems:
        raise ValidationFailed("Choose another password.", [{"field": "password", "message": p} for p in problems])
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None


def accept(session: Session, row: UserToken, password: str, now: datetime | None = None) -> User | None:
    """Set the invited user's password and switch the account on; None when the link was used meanwhile."""
    if not user_tokens.use(session, row, now):
        return None
    user = row.user
    _set_password(user, password)  # a refused password fails the request, and the link stays unused
    user.active = True
    audit.record(session, user, "user.invitation_accepted", user, {"active": [False, True]})
    return user


def request_reset(session: Session, email: str, now: datetime | None = None) -> None:
    """Mail a reset link if an active account has this address; the caller answers the same either way."""
    user = find_user(session, email)
    if user is None or not user.active:
        return
    config = current_app.config
    minutes = config["PASSWORD_RESET_MINUTES"]
    token = user_tokens.issue(session, user, TokenPurpose.PASSWORD_RESET, timedelta(minutes=minutes), None, now)
    audit.record(session, audit.Actor.system("password reset"), "user.password_reset_requested", user, {})
    language = user.locale if user.locale in LANGUAGES else config["DEFAULT_LOCALE"]
    link = _url(config, "people.reset_password", token=token)
    message = _mail(user, language, "reset", N_("Set a new password for fundapp"), link=link, minutes=minutes)
    _send(session, message)


def reset(session: Session, row: UserToken, password: str, now: datetime | None = None) -> User | None:
    """Set a new password; every session and every API token of the user ends (a thief's too, who may have made a
    token with the stolen password). None when the link was used meanwhile."""
    if not user_tokens.use(session, row, now):
        return None
    user = row.user
    _set_password(user, password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    revoked = session.execute(  # type: ignore[attr-defined]  # an UPDATE's result has a rowcount
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    changes = {"sessions_ended": [None, True], "api_tokens_revoked": [0, revoked]}
    audit.record(session, user, "user.password_reset", user, changes)
    return user


def usable(row: UserToken | None) -> UserToken | None:
    """A reset link works only for an account that is still on."""
    if row is None or (row.purpose == TokenPurpose.PASSWORD_RESET and not row.user.active):
        return None
    return row


def people_of(session: Session, role: Role, target_id: int, now: datetime | None = None) -> list[tuple[User, str]]:
    """The users with ``role`` on the target and where they are: "active", "invited" (a link that still works) or
    "inactive" (switched off, or an invitation that expired: inviting them again sends a new link); one query."""
    from fundapp.auth.models import Membership

    now = now or utcnow()
    live_invitation = exists(
        select(UserToken.id).where(
            UserToken.user_id == User.id,
            UserToken.purpose == TokenPurpose.INVITATION,
            UserToken.used_at.is_(None),
            UserToken.expires_at > now,
        )
    )
    field = _target_field(role)
    rows = session.execute(
        select(User, live_invitation)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == role, getattr(Membership, field or "id") == target_id)
        .order_by(User.name, User.email)
    ).all()
    return [(user, "active" if user.active else "invited" if live else "inactive") for user, live in rows]


def people_section(
    session: Session, scope: Any, role: Role, target: Any, invite_url: str, title: str
) -> dict[str, Any]:
    """The people part of an investee's or payer's page: shown only to who may invite there."""
    from fundapp.auth.policy import can

    if not can(scope, "invite", target):
        return {"invite_url": None, "people": [], "people_title": title}
    return {"invite_url": invite_url, "people": people_of(session, role, target.id), "people_title": title}
