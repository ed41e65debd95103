"""The revolving view of a fund: per calendar year, the money paid in, lent and invested, returned and lent again.

Every figure is read from the fund's journal (``banking.ledger``), so each instrument that books its events there
counts here too (README, "Revolving view"; worked example in docs/fund_economics.md):

- paid in: the credits on the paid-in capital account;
- lent and invested: the money that left the bank for an investee, i.e. the bank credits of disbursements, equity
  purchases, grant payments and guarantee calls (a call pays the bank and becomes a receivable from the investee);
- returned: the money that came back from investees, i.e. the bank debits of repayments (principal and interest),
  recoveries, equity exits, dividends, guarantee fees, grant clawbacks and payments of other receivables;
- lent again: each year's money lent and invested is taken first from the capital paid in and not yet lent (up to
  the end of that year), then from the money returned and not yet lent again (up to the end of that year); the part
  taken from returned money is lent again. What neither covers came from money the journal does not show (e.g.
  capital paid in before its calls were booked);
- revolving ratio: money lent and invested ÷ capital paid in, both up to the end of the year (how often each euro
  paid in has been put to work), half-up to 4 decimals; none while nothing is paid in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from fundapp.banking import journal, ledger
from fundapp.banking.journal import EventKind
from fundapp.money import ZERO, round_places

RATIO_PLACES = 4
LENT = frozenset({EventKind.DISBURSEMENT, EventKind.EQUITY_PURCHASE, EventKind.GRANT_PAYMENT, EventKind.GUARANTEE_CALL})
RETURNED = frozenset(
    {
        EventKind.REPAYMENT,
        EventKind.RECOVERY,
        EventKind.EQUITY_EXIT,
        EventKind.DIVIDEND,
        EventKind.GUARANTEE_FEE,
        EventKind.GRANT_CLAWBACK,
        EventKind.RECEIVABLE_PAYMENT,
    }
)


@dataclass(frozen=True)
class RevolvingYear:
    year: int
    paid_in: Decimal
    lent_and_invested: Decimal
    returned: Decimal
    lent_again: Decimal
    # Up to the end of the year:
    paid_in_to_date: Decimal
    lent_and_invested_to_date: Decimal
    returned_to_date: Decimal
    lent_again_to_date: Decimal
    revolving_ratio: Decimal | None


def years_of(entries: Iterable[journal.JournalEntry], chart: journal.Chart, last_year: int) -> list[RevolvingYear]:
    """One row per calendar year from the first entry's to ``last_year`` (none without entries)."""
    moved: dict[int, dict[str, Decimal]] = {}
    for entry in entries:
        figures = moved.setdefault(entry.date.year, dict.fromkeys(("paid_in", "lent", "returned"), ZERO))
        for line in entry.lines:
            if line.account.code == chart.paid_in_capital.code:
                figures["paid_in"] += line.credit
            elif line.account.code == chart.bank.code and entry.event in LENT:
                figures["lent"] += line.credit
            elif line.account.code == chart.bank.code and entry.event in RETURNED:
                figures["returned"] += line.debit
    if not moved:
        return []
    rows: list[RevolvingYear] = []
    paid_in = lent = returned = again = from_capital = ZERO
    for year in range(min(moved), max(last_year, max(moved)) + 1):
        figures = moved.get(year, dict.fromkeys(("paid_in", "lent", "returned"), ZERO))
        paid_in += figures["paid_in"]
        lent += figures["lent"]
        returned += figures["returned"]
        capital_part = min(figures["lent"], paid_in - from_capital)
        returned_part = min(figures["lent"] - capital_part, returned - again)
        from_capital += capital_part
        again += returned_part
        rows.append(
            RevolvingYear(
                year=year,
                paid_in=figures["paid_in"],
                lent_and_invested=figures["lent"],
                returned=figures["returned"],
                lent_again=returned_part,
                paid_in_to_date=paid_in,
                lent_and_invested_to_date=lent,
                returned_to_date=returned,
                lent_again_to_date=again,
                revolving_ratio=round_places(lent / paid_in, RATIO_PLACES) if paid_in else None,
            )
        )
    return rows


def revolving(session: Session, fund_id: int, as_of: dt.date) -> list[RevolvingYear]:
    """The fund's revolving view up to ``as_of`` (its year the last row): the journal read once, in bounded queries."""
    chart = ledger.chart_for(session, fund_id)
    made = journal.entries_for(ledger.events(session, fund_id, dt.date.min, as_of), chart)
    return years_of(made, chart, as_of.year)
