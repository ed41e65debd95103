"""The world of the page and load benchmarks: the demo, plus investees up to 1,000 and 10,000 loans in all.

The demo comes first (``load_demo``), so its users, funds, contracts and claims keep their ids (``/loans/1``,
``/claims/1``, ...). The extra investees and loans then go in as bulk rows, spread over the demo's two funds:
each loan is one of bench_loans.py's replayed repayment profiles (on time, late, partial, prepaid, written off),
stored with the rows the services write (events, installments, allocations, the loan's derived totals), so loan
pages and portfolio figures are real. Building it takes seconds, not the minutes of 10,000 service calls.

    python benchmarks/load_world.py [--investees 1000] [--loans 10000] [--url sqlite:///...]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from benchmarks._common import fresh_database, sqlite_url
from benchmarks.bench_loans import _profile, _store_batch, analyze
from fundapp.loans import servicing

SECRET = "load-benchmark-secret-key-0123456789abcdef"
PASSWORD = "fundapp-demo"
FUNDS = (1, 2)
BATCH = 1000


def build_world(url: str, investees: int = 1000, loans: int = 10_000) -> None:
    """Load the demo into the (empty, migrated) database at ``url`` and add the bulk investees and loans."""
    from fundapp import create_app
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.db import session_scope
    from fundapp.demo import load_demo

    use_fast_hashing_for_tests()  # the demo users' hashes only; servers verify them normally
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        with session_scope(app) as session:
            load_demo(session)
        with session_scope(app) as session:
            _add_investees(session, investees)
        with session_scope(app) as session:
            _add_loans(session, loans)
    app.extensions["fundapp.db"].engine.dispose()
    analyze(url)


def _add_investees(session: Session, total: int) -> None:
    from fundapp.investees.models import Investee, InvesteeSdg, LegalForm, investee_themes

    have = session.scalar(select(func.count()).select_from(Investee)) or 0
    rng = random.Random(5)
    rows = [
        {
            "fund_id": FUNDS[n % len(FUNDS)],
            "name": f"Impactbedrijf {n:04d}",
            "kvk_number": f"{80000000 + n:08d}",
            "legal_form": LegalForm.BV,
            "municipality": rng.choice(["Rotterdam", "Schiedam", "Den Haag"]),
        }
        for n in range(max(0, total - have))
    ]
    if not rows:
        return
    ids = session.scalars(insert(Investee).returning(Investee.id, sort_by_parameter_order=True), rows).all()
    session.execute(insert(investee_themes), [{"investee_id": i, "theme_code": "arbeidsparticipatie"} for i in ids])
    session.execute(insert(InvesteeSdg), [{"investee_id": i, "sdg": 8} for i in ids])


def _add_loans(session: Session, total: int) -> None:
    """Loans up to ``total``, in both funds, each on an investee of its fund (round robin)."""
    from fundapp.investees.models import Investee
    from fundapp.loans.models import Loan

    have = session.scalar(select(func.count()).select_from(Loan)) or 0
    rng = random.Random(7)
    shapes = [_profile(rng, Decimal(rng.choice(["15000.00", "25000.00", "50000.00"]))) for _ in range(40)]
    replayed = [(terms, events, kind, servicing.replay(terms, events)) for terms, events, kind in shapes]
    wanted = max(0, total - have)
    for index, fund_id in enumerate(FUNDS):
        count = wanted // len(FUNDS) + (1 if index < wanted % len(FUNDS) else 0)
        owners = session.scalars(select(Investee.id).where(Investee.fund_id == fund_id).order_by(Investee.id)).all()
        first = (session.scalar(select(func.max(Loan.id))) or 0) + 1
        for start in range(0, count, BATCH):
            batch = range(start, min(count, start + BATCH))
            items = [(fund_id * 1_000_000 + n, replayed[n % len(replayed)]) for n in batch]
            _store_batch(session, fund_id, owners[0], items)
        ids = session.scalars(select(Loan.id).where(Loan.id >= first).order_by(Loan.id)).all()
        session.execute(
            update(Loan), [{"id": loan, "investee_id": owners[n % len(owners)]} for n, loan in enumerate(ids)]
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investees", type=int, default=1000)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--url", default=sqlite_url("pages"))
    args = parser.parse_args()
    url = fresh_database(args.url)
    if url is None:
        sys.exit(f"cannot reach {args.url}")
    began = time.perf_counter()
    build_world(url, args.investees, args.loans)
    print(
        f"{args.investees:,} investees with {args.loans:,} loans built at {url} in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
