"""Users, memberships, login and API tokens: the verbs."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from fundapp import audit
from fundapp.auth.models import ApiToken, LoginFailure, Membership, Role, User
from fundapp.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from fundapp.db import utcnow
from fundapp.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from fundapp.messages import N_

TOKEN_PREFIX = "fa_"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(
    session: Session,
    actor: audit.Actor,
    email: str,
    password: str,
    role: Role,
    target_id: int | None = None,
    name: str = "",
    min_length: int = 10,
) -> User:
    email = normalize_email(email)
    details = []
    if "@" not in email or len(email) > 255:
        details.append({"field": "email", "message": "Enter a valid email address."})
    details += [{"field": "password", "message": m} for m in password_problems(password, email, min_length)]
    if details:
        raise ValidationFailed("The user cannot be created.", details)
    if find_user(session, email) is not None:
        raise Conflict(
            "A user with this email address already exists.", [{"field": "email", "message": "already exists"}]
        )
    user = User(email=email, name=name, password_hash=hash_password(password), active=True, failed_logins=0)
    session.add(user)
    session.flush()
    add_membership(session, actor, user, role, target_id)
    audit.record(session, actor, "user.created", user, {"email": [None, email], "role": [None, role.value]})
    return user


def _target_field(role: Role) -> str | None:
    return {
        Role.ADMIN: None,
        Role.FUND_MANAGER: "fund_id",
        Role.PAYER_OFFICER: "payer_id",
        Role.INVESTEE_MEMBER: "investee_id",
        Role.VALIDATOR: "contract_id",
    }[role]


# Whole sentences, so that the user form can show them in the reader's language.
TARGET_NEEDED = {
    "fund_id": N_("A fund manager needs a fund."),
    "payer_id": N_("A payer officer needs a payer."),
    "investee_id": N_("An investee member needs an investee."),
}


def add_membership(session: Session, actor: audit.Actor, user: User, role: Role, target_id: int | None) -> Membership:
    field = _target_field(role)
    if field is None and target_id is not None:
        raise ValidationFailed.field("target", "An administrator belongs to no fund, payer, investee or contract.")
    if field is not None:
        if target_id is None:
            raise ValidationFailed.field(field, TARGET_NEEDED[field])
        _check_target_exists(session, field, target_id)
    membership = Membership(user=user, role=role, **({field: target_id} if field else {}))
    session.add(membership)
    session.flush()
    audit.record(
        session,
        actor,
        "membership.added",
        membership,
        {"user": [None, user.email], "role": [None, role.value], field or "target": [None, target_id]},
    )
    return membership


def _check_target_exists(session: Session, field: str, target_id: int) -> None:
    from fundapp.funds.models import Fund
    from fundapp.investees.models import Investee
    from fundapp.outcomes.models import OutcomeContract
    from fundapp.payers.models import OutcomePayer

    model = {"fund_id": Fund, "payer_id": OutcomePayer, "investee_id": Investee, "contract_id": OutcomeContract}[field]
    if session.get(model, target_id) is None:
        raise ValidationFailed.field(field, f"There is no {field.removesuffix('_id')} with id {target_id}.")


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lockout_minutes: int = 15
    address_max_failures: int = 100
    account_address_max_failures: int = 20


class AccountLocked(Unauthorized):
    status = 429
    code = "account_locked"


class LoginFailed(Unauthorized):
    code = "login_failed"


def authenticate(
    session: Session, email: str, password: str, now: datetime | None = None, policy: LoginPolicy = LoginPolicy()
) -> User:
    """Check a password; raises LoginFailed or AccountLocked and writes nothing on failure.

    A failed attempt is counted by ``note_failed_login`` in a transaction of its
    own, because the failing request itself is rolled back. Whether the email
    belongs to an account shows neither in the time taken (every path verifies
    one Argon2 hash) nor in the answer (an unknown email locks like an account).
    """
    now = now or utcnow()
    user = find_user(session, email)
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is not None:
        locked = user.locked_until is not None and user.locked_until > now
    else:
        locked = _unknown_locked(session, email, policy, now)
    if locked:
        raise AccountLocked("Too many failed attempts. This account is locked for a few minutes; try again later.")
    if user is None or not user.active or not matches:
        raise LoginFailed("The email address or password is not correct.")
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _unknown_locked(session: Session, email: str, policy: LoginPolicy, now: datetime) -> bool:
    """Whether an account with this email would be locked now, had it existed.

    An account locks at every ``max_failures``-th failure and failures while locked
    are not noted, so the same rule on the noted failures gives the same answers.
    """
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.account == _account(email))
    ).one()
    lockout = timedelta(minutes=policy.lockout_minutes)
    return bool(count) and count % policy.max_failures == 0 and last > now - lockout


ADDRESS_WINDOW = timedelta(minutes=15)
ACCOUNT_ADDRESS_WINDOW = timedelta(days=1)


class TooManyAttempts(Unauthorized):
    status = 429
    code = "too_many_attempts"


def _account(email: str) -> str:
    return normalize_email(email)[:255]


def check_address(session: Session, address: str, email: str, policy: LoginPolicy, now: datetime | None = None) -> None:
    """Throttle an address that failed too often lately: on any accounts (spraying) or on this one (guessing).

    Behind a proxy or a NAT many people share one address, so the limit on all
    accounts is high; the limit on one account stops one address guessing it.
    """
    now = now or utcnow()
    failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.address == address[:64])
    if (
        session.execute(failures.where(LoginFailure.at > now - ADDRESS_WINDOW)).scalar_one()
        >= policy.address_max_failures
    ):
        raise TooManyAttempts("Too many failed logins from your network. Wait a quarter of an hour and try again.")
    on_account = failures.where(LoginFailure.account == _account(email), LoginFailure.at > now - ACCOUNT_ADDRESS_WINDOW)
    if session.execute(on_account).scalar_one() >= policy.account_address_max_failures:
        raise TooManyAttempts("Too many failed logins on this email address from your network. Try again tomorrow.")


def note_failed_address(session: Session, address: str, email: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.add(LoginFailure(address=address[:64], account=_account(email), at=now))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - ACCOUNT_ADDRESS_WINDOW))


def note_failed_login(session: Session, email: str, policy: LoginPolicy, now: datetime | None = None) -> None:
    now = now or utcnow()
    user = find_user(session, email)
    if user is None or (user.locked_until is not None and user.locked_until > now):
        return
    # One UPDATE, not read-then-write: failures sent at once (to several app machines) each count, as the row
    # lock makes them take turns on PostgreSQL; one that waited for a lockout counts no more.
    failures = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if failures is None:
        return
    session.refresh(user, ["failed_logins", "locked_until"])
    if failures >= policy.max_failures:
        user.locked_until = now + timedelta(minutes=policy.lockout_minutes)
        user.failed_logins = 0
        audit.record(
            session, audit.Actor.system("login"), "user.locked", user, {"locked_until": [None, user.locked_until]}
        )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "", days: int = 90) -> tuple[ApiToken, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=hash_token(token),
        prefix=token[:10],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(row)
    session.flush()
    audit.record(session, user, "api_token.issued", row, {"name": [None, row.name], "prefix": [None, row.prefix]})
    return row, token


def user_for_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    # One query finds the token, its user and the user's memberships (the scope needs them).
    query = (
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(joinedload(ApiToken.user).joinedload(User.memberships))
    )
    row = session.scalars(query).unique().first()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if not row.user.is_active:
        return None
    return row.user, row


def revoke_token(session: Session, actor: User, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, actor, "api_token.revoked", row, {"revoked_at": [None, row.revoked_at]})
    return row
