"""How fast is an existing portfolio imported?

    python benchmarks/bench_import.py [--loans N] [--repayments R] [--scale S]

A workbook of N loans (default 1,000; one investee each; 10,000.00 to 50,000.00 at 3 to
7 %, 60 monthly annuity installments, disbursed in 2021) with R repayments each (default
36: each installment paid on its due date) and the fund's outstanding principal on the
cut-over date equal to the replayed one. Prints the import into an empty fund (read,
check, replay every loan, store, commit; one transaction, SQLite file), which must stay
under 30 s for the defaults, and the dry run of the same file beside it; then the same
at S times the loans (default 10; 0 skips it) against S times the budget, then the
defaults again, and the growth: the large import against the mean of the two small ones
on either side of it, so a machine that slows or speeds up meanwhile moves both (linear
growth: at most ~S + 1, NON-LINEAR above S + 2). The defaults' budget is judged on the
faster of their two imports.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


from benchmarks._common import counted_queries, fresh_database, note, session_scope_of, sqlite_url
from fundapp.audit import Actor
from fundapp.db import Database
from fundapp.funds.models import Fund
from fundapp.loans import servicing
from fundapp.loans.schedule import Amortization, DayCount, Frequency, LoanTerms, build_schedule
from fundapp.portfolio_import import layout
from fundapp.portfolio_import.export import build_workbook
from fundapp.portfolio_import.service import import_portfolio

BUDGET_SECONDS = 30
CUT_OVER = date(2025, 6, 30)


def workbook(loans: int, repayments: int) -> bytes:
    rows: dict[str, list[dict[str, object]]] = {sheet: [] for sheet in layout.SHEETS}
    for number in range(1, loans + 1):
        kvk = f"{80_000_000 + number:08d}"
        terms = LoanTerms(
            principal=Decimal(10_000 + (number * 397) % 40_000).quantize(Decimal("0.01")),
            annual_rate=Decimal(3 + number % 5),
            disbursement_date=date(2021, 1 + number % 12, 1 + number % 28),
            number_of_installments=60,
            frequency=Frequency.MONTHLY,
            amortization=Amortization.ANNUITY,
            grace_periods=0,
            day_count=DayCount.THIRTY_360,
            installment_multiple=Decimal("0.01"),
        )
        reference = f"OLD-{number:05d}"
        rows[layout.INVESTEES].append(
            {"name": f"Onderneming {number}", "kvk_number": kvk, "legal_form": "bv", "municipality": "Rotterdam"}
        )
        rows[layout.LOANS].append(
            {"reference": reference, "kvk_number": kvk, "subordinated": "no"}
            | {key: getattr(terms, key) for key in ("principal", "annual_rate", "disbursement_date")}
            | {"number_of_installments": 60, "frequency": "monthly", "amortization": "annuity"}
        )
        paid = build_schedule(terms).installments[:repayments]
        payments = [servicing.Payment(i.due_date, i.total) for i in paid]
        rows[layout.REPAYMENTS] += [
            {"loan_reference": reference, "date": p.date, "amount": p.amount, "bank_reference": f"bank {reference} {n}"}
            for n, p in enumerate(payments, start=1)
        ]
        position = servicing.replay(
            terms, [servicing.Disbursement(terms.disbursement_date, terms.principal), *payments]
        )
        outstanding = position.disbursed - position.principal_repaid
        rows[layout.OUTSTANDING].append(
            {"loan_reference": reference, "cut_over_date": CUT_OVER, "outstanding_principal": outstanding}
        )
    return build_workbook(rows)


def run(loans: int, repayments: int, budget: float) -> tuple[float, str]:
    url = fresh_database(sqlite_url("import"))
    assert url is not None
    database = Database(url)
    with session_scope_of(database) as session:
        fund = Fund(name="Bench Fund", region="Rotterdam")
        session.add(fund)
        session.flush()
        fund_id = fund.id
    started = time.perf_counter()
    data = workbook(loans, repayments)
    print(f"portfolio import, {loans:,} loans with {repayments} repayments each (SQLite)")
    print(f"  writing the workbook ({len(data) / 1e6:.1f} MB): {time.perf_counter() - started:.2f} s")
    actor = Actor.system("bench")
    with session_scope_of(database) as session:
        started = time.perf_counter()
        import_portfolio(session, actor, session.get(Fund, fund_id), data, dry_run=True, today=CUT_OVER)
    dry_run = time.perf_counter() - started
    print(f"  dry run (read, check, replay every loan): {dry_run:.2f} s")
    with counted_queries(database.engine) as queries, session_scope_of(database) as session:
        started, cpu = time.perf_counter(), time.process_time()
        result = import_portfolio(session, actor, session.get(Fund, fund_id), data, today=CUT_OVER)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    verdict = "" if seconds < budget else "  OVER BUDGET"
    print(
        f"  import (read, check, replay, store, commit): {seconds:.2f} s (CPU {cpu:.2f} s; budget {budget:g} s),"
        f" {len(queries):,} queries{verdict}"
    )
    print(f"  {result.investees:,} investees, {result.loans:,} loans, {result.repayments:,} repayments")
    database.engine.dispose()
    return seconds, f"its dry run {dry_run:.2f} s, {len(queries):,} queries"


def what(loans: int, repayments: int) -> str:
    return f"portfolio import of {loans:,} loans x {repayments} repayments"


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--loans", type=int, default=1_000)
    arguments.add_argument("--repayments", type=int, default=36)
    arguments.add_argument("--scale", type=int, default=10)
    options = arguments.parse_args()
    loans, repayments, scale = options.loans, options.repayments, options.scale
    once, reference = run(loans, repayments, BUDGET_SECONDS)
    if scale <= 1:
        note("6", what(loans, repayments), once, BUDGET_SECONDS, reference)
        return
    scaled, scaled_reference = run(loans * scale, repayments, BUDGET_SECONDS * scale)
    again, again_reference = run(loans, repayments, BUDGET_SECONDS)
    best, best_reference = min((once, reference), (again, again_reference))
    note("6", what(loans, repayments), best, BUDGET_SECONDS, f"the faster of two runs; {best_reference}")
    note("6", what(loans * scale, repayments), scaled, BUDGET_SECONDS * scale, scaled_reference)
    ratio = scaled / ((once + again) / 2)
    verdict = "  NON-LINEAR" if ratio > scale + 2 else ""
    reference = f"linear: ~{scale}x; the 1x import before and after it {once:.2f} s and {again:.2f} s"
    note("6", f"portfolio import: growth at {scale}x the size", ratio, scale + 2, reference, "x")
    print(f"  {scale}x the loans took {ratio:.1f}x the mean of the 1x imports (linear: ~{scale}){verdict}")


if __name__ == "__main__":
    main()
