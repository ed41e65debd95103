"""KPI submissions: the template made for an investee and period, the upload (all or nothing), and the review."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fundapp import audit, bulk, clock
from fundapp.db import utcnow
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.gc_pause import paused_gc
from fundapp.impact import spreadsheets as sheets
from fundapp.impact.catalog import catalog_for_fund
from fundapp.impact.models import (
    ImpactPlan,
    Participant,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from fundapp.impact.periods import Period
from fundapp.impact.plans import parse_period, plan_of
from fundapp.investees.models import Investee
from fundapp.messages import N_

TRANSITIONS = {
    (SubmissionStatus.DRAFT, "submit"): SubmissionStatus.SUBMITTED,
    (SubmissionStatus.SUBMITTED, "approve"): SubmissionStatus.APPROVED,
    (SubmissionStatus.SUBMITTED, "return"): SubmissionStatus.RETURNED,
    (SubmissionStatus.DRAFT, "supersede"): SubmissionStatus.SUPERSEDED,
    (SubmissionStatus.RETURNED, "supersede"): SubmissionStatus.RETURNED,
    (SubmissionStatus.APPROVED, "supersede"): SubmissionStatus.APPROVED,
}


# Whole sentences per action, so that a page can show them in the reader's language.
REFUSALS = {
    "submit": N_("Only a draft report can be submitted."),
    "approve": N_("Only a submitted report can be approved."),
    "return": N_("Only a submitted report can be returned."),
    "supersede": N_("This report cannot be replaced by a new version now."),
}


def next_status(current: SubmissionStatus, action: str) -> SubmissionStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(REFUSALS[action]) from None


def template_secret(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"fundapp-kpi-template", hashlib.sha256).digest()


def outcome_codes(session: Session, investee: Investee, catalog: list[Any]) -> list[tuple[str, str]]:
    """Codes an outcome event may carry: catalog indicators and the rate-card items of the investee's contracts."""
    from fundapp.outcomes import links

    codes = [(i.code, i.name_nl) for i in catalog]
    codes += links.rate_card_codes_for_investee(session, investee.id)
    first_label: dict[str, str] = {}
    for code, label in codes:
        first_label.setdefault(code, label)
    return list(first_label.items())


def template_context(
    session: Session, investee: Investee, period_text: str, secret_key: str, language: str = "nl"
) -> sheets.TemplateContext:
    period = parse_period(period_text)
    plan = plan_of(session, investee)
    if plan is None or not plan.indicators:
        raise ValidationFailed.field("period", "This investee has no impact plan with indicators yet.")
    if period.frequency != plan.frequency:
        raise ValidationFailed.field(
            "period",
            f"This plan reports {plan.frequency.value}: ask for a period like "
            f"{Period.containing(period.start, plan.frequency)}.",
        )
    indicators = tuple(
        sheets.PlannedIndicator(
            code=pi.indicator.code,
            name=pi.indicator.name(language),
            unit=pi.indicator.unit,
            value_type=pi.indicator.value_type.value,
            baseline=pi.baseline,
            target=pi.target_for(str(period)),
            allow_negative=pi.allow_negative,
        )
        for pi in plan.indicators
    )
    catalog = catalog_for_fund(session, investee.fund_id)
    return sheets.TemplateContext(
        investee_id=investee.id,
        investee_name=investee.name,
        kvk_number=investee.kvk_number,
        period=str(period),
        period_start=period.start,
        period_end=period.end,
        indicators=indicators,
        known_indicator_codes=frozenset(i.code for i in catalog),
        outcome_codes=tuple(outcome_codes(session, investee, catalog)),
        language=language,
        secret=template_secret(secret_key),
    )


def _latest(session: Session, investee_id: int, period: str) -> Submission | None:
    return session.scalar(
        select(Submission)
        .where(Submission.investee_id == investee_id, Submission.period == period)
        .order_by(Submission.version.desc())
        .limit(1)
    )


