"""A fund's journal for a period, from its loans' events, on the fund's own ledger accounts.

The events are read as the portfolio reads them, so the journal of a period reconciles with the portfolio
figures of that period (``reconcile``), figure by figure:

- disbursement: each disbursement event on its date, for its amount;
- repayment: each payment's allocations on its date, principal (installments and prepayments) and interest
  apart; an overpayment is owed back to the investee and is not the fund's money, so it is not journalled;
- recovery: what a recovery, or a payment after the write-off, brought in;
- write-off: the principal written off, on the write-off date.

A syndicated loan is journalled in each participating fund for that fund's share of each event (the rounding
rule in ``fundapp.cofinancing.shares``): the journals of all its funds together are the whole loan's journal.

A reversed payment has no allocations: it leaves the journal, as it leaves the portfolio. Provision changes
have their rule in ``journal`` (``ProvisionChange``); fundapp keeps no provisions yet, so none are read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking import journal
from fundapp.banking.models import LedgerAccount, LedgerRole
from fundapp.capital import events as capital_events
from fundapp.capital import provision
from fundapp.cofinancing import shares
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.instruments import grant_journal
from fundapp.instruments.ledger import journal_events as equity_events
from fundapp.loans import portfolio
from fundapp.loans.models import AllocationKind, EventKind, Loan, LoanAllocation, LoanEvent
from fundapp.money import ZERO

FIGURES = ("disbursed", "principal_received", "interest_received", "recoveries", "written_off")


def chart_for(session: Session, fund_id: int) -> journal.Chart:
    """The fund's chart: its own account per role where it set one, else the RGS default."""
    own = {
        row.role.value: journal.Account(row.code, row.name, row.rgs_code or None, _balance_sheet(row.role))
        for row in session.scalars(select(LedgerAccount).where(LedgerAccount.fund_id == fund_id))
    }
    return replace(journal.DEFAULT_CHART, **own)


def _balance_sheet(role: LedgerRole) -> bool:
    default: journal.Account = getattr(journal.DEFAULT_CHART, role.value)
    return default.balance_sheet


def set_ledger_accounts(session: Session, actor: audit.Who, fund: Fund, accounts: dict[str, dict[str, Any]]) -> None:
    """Set the fund's accounts per role (``{"bank": {"code", "name", "rgs_code"}}``); an empty code: the default.

    Each role keeps its own ledger account, so the journal reads each portfolio figure back from one account.
    """
    chart = journal.DEFAULT_CHART
    chosen = {role: data for role, data in accounts.items() if data.get("code")}
    codes = [data["code"] for data in chosen.values()] + [
        getattr(chart, role.value).code for role in LedgerRole if role.value not in chosen
    ]
    doubles = sorted({code for code in codes if codes.count(code) > 1})
    if doubles:
        raise ValidationFailed(
            "Each role needs its own ledger account.",
            [
                {"field": f"{role}_code", "message": "Another role uses this ledger account."}
                for role, data in chosen.items()
                if data["code"] in doubles
            ],
        )
    rows = {
        row.role.value: row for row in session.scalars(select(LedgerAccount).where(LedgerAccount.fund_id == fund.id))
    }
    before = {role: (row.code, row.name, row.rgs_code) for role, row in rows.items()}
    for role in LedgerRole:
        data, row = chosen.get(role.value), rows.get(role.value)
        if data is None:
            if row is not None:
                session.delete(row)
            continue
        default = getattr(chart, role.value)
        row = row or LedgerAccount(fund_id=fund.id, role=role)
        row.code = data["code"]
        row.name = data.get("name") or default.name
        row.rgs_code = data.get("rgs_code") or ""
        session.add(row)
    session.flush()
    after = {role: (data["code"], data.get("name") or "", data.get("rgs_code") or "") for role, data in chosen.items()}
    audit.record(session, actor, "fund.ledger_accounts", fund, {"accounts": [before, after]})


def events(
    session: Session, fund_id: int, start: dt.date, end: dt.date, *, money_only: bool = False
) -> list[journal.Event]:
    """The fund's journal events from ``start`` to ``end`` (both included): its loans' and every other source's.

    Each source in ``SOURCES`` answers the events of one area (a package's ``journal_events`` function) with a
    bounded number of queries. With ``money_only`` the sources that move no money are left out (the month-end
    provision changes cost one query per month end).
    """
    found: list[journal.Event] = []
    for source in SOURCES:
        if not (money_only and source in NO_MONEY):
            found.extend(source(session, fund_id, start, end))
    return found


