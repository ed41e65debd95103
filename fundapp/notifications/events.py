"""Who hears of what, and telling them: one inbox row per recipient and event, inserted only if absent.

Recipients are active users with the membership the event concerns, and no one else. The key of a row (kind,
object, day) is unique per user, so telling of the same event again the same day, or running the day's
reminders twice, adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fundapp.auth.models import Membership, Role, User
from fundapp.db import utcnow
from fundapp.notifications.models import Delivery, Notification, NotificationPreference


def members_of(investee_id: int) -> Any:
    return and_(Membership.role == Role.INVESTEE_MEMBER, Membership.investee_id == investee_id)


def managers_of(fund_id: int) -> Any:
    return and_(Membership.role == Role.FUND_MANAGER, Membership.fund_id == fund_id)


def officers_of(payer_ids: Iterable[int]) -> Any:
    return and_(Membership.role == Role.PAYER_OFFICER, Membership.payer_id.in_(list(payer_ids)))


def recipients(session: Session, *memberships: Any) -> list[int]:
    """The ids of active users holding any of these memberships."""
    query = (
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(User.active.is_(True), or_(*memberships))
        .distinct()
        .order_by(User.id)
    )
    return list(session.scalars(query))


# The pages notifications link to. Listeners also run outside a request and an app (services called from a
# script), so the paths are written here; a test checks each against the app's routes.
PAGES = {
    "auth.tokens": "/account/tokens",
    "bank_statements.detail": "/bank-statements/{statement_id}",
    "impact.investee_impact": "/investees/{investee_id}/impact",
    "loans.detail": "/loans/{loan_id}",
    "outcomes.claim_detail": "/claims/{claim_id}",
    "outcomes.contract_detail": "/contracts/{contract_id}",
    "outcomes.result_list": "/results?status={status}",
    "payer_statements.transactions": "/payers/{payer_id}/bank-transactions?status={status}",
}


def link(endpoint: str, **values: Any) -> str:
    return PAGES[endpoint].format(**values)


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    subject: Any,
    path: str,
    params: dict[str, Any],
    day: date,
    variant: str = "",
) -> int:
    """Tells each user once of this event on this day; answers how many were told now."""
    users = list(dict.fromkeys(user_ids))
    if not users:
        return 0
    modes = dict(
        session.execute(
            select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.kind == kind, NotificationPreference.user_id.in_(users)
            )
        ).all()
    )
    subject_type = type(subject).__tablename__
    key = f"{kind}{variant}:{subject_type}:{subject.id}:{day.isoformat()}"
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "key": key,
            "subject_type": subject_type,
            "subject_id": subject.id,
            "link": path,
            "params": params,
            "delivery": modes.get(user_id, Delivery.EMAIL).value,
            "created_at": now,
        }
        for user_id in users
    ]
    table = Notification.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    # RETURNING names only the rows inserted: rowcount is not reliable after ON CONFLICT on every driver.
    added = insert.values(rows).on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(table.c.id)
    told = len(session.execute(added).all())
    if told and any(row["delivery"] == Delivery.EMAIL.value for row in rows):
        from fundapp.jobs.queue import enqueue_once_after_commit
        from fundapp.notifications.jobs import deliver_mail

        enqueue_once_after_commit(deliver_mail, session=session)  # the mail goes out once this commits
    return told
