"""Reading loans: the detail as of a date, lists, the schedule preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fundapp import datacache
from fundapp.loans import engine
from fundapp.loans.arrears import arrears_bucket
from fundapp.loans.models import Loan, LoanEvent, LoanStatus
from fundapp.loans.schedule import Schedule
from fundapp.money import ZERO


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: date
    principal_due: Decimal
    interest_due: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    balance: Decimal
    settled_on: date | None
    state: str

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.interest_due

    @property
    def total_paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid

    @property
    def unpaid(self) -> Decimal:
        return self.total_due - self.total_paid


def schedule_lines(loan: Loan, as_of: date, position: Any = None) -> list[ScheduleLine]:
    """The schedule as it stood on the date, with what was paid, due and overdue then (the plan if undisbursed)."""
    if position is None:
        return _planned_lines(engine.planned_schedule(loan))
    return [_line(i, as_of) for i in position.installments]


def _planned_lines(schedule: Schedule) -> list[ScheduleLine]:
    return [
        ScheduleLine(i.number, i.due_date, i.principal, i.interest, ZERO, ZERO, i.balance, None, "planned")
        for i in schedule.installments
    ]


def _line(inst: Any, as_of: date) -> ScheduleLine:
    return ScheduleLine(
        inst.number,
        inst.due_date,
        inst.principal_due,
        inst.interest_due,
        inst.principal_paid,
        inst.interest_paid,
        inst.balance,
        inst.settled_on,
        _state(inst, as_of),
    )


def _state(inst: Any, day: date) -> str:
    if inst.settled_on is not None and inst.settled_on <= day:
        return inst.settlement.value if inst.settlement and inst.settlement.value != "paid" else "paid"
    if inst.due_date < day:
        return "overdue"
    return "due" if inst.due_date == day else "future"


@dataclass
class LoanView:
    """A loan as of a date: what the loan page and GET /loans/<id> show."""

    loan: Loan
    as_of: date
    schedule: list[ScheduleLine]
    days_past_due: int
    arrears_bucket: str
    amount_overdue: Decimal
    events: list[LoanEvent]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loan, name)


def position_on(loan: Loan, as_of: date) -> Any:
    """The loan replayed with the events dated up to the date; None before its first disbursement."""
    if loan.status in (LoanStatus.DRAFT, LoanStatus.APPROVED):
        return None
    first = min((e.on for e in engine.live_events(loan) if e.kind.value == "disbursement"), default=None)
    if first is None or first > as_of:
        return None
    return engine.replay_loan(loan, until=as_of)


def loan_view(session: Session, loan: Loan, as_of: date) -> LoanView:
    from fundapp.loans.arrears import amount_overdue, days_past_due

    def figures() -> tuple[tuple[ScheduleLine, ...], int, Decimal]:
        position = position_on(loan, as_of)
        lines = tuple(schedule_lines(loan, as_of, position))
        days = days_past_due(position, as_of) if position else 0
        return lines, days, amount_overdue(position, as_of) if position else ZERO

    # The replay of the loan's history, once per version of the data (the lines are frozen: shared by requests).
    lines, days, owed = datacache.cached(session, "loan-view", (loan.id, as_of), figures)
    return LoanView(loan, as_of, list(lines), days, arrears_bucket(days) or "current", owed, list(loan.events))


# What a loan's page and API detail read of it: its events with their allocations, its installments, its investee.
DETAIL_OPTIONS = (
    selectinload(Loan.events).selectinload(LoanEvent.allocations),
    selectinload(Loan.installments),
    selectinload(Loan.investee),
)


def load_for_detail(session: Session, loan_id: int) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.id == loan_id).options(*DETAIL_OPTIONS))
