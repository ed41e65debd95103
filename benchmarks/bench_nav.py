"""NAV and capital accounts at scale: a fund of 10 investors and 1,000 investees with 5 loans each (5,000 loans
with up to 5 years of monthly repayments, bench_loans.py's profiles), on SQLite.

    python benchmarks/bench_nav.py

Times the fund's NAV with its 10 capital accounts as of a date (``capital.nav.capital_accounts``), with its query
count, beside a reference: the plain sum of the same rows (calls, distributions, expenses, disbursements,
repayments, write-offs) in one SQL query. Budget: 1 s. Equity, grants, guarantees and syndication are built in
parallel by other parts of the fund-economics work: this fund has loans only, and the output says so.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, select, text, update

from benchmarks._common import counted_queries, fresh_database, session_scope_of, sqlite_url
from benchmarks.bench_loans import AS_OF, START, build_fund
from fundapp.capital.models import CapitalCall, Distribution, FundExpense, Investor
from fundapp.capital.nav import capital_accounts
from fundapp.db import Database
from fundapp.investees.models import Investee, LegalForm
from fundapp.loans.models import Loan

INVESTEES, LOANS_EACH, INVESTORS = 1000, 5, 10
REFERENCE = text(
    """
    SELECT (SELECT COALESCE(SUM(amount), 0) FROM capital_calls WHERE fund_id = :f AND "on" <= :d)
         - (SELECT COALESCE(SUM(amount), 0) FROM distributions WHERE fund_id = :f AND "on" <= :d)
         - (SELECT COALESCE(SUM(amount), 0) FROM fund_expenses WHERE fund_id = :f AND "on" <= :d)
         - (SELECT COALESCE(SUM(amount), 0) FROM loan_events WHERE fund_id = :f AND kind = 'disbursement'
              AND "on" <= :d AND reversed_at IS NULL)
         + (SELECT COALESCE(SUM(principal + interest), 0) + COALESCE(SUM(CASE WHEN kind = 'recovery' THEN amount END), 0)
              FROM loan_allocations WHERE fund_id = :f AND paid_on <= :d)
    """
)


def _spread_and_invest(database: Database, fund_id: int) -> None:
    """1,000 investees of 5 loans each, and 10 investors who paid in 8,000,000 and received some of it back."""
    with session_scope_of(database) as session:
        rows = [
            {
                "fund_id": fund_id,
                "name": f"Bench {n:04d} BV",
                "kvk_number": f"{70000000 + n:08d}",
                "legal_form": LegalForm.BV,
                "municipality": "Rotterdam",
            }
            for n in range(INVESTEES)
        ]
        ids = session.scalars(insert(Investee).returning(Investee.id, sort_by_parameter_order=True), rows).all()
        loans = session.scalars(select(Loan.id).where(Loan.fund_id == fund_id).order_by(Loan.id)).all()
        session.execute(
            update(Loan), [{"id": loan, "investee_id": ids[n // LOANS_EACH]} for n, loan in enumerate(loans)]
        )
        people = [
            {
                "fund_id": fund_id,
                "name": f"Investor {n}",
                "kind": "foundation",
                "commitment": Decimal("2000000.00"),
                "notes": "",
            }
            for n in range(INVESTORS)
        ]
        investor_ids = session.scalars(insert(Investor).returning(Investor.id, sort_by_parameter_order=True), people)
        calls, paid_out = [], []
        for n, investor_id in enumerate(investor_ids.all()):
            for year in range(2020, 2024):
                calls.append(
                    {
                        "fund_id": fund_id,
                        "investor_id": investor_id,
                        "on": date(year, 1, 2),
                        "amount": Decimal("1000000.00") + n,
                    }
                )
                paid_out.append(
                    {
                        "fund_id": fund_id,
                        "investor_id": investor_id,
                        "on": date(year, 12, 20),
                        "amount": Decimal("50000.00"),
                        "kind": "income",
                    }
                )
        session.execute(insert(CapitalCall), calls)
        session.execute(insert(Distribution), paid_out)
        session.execute(
            insert(FundExpense),
            [
                {
                    "fund_id": fund_id,
                    "on": date(2020 + n // 12, n % 12 + 1, 28),
                    "amount": Decimal("2500.00"),
                    "description": "Beheer",
                }
                for n in range(59)
            ],
        )


def main() -> None:
    url = fresh_database(sqlite_url("nav"))
    assert url is not None
    print(f"fund of {INVESTORS} investors, {INVESTEES} investees × {LOANS_EACH} loans from {START}, as of {AS_OF}")
    print("  loans only: equity, grants, guarantees and syndication are being built in parallel (not in this fund)")
    fund_id = build_fund(url, INVESTEES * LOANS_EACH)
    database = Database(url)
    _spread_and_invest(database, fund_id)
    with session_scope_of(database) as session:
        begin = time.perf_counter()
        cash = session.scalar(REFERENCE, {"f": fund_id, "d": AS_OF})
        reference = time.perf_counter() - begin
        with counted_queries(database.engine) as statements:
            begin = time.perf_counter()
            fund_nav, accounts = capital_accounts(session, fund_id, AS_OF)
            seconds = time.perf_counter() - begin
    print(
        f"  NAV {fund_nav.nav} (cash {fund_nav.cash}, loans {fund_nav.loans_outstanding}, provision {fund_nav.provision})"
    )
    print(f"  NAV + {len(accounts)} capital accounts: {seconds:.2f} s, {len(statements)} queries (budget 1 s)")
    # SQLite stores money as whole cents (fundapp.db.ExactDecimal): the plain SQL sum is in cents.
    print(f"  reference, the cash as one SQL sum of the same rows: {reference:.2f} s (cash {Decimal(cash) / 100})")


if __name__ == "__main__":
    main()
