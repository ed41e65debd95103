"""Results to pay for: entered by hand or through the API, or taken from approved KPI reports; then verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.db import utcnow
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.impact.periods import Period, PeriodError
from fundapp.messages import CONTRACT_RUNS, EVIDENCE_NEEDED
from fundapp.outcomes import signals
from fundapp.outcomes.models import ContractStatus, OutcomeContract, OutcomeResult, ResultStatus
from fundapp.participants import ReferenceRefused, checked_reference, normalise_reference


def _item(contract: OutcomeContract, code: str) -> Any:
    row = next((r for r in contract.items if r.code == code), None)
    if row is None:
        raise ValidationFailed.field("item", f"The contract has no rate-card item {code}.")
    return row


def record_result(session: Session, actor: audit.Who, contract: OutcomeContract, data: dict[str, Any]) -> OutcomeResult:
    if contract.status != ContractStatus.ACTIVE:
        raise InvalidTransition("Results are recorded under an active contract.")
    if data["investee_id"] not in {p.investee_id for p in contract.providers if p.accepted_at is not None}:
        raise ValidationFailed.field("investee_id", "This investee does not provide under the contract.")
    _item(contract, data["item"])
    result = _participant_result(contract, data) if data.get("participant") else _cohort_result(contract, data)
    _refuse_duplicate(session, result)
    session.add(result)
    session.flush()
    audit.record(
        session,
        actor,
        "result.recorded",
        result,
        {
            "contract_id": [None, contract.id],
            "item": [None, result.item_code],
            "participant": [None, result.participant],
            "achieved_on": [None, result.achieved_on],
            "units": [None, result.units],
            "evidence": [None, result.evidence],
        },
    )
    return result


def _participant_result(contract: OutcomeContract, data: dict[str, Any]) -> OutcomeResult:
    if data.get("units") not in (None, 1):
        raise ValidationFailed.field("units", "A participant result is one unit.")
    try:
        participant = checked_reference(data["participant"])
    except ReferenceRefused as refused:
        if refused.reason == "bsn":
            raise ValidationFailed.field(
                "participant", "This looks like a BSN: use a pseudonymous reference."
            ) from None
        raise ValidationFailed.field(
            "participant", "Give a pseudonymous participant reference of at most 64 characters."
        ) from None
    if data.get("achieved_on") is None:
        raise ValidationFailed.field("achieved_on", "Give the date the result was achieved.")
    _within(contract, data["achieved_on"])
    return OutcomeResult(
        contract_id=contract.id,
        investee_id=data["investee_id"],
        item_code=data["item"],
        participant=participant,
        achieved_on=data["achieved_on"],
        months_on_benefit=data.get("months_on_benefit"),
        units=1,
        evidence=data["evidence"],
        status=ResultStatus.PENDING,
    )


def _cohort_result(contract: OutcomeContract, data: dict[str, Any]) -> OutcomeResult:
    if not data.get("units"):
        raise ValidationFailed.field("units", "A cohort result gives a number of units (or name a participant).")
    try:
        period = Period.parse(data.get("period") or "")
    except PeriodError as exc:
        raise ValidationFailed.field("period", str(exc)) from exc
    # A cohort result counts as achieved on its period's last day.
    _within(contract, period.end)
    return OutcomeResult(
        contract_id=contract.id,
        investee_id=data["investee_id"],
        item_code=data["item"],
        participant=None,
        achieved_on=period.end,
        period=str(period),
        months_on_benefit=data.get("months_on_benefit"),
        units=data["units"],
        evidence=data["evidence"],
        status=ResultStatus.PENDING,
    )


def _within(contract: OutcomeContract, day: Any) -> None:
    if not (contract.valid_from <= day <= contract.valid_until):
        runs = CONTRACT_RUNS % {"start": contract.valid_from, "end": contract.valid_until}
        raise ValidationFailed.field("achieved_on", runs)


def _refuse_duplicate(session: Session, result: OutcomeResult) -> None:
    if result.participant is None:
        return
    same = session.scalar(
        select(OutcomeResult.id).where(
            OutcomeResult.contract_id == result.contract_id,
            OutcomeResult.investee_id == result.investee_id,
            OutcomeResult.item_code == result.item_code,
            OutcomeResult.participant == result.participant,
            OutcomeResult.status != ResultStatus.REJECTED,
        )
    )
    if same:
        raise Conflict(
            "This participant already has this result under the contract.",
            [{"field": "participant", "message": f"result {same} already exists"}],
        )


def verify(session: Session, actor: audit.Who, result: OutcomeResult) -> OutcomeResult:
    if result.status != ResultStatus.PENDING:
        raise InvalidTransition("Only a pending result can be verified.")
    _require_evidence(session, result)
    result.status = ResultStatus.VERIFIED
    result.verified_by_id = getattr(actor, "id", None)
    result.verified_at = utcnow()
    session.flush()
    audit.record(session, actor, "result.verified", result, {"status": ["pending", "verified"]})
    return result


def _require_evidence(session: Session, result: OutcomeResult) -> None:
    from fundapp.documents.services import KIND_LABELS, has_evidence

    contract = session.get(OutcomeContract, result.contract_id)
    item = next((r for r in contract.items if r.code == result.item_code), None) if contract else None
    if item is not None and item.evidence_kind and not has_evidence(session, result, item.evidence_kind):
        needed = EVIDENCE_NEEDED % {"kind": KIND_LABELS[item.evidence_kind]}
        raise InvalidTransition(needed)


def reject(session: Session, actor: audit.Who, result: OutcomeResult, reason: str) -> OutcomeResult:
    if result.status != ResultStatus.PENDING:
        raise InvalidTransition("Only a pending result can be rejected.")
    result.status = ResultStatus.REJECTED
    result.rejection_reason = reason
    result.verified_by_id = getattr(actor, "id", None)
    result.verified_at = utcnow()
    session.flush()
    audit.record(
        session, actor, "result.rejected", result, {"status": ["pending", "rejected"], "reason": [None, reason]}
    )
    signals.result_rejected.send(result, session=session)
    return result


def results_from_submission(session: Session, actor: audit.Who, submission: Any) -> list[OutcomeResult]:
    """An approved KPI report's outcome events become results of the contracts the investee provides under."""
    from fundapp.impact.models import Participant
    from fundapp.outcomes.models import ContractProvider

    contracts = list(
        session.scalars(
            select(OutcomeContract)
            .join(ContractProvider, ContractProvider.contract_id == OutcomeContract.id)
            .where(
                ContractProvider.investee_id == submission.investee_id, OutcomeContract.status == ContractStatus.ACTIVE
            )
        )
    )
    if not contracts:
        return []
    codes = {row.code for c in contracts for row in c.items}
    found = session.execute(
        select(Participant.events, Participant.reference, Participant.months_on_benefit, Participant.row)
        .where(Participant.submission_id == submission.id)
        .order_by(Participant.row)
    ).all()
    rows = [
        (code, date.fromisoformat(day), _reference_of_row(reference, row), months, row)
        for events, reference, months, row in found
        for code, day in events
        if code in codes
    ]
    existing = {
        (r.contract_id, r.item_code, normalise_reference(r.participant or ""))
        for r in session.scalars(
            select(OutcomeResult).where(
                OutcomeResult.contract_id.in_([c.id for c in contracts]),
                OutcomeResult.investee_id == submission.investee_id,
                OutcomeResult.status != ResultStatus.REJECTED,
            )
        )
    }
    created = []
    paid_once: set[tuple[Any, ...]] = set()
    # One achievement is paid once: under the first contract (by start) that pays for it on that date.
    for contract in sorted(contracts, key=lambda c: (c.valid_from, c.id)):
        contract_codes = {row.code for row in contract.items}
        for code, achieved_on, reference, months, row in rows:
            key = (contract.id, code, reference)
            if (
                code not in contract_codes
                or key in existing
                or not (contract.valid_from <= achieved_on <= contract.valid_until)
            ):
                continue
            if (code, achieved_on, reference) in paid_once:
                continue
            paid_once.add((code, achieved_on, reference))
            existing.add(key)
            result = OutcomeResult(
                contract_id=contract.id,
                investee_id=submission.investee_id,
                item_code=code,
                participant=reference,
                achieved_on=achieved_on,
                months_on_benefit=months,
                units=1,
                evidence=f"KPI report {submission.period} v{submission.version}, row {row}",
                source_submission_id=submission.id,
                status=ResultStatus.PENDING,
            )
            session.add(result)
            created.append(result)
    if created:
        session.flush()
        audit.record(
            session, actor, "results.from_kpi_report", submission, {"results": [None, [r.id for r in created]]}
        )
    return created


def _reference_of_row(reference: str, row: int) -> str:
    """A report's reference in normal form; one stored before references were checked may still hold a BSN."""
    try:
        return checked_reference(reference)
    except ReferenceRefused:
        raise ValidationFailed(
            "A participant reference in this report looks like a BSN or is not valid: return the report for "
            "correction.",
            [{"field": "participant", "message": f"row {row}"}],
        ) from None


def on_submission_approved(submission: Any, *, session: Session, actor: audit.Who) -> None:
    results_from_submission(session, actor, submission)
