"""NAV and capital accounts at scale: a fund of 10 investors and 1,000 investees with five instruments each (a loan,
a convertible loan, an equity participation, a grant or voucher, a guarantee: ``nav_world.py``), on SQLite.

    python benchmarks/bench_nav.py

Times the fund's NAV with its 10 capital accounts as of a date (``capital.nav.capital_accounts``), with its query
count, beside the reference: the same NAV the plain way, the fund's journal event by event (``ledger.events``)
summed per role, plus the provision of the day. Budget: 1 s. Then times the journal's loan events of five years
(``ledger.loan_events``, what the journal pages and exports read).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy.orm import Session

from benchmarks._common import budget, counted_queries, fresh_database, session_scope_of, sqlite_url
from benchmarks.bench_loans import AS_OF, START, build_fund
from benchmarks.nav_world import INVESTEES, INVESTORS, LOANS_EACH, populate
from fundapp.banking import journal, ledger
from fundapp.capital import provision
from fundapp.capital.nav import capital_accounts
from fundapp.db import Database
from fundapp.loans.portfolio import portfolio


def plain_nav(session: Session, fund_id: int, as_of: dt.date) -> Decimal:
    chart = ledger.chart_for(session, fund_id)
    made = journal.entries_for(ledger.events(session, fund_id, dt.date.min, as_of, money_only=True), chart)
    held = journal.role_balances(made, chart)
    assets = ("bank", "loans_receivable", "equity_investments", "other_receivables")
    return sum((held[role] for role in assets), Decimal(0)) - provision.provision_on(session, fund_id, as_of)


def main() -> None:
    url = fresh_database(sqlite_url("nav"))
    assert url is not None
    print(f"fund of {INVESTORS} investors, {INVESTEES} investees × 5 instruments from {START}, as of {AS_OF}")
    # 200 repayment profiles (seed 11): among them loans that stopped paying 51 and 82 days before the as-of date.
    fund_id = build_fund(url, INVESTEES * LOANS_EACH, profiles=200, seed=11)
    database = Database(url)
    with session_scope_of(database) as session:
        populate(session, fund_id)
    with session_scope_of(database) as session:
        buckets = portfolio(session, fund_id, AS_OF).buckets
        print("  loans per arrears bucket: " + ", ".join(f"{name} {row['loans']}" for name, row in buckets.items()))
        with counted_queries(database.engine) as statements:
            begin = time.perf_counter()
            fund_nav, accounts = capital_accounts(session, fund_id, AS_OF)
            seconds = time.perf_counter() - begin
        begin = time.perf_counter()
        reference = plain_nav(session, fund_id, AS_OF)
        plain = time.perf_counter() - begin
        begin = time.perf_counter()
        loan_events = ledger.loan_events(session, fund_id, dt.date(2020, 1, 1), AS_OF)
        events_seconds = time.perf_counter() - begin
    print(
        f"  NAV {fund_nav.nav} (cash {fund_nav.cash}, loans {fund_nav.loans_outstanding}, provision "
        f"{fund_nav.provision}, equity {fund_nav.equity_value}, receivables {fund_nav.receivables})"
    )
    same = "the same NAV" if reference == fund_nav.nav else f"NAV {reference}: DIFFERENT"
    what = f"NAV + {len(accounts)} capital accounts ({len(statements)} queries)"
    budget("#14", what, seconds, 1, f"reference, the NAV from the journal event by event: {plain:.2f} s, {same}")
    print(f"  the journal's loan events 2020–{AS_OF.year}: {len(loan_events)} in {events_seconds:.2f} s")


if __name__ == "__main__":
    main()
