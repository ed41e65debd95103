"""How fast is a direct-debit batch of 2,000 installments made from the database?

    python benchmarks/bench_bank_batches.py [--loans 1000] [--repeat 3] [--scale 10]

Stores N loans of one fund on SQLite (bulk inserts), each with two installments due and unpaid and an
active mandate (a third of them never collected from, so FRST and RCUR are both written), then prints the
best of R runs of ``batches.create_direct_debit_batch`` (choosing the installments in SQL, building the
pain.008.001.02 file, validating it against the ISO XSD, storing the batch and its lines; each run rolled
back) beside lxml serialising the same file's tree bare. The batch must be made in under 1 s; then the
same at S times the loans (default 10; 0 skips it) in under S times that, and the ratio of the two
(linear: ~S; NON-LINEAR above S + 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lxml import etree
from sqlalchemy import insert
from sqlalchemy.orm import Session

from benchmarks._common import fresh_database, note, sqlite_url
from fundapp import audit, clock
from fundapp.banking import batches
from fundapp.banking.models import BankAccount, Mandate
from fundapp.db import make_engine
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee, LegalForm
from fundapp.loans.models import Loan, LoanInstallment

LIMIT_SECONDS = 1.0
TODAY = clock.today()
ACTOR = audit.Actor.system("bench")


def build(session: Session, loans: int) -> int:
    fund = Fund(name="Bench Collecting Fund", region="Rotterdam", creditor_id="NL50ZZZ241234560000")
    session.add(fund)
    session.flush()
    session.add(BankAccount(fund_id=fund.id, iban="NL91ABNA0417164300", name="Bench Collecting Fund"))
    investee = Investee(
        fund_id=fund.id, name="Bakkerij Zoë & Zn", kvk_number="69999999", legal_form=LegalForm.BV, municipality="Delft"
    )
    session.add(investee)
    session.flush()
    start = TODAY - dt.timedelta(days=75)
    rows = [
        {
            "fund_id": fund.id,
            "investee_id": investee.id,
            "reference": f"L-2026-{n:05d}",
            "status": "active",
            "principal": Decimal("20000.00"),
            "annual_rate": Decimal("6"),
            "disbursement_date": start,
            "number_of_installments": 36,
            "frequency": "monthly",
            "amortization": "annuity",
            "grace_periods": 0,
            "day_count": "30/360",
            "installment_multiple": Decimal("0.01"),
            "disbursed": Decimal("20000.00"),
            "outstanding_principal": Decimal("20000.00"),
        }
        for n in range(loans)
    ]
    ids = session.scalars(insert(Loan).returning(Loan.id, sort_by_parameter_order=True), rows).all()
    due = [start + dt.timedelta(days=30), start + dt.timedelta(days=60)]
    session.execute(
        insert(LoanInstallment),
        [
            {
                "loan_id": loan_id,
                "fund_id": fund.id,
                "number": number,
                "due_date": day,
                "principal_due": Decimal("508.44"),
                "interest_due": Decimal("100.00"),
                "balance": Decimal("19491.56"),
            }
            for loan_id in ids
            for number, day in enumerate(due, start=1)
        ],
    )
    session.execute(
        insert(Mandate),
        [
            {
                "loan_id": loan_id,
                "fund_id": fund.id,
                "mandate_id": f"MND-{n:05d}",
                "signed_on": start,
                "iban": "NL02ABNA0123456789",
                "status": "active",
                "first_collected_on": None if n % 3 == 0 else start,
            }
            for n, loan_id in enumerate(ids)
        ],
    )
    return fund.id


def run(loans: int, repeat: int, limit: float) -> float:
    url = fresh_database(sqlite_url("bank-batches"))
    assert url is not None
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        fund_id = build(session, loans)
    timings, cpu, made, xml = [], [], 0, b""
    for _ in range(repeat):
        with Session(engine) as session:
            fund = session.get(Fund, fund_id)
            started, cpu_started = time.perf_counter(), time.process_time()
            batch = batches.create_direct_debit_batch(session, ACTOR, fund, TODAY)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            made, xml = batch.transactions, batches.payment_file(session, batch).xml
            session.rollback()
    document = etree.fromstring(xml)
    bare = min(_timed(lambda: etree.tostring(document, xml_declaration=True, encoding="UTF-8")) for _ in range(5))
    best = min(timings)
    verdict = "  OVER BUDGET" if best >= limit else ""
    note("6", f"direct-debit batch of {made:,} installments", best, limit, f"lxml serialising it bare {bare:.3f} s")
    print(f"direct-debit batch from the database (SQLite): {made:,} installments of {loans:,} loans")
    print(
        f"  create_direct_debit_batch (query, build, XSD, store): {best:8.3f} s"
        f" (CPU {min(cpu):.3f} s; budget {limit:g} s){verdict}"
    )
    print(f"  lxml serialising the same file bare:                   {bare:8.3f} s")
    engine.dispose()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loans", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    once = run(args.loans, args.repeat, LIMIT_SECONDS)
    over = once >= LIMIT_SECONDS
    if args.scale > 1:
        scaled = run(args.loans * args.scale, args.repeat, LIMIT_SECONDS * args.scale)
        over = over or scaled >= LIMIT_SECONDS * args.scale
        ratio = scaled / once
        verdict = "  NON-LINEAR" if ratio > args.scale + 2 else ""
        note(
            "6",
            f"direct-debit batch: growth at {args.scale}x the size",
            ratio,
            args.scale + 2,
            f"linear: ~{args.scale}x",
            "x",
        )
        print(f"  {args.scale}x the loans took {ratio:.1f}x the time (linear: ~{args.scale}){verdict}")
    if over:
        sys.exit(1)


def _timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
