"""The journal events of a fund's loans (``ledger.SOURCES``), read as the portfolio reads them:

- disbursement: each disbursement event on its date, for its amount;
- repayment: each payment's allocations on its date, principal (installments and prepayments) and interest
  apart; an overpayment is owed back to the investee and is not the fund's money, so it is not journalled;
- recovery: what a recovery, or a payment after the write-off, brought in;
- write-off: the principal written off, on the write-off date.

A syndicated loan is journalled in each participating fund for that fund's share of each event (the rounding
rule in ``fundapp.cofinancing.shares``): the journals of all its funds together are the whole loan's journal.
A reversed payment has no allocations: it leaves the journal, as it leaves the portfolio.

``loan_totals`` answers the same balances per role as ``loan_events`` in a handful of events: one total per kind
of the fund's own loans, summed by the database (``ledger.TOTALS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from fundapp.banking import journal
from fundapp.cofinancing import shares
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent
from fundapp.money import ZERO

# Table columns rather than mapped attributes, and rows fetched all at once: they come back as plain tuples without
# the ORM's bookkeeping per row (a journal of five years reads some hundred thousand of them).
_event, _allocation, _loan = LoanEvent.__table__.c, LoanAllocation.__table__.c, Loan.__table__.c


def loan_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    """The journal events of the fund's loans from ``start`` to ``end`` (both included), in six queries: its own
    loans' and its shares of syndicated loans."""
    return _own_events(session, fund_id, start, end) + shared_loan_events(session, fund_id, start, end)


def _disbursed(fund_id: int, start: dt.date, end: dt.date) -> list[Any]:
    return [
        _event.fund_id == fund_id,
        shares.whole(_event.loan_id),
        _event.kind == EventKind.DISBURSEMENT,
        _event.on.between(start, end),
        _event.reversed_at.is_(None),
    ]


def _recovered() -> Any:
    a = _allocation
    return case((a.kind == AllocationKind.RECOVERY, a.amount), else_=literal(0, type_=a.amount.type))


def _written_off(fund_id: int, start: dt.date, end: dt.date) -> list[Any]:
    return [
        _loan.fund_id == fund_id,
        shares.whole(_loan.id),
        _loan.written_off_on.between(start, end),
        _loan.written_off > 0,
    ]


def _own_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    found: list[journal.Event] = [
        journal.Disbursement(on, reference, amount or ZERO)
        for on, amount, reference in session.execute(
            select(_event.on, _event.amount, _loan.reference)
            .join(Loan.__table__, _loan.id == _event.loan_id)
            .where(*_disbursed(fund_id, start, end))
            .order_by(_event.on, _event.id)
        ).all()
    ]
    a = _allocation
    # Grouped before the loans' references are joined: the grouping reads one index in its order.
    per_payment = (
        select(
            a.paid_on,
            a.event_id,
            a.loan_id,
            func.sum(a.principal).label("principal"),
            func.sum(a.interest).label("interest"),
            func.sum(_recovered()).label("recovery"),
        )
        .where(a.fund_id == fund_id, shares.whole(a.loan_id), a.paid_on.between(start, end))
        .group_by(a.paid_on, a.event_id, a.loan_id)
        .subquery()
    )
    p = per_payment.c
    repayment, recovery = journal.Repayment, journal.Recovery
    for on, reference, principal, interest, recovered in session.execute(
        select(p.paid_on, _loan.reference, p.principal, p.interest, p.recovery)
        .join(Loan.__table__, _loan.id == p.loan_id)
        .order_by(p.paid_on, p.event_id)
    ).all():
        if principal or interest:
            found.append(repayment(on, reference, principal or ZERO, interest or ZERO))
        if recovered:
            found.append(recovery(on, reference, recovered))
    for written_off_on, amount, reference in session.execute(
        select(_loan.written_off_on, _loan.written_off, _loan.reference)
        .where(*_written_off(fund_id, start, end))
        .order_by(_loan.written_off_on, _loan.reference)
    ):
        found.append(journal.WriteOff(written_off_on or end, reference, amount))
    return found


def loan_totals(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    """The same balances per role as ``loan_events``: one event per kind for the fund's own loans (three
    queries), dated ``end``, and its shares of syndicated loans event by event (split on running totals)."""
    disbursed = session.scalar(select(func.sum(_event.amount)).where(*_disbursed(fund_id, start, end)))
    a = _allocation
    principal, interest, recovered = session.execute(
        select(func.sum(a.principal), func.sum(a.interest), func.sum(_recovered())).where(
            a.fund_id == fund_id, shares.whole(a.loan_id), a.paid_on.between(start, end)
        )
    ).one()
    written_off = session.scalar(select(func.sum(_loan.written_off)).where(*_written_off(fund_id, start, end)))
    made: list[journal.Event] = []
    if disbursed:
        made.append(journal.Disbursement(end, "LOANS", disbursed))
    if principal or interest:
        made.append(journal.Repayment(end, "LOANS", principal or ZERO, interest or ZERO))
    if recovered:
        made.append(journal.Recovery(end, "LOANS", recovered))
    if written_off:
        made.append(journal.WriteOff(end, "LOANS", written_off))
    return made + shared_loan_events(session, fund_id, start, end)


def shared_loan_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    """The fund's shares of its syndicated loans' events: each split on the loan's running totals, so the
    events before the period are read too (they set where the running total stands)."""
    found: list[journal.Event] = []
    e = LoanEvent
    paid_out = (
        select(e.loan_id, e.id.label("event_id"), e.on.label("day"), e.amount.label("amount"))
        .where(e.loan_id.in_(shares.stakes(fund_id)), e.kind == EventKind.DISBURSEMENT, e.reversed_at.is_(None))
        .subquery()
    )
    split = shares.split(fund_id, paid_out, ("amount",), ("day", "event_id"), ("day", "event_id", Loan.reference))
    for on, _event, reference, amount in session.execute(split.order_by("day", "event_id")):
        if on >= start and on <= end and amount:
            found.append(journal.Disbursement(on, reference, amount))
    a = LoanAllocation
    recovered = func.sum(case((a.kind == AllocationKind.RECOVERY, a.amount), else_=literal(0, type_=a.amount.type)))
    received = (
        select(
            a.loan_id,
            a.event_id,
            a.paid_on.label("day"),
            func.sum(a.principal).label("principal"),
            func.sum(a.interest).label("interest"),
            recovered.label("recovery"),
        )
        .where(a.loan_id.in_(shares.stakes(fund_id)), a.paid_on <= end)
        .group_by(a.loan_id, a.event_id, a.paid_on)
        .subquery()
    )
    names = ("principal", "interest", "recovery")
    split = shares.split(fund_id, received, names, ("day", "event_id"), ("day", "event_id", Loan.reference))
    for on, _event, reference, principal, interest, recovery in session.execute(split.order_by("day", "event_id")):
        if on < start:
            continue
        if principal or interest:
            found.append(journal.Repayment(on, reference, principal, interest))
        if recovery:
            found.append(journal.Recovery(on, reference, recovery))
    gone = Loan.written_off
    for on, reference, amount in session.execute(
        select(Loan.written_off_on, Loan.reference, func.sum(shares.part(fund_id, gone, gone), type_=gone.type))
        .select_from(shares.LoanParticipation)
        .join(Loan, Loan.id == shares.LoanParticipation.loan_id)
        .where(Loan.id.in_(shares.stakes(fund_id)), Loan.written_off_on.between(start, end), Loan.written_off > 0)
        .group_by(Loan.id, Loan.written_off_on, Loan.reference)
    ):
        if amount:
            found.append(journal.WriteOff(on or end, reference, amount))
    return found
