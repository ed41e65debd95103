"""A fund's journal for a period, from its loans' events and every other source's, on the fund's own ledger accounts.

The loans' events (``loan_journal``) are read as the portfolio reads them, so the journal of a period reconciles
with the portfolio figures of that period (``reconcile``), figure by figure. Provision changes are booked at
month ends (``capital.provision``).

A balance needs no event one by one: a source in ``TOTALS`` answers the same balances per role from a few events
summed by the database (``events(..., summed=True)``), whatever the number of loans and payments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp import audit
from fundapp.banking import journal
from fundapp.banking.loan_journal import loan_events, loan_totals
from fundapp.banking.models import LedgerAccount, LedgerRole
from fundapp.capital import events as capital_events
from fundapp.capital import provision
from fundapp.errors import ValidationFailed
from fundapp.funds.models import Fund
from fundapp.instruments import grant_journal
from fundapp.instruments.ledger import journal_events as equity_events
from fundapp.instruments.ledger import journal_totals as equity_totals
from fundapp.loans import portfolio
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
    session: Session, fund_id: int, start: dt.date, end: dt.date, *, money_only: bool = False, summed: bool = False
) -> list[journal.Event]:
    """The fund's journal events from ``start`` to ``end`` (both included): its loans' and every other source's.

    Each source in ``SOURCES`` answers the events of one area (a package's ``journal_events`` function) with a
    bounded number of queries. With ``money_only`` the sources that move no money are left out (the month-end
    provision changes cost one query per month end). With ``summed`` each source in ``TOTALS`` answers its
    totals instead: other events, dated ``end``, that give the same balances per role.
    """
    found: list[journal.Event] = []
    for source in SOURCES:
        if not (money_only and source in NO_MONEY):
            read = TOTALS.get(source, source) if summed else source
            found.extend(read(session, fund_id, start, end))
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
# A source's totals: the same balances per role as its events over a period, summed in SQL (a few events).
TOTALS: dict[Source, Source] = {
    loan_events: loan_totals,
    equity_events: equity_totals,
    grant_journal.journal_events: grant_journal.journal_totals,
    capital_events.journal_events: capital_events.journal_totals,
    provision.journal_events: provision.journal_totals,
}


def entries(session: Session, fund_id: int, start: dt.date, end: dt.date) -> tuple[journal.JournalEntry, ...]:
    return journal.entries_for(events(session, fund_id, start, end), chart_for(session, fund_id))


def role_balances(session: Session, fund_id: int, as_of: dt.date) -> dict[str, Decimal]:
    """Debit minus credit per chart role over the fund's whole journal up to ``as_of`` (included)."""
    chart = chart_for(session, fund_id)
    made = journal.entries_for(events(session, fund_id, dt.date.min, as_of, summed=True), chart)
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
