"""Applications as a reader may see them: the enterprise reads its own without the fund's internal notes or
who voted how in the committee; the fund's managers read everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, joinedload, selectinload

from fundapp.auth.policy import Scope, can, visible
from fundapp.errors import NotFound
from fundapp.pipeline.models import Application, ApplicationNote, ApplicationStatus, CommitteeDecision


@dataclass(frozen=True)
class DecisionSeen:
    decided_on: Any
    outcome: str
    conditions: str
    votes: Any = None


@dataclass(frozen=True)
class Seen:
    """The application with what this reader may see of its decision."""

    application: Application
    full: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.application, name)

    @property
    def decision(self) -> Any:
        decision = self.application.decision
        if decision is None or self.full:
            return decision
        return DecisionSeen(decision.decided_on, decision.outcome, decision.conditions)


def load_application(session: Session, scope: Scope, application_id: int, action: str = "view") -> Application:
    from fundapp.auth.policy import load

    application = session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.investee),
            joinedload(Application.fund),
            selectinload(Application.decision).selectinload(CommitteeDecision.votes),
        )
    )
    if application is None:
        raise NotFound("Not found, or not yours to see.")
    return load(session, Application, application.id, scope, action)


def seen(scope: Scope, application: Application) -> Seen:
    return Seen(application, can(scope, "edit", application))


def notes_seen(session: Session, application: Application, full: bool) -> list[ApplicationNote]:
    query = (
        select(ApplicationNote)
        .where(ApplicationNote.application_id == application.id)
        .options(joinedload(ApplicationNote.author))
        .order_by(ApplicationNote.written_at, ApplicationNote.id)
    )
    if not full:
        query = query.where(ApplicationNote.internal.is_(False))
    return list(session.scalars(query))


def pipeline_query(scope: Scope, fund_id: int | None, status: ApplicationStatus | None) -> Select[Any]:
    query = (
        select(Application)
        .where(visible(scope, Application))
        .options(
            joinedload(Application.investee),
            joinedload(Application.fund),
            selectinload(Application.decision).selectinload(CommitteeDecision.votes),
        )
    )
    if fund_id is not None:
        query = query.where(Application.fund_id == fund_id)
    if status is not None:
        query = query.where(Application.status == status)
    return query


STAGE_ORDER = case({status: number for number, status in enumerate(ApplicationStatus)}, value=Application.status)
# The open stages first, in their order, then the decided ones; the oldest application first within a stage.
BY_STAGE = (STAGE_ORDER, Application.id)