def upload(
    session: Session,
    actor: audit.Who,
    investee: Investee,
    period_text: str | None,
    data: bytes,
    file_name: str,
    secret_key: str,
    limits: sheets.Limits,
    language: str = "nl",
) -> Submission:
    """Validate the whole workbook, then store it as a new draft version; on any problem store nothing.

    The period is read from the workbook itself (it knows its investee and
    period); ``period_text``, when given, must agree.
    """
    # A large sheet makes a million cell values and rows that live until they are stored and hold no cycle: the
    # collector would walk them again and again (a third of the import's time). See fundapp/gc_pause.py.
    with paused_gc():
        return _upload(session, actor, investee, period_text, data, file_name, secret_key, limits, language)


def _upload(
    session: Session,
    actor: audit.Who,
    investee: Investee,
    period_text: str | None,
    data: bytes,
    file_name: str,
    secret_key: str,
    limits: sheets.Limits,
    language: str,
) -> Submission:
    checked = sheets.check_upload(data, limits, language)  # the whole-file checks, once
    period = period_text or checked.period or _current_period(session, investee)
    context = template_context(session, investee, period, secret_key, language)
    parsed = sheets.parse_submission(checked, context, limits)  # raises SpreadsheetInvalid with every problem
    previous = _latest(session, investee.id, context.period)
    if previous is not None and previous.status == SubmissionStatus.SUBMITTED:
        raise Conflict("The report for this period is submitted and awaiting review; it cannot be replaced now.")
    if previous is not None:
        previous.status = next_status(previous.status, "supersede")
    submission = Submission(
        investee_id=investee.id,
        period=context.period,
        version=(previous.version + 1) if previous else 1,
        status=SubmissionStatus.DRAFT,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        template_version=parsed.template_version,
        participant_count=len(parsed.participants),
        uploaded_by_id=getattr(actor, "id", None),
    )
    session.add(submission)
    session.flush()
    _store_rows(session, submission, parsed)
    submission.warnings = review_warnings(session, submission)
    audit.record(
        session,
        actor,
        "kpi_submission.uploaded",
        submission,
        {
            "period": [None, submission.period],
            "version": [None, submission.version],
            "values": [None, len(parsed.values)],
            "participants": [None, len(parsed.participants)],
            "file_sha256": [None, submission.file_sha256],
        },
    )
    return submission


def _current_period(session: Session, investee: Investee) -> str:
    """When the file does not say its period, check it against the current one (parse then says what is wrong)."""
    plan = plan_of(session, investee)
    if plan is None:
        raise ValidationFailed.field("period", "This investee has no impact plan with indicators yet.")
    return str(Period.containing(clock.today(), plan.frequency))


# The participant row's fields stored as they are, in columns of the same name.
PARTICIPANT_FIELDS = ("reference", "start_date", "benefit_type", "months_on_benefit", "hours_per_week", "row")


def _store_rows(session: Session, submission: Submission, parsed: sheets.ParsedSubmission) -> None:
    from fundapp.impact.models import Indicator

    ids = dict(
        session.execute(
            select(Indicator.code, Indicator.id).where(Indicator.code.in_([v.code for v in parsed.values]))
        ).all()
    )
    session.add_all(
        SubmissionValue(
            submission_id=submission.id, indicator_id=ids[v.code], value=v.value, comment=v.comment or "", row=v.row
        )
        for v in parsed.values
    )
    # Tens of thousands of rows: straight into the table (fundapp.bulk), as the ORM would store them, column by
    # column (read in C: attrgetter, repeat) rather than a tuple per row.
    people = parsed.participants
    bulk.insert_columns(
        session,
        cast(Table, Participant.__table__),
        {
            "submission_id": repeat(submission.id, len(people)),
            **{name: map(attrgetter(name), people) for name in PARTICIPANT_FIELDS},
            "events": _events_as_stored(people),
        },
        as_stored=("events",),
    )
    session.flush()
    session.expire(submission, ["values"])


def _events_as_stored(people: Sequence[sheets.ParticipantRow]) -> list[str]:
    """Each row's events as the ORM stores them: the JSON text json.dumps gives for [[code, "YYYY-MM-DD"], ...]. A
    large report repeats few (code, day) pairs, so each pair's text is made once and looked up in C."""
    texts = {e: json.dumps([e[0], e[1].isoformat()]) for e in set(chain.from_iterable(p.events for p in people))}
    return [f"[{', '.join(map(texts.__getitem__, person.events))}]" for person in people]