def loan_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    """The journal events of the fund's loans from ``start`` to ``end`` (both included), in six queries: its own
    loans' and its shares of syndicated loans."""
    return _own_events(session, fund_id, start, end) + shared_loan_events(session, fund_id, start, end)


def _own_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    found: list[journal.Event] = []
    for on, amount, reference in session.execute(
        select(LoanEvent.on, LoanEvent.amount, Loan.reference)
        .join(Loan, Loan.id == LoanEvent.loan_id)
        .where(
            LoanEvent.fund_id == fund_id,
            shares.whole(LoanEvent.loan_id),
            LoanEvent.kind == EventKind.DISBURSEMENT,
            LoanEvent.on.between(start, end),
            LoanEvent.reversed_at.is_(None),
        )
        .order_by(LoanEvent.on, LoanEvent.id)
    ):
        found.append(journal.Disbursement(on, reference, amount or ZERO))
    a = LoanAllocation
    recovered = func.sum(case((a.kind == AllocationKind.RECOVERY, a.amount), else_=literal(0, type_=a.amount.type)))
    for on, reference, principal, interest, recovery in session.execute(
        select(a.paid_on, Loan.reference, func.sum(a.principal), func.sum(a.interest), recovered)
        .join(Loan, Loan.id == a.loan_id)
        .where(a.fund_id == fund_id, shares.whole(a.loan_id), a.paid_on.between(start, end))
        .group_by(a.event_id, a.paid_on, Loan.reference)
        .order_by(a.paid_on, a.event_id)
    ):
        principal, interest, recovery = (Decimal(value or 0) for value in (principal, interest, recovery))
        if principal or interest:
            found.append(journal.Repayment(on, reference, principal, interest))
        if recovery:
            found.append(journal.Recovery(on, reference, recovery))
    for written_off_on, amount, reference in session.execute(
        select(Loan.written_off_on, Loan.written_off, Loan.reference)
        .where(
            Loan.fund_id == fund_id,
            shares.whole(Loan.id),
            Loan.written_off_on.between(start, end),
            Loan.written_off > 0,
        )
        .order_by(Loan.written_off_on, Loan.reference)
    ):
        found.append(journal.WriteOff(written_off_on or end, reference, amount))
    return found


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


Source = Callable[[Session, int, dt.date, dt.date], Iterable[journal.Event]]
# Every area whose events move the fund's money or values; a new instrument adds its ``journal_events`` here.
SOURCES: tuple[Source, ...] = (
    loan_events,
    equity_events,
    grant_journal.journal_events,
    capital_events.journal_events,
    provision.journal_events,
)
NO_MONEY: tuple[Source, ...] = (provision.journal_events,)


def entries(session: Session, fund_id: int, start: dt.date, end: dt.date) -> tuple[journal.JournalEntry, ...]:
    return journal.entries_for(events(session, fund_id, start, end), chart_for(session, fund_id))


def role_balances(session: Session, fund_id: int, as_of: dt.date) -> dict[str, Decimal]:
    """Debit minus credit per chart role over the fund's whole journal up to ``as_of`` (included)."""
    chart = chart_for(session, fund_id)
    made = journal.entries_for(events(session, fund_id, dt.date.min, as_of), chart)
    return journal.role_balances(made, chart)


@dataclass(frozen=True)
class Reconciliation:
    """One portfolio figure over the period, as the journal shows it and as the portfolio does."""

    figure: str
    journal: Decimal
    portfolio: Decimal

    @property
    def agrees(self) -> bool:
        return self.journal == self.portfolio


def portfolio_movement(session: Session, fund_id: int, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """The portfolio's figures at the end of the period less those of the day before it began."""
    after = portfolio.portfolio(session, fund_id, end)
    before = portfolio.portfolio(session, fund_id, start - dt.timedelta(days=1))
    return {name: getattr(after, name) - getattr(before, name) for name in FIGURES}


def reconcile(
    session: Session, fund_id: int, start: dt.date, end: dt.date, made: tuple[journal.JournalEntry, ...]
) -> list[Reconciliation]:
    summary = journal.summarise(made, chart_for(session, fund_id))
    moved = portfolio_movement(session, fund_id, start, end)
    return [Reconciliation(name, getattr(summary, name, ZERO), moved[name]) for name in FIGURES]
