"""Browser sessions kept on the server: the signed cookie carries only a random id, so logging out ends it.

Flask's session is a signed cookie that stays valid for as long as the secret
key does; a copy taken before logout would keep working. Here the cookie names a
row, and a session is live only while its row exists and has been used lately.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from fundapp.auth.models import User, UserSession
from fundapp.auth.services import hash_token
from fundapp.db import utcnow
from fundapp.notifications import unread

TOUCH_EVERY = timedelta(minutes=5)


def start(session: Session, user: User, idle: timedelta, now: datetime | None = None) -> str:
    """A new session of ``user``; returns its id for the cookie (stored only as SHA-256)."""
    now = now or utcnow()
    session.execute(delete(UserSession).where(UserSession.last_seen_at <= now - idle))
    sid = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=hash_token(sid), created_at=now, last_seen_at=now))
    return sid


def user_of(session: Session, sid: str, idle: timedelta, now: datetime | None = None) -> User | None:
    """The user of a live session (not ended, not idle for ``idle``), noting that it was used."""
    now = now or utcnow()
    # One query per request finds the session, its user and the user's memberships (the scope needs them), and
    # counts the user's unread notifications for the page's header (fundapp/notifications/unread.py).
    query = (
        select(UserSession, unread.count_of(UserSession.user_id))
        .where(UserSession.token_hash == hash_token(sid))
        .options(joinedload(UserSession.user).joinedload(User.memberships))
    )
    found = session.execute(query).unique().first()
    if found is None:
        return None
    row, count = found
    if row.last_seen_at <= now - idle:
        return None
    unread.keep(session, row.user_id, count)
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return row.user


def end(session: Session, sid: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(sid)))
