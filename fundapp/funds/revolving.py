"""The revolving view of a fund: per calendar year, the money paid in, lent and invested, returned and lent again.

Every figure is read from the fund's journal (``banking.ledger``), so each instrument that books its events there
counts here too (README, "Revolving view"; worked example in docs/fund_economics.md):

- paid in: the credits on the paid-in capital account;
- lent and invested: the money that left the bank for an investee, i.e. the bank credits of disbursements, equity
  purchases, grant payments and guarantee calls (a call pays the bank and becomes a receivable from the investee);
- returned: the money that came back from investees, i.e. the bank debits of repayments (principal and interest),
  recoveries, equity exits, dividends, guarantee fees, grant clawbacks and payments of other receivables;
- lent again: each amount lent or invested is taken first from the capital paid in and not yet lent by that day,
  then from the money returned and not yet lent again by that day; the part taken from returned money is lent
  again. What neither covers came from money the journal does not show (e.g. capital paid in before its calls were
  booked);
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


def _money(entry: journal.JournalEntry, chart: journal.Chart) -> tuple[Decimal, Decimal, Decimal]:
    """(paid in, lent and invested, returned) by one journal entry."""
    paid_in = lent = returned = ZERO
    for line in entry.lines:
        if line.account.code == chart.paid_in_capital.code:
            paid_in += line.credit
        elif line.account.code == chart.bank.code and entry.event in LENT:
            lent += line.credit
        elif line.account.code == chart.bank.code and entry.event in RETURNED:
            returned += line.debit
    return paid_in, lent, returned


def years_of(entries: Iterable[journal.JournalEntry], chart: journal.Chart, last_year: int) -> list[RevolvingYear]:
    """One row per calendar year from the first entry's to ``last_year`` (none without entries)."""
    moved: dict[int, list[Decimal]] = {}
    capital = back = ZERO  # paid in and not yet lent; returned and not yet lent again
    # Day by day, the money that came in on a day is there to be lent on that day.
    for entry, (paid_in, lent, returned) in sorted(
        ((entry, _money(entry, chart)) for entry in entries), key=lambda item: (item[0].date, item[1][1] > 0)
    ):
        figures = moved.setdefault(entry.date.year, [ZERO, ZERO, ZERO, ZERO])
        capital += paid_in
        back += returned
        from_capital = min(lent, capital)
        again = min(lent - from_capital, back)
        capital -= from_capital
        back -= again
        for index, amount in enumerate((paid_in, lent, returned, again)):
            figures[index] += amount
    if not moved:
        return []
    rows: list[RevolvingYear] = []
    to_date = [ZERO, ZERO, ZERO, ZERO]
    for year in range(min(moved), max(last_year, max(moved)) + 1):
        figures = moved.get(year, [ZERO, ZERO, ZERO, ZERO])
        to_date = [total + amount for total, amount in zip(to_date, figures, strict=True)]
        paid_in, lent, returned, again = figures
        paid_in_to_date, lent_to_date, returned_to_date, again_to_date = to_date
        rows.append(
            RevolvingYear(
                year=year,
                paid_in=paid_in,
                lent_and_invested=lent,
                returned=returned,
                lent_again=again,
                paid_in_to_date=paid_in_to_date,
                lent_and_invested_to_date=lent_to_date,
                returned_to_date=returned_to_date,
                lent_again_to_date=again_to_date,
                revolving_ratio=round_places(lent_to_date / paid_in_to_date, RATIO_PLACES) if paid_in_to_date else None,
            )
        )
    return rows


def revolving(session: Session, fund_id: int, as_of: dt.date) -> list[RevolvingYear]:
    """The fund's revolving view up to ``as_of`` (its year the last row): the journal read once, in bounded queries."""
    chart = ledger.chart_for(session, fund_id)
    made = journal.entries_for(ledger.events(session, fund_id, dt.date.min, as_of, money_only=True), chart)
    return years_of(made, chart, as_of.year)
