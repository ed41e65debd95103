"""An investee's Impactpad growth level over time and the non-financial support the fund gave it: the verbs."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.errors import Conflict, ValidationFailed
from fundapp.investees.models import GrowthLevel, GrowthLevelEntry, Investee, SupportEntry
from fundapp.messages import N_


def _not_in_future(field: str, on: date) -> None:
    if on > clock.today():
        raise ValidationFailed.field(field, "This date is still to come.")


def record_growth_level(
    session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]
) -> GrowthLevelEntry:
    """A new entry: the level from that date on. An earlier entry is history, never changed."""
    _not_in_future("from_date", data["from_date"])
    taken = session.scalar(
        select(GrowthLevelEntry.id).where(
            GrowthLevelEntry.investee_id == investee.id, GrowthLevelEntry.from_date == data["from_date"]
        )
    )
    if taken is not None:
        raise Conflict(
            "The investee already has a growth level from this date.",
            [{"field": "from_date", "message": N_("The investee already has a growth level from this date.")}],
        )
    entry = GrowthLevelEntry(investee_id=investee.id, recorded_by_id=getattr(actor, "id", None), **data)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "growth_level.recorded",
        entry,
        {"investee_id": [None, investee.id], **{k: [None, v] for k, v in data.items()}},
    )
    return entry


def record_support(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> SupportEntry:
    """Support given; without a name, the person who records it gave it."""
    _not_in_future("given_on", data["given_on"])
    data = dict(data)
    if not data.get("given_by_name"):
        data["given_by_id"] = getattr(actor, "id", None)
    entry = SupportEntry(investee_id=investee.id, recorded_by_id=getattr(actor, "id", None), **data)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "support.recorded",
        entry,
        {"investee_id": [None, investee.id], **{k: [None, v] for k, v in data.items()}},
    )
    return entry


def growth_query(investee: Investee) -> Select[Any]:
    """Newest first: the first entry is the current level."""
    query = select(GrowthLevelEntry).where(GrowthLevelEntry.investee_id == investee.id)
    return query.order_by(GrowthLevelEntry.from_date.desc())


def support_query(investee: Investee) -> Select[Any]:
    query = select(SupportEntry).where(SupportEntry.investee_id == investee.id)
    return query.order_by(SupportEntry.given_on.desc(), SupportEntry.id.desc())


def current_levels(session: Session, investee_ids: Any, on: date) -> dict[int, GrowthLevel]:
    """Each investee's growth level on a day (its latest entry from that day or before), in one query."""
    latest = (
        select(GrowthLevelEntry.investee_id, func.max(GrowthLevelEntry.from_date).label("from_date"))
        .where(GrowthLevelEntry.investee_id.in_(investee_ids), GrowthLevelEntry.from_date <= on)
        .group_by(GrowthLevelEntry.investee_id)
        .subquery()
    )
    rows = session.execute(
        select(GrowthLevelEntry.investee_id, GrowthLevelEntry.level).join(
            latest,
            (latest.c.investee_id == GrowthLevelEntry.investee_id) & (latest.c.from_date == GrowthLevelEntry.from_date),
        )
    )
    return {row[0]: row[1] for row in rows}
