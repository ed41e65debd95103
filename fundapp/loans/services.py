"""Loans: the verbs. Each changes state through the one transition function, replays the loan and audits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.audit import to_jsonable
from fundapp.db import utcnow
from fundapp.errors import Conflict, InvalidTransition, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.loans import engine
from fundapp.loans.models import EventKind, Loan, LoanEvent, LoanStatus
from fundapp.loans.schedule import TermsErrors, build_schedule
from fundapp.messages import N_

# (status, action) -> next status. Anything not listed is an illegal move.
TRANSITIONS: dict[tuple[LoanStatus, str], LoanStatus] = {
    (LoanStatus.DRAFT, "edit"): LoanStatus.DRAFT,
    (LoanStatus.DRAFT, "approve"): LoanStatus.APPROVED,
    (LoanStatus.APPROVED, "disburse"): LoanStatus.ACTIVE,
    (LoanStatus.ACTIVE, "disburse"): LoanStatus.ACTIVE,
    (LoanStatus.ACTIVE, "repay"): LoanStatus.ACTIVE,
    (LoanStatus.ACTIVE, "restructure"): LoanStatus.ACTIVE,
    (LoanStatus.ACTIVE, "change_rate"): LoanStatus.ACTIVE,
    (LoanStatus.ACTIVE, "write_off"): LoanStatus.WRITTEN_OFF,
    (LoanStatus.ACTIVE, "reverse"): LoanStatus.ACTIVE,
    (LoanStatus.REPAID, "reverse"): LoanStatus.ACTIVE,
    (LoanStatus.WRITTEN_OFF, "recover"): LoanStatus.WRITTEN_OFF,
    (LoanStatus.WRITTEN_OFF, "reverse"): LoanStatus.WRITTEN_OFF,
    (LoanStatus.ACTIVE, "convert"): LoanStatus.CONVERTED,
}


# Whole sentences per action, so that a page can show them in the reader's language.
REFUSALS = {
    "edit": N_("Only a draft loan can be changed."),
    "approve": N_("Only a draft loan can be approved."),
    "disburse": N_("Only an approved or active loan can be disbursed."),
    "repay": N_("Repayments can only be booked on an active loan."),
    "restructure": N_("Only an active loan can be restructured."),
    "change_rate": N_("Only an active loan can get a new interest rate."),
    "write_off": N_("Only an active loan can be written off."),
    "reverse": N_("Bookings can only be corrected on a loan that has been disbursed."),
    "recover": N_("Recoveries can only be booked on a written-off loan."),
    "convert": N_("Only an active loan can be converted into shares."),
}


def next_status(current: LoanStatus, action: str) -> LoanStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            REFUSALS[action], [{"field": "status", "message": N_("Not possible in the loan's current status.")}]
        ) from None


TERM_FIELDS = (
    "principal",
    "annual_rate",
    "disbursement_date",
    "first_due_date",
    "number_of_installments",
    "frequency",
    "amortization",
    "grace_periods",
    "day_count",
    "installment_multiple",
)


def check_terms(data: dict[str, Any]) -> None:
    """Refuse terms that give no schedule, naming each field."""
    from fundapp.loans.schedule import LoanTerms

    try:
        build_schedule(LoanTerms(**{k: data[k] for k in TERM_FIELDS}))
    except TermsErrors as exc:
        raise ValidationFailed(
            "These terms do not give a schedule.",
            [{"field": e.field, "message": e.message} for e in exc.errors],
        ) from exc


def _next_reference(session: Session, fund_id: int, year: int) -> str:
    """The next free L<year>-<number> of the fund (references typed by hand are skipped, never reused)."""
    taken = set(session.scalars(select(Loan.reference).where(Loan.fund_id == fund_id)))
    number = (session.scalar(select(func.count()).select_from(Loan).where(Loan.fund_id == fund_id)) or 0) + 1
    while f"L{year}-{number:04d}" in taken:
        number += 1
    return f"L{year}-{number:04d}"


def create_loan(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> Loan:
    data = dict(data)
    check_terms(data)
    reference = (data.pop("reference", None) or "").strip() or _next_reference(
        session, investee.fund_id, data["disbursement_date"].year
    )
    if session.scalar(select(Loan.id).where(Loan.fund_id == investee.fund_id, Loan.reference == reference)):
        raise Conflict(
            "This fund already has a loan with this reference.", [{"field": "reference", "message": "already used"}]
        )
    loan = Loan(
        fund_id=investee.fund_id,
        investee_id=investee.id,
        reference=reference,
        status=LoanStatus.DRAFT,
        created_by_id=getattr(actor, "id", None),
        **data,
    )
    session.add(loan)
    session.flush()
    audit.record(
        session,
        actor,
        "loan.created",
        loan,
        {"investee_id": [None, investee.id], "reference": [None, reference], **{k: [None, v] for k, v in data.items()}},
    )
    return loan


def update_draft(session: Session, actor: audit.Who, loan: Loan, data: dict[str, Any]) -> Loan:
    next_status(loan.status, "edit")
    merged = {k: data.get(k, getattr(loan, k)) for k in TERM_FIELDS}
    check_terms(merged)
    changes = audit.apply_changes(loan, {k: v for k, v in data.items() if k != "reference"})
    if changes:
        session.flush()
        audit.record(session, actor, "loan.updated", loan, changes)
    return loan


def approve(session: Session, actor: audit.Who, loan: Loan) -> Loan:
    loan.status = next_status(loan.status, "approve")
    loan.approved_at = utcnow()
    loan.approved_by_id = getattr(actor, "id", None)
    session.flush()
    audit.record(session, actor, "loan.approved", loan, {"status": ["draft", "approved"]})
    return loan


def _add_event(session: Session, actor: audit.Who, loan: Loan, kind: EventKind, on: date, **fields: Any) -> LoanEvent:
    event = LoanEvent(
        loan=loan, fund_id=loan.fund_id, kind=kind, on=on, created_by_id=getattr(actor, "id", None), **fields
    )
    session.add(event)
    session.flush()
    return event


def _apply(session: Session, actor: audit.Who, loan: Loan, action: str, event: LoanEvent) -> Any:
    """Replay with the new event; an event the loan cannot take is refused (and rolled back by the caller)."""
    before = loan.status
    position = engine.rebuild(session, loan)
    audit.record(
        session,
        actor,
        f"loan.{event.kind.value}",
        loan,
        {
            "event_id": [None, event.id],
            "on": [None, event.on],
            "amount": [None, event.amount],
            "reference": [None, event.reference],
            "status": [before, loan.status],
            "outstanding_principal": [None, loan.outstanding_principal],
        },
    )
    return position


SECOND_PERSON = N_(
    "You created this loan: a disbursement above the fund's threshold needs a second person. "
    "Ask another manager of the fund to disburse it."
)


def require_second_person(loan: Loan, actor: audit.Who, amount: Decimal) -> None:
    """Maker-checker: once a loan's disbursements would pass its fund's threshold, whoever created the loan may
    not pay it out. The running total counts, so splitting a disbursement into tranches does not avoid the check."""
    threshold = loan.fund.disbursement_threshold
    creator = loan.created_by_id
    if threshold is None or creator is None or creator != getattr(actor, "id", None):
        return
    if loan.disbursed + amount > threshold:
        raise Conflict(SECOND_PERSON, [{"field": "amount", "message": SECOND_PERSON}], code="second_person_needed")


def disburse(
    session: Session,
    actor: audit.Who,
    loan: Loan,
    on: date,
    amount: Decimal,
    reference: str = "",
    second_person_checked: bool = False,
) -> LoanEvent:
    next_status(loan.status, "disburse")
    if not second_person_checked:
        require_second_person(loan, actor, amount)
    if amount > loan.principal - loan.disbursed:
        raise ValidationFailed.field(
            "amount", f"Only {loan.principal - loan.disbursed} of the {loan.principal} is left to disburse."
        )
    if loan.disbursed == 0:
        # The first disbursement starts the loan: the schedule is anchored on its date.
        if loan.first_due_date is not None and loan.first_due_date <= on:
            raise ValidationFailed.field("date", "The first disbursement must come before the first due date.")
        loan.disbursement_date = on
    event = _add_event(session, actor, loan, EventKind.DISBURSEMENT, on, amount=amount, reference=reference)
    _apply(session, actor, loan, "disburse", event)
    return event


def record_repayment(
    session: Session,
    actor: audit.Who,
    loan: Loan,
    on: date,
    amount: Decimal,
    reference: str = "",
    prepayment: Any = None,
) -> LoanEvent:
    next_status(loan.status, "repay")
    _not_in_future(on)
    first_disbursement = _first_disbursement(loan)
    if first_disbursement is not None and on < first_disbursement:
        raise ValidationFailed.field("date", "A repayment cannot come before the loan was disbursed.")
    _refuse_double_booking(session, loan, on, amount, reference)
    try:
        with session.begin_nested():
            event = _add_event(
                session, actor, loan, EventKind.REPAYMENT, on, amount=amount, reference=reference, prepayment=prepayment
            )
    except IntegrityError:
        # The same repayment, booked by a request that committed while this one waited on the unique index.
        _refuse_double_booking(session, loan, on, amount, reference)
        raise
    _apply(session, actor, loan, "repay", event)
    return event


def _refuse_double_booking(session: Session, loan: Loan, on: date, amount: Decimal, reference: str) -> None:
    """A bank reference identifies one payment: the same date, amount and reference again is a double booking."""
    if not reference:
        return
    booked = session.scalar(
        select(LoanEvent).where(
            LoanEvent.loan_id == loan.id,
            LoanEvent.kind == EventKind.REPAYMENT,
            LoanEvent.on == on,
            LoanEvent.amount == amount,
            LoanEvent.reference == reference,
            LoanEvent.reversed_at.is_(None),
        )
    )
    if booked is not None:
        raise Conflict(
            "This repayment is already booked: the loan has a repayment with this date, amount and bank reference.",
            [
                {
                    "field": "reference",
                    "message": N_("Already booked on this loan with this date and amount; reverse it first if wrong."),
                    "repayment_id": booked.id,
                    "date": booked.on.isoformat(),
                }
            ],
            code="duplicate_repayment",
        )


def _not_in_future(on: date) -> None:
    if on > clock.today():
        raise ValidationFailed.field("date", "Money cannot be received on a date still to come.")


def _first_disbursement(loan: Loan) -> date | None:
    dates = [e.on for e in engine.live_events(loan) if e.kind == EventKind.DISBURSEMENT]
    return min(dates) if dates else None


def reverse_event(session: Session, actor: audit.Who, event: LoanEvent, reason: str) -> LoanEvent:
    """Undo a wrong repayment or recovery: the event stays, marked reversed with the reason; the loan is replayed."""
    loan = event.loan
    if event.kind not in (EventKind.REPAYMENT, EventKind.RECOVERY):
        raise InvalidTransition("Only repayments and recoveries can be reversed.")
    if event.reversed_at is not None:
        raise Conflict("This payment was already reversed.")
    if not reason.strip():
        raise ValidationFailed.field("reason", "Give the reason for the reversal.")
    before = loan.status
    next_status(loan.status, "reverse")
    event.reversed_at = utcnow()
    event.reversed_by_id = getattr(actor, "id", None)
    event.reversal_reason = reason.strip()
    session.flush()
    engine.rebuild(session, loan)
    audit.record(
        session,
        actor,
        "loan.event_reversed",
        loan,
        {"event_id": [None, event.id], "reason": [None, event.reversal_reason], "status": [before, loan.status]},
    )
    return event


def write_off(session: Session, actor: audit.Who, loan: Loan, on: date, reason: str) -> LoanEvent:
    next_status(loan.status, "write_off")
    if not reason.strip():
        raise ValidationFailed.field("reason", "Give the reason for the write-off.")
    event = _add_event(session, actor, loan, EventKind.WRITE_OFF, on, reason=reason.strip())
    _apply(session, actor, loan, "write_off", event)
    return event


def record_recovery(
    session: Session, actor: audit.Who, loan: Loan, on: date, amount: Decimal, reference: str = ""
) -> LoanEvent:
    next_status(loan.status, "recover")
    _not_in_future(on)
    if loan.written_off_on is not None and on < loan.written_off_on:
        raise ValidationFailed.field("date", "A recovery comes after the write-off.")
    event = _add_event(session, actor, loan, EventKind.RECOVERY, on, amount=amount, reference=reference)
    _apply(session, actor, loan, "recover", event)
    return event


def restructure(
    session: Session, actor: audit.Who, loan: Loan, on: date, terms: dict[str, Any], reason: str
) -> LoanEvent:
    next_status(loan.status, "restructure")
    if not reason.strip():
        raise ValidationFailed.field("reason", "Give the reason for the restructuring.")
    event = _add_event(session, actor, loan, EventKind.RESTRUCTURE, on, terms=to_jsonable(terms), reason=reason.strip())
    _apply(session, actor, loan, "restructure", event)
    return event


def change_rate(
    session: Session, actor: audit.Who, loan: Loan, on: date, annual_rate: Decimal, reason: str
) -> LoanEvent:
    next_status(loan.status, "change_rate")
    event = _add_event(
        session, actor, loan, EventKind.RATE_CHANGE, on, terms={"annual_rate": str(annual_rate)}, reason=reason
    )
    _apply(session, actor, loan, "change_rate", event)
    return event


def take_off_converted(session: Session, actor: audit.Who, loan: Loan, on: date, amount: Decimal) -> LoanEvent:
    """Part of the principal converted into shares: taken off without cash (an adjustment); the rest is re-planned."""
    next_status(loan.status, "repay")
    event = _add_event(session, actor, loan, EventKind.ADJUSTMENT, on, amount=-amount, reason="converted into shares")
    _apply(session, actor, loan, "repay", event)
    return event
