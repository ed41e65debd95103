"""The bridge between stored loans and the pure servicing engine: replay a loan's events and store the result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, cast

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fundapp import bulk
from fundapp.errors import ValidationFailed
from fundapp.loans import servicing
from fundapp.loans.models import (
    AllocationKind,
    EventKind,
    Loan,
    LoanAllocation,
    LoanEvent,
    LoanInstallment,
    LoanStatus,
    Prepayment,
)
from fundapp.loans.schedule import LoanTerms, Schedule, TermsErrors, build_schedule
from fundapp.money import ZERO


class EventRecord(Protocol):
    """What the engine reads of a loan's event: a stored LoanEvent, or a NewEvent."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> EventKind: ...
    @property
    def on(self) -> date: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def reference(self) -> str: ...
    @property
    def prepayment(self) -> Prepayment | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def terms(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event as it was just inserted, for rebuild_new: a portfolio import stores hundreds of thousands, and an
    ORM LoanEvent for each (to be thrown away) cost more than replaying them."""

    id: int
    kind: EventKind
    on: date
    amount: Decimal | None
    reference: str
    prepayment: Prepayment | None
    reason: str
    terms: dict[str, Any] | None


def terms_of(loan: Loan) -> LoanTerms:
    return LoanTerms(
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        disbursement_date=loan.disbursement_date,
        number_of_installments=loan.number_of_installments,
        frequency=loan.frequency,
        amortization=loan.amortization,
        grace_periods=loan.grace_periods,
        day_count=loan.day_count,
        installment_multiple=loan.installment_multiple,
        first_due_date=loan.first_due_date,
    )


def planned_schedule(loan: Loan) -> Schedule:
    """The schedule the terms give before anything was disbursed (draft and approved loans)."""
    return build_schedule(terms_of(loan))


def to_engine_event(event: EventRecord) -> servicing.Event:
    kind = event.kind
    if kind == EventKind.DISBURSEMENT:
        return servicing.Disbursement(event.on, _amount(event), event.reference)
    if kind == EventKind.REPAYMENT:
        mode = event.prepayment or servicing.Prepayment.LOWER_INSTALLMENTS
        return servicing.Payment(event.on, _amount(event), event.reference, servicing.Prepayment(mode))
    if kind == EventKind.WRITE_OFF:
        return servicing.WriteOff(event.on, event.reason)
    if kind == EventKind.RECOVERY:
        return servicing.Recovery(event.on, _amount(event), event.reference)
    if kind == EventKind.RATE_CHANGE:
        return servicing.RateChange(event.on, Decimal(_terms(event)["annual_rate"]))
    if kind == EventKind.ADJUSTMENT:
        return servicing.Adjustment(event.on, _amount(event), event.reason)
    if kind == EventKind.RESTRUCTURE:
        return servicing.Restructure(event.on, **restructure_args(event.terms or {}))
    raise ValueError(kind)


def _amount(event: EventRecord) -> Decimal:
    # The services book every disbursement, repayment and recovery with an amount.
    if event.amount is None:
        raise ValueError(f"{event.kind.value} event {event.id} has no amount")
    return event.amount


def _terms(event: EventRecord) -> dict[str, Any]:
    # The services book every rate change with its new terms.
    if event.terms is None:
        raise ValueError(f"{event.kind.value} event {event.id} has no terms")
    return event.terms


def restructure_args(terms: dict[str, Any]) -> dict[str, Any]:
    from fundapp.loans.schedule import Amortization, DayCount, Frequency

    args: dict[str, Any] = {"number_of_installments": int(terms["number_of_installments"])}
    converters: dict[str, Callable[[Any], object]] = {
        "annual_rate": Decimal,
        "frequency": Frequency,
        "amortization": Amortization,
        "day_count": DayCount,
        "installment_multiple": Decimal,
        "first_due_date": date.fromisoformat,
        "grace_periods": int,
    }
    for key, convert in converters.items():
        if terms.get(key) not in (None, ""):
            args[key] = convert(terms[key])
    return args


def live_events(loan: Loan) -> list[LoanEvent]:
    return [e for e in loan.events if e.reversed_at is None]


def replay_loan(
    loan: Loan, events: Sequence[EventRecord] | None = None, until: date | None = None
) -> servicing.LoanPosition:
    events = live_events(loan) if events is None else events
    try:
        return servicing.replay(terms_of(loan), [to_engine_event(e) for e in events], until=until)
    except TermsErrors as exc:
        raise ValidationFailed(
            "These terms do not give a schedule.", [{"field": e.field, "message": e.message} for e in exc.errors]
        ) from exc
    except servicing.ServicingError as exc:
        raise ValidationFailed(str(exc), [{"field": "date", "message": str(exc)}]) from exc


def _payment_events_in_engine_order(events: Sequence[EventRecord]) -> list[EventRecord]:
    payments = [e for e in events if e.kind == EventKind.REPAYMENT]
    return sorted(payments, key=lambda e: (servicing.canonical_key(to_engine_event(e)), e.id))


def rebuild(session: Session, loan: Loan) -> servicing.LoanPosition | None:
    """Replay the loan's live events and store the derived schedule, allocations and totals (None: not disbursed)."""
    events = live_events(loan)
    if not any(e.kind == EventKind.DISBURSEMENT for e in events):
        _clear(session, loan)
        return None
    position, installments, allocations = _derived(loan, events)
    _clear(session, loan)
    session.flush()
    # A loan repaid in full before its first due date has no installments left: an empty executemany would
    # be one INSERT of nothing but the defaults.
    if installments:
        session.execute(insert(LoanInstallment), installments)
    if allocations:
        session.execute(insert(LoanAllocation), allocations)
    _store_totals(loan, position)
    session.expire(loan, ["installments"])
    return position


# Loans derived (replayed, their rows made) per part of a new portfolio's schedules: while the rows of one part
# are stored (SQLite in a thread of its own, PostgreSQL's COPY in the server) the next part is derived.
REBUILD_PART = 250
INSTALLMENTS_TABLE = cast(Table, LoanInstallment.__table__)


def rebuild_new(session: Session, loans: Sequence[tuple[Loan, Sequence[EventRecord]]]) -> None:
    """``rebuild`` for many loans stored just now with their events (each with a disbursement) and nothing derived
    yet: the same rows, in one insert per table instead of five statements per loan. The schedules are stored part
    by part as they are derived, so a portfolio's rows are not all held at once and storing overlaps deriving."""
    allocations: list[dict[str, Any]] = []
    columns = list(INSTALLMENT_COLUMNS)
    with bulk.column_writer(session, INSTALLMENTS_TABLE, columns) as write:
        for start in range(0, len(loans), REBUILD_PART):
            installments: list[dict[str, Any]] = []
            for loan, events in loans[start : start + REBUILD_PART]:
                position, loan_installments, loan_allocations = _derived(loan, events)
                installments += loan_installments
                allocations += loan_allocations
                _store_totals(loan, position)
                session.expire(loan, ["events", "installments"])
            if installments:
                write({name: [row[name] for row in installments] for name in columns})
    # One update for all the loans' totals (the unit of work would group them by which ones changed).
    with session.no_autoflush:
        totals = [{"id": loan.id} | {name: getattr(loan, name) for name in TOTALS} for loan, _ in loans]
        session.execute(update(Loan), totals)
    # The update expired them on the loans: they hold what it stored, without loading each loan again.
    for (loan, _), stored in zip(loans, totals, strict=True):
        for name in TOTALS:
            set_committed_value(loan, name, stored[name])
    _insert(session, LoanAllocation.__table__, allocations)


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        columns = list(rows[0])
        bulk.insert_rows(session, table, columns, ([row[c] for c in columns] for row in rows))


def _derived(
    loan: Loan, events: Sequence[EventRecord]
) -> tuple[servicing.LoanPosition, list[dict[str, Any]], list[dict[str, Any]]]:
    position = replay_loan(loan, events)
    installments = [_installment_row(loan.id, loan.fund_id, i) for i in position.installments]
    allocations = _allocation_rows(loan.id, loan.fund_id, position, _payment_events_in_engine_order(events), events)
    return position, installments, allocations


def _clear(session: Session, loan: Loan) -> None:
    session.execute(delete(LoanAllocation).where(LoanAllocation.loan_id == loan.id))
    session.execute(delete(LoanInstallment).where(LoanInstallment.loan_id == loan.id))


INSTALLMENT_COLUMNS = (
    "loan_id",
    "fund_id",
    "number",
    "due_date",
    "principal_due",
    "interest_due",
    "principal_paid",
    "interest_paid",
    "balance",
    "settled_on",
    "settlement",
)


def _installment_row(loan_id: int, fund_id: int, inst: servicing.InstallmentState) -> dict[str, Any]:
    return {
        "loan_id": loan_id,
        "fund_id": fund_id,
        "number": inst.number,
        "due_date": inst.due_date,
        "principal_due": inst.principal_due,
        "interest_due": inst.interest_due,
        "principal_paid": inst.principal_paid,
        "interest_paid": inst.interest_paid,
        "balance": inst.balance,
        "settled_on": inst.settled_on,
        "settlement": inst.settlement.value if inst.settlement else None,
    }


def _allocation_rows(
    loan_id: int,
    fund_id: int,
    position: servicing.LoanPosition,
    payment_events: Sequence[EventRecord],
    events: Sequence[EventRecord],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for outcome, event in zip(position.payments, payment_events, strict=True):
        base = {"loan_id": loan_id, "fund_id": fund_id, "event_id": event.id, "paid_on": outcome.date}
        for allocation in outcome.allocations:
            rows.append(
                base
                | {
                    "kind": AllocationKind.INSTALLMENT.value,
                    "installment_number": allocation.installment_number,
                    "interest": allocation.interest,
                    "principal": allocation.principal,
                    "amount": allocation.interest + allocation.principal,
                }
            )
        for kind, amount in (
            (AllocationKind.PREPAYMENT, outcome.prepayment),
            (AllocationKind.OVERPAYMENT, outcome.overpayment),
            (AllocationKind.RECOVERY, outcome.recovery),
        ):
            if amount:
                principal = amount if kind == AllocationKind.PREPAYMENT else ZERO
                rows.append(
                    base
                    | {
                        "kind": kind.value,
                        "installment_number": None,
                        "interest": ZERO,
                        "principal": principal,
                        "amount": amount,
                    }
                )
    for event in events:
        if event.kind == EventKind.RECOVERY:
            rows.append(
                {
                    "loan_id": loan_id,
                    "fund_id": fund_id,
                    "event_id": event.id,
                    "paid_on": event.on,
                    "kind": AllocationKind.RECOVERY.value,
                    "installment_number": None,
                    "interest": ZERO,
                    "principal": ZERO,
                    "amount": event.amount,
                }
            )
    return rows


TOTALS = (
    "disbursed",
    "principal_repaid",
    "interest_received",
    "written_off",
    "recovered",
    "outstanding_principal",
    "written_off_on",
    "status",
    "repaid_on",
)


def _store_totals(loan: Loan, position: servicing.LoanPosition) -> None:
    loan.disbursed = position.disbursed
    loan.principal_repaid = position.principal_repaid
    loan.interest_received = position.interest_received
    loan.written_off = position.principal_written_off
    loan.recovered = position.recovered
    loan.outstanding_principal = (
        position.disbursed + position.principal_adjusted - position.principal_repaid - position.principal_written_off
    )
    loan.written_off_on = position.written_off_on
    if loan.status == LoanStatus.CONVERTED:
        # Converted into shares: the loan has ended, whatever its schedule still says.
        loan.outstanding_principal = ZERO
        return
    if position.is_written_off:
        loan.status = LoanStatus.WRITTEN_OFF
        loan.repaid_on = None
    elif position.repaid_in_full:
        loan.status = LoanStatus.REPAID
        # The last installment settled, or the prepayment that repaid the loan before any installment fell due.
        settled = [i.settled_on for i in position.installments if i.settled_on]
        loan.repaid_on = max(settled + [p.date for p in position.payments if p.prepayment > 0])
    else:
        loan.status = LoanStatus.ACTIVE
        loan.repaid_on = None
