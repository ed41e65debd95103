"""The journal events of a fund's equity participations (``banking.ledger.SOURCES``), in two queries.

purchase     Dr equity investments                Cr bank
conversion   Dr equity investments                Cr loans receivable (principal), Cr interest income (interest)
valuation    Dr equity investments (an increase)  Cr unrealised result   (a decrease: the reverse)
dividend     Dr bank                              Cr dividend income
exit         Dr bank (proceeds)                   Cr equity investments (carrying value of the shares sold)
             the unrealised result of the shares sold moves to the realised result, and the realised result
             (proceeds − cost of the shares sold) is credited (a loss: debited)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.banking import journal
from fundapp.banking.journal import EventKind, Posting
from fundapp.instruments.models import EquityEvent, EquityEventKind, EquityParticipation
from fundapp.investees.models import Investee

Side = tuple[tuple[str, Decimal], ...]


def _signed(role: str, amount: Decimal) -> tuple[Side, Side]:
    """A signed amount on one role: positive on the debit side, negative on the credit side (zero: nothing)."""
    if amount > 0:
        return ((role, amount),), ()
    if amount < 0:
        return (), ((role, -amount),)
    return (), ()


def exit_posting(on: dt.date, reference: str, proceeds: Decimal, cost: Decimal, carrying: Decimal) -> Posting:
    unrealised_debit, unrealised_credit = _signed("unrealised_result", carrying - cost)
    realised_loss, realised_gain = _signed("realised_result", cost - proceeds)
    return Posting(
        EventKind.EQUITY_EXIT,
        on,
        reference,
        (*((("bank", proceeds),) if proceeds else ()), *unrealised_debit, *realised_loss),
        (*((("equity_investments", carrying),) if carrying else ()), *unrealised_credit, *realised_gain),
    )


def journal_events(session: Session, fund_id: int, start: dt.date, end: dt.date) -> list[journal.Event]:
    found: list[journal.Event] = []
    for p, name in session.execute(
        select(EquityParticipation, Investee.name)
        .join(Investee, Investee.id == EquityParticipation.investee_id)
        .where(EquityParticipation.fund_id == fund_id, EquityParticipation.on.between(start, end))
        .order_by(EquityParticipation.on, EquityParticipation.id)
    ):
        reference = f"{name} E{p.id}"
        if p.loan_id is None:
            found.append(
                Posting(
                    EventKind.EQUITY_PURCHASE, p.on, reference, (("equity_investments", p.cost),), (("bank", p.cost),)
                )
            )
            continue
        credits = (("loans_receivable", p.converted_principal), ("interest_income", p.converted_interest))
        found.append(
            Posting(
                EventKind.CONVERSION,
                p.on,
                reference,
                (("equity_investments", p.cost),),
                tuple((role, amount) for role, amount in credits if amount),
            )
        )
    for e, name in session.execute(
        select(EquityEvent, Investee.name)
        .join(EquityParticipation, EquityParticipation.id == EquityEvent.participation_id)
        .join(Investee, Investee.id == EquityParticipation.investee_id)
        .where(EquityEvent.fund_id == fund_id, EquityEvent.on.between(start, end))
        .order_by(EquityEvent.on, EquityEvent.id)
    ):
        reference = f"{name} E{e.participation_id}"
        if e.kind == EquityEventKind.VALUATION and e.carrying_change:
            up, down = _signed("equity_investments", e.carrying_change)
            other = ("unrealised_result", abs(e.carrying_change))
            found.append(Posting(EventKind.VALUATION, e.on, reference, up or (other,), (other,) if up else down))
        elif e.kind == EquityEventKind.DIVIDEND and e.amount:
            found.append(
                Posting(EventKind.DIVIDEND, e.on, reference, (("bank", e.amount),), (("dividend_income", e.amount),))
            )
        elif e.kind == EquityEventKind.EXIT and (e.amount or e.cost_sold or e.carrying_sold):
            found.append(exit_posting(e.on, reference, e.amount or Decimal(0), e.cost_sold, e.carrying_sold))
    return found
