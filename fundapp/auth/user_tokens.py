"""Links mailed to a user (an invitation, a password reset): random, stored only as SHA-256, good for one use.

Whoever reads the table (a backup, a replica) cannot use a link from it. A newer
link of the same purpose voids the older ones still unused, so only the last mail counts.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundapp.auth.models import TokenPurpose, User, UserToken
from fundapp.auth.services import hash_token
from fundapp.db import utcnow


def issue(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    created_by: int | None = None,
    now: datetime | None = None,
) -> str:
    """A new link token for ``user``; older unused ones of this purpose stop working now."""
    now = now or utcnow()
    session.flush()  # a new user needs its id
    session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
            UserToken.expires_at > now,
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            purpose=purpose,
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + lifetime,
            created_by=created_by,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str, purpose: TokenPurpose, now: datetime | None = None) -> UserToken | None:
    """The token's row while it works: this purpose, not used, not expired (or voided by a newer one)."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    row = session.scalar(
        select(UserToken).where(UserToken.token_hash == hash_token(token), UserToken.purpose == purpose)
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def use(session: Session, row: UserToken, now: datetime | None = None) -> bool:
    """Mark the token used; False when another request used it first (a double click, a second tab).

    The update only matches an unused row, so of two requests racing on one link exactly one wins.
    """
    result: Any = session.execute(
        update(UserToken)
        .where(UserToken.id == row.id, UserToken.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1
