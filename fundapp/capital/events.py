"""The journal events of the fund's capital: calls, distributions and fund expenses (three queries per period)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.banking import journal
from fundapp.banking.journal import EventKind, Posting
from fundapp.capital.models import CapitalCall, Distribution, FundExpense


def journal_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    found: list[journal.Event] = []
    for model, kind, debit, credit, prefix in (
        (CapitalCall, EventKind.CAPITAL_CALL, "bank", "paid_in_capital", "CALL"),
        (Distribution, EventKind.DISTRIBUTION, "distributions", "bank", "DIST"),
        (FundExpense, EventKind.FUND_EXPENSE, "fund_expenses", "bank", "EXP"),
    ):
        rows = session.execute(
            select(model.id, model.on, model.amount)
            .where(model.fund_id == fund_id, model.on.between(start, end))
            .order_by(model.on, model.id)
        )
        found.extend(
            Posting(kind, on, f"{prefix}-{row_id}", ((debit, amount),), ((credit, amount),))
            for row_id, on, amount in rows
        )
    return found
