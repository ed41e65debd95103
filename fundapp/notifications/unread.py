"""The header's count of unread notifications, read with the request's session and user in one query.

Every page a person sees shows how many notifications they have not read. The query that finds the browser's
session, its user and the user's memberships (fundapp.auth.user_sessions.user_of) counts them too, and the count
is kept on the request's database session: the header asks no query of its own. A page that writes a
notification row (new, read, deleted, by the ORM or by a bulk statement) drops the kept count, so the header then
reads it afresh; a form posted back with errors reads it afresh as well (only GET and HEAD use the kept count).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from fundapp.notifications.models import Notification

KEPT = "fundapp.notifications.unread"  # Session.info: (user id, count)


def count_of(user_id: Any) -> ColumnElement[int]:
    """A scalar subquery: the unread notifications of the user whose id is ``user_id`` (a column or a value)."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def keep(session: Session, user_id: int, count: int) -> None:
    session.info[KEPT] = (user_id, count)


def kept(session: Session, user_id: int) -> int | None:
    """The count read with this user's session in this request, unless notification rows were written since."""
    found = session.info.get(KEPT)
    return found[1] if found is not None and found[0] == user_id else None


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: Any) -> None:
    if KEPT in session.info and any(
        isinstance(obj, Notification) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        del session.info[KEPT]


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if KEPT in state.session.info and not state.is_select:
        mapper = state.bind_mapper
        if mapper is None or mapper.class_ is Notification:
            del state.session.info[KEPT]
