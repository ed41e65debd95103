"""Grants and vouchers: the verbs. Status moves only through ``next_status``; every change is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.instruments.grant_models import Grant, GrantEvent, GrantEventKind, GrantStatus
from fundapp.investees.models import Investee
from fundapp.messages import N_

# (status, action) -> next status. Anything not listed is an illegal move.
TRANSITIONS: dict[tuple[GrantStatus, str], GrantStatus] = {
    (GrantStatus.PAID, "meet"): GrantStatus.MET,
    (GrantStatus.PAID, "fail"): GrantStatus.NOT_MET,
    (GrantStatus.NOT_MET, "claw_back"): GrantStatus.NOT_MET,
    (GrantStatus.NOT_MET, "receive"): GrantStatus.NOT_MET,
}
REFUSALS = {
    "meet": N_("Only a paid grant whose conditions are not yet judged can be marked met."),
    "fail": N_("Only a paid grant whose conditions are not yet judged can be marked not met."),
    "claw_back": N_("Only a grant whose conditions were not met can be clawed back."),
    "receive": N_("Payments are received only on a grant that was clawed back."),
}


def next_status(current: GrantStatus, action: str) -> GrantStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            REFUSALS[action], [{"field": "status", "message": N_("Not possible in the grant's current status.")}]
        ) from None


def not_in_future(on: date) -> None:
    if on > clock.today():
        raise ValidationFailed.field("date", N_("Money cannot move on a date still to come."))


def next_reference(session: Session, model: Any, prefix: str, fund_id: int, year: int) -> str:
    """The next free <prefix><year>-<number> of the fund (references typed by hand are skipped)."""
    taken = set(session.scalars(select(model.reference).where(model.fund_id == fund_id)))
    number = (session.scalar(select(func.count()).select_from(model).where(model.fund_id == fund_id)) or 0) + 1
    while f"{prefix}{year}-{number:04d}" in taken:
        number += 1
    return f"{prefix}{year}-{number:04d}"


def refuse_taken_reference(session: Session, model: Any, fund_id: int, reference: str) -> None:
    if session.scalar(select(model.id).where(model.fund_id == fund_id, model.reference == reference)):
        raise Conflict(
            "This fund already uses this reference.", [{"field": "reference", "message": N_("Already used.")}]
        )


def create_grant(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> Grant:
    data = dict(data)
    not_in_future(data["paid_on"])
    reference = (data.pop("reference", None) or "").strip() or next_reference(
        session, Grant, "S", investee.fund_id, data["paid_on"].year
    )
    refuse_taken_reference(session, Grant, investee.fund_id, reference)
    grant = Grant(
        fund_id=investee.fund_id,
        investee_id=investee.id,
        reference=reference,
        status=GrantStatus.PAID,
        created_by_id=getattr(actor, "id", None),
        **data,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        actor,
        "grant.paid",
        grant,
        {"investee_id": [None, investee.id], "reference": [None, reference], **{k: [None, v] for k, v in data.items()}},
    )
    return grant


def decide(session: Session, actor: audit.Who, grant: Grant, met: bool, on: date, note: str = "") -> Grant:
    before = grant.status
    grant.status = next_status(grant.status, "meet" if met else "fail")
    if on < grant.paid_on:
        raise ValidationFailed.field("date", N_("The conditions are judged after the grant was paid."))
    grant.decided_on, grant.decision_note = on, note.strip()
    session.flush()
    audit.record(session, actor, "grant.decided", grant, {"status": [before, grant.status], "decided_on": [None, on]})
    return grant


def _add_event(
    session: Session, actor: audit.Who, grant: Grant, kind: GrantEventKind, on: date, amount: Decimal, note: str
) -> GrantEvent:
    event = GrantEvent(
        grant=grant,
        fund_id=grant.fund_id,
        kind=kind,
        on=on,
        amount=amount,
        note=note.strip(),
        created_by_id=getattr(actor, "id", None),
    )
    session.add(event)
    session.flush()
    return event


def claw_back(session: Session, actor: audit.Who, grant: Grant, on: date, amount: Decimal, reason: str) -> GrantEvent:
    """Part or all of the grant is claimed back: from then on the investee owes it (a receivable)."""
    next_status(grant.status, "claw_back")
    if not reason.strip():
        raise ValidationFailed.field("reason", N_("Give the reason for the clawback."))
    if grant.decided_on is not None and on < grant.decided_on:
        raise ValidationFailed.field("date", N_("A clawback comes after the conditions were judged not met."))
    if amount > grant.amount - grant.clawed_back:
        raise ValidationFailed.field("amount", N_("More than was paid and not yet clawed back."))
    event = _add_event(session, actor, grant, GrantEventKind.CLAWBACK, on, amount, reason)
    before = grant.clawed_back
    grant.clawed_back += amount
    session.flush()
    audit.record(
        session,
        actor,
        "grant.clawed_back",
        grant,
        {"event_id": [None, event.id], "on": [None, on], "clawed_back": [before, grant.clawed_back]},
    )
    return event


def receive(session: Session, actor: audit.Who, grant: Grant, on: date, amount: Decimal, reference: str) -> GrantEvent:
    """A payment of the investee on what was clawed back."""
    next_status(grant.status, "receive")
    not_in_future(on)
    if amount > grant.receivable:
        raise ValidationFailed.field("amount", N_("More than is still owed on the clawback."))
    first = min((e.on for e in grant.events if e.kind == GrantEventKind.CLAWBACK), default=None)
    if first is None or on < first:
        raise ValidationFailed.field("date", N_("A payment on a clawback comes after the clawback."))
    event = _add_event(session, actor, grant, GrantEventKind.RECEIPT, on, amount, reference)
    before = grant.received
    grant.received += amount
    session.flush()
    audit.record(
        session,
        actor,
        "grant.payment_received",
        grant,
        {"event_id": [None, event.id], "on": [None, on], "received": [before, grant.received]},
    )
    return event