def submit(session: Session, actor: audit.Who, submission: Submission) -> Submission:
    submission.status = next_status(submission.status, "submit")
    submission.submitted_at = utcnow()
    session.flush()
    audit.record(session, actor, "kpi_submission.submitted", submission, {"status": ["draft", "submitted"]})
    return submission


def approve(session: Session, actor: audit.Who, submission: Submission) -> Submission:
    submission.status = next_status(submission.status, "approve")
    submission.reviewed_at = utcnow()
    submission.reviewed_by_id = getattr(actor, "id", None)
    session.flush()
    audit.record(session, actor, "kpi_submission.approved", submission, {"status": ["submitted", "approved"]})
    from fundapp.impact.signals import submission_approved

    submission_approved.send(submission, session=session, actor=actor)
    return submission


def return_for_correction(session: Session, actor: audit.Who, submission: Submission, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationFailed.field("reason", "Say what needs correcting.")
    submission.status = next_status(submission.status, "return")
    submission.reviewed_at = utcnow()
    submission.reviewed_by_id = getattr(actor, "id", None)
    submission.return_reason = reason.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "kpi_submission.returned",
        submission,
        {"status": ["submitted", "returned"], "reason": [None, submission.return_reason]},
    )
    return submission


@dataclass(frozen=True)
class ReviewLine:
    code: str
    name: str
    unit: str
    value: Decimal
    comment: str
    previous: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    warnings: tuple[str, ...]


OUTLIER_CHANGE = Decimal("0.5")  # a value 50 % above or below the previous period's is worth a look


def review_lines(session: Session, submission: Submission, locale: str = "nl") -> list[ReviewLine]:
    """Each value beside the previous period's approved value, the target and the baseline, with warnings."""
    plan = session.scalar(select(ImpactPlan).where(ImpactPlan.investee_id == submission.investee_id))
    previous = _previous_values(session, submission)
    lines = []
    for value in submission.values:
        item = next((pi for pi in (plan.indicators if plan else []) if pi.indicator_id == value.indicator_id), None)
        target = item.target_for(submission.period) if item else None
        baseline = item.baseline if item else None
        before = previous.get(value.indicator_id)
        lines.append(
            ReviewLine(
                value.indicator.code,
                value.indicator.name(locale),
                value.indicator.unit,
                value.value,
                value.comment,
                before,
                target,
                baseline,
                tuple(_warnings(value.value, before, target)),
            )
        )
    return lines


def _warnings(value: Decimal, previous: Decimal | None, target: Decimal | None) -> list[str]:
    found = []
    if previous is not None and previous != 0 and abs(value - previous) / abs(previous) > OUTLIER_CHANGE:
        found.append("changed_much")
    if previous == 0 and value != 0:
        found.append("from_zero")
    if target is not None and target != 0 and value < target * (1 - OUTLIER_CHANGE):
        found.append("far_below_target")
    if target is not None and target != 0 and value > target * (1 + OUTLIER_CHANGE * 2):
        found.append("far_above_target")
    return found


def review_warnings(session: Session, submission: Submission) -> list[dict[str, Any]]:
    return [
        {"code": line.code, "warnings": list(line.warnings)}
        for line in review_lines(session, submission)
        if line.warnings
    ]


def _previous_values(session: Session, submission: Submission) -> dict[int, Decimal]:
    previous_period = str(Period.parse(submission.period).previous())
    approved = session.scalar(
        select(Submission)
        .where(
            Submission.investee_id == submission.investee_id,
            Submission.period == previous_period,
            Submission.status == SubmissionStatus.APPROVED,
        )
        .order_by(Submission.version.desc())
        .limit(1)
    )
    return {v.indicator_id: v.value for v in approved.values} if approved else {}


def versions(session: Session, investee_id: int, period: str) -> list[Submission]:
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.investee_id == investee_id, Submission.period == period)
            .order_by(Submission.version)
        )
    )
