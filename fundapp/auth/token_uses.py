"""When an API token was last used, written in batches.

A token's ``last_used_at`` is noted on a successful request at most every five minutes per token (TOUCH_EVERY).
Written with that request, each such note was a commit of its own, and every commit moves the exact data version
that whole answers are kept by (fundapp/kept_answers.py): a crowd of systems or people starting to use their tokens
at once made every page be made afresh for as long as they kept arriving. Here a process notes the uses in memory
and writes all of them in one statement, with the first successful request after ``TOKEN_USE_WRITE_SECONDS``
(default 60) have passed since its last write; the first use after a quiet spell is written at once. 0 writes every
use with its own request, as before.

What this costs: "last used" can be up to that many seconds late (or until the process's next request, or its exit:
gunicorn's ``worker_exit`` writes what is left). Nothing decides on ``last_used_at``: expiry and revocation read
their own columns, so a late note never lets a token in or keeps one out.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from flask import Flask
from sqlalchemy import Table, bindparam, or_, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundapp.auth.models import ApiToken
from fundapp.db import session_scope

TOUCH_EVERY = timedelta(minutes=5)  # a token used again within this of its last note is not noted again
EXTENSION = "fundapp.token_uses"
log = logging.getLogger(__name__)

_table = cast(Table, ApiToken.__table__)
_WRITE = (
    update(_table)
    .where(_table.c.id == bindparam("token_id"))
    .where(or_(_table.c.last_used_at.is_(None), _table.c.last_used_at < bindparam("used_at")))
    .values(last_used_at=bindparam("used_at"))
)


class TokenUses:
    """One process's uses of tokens not written yet: token id -> when it was last used."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self.clock = every, clock
        self.pending: dict[int, datetime] = {}
        self.written_at = -math.inf  # clock reading of the last write
        self._lock = threading.Lock()  # gunicorn's threaded workers share one process

    def note(self, token: ApiToken, now: datetime) -> None:
        """``token`` answered a request successfully at ``now``."""
        if token.last_used_at is not None and now - token.last_used_at <= TOUCH_EVERY:
            return
        self._add({token.id: now})

    def _add(self, uses: dict[int, datetime]) -> None:
        with self._lock:
            for token_id, at in uses.items():
                self.pending[token_id] = max(at, self.pending.get(token_id, at))  # the last use, as its name says

    def write_if_due(self, session: Session) -> int:
        """Writes the uses noted so far when the last write is ``every`` seconds ago, in a savepoint of
        ``session``'s transaction (which the request commits); returns how many. Should the database refuse (a
        deadlock with another transaction that holds some of these rows), the uses stay noted for the next write
        and the request goes on: a late "last used" is no reason to fail it."""
        with self._lock:
            if not self.pending or self.clock() - self.written_at < self.every:
                return 0
            uses, self.pending = self.pending, {}
            self.written_at = self.clock()
        try:
            with session.begin_nested():  # in a GET its SAVEPOINT begins the transaction, as any write (fundapp/db.py)
                write(session, uses)
        except DBAPIError:
            log.warning("API token uses not written this time (%d kept for the next write)", len(uses), exc_info=True)
            self._add(uses)
            return 0
        return len(uses)

    def take_all(self) -> dict[int, datetime]:
        with self._lock:
            uses, self.pending = self.pending, {}
            return uses


def write(session: Session, uses: dict[int, datetime]) -> None:
    """One statement for all ``uses``; a note never moves ``last_used_at`` back (another process may be later).
    Rows are updated in the order of their ids, as every process does, so two processes writing the same tokens
    wait for each other instead of each holding a row the other needs (a deadlock, which PostgreSQL ends by
    failing one of them)."""
    if uses:
        params = [{"token_id": i, "used_at": uses[i]} for i in sorted(uses)]
        session.connection().execute(_WRITE, params)


def of(app: Flask) -> TokenUses:
    return app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = TokenUses(app.config["TOKEN_USE_WRITE_SECONDS"])


def write_left(app: Flask) -> int:
    """Writes the uses still noted (a worker ending); returns how many."""
    uses = of(app).take_all()
    if uses:
        with session_scope(app) as session:
            write(session, uses)
    return len(uses)
