"""Impact plans: theory of change, chosen indicators with baseline and targets, reporting schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.errors import Conflict, NotFound, ValidationFailed
from fundapp.impact.models import ImpactPlan, Indicator, PlanIndicator, PlanTarget, Submission, SubmissionStatus
from fundapp.impact.periods import Period, PeriodError, due_date, periods_between
from fundapp.investees.models import Investee

TOC_FIELDS = ("problem", "activities", "outputs", "outcomes", "impact")


def plan_of(session: Session, investee: Investee) -> ImpactPlan | None:
    return session.scalar(select(ImpactPlan).where(ImpactPlan.investee_id == investee.id))


def parse_period(text: str, field: str = "period") -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise ValidationFailed.field(field, str(exc)) from exc


def save_plan(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> ImpactPlan:
    """Create or update the plan's theory of change and reporting schedule."""
    first = parse_period(data["first_period"], "first_period")
    if first.frequency != data["frequency"]:
        raise ValidationFailed.field(
            "first_period",
            f"A {data['frequency'].value} schedule starts with a period like "
            f"{Period.containing(first.start, data['frequency'])}.",
        )
    data = {**data, "first_period": str(first)}
    plan = plan_of(session, investee)
    if plan is None:
        plan = ImpactPlan(investee_id=investee.id, **data)
        session.add(plan)
        session.flush()
        audit.record(session, actor, "impact_plan.created", plan, {k: [None, v] for k, v in data.items()})
        return plan
    changes = audit.apply_changes(plan, data)
    if changes:
        session.flush()
        audit.record(session, actor, "impact_plan.updated", plan, changes)
    return plan


def add_indicator(
    session: Session,
    actor: audit.Who,
    plan: ImpactPlan,
    indicator: Indicator,
    baseline: Decimal | None,
    baseline_note: str = "",
    allow_negative: bool = False,
) -> PlanIndicator:
    if any(pi.indicator_id == indicator.id for pi in plan.indicators):
        raise Conflict("This indicator is already in the plan.", [{"field": "indicator_code", "message": "in plan"}])
    if indicator.fund_id is not None and indicator.fund_id != plan.investee.fund_id:
        raise ValidationFailed.field("indicator_code", "This indicator belongs to another fund.")
    item = PlanIndicator(
        plan=plan,
        indicator=indicator,
        baseline=baseline,
        baseline_note=baseline_note,
        allow_negative=allow_negative,
        position=len(plan.indicators),
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "impact_plan.indicator_added",
        plan,
        {"indicator": [None, indicator.code], "baseline": [None, baseline]},
    )
    return item


def update_indicator(session: Session, actor: audit.Who, item: PlanIndicator, data: dict[str, Any]) -> PlanIndicator:
    changes = audit.apply_changes(item, data)
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            "impact_plan.indicator_updated",
            item.plan,
            {"indicator": [item.indicator.code, item.indicator.code], **changes},
        )
    return item


def remove_indicator(session: Session, actor: audit.Who, item: PlanIndicator) -> None:
    plan = item.plan
    audit.record(session, actor, "impact_plan.indicator_removed", plan, {"indicator": [item.indicator.code, None]})
    plan.indicators.remove(item)
    session.flush()


def set_target(
    session: Session, actor: audit.Who, item: PlanIndicator, period_text: str, target: Decimal
) -> PlanTarget:
    period = parse_period(period_text)
    plan_frequency = item.plan.frequency
    if period.frequency != plan_frequency:
        raise ValidationFailed.field(
            "period",
            f"This plan reports {plan_frequency.value}: use periods like "
            f"{Period.containing(period.start, plan_frequency)}.",
        )
    existing = next((t for t in item.targets if t.period == str(period)), None)
    if existing is not None:
        old = existing.target
        existing.target = target
        session.flush()
        audit.record(
            session,
            actor,
            "impact_plan.target_set",
            item.plan,
            {
                "indicator": [item.indicator.code, item.indicator.code],
                "period": [str(period), str(period)],
                "target": [old, target],
            },
        )
        return existing
    new = PlanTarget(plan_indicator_id=item.id, period=str(period), target=target)
    item.targets.append(new)
    session.flush()
    audit.record(
        session,
        actor,
        "impact_plan.target_set",
        item.plan,
        {"indicator": [None, item.indicator.code], "period": [None, str(period)], "target": [None, target]},
    )
    return new


def find_plan_indicator(plan: ImpactPlan, code: str) -> PlanIndicator:
    item = next((pi for pi in plan.indicators if pi.indicator.code == code.upper()), None)
    if item is None:
        raise NotFound(f"The indicator {code} is not in this plan.")
    return item


class NamedInvestee(Protocol):
    """An investee's id and name: the model, or a row selected with just those columns."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class ReportingDue:
    """One period an investee has to report for, with where it stands."""

    investee_id: int
    investee_name: str
    period: str
    due_on: date
    state: str  # "not_due_yet", "due", "overdue", "awaiting_review", "returned", "draft", "approved"
    submission_id: int | None


def reporting_status(
    session: Session, investees: Sequence[NamedInvestee], today: date, chosen: Any = None
) -> list[ReportingDue]:
    """Per investee with a plan: every period from its first up to the current one, and its state (3 queries).

    ``chosen``: the same investees as a query of their ids, for the database to read itself (a fund's hundreds of
    ids are then not listed in each query)."""
    ids = chosen if chosen is not None else [i.id for i in investees]
    # Schedules and states only, as plain columns: a fund's history is tens of thousands of reports.
    plans = {
        row.investee_id: row
        for row in session.execute(
            select(ImpactPlan.investee_id, ImpactPlan.first_period, ImpactPlan.frequency, ImpactPlan.due_days).where(
                ImpactPlan.investee_id.in_(ids)
            )
        )
    }
    latest: dict[tuple[int, str], tuple[int, SubmissionStatus]] = {}
    for investee_id, period_label, sub_id, status in session.execute(
        select(Submission.investee_id, Submission.period, Submission.id, Submission.status)
        .where(Submission.investee_id.in_(ids), Submission.status != SubmissionStatus.SUPERSEDED)
        .order_by(Submission.version)
    ):
        latest[(investee_id, period_label)] = (sub_id, status)
    rows: list[ReportingDue] = []
    for investee in investees:
        plan = plans.get(investee.id)
        if plan is None:
            continue
        first = Period.parse(plan.first_period)
        current = Period.containing(today, plan.frequency)
        for period in periods_between(first, current):
            sub = latest.get((investee.id, str(period)))
            due_on = due_date(period, plan.due_days)
            rows.append(
                ReportingDue(
                    investee.id,
                    investee.name,
                    str(period),
                    due_on,
                    _state(sub[1] if sub else None, period, due_on, today),
                    sub[0] if sub else None,
                )
            )
    return rows


def _state(status: SubmissionStatus | None, period: Period, due_on: date, today: date) -> str:
    if status is not None:
        return {
            SubmissionStatus.SUBMITTED: "awaiting_review",
            SubmissionStatus.APPROVED: "approved",
            SubmissionStatus.RETURNED: "returned",
            SubmissionStatus.DRAFT: "draft" if today <= due_on else "overdue",
        }[status]
    if today <= period.end:
        return "not_due_yet"
    return "due" if today <= due_on else "overdue"
