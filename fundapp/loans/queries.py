"""Reading loans: the detail as of a date, lists, the schedule preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fundapp.loans import engine
from fundapp.loans.arrears import arrears_bucket
from fundapp.loans.models import Loan, LoanEvent, LoanInstallment, LoanStatus
from fundapp.loans.schedule import Schedule
from fundapp.money import ZERO


@dataclass
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


def schedule_lines(loan: Loan, as_of: date) -> list[ScheduleLine]:
    """The schedule in force with what is paid, due and overdue on the date (the plan for undisbursed loans)."""
    if loan.status in (LoanStatus.DRAFT, LoanStatus.APPROVED):
        return _planned_lines(engine.planned_schedule(loan))
    return [_line(i, as_of) for i in loan.installments]


def _planned_lines(schedule: Schedule) -> list[ScheduleLine]:
    return [
        ScheduleLine(i.number, i.due_date, i.principal, i.interest, ZERO, ZERO, i.balance, None, "planned")
        for i in schedule.installments
    ]


def _line(inst: LoanInstallment, as_of: date) -> ScheduleLine:
    # What was paid by the date: the stored figures are as of today; a settled-later installment is open then.
    paid_by_then = inst.settled_on is not None and inst.settled_on <= as_of
    return ScheduleLine(
        inst.number,
        inst.due_date,
        inst.principal_due,
        inst.interest_due,
        inst.principal_paid,
        inst.interest_paid,
        inst.balance,
        inst.settled_on if paid_by_then else None,
        inst.state_on(as_of),
    )


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


def loan_view(session: Session, loan: Loan, as_of: date) -> LoanView:
    lines = schedule_lines(loan, as_of)
    overdue = [line for line in lines if line.due_date < as_of and line.state == "overdue"]
    days = (as_of - min(line.due_date for line in overdue)).days if overdue else 0
    owed = sum((_unpaid_on(session, loan, line, as_of) for line in overdue), ZERO)
    return LoanView(loan, as_of, lines, days, arrears_bucket(days) or "current", owed, list(loan.events))


def _unpaid_on(session: Session, loan: Loan, line: ScheduleLine, as_of: date) -> Decimal:
    paid = sum(
        (
            a.amount
            for e in loan.events
            if e.reversed_at is None
            for a in e.allocations
            if a.installment_number == line.number and a.paid_on <= as_of
        ),
        ZERO,
    )
    return line.total_due - paid


def load_for_detail(session: Session, loan_id: int) -> Loan | None:
    return session.scalar(
        select(Loan)
        .where(Loan.id == loan_id)
        .options(
            selectinload(Loan.events).selectinload(LoanEvent.allocations),
            selectinload(Loan.installments),
            selectinload(Loan.investee),
        )
    )
