"""Loans at scale: schedule previews per second, and the portfolio summary of a fund of 10,000 loans
with 5 years of monthly repayments, on SQLite and on PostgreSQL.

    python benchmarks/bench_loans.py [--loans 10000] [--no-postgres]

The loans are replayed by the real servicing engine (a few dozen distinct
repayment profiles: on time, late, partial, prepaid, written off) and stored with
the same rows the services write; then portfolio() is timed as of a date, and
its query count is compared with a fund of 100 loans.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, insert, select, text

from benchmarks._common import BENCH_POSTGRES_URL, counted_queries, fresh_database, sqlite_url
from fundapp.bulk import insert_rows
from fundapp.db import make_engine, utcnow
from fundapp.loans import engine as loan_engine
from fundapp.loans import servicing
from fundapp.loans.models import EventKind, Loan, LoanAllocation, LoanEvent, LoanInstallment, LoanStatus
from fundapp.loans.portfolio import portfolio
from fundapp.loans.schedule import LoanTerms, build_schedule

START = date(2020, 1, 10)
AS_OF = date(2024, 12, 31)


def previews_per_second(seconds: float = 2.0) -> float:
    terms = LoanTerms(Decimal("25000.00"), Decimal("5.5"), START, 60)
    count, begin = 0, time.perf_counter()
    while time.perf_counter() - begin < seconds:
        build_schedule(terms)
        count += 1
    return count / (time.perf_counter() - begin)


def api_previews_per_second(seconds: float = 2.0) -> float:
    """The same through the HTTP endpoint (test client, with a token): validation and JSON included."""
    from fundapp import create_app
    from fundapp.audit import Actor
    from fundapp.auth.models import Role
    from fundapp.auth.passwords import use_fast_hashing_for_tests
    from fundapp.auth.services import create_user, issue_token
    from fundapp.db import session_scope

    use_fast_hashing_for_tests()
    url = fresh_database(sqlite_url("preview"))
    app = create_app({"DATABASE_URL": url})
    with app.app_context(), session_scope(app) as session:
        user = create_user(session, Actor.system(), "bench@example.org", "a-long-secret-phrase-1", Role.ADMIN)
        _row, token = issue_token(session, user)
    client = app.test_client()
    body = {
        "principal": "25000.00",
        "annual_interest_rate": "5.5",
        "disbursement_date": "2020-01-10",
        "number_of_installments": 60,
        "frequency": "monthly",
        "amortization": "annuity",
    }
    headers = {"Authorization": f"Bearer {token}"}
    count, begin = 0, time.perf_counter()
    while time.perf_counter() - begin < seconds:
        assert client.post("/api/v1/loans/schedule-preview", json=body, headers=headers).status_code == 200
        count += 1
    return count / (time.perf_counter() - begin)


def _profile(rng: random.Random, principal: Decimal) -> tuple[LoanTerms, list[servicing.Event], str]:
    terms = LoanTerms(principal, Decimal(rng.choice(["3", "4.5", "6", "8"])), START, 60)
    plan = build_schedule(terms).installments
    events: list[servicing.Event] = [servicing.Disbursement(START, principal)]
    kind = rng.choice(["on_time"] * 12 + ["late"] * 3 + ["partial"] * 2 + ["prepaid"] * 2 + ["stopped", "written_off"])
    stop = rng.randint(30, 58)
    for inst in plan:
        if inst.due_date > AS_OF:
            break
        if kind == "stopped" and inst.number > stop:
            break
        if kind == "written_off" and inst.number > stop - 10:
            events.append(servicing.WriteOff(date(inst.due_date.year, inst.due_date.month, 20), "insolvent"))
            events.append(servicing.Recovery(AS_OF.replace(month=6, day=1), Decimal("1000.00")))
            break
        day = inst.due_date
        amount = inst.total
        if kind == "late":
            day = date.fromordinal(day.toordinal() + rng.randint(5, 40))
        if kind == "partial" and inst.number % 3 == 0:
            amount = (amount / 2).quantize(Decimal("0.01"))  # the rest comes with the next installment
        if kind == "partial" and inst.number % 3 == 1 and inst.number > 1:
            amount += plan[inst.number - 2].total - (plan[inst.number - 2].total / 2).quantize(Decimal("0.01"))
        if kind == "prepaid" and inst.number == 12:
            amount += Decimal("2000.00")
        events.append(servicing.Payment(day, amount, f"bank-{inst.number}"))
    return terms, events, kind


def build_fund(url: str, loans: int, profiles: int = 40, seed: int = 7) -> int:
    """Store `loans` loans of one fund; returns the fund id."""
    rng = random.Random(seed)
    db_engine = make_engine(url)
    from sqlalchemy.orm import Session

    with Session(db_engine) as session, session.begin():
        fund_id, investee_id = _fund_and_investee(session)
        shapes = [_profile(rng, Decimal(rng.choice(["15000.00", "25000.00", "50000.00"]))) for _ in range(profiles)]
        replayed = [(terms, events, kind, servicing.replay(terms, events)) for terms, events, kind in shapes]
        for start in range(0, loans, 1000):
            batch = range(start, min(loans, start + 1000))
            _store_batch(session, fund_id, investee_id, [(n, replayed[n % profiles]) for n in batch])
    db_engine.dispose()
    return fund_id


def _fund_and_investee(session: Any) -> tuple[int, int]:
    from fundapp.funds.models import Fund
    from fundapp.investees.models import Investee, LegalForm

    fund = Fund(name=f"Bench Fund {time.time_ns()}", region="Rotterdam", description="", currency="EUR")
    session.add(fund)
    session.flush()
    investee = Investee(
        fund_id=fund.id,
        name="Bench BV",
        kvk_number=f"{time.time_ns() % 10**8:08d}",
        legal_form=LegalForm.BV,
        municipality="Rotterdam",
    )
    session.add(investee)
    session.flush()
    return fund.id, investee.id


def _store_batch(session: Any, fund_id: int, investee_id: int, items: list[tuple[int, Any]]) -> None:
    loan_rows = []
    for n, (terms, _events, _kind, position) in items:
        loan_rows.append(
            {
                "fund_id": fund_id,
                "investee_id": investee_id,
                "reference": f"B{n:06d}",
                "purpose": "",
                "subordinated": False,
                "status": _status(position).value,
                "principal": terms.principal,
                "annual_rate": terms.annual_rate,
                "disbursement_date": START,
                "first_due_date": None,
                "number_of_installments": 60,
                "frequency": "monthly",
                "amortization": "annuity",
                "grace_periods": 0,
                "day_count": "30/360",
                "installment_multiple": Decimal("0.01"),
                "disbursed": position.disbursed,
                "principal_repaid": position.principal_repaid,
                "interest_received": position.interest_received,
                "written_off": position.principal_written_off,
                "recovered": position.recovered,
                "outstanding_principal": position.disbursed
                - position.principal_repaid
                - position.principal_written_off,
                "written_off_on": position.written_off_on,
            }
        )
    ids = session.scalars(insert(Loan).returning(Loan.id), loan_rows).all()
    events, installments, allocations = [], [], []
    for loan_id, (_n, (_terms, engine_events, _kind, position)) in zip(ids, items, strict=True):
        for ev in engine_events:
            events.append(_event_row(loan_id, fund_id, ev))
        installments += [loan_engine._installment_row(loan_id, fund_id, i) for i in position.installments]
    # Ids given here, not read back row by row (RETURNING of a million events costs more than storing them).
    first = (session.scalar(select(func.max(LoanEvent.id))) or 0) + 1
    event_ids = list(range(first, first + len(events)))
    now = utcnow()
    for row, event_id in zip(events, event_ids, strict=True):
        row.update(id=event_id, created_at=now, reversal_reason="")
    _copy(session, LoanEvent, events)
    if events and session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('loan_events', 'id'), :last)"), {"last": event_ids[-1]}
        )
    cursor = 0
    for loan_id, (_n, (_terms, engine_events, _kind, position)) in zip(ids, items, strict=True):
        stored = []
        for ev, event_id in zip(engine_events, event_ids[cursor : cursor + len(engine_events)], strict=True):
            stored.append(_Stored(event_id, ev))
        cursor += len(engine_events)
        payments = sorted(
            (s for s in stored if isinstance(s.ev, servicing.Payment)),
            key=lambda s: (servicing.canonical_key(s.ev), s.id),
        )
        recoveries = [s for s in stored if isinstance(s.ev, servicing.Recovery)]
        allocations += _allocations(loan_id, fund_id, position, payments, recoveries)
    _copy(session, LoanInstallment, installments)
    _copy(session, LoanAllocation, allocations)


def _copy(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """Rows without ids to read back go in through fundapp/bulk.py (COPY on PostgreSQL)."""
    if rows:
        columns = list(rows[0])
        insert_rows(session, model.__table__, columns, ([row[name] for name in columns] for row in rows))


class _Stored:
    def __init__(self, event_id: int, ev: Any) -> None:
        self.id, self.ev = event_id, ev


def _allocations(
    loan_id: int, fund_id: int, position: Any, payments: list[_Stored], recoveries: list[_Stored]
) -> list[dict]:
    rows = []
    for outcome, stored in zip(position.payments, payments, strict=True):
        base = {"loan_id": loan_id, "fund_id": fund_id, "event_id": stored.id, "paid_on": outcome.date}
        for a in outcome.allocations:
            rows.append(
                base
                | {
                    "kind": "installment",
                    "installment_number": a.installment_number,
                    "interest": a.interest,
                    "principal": a.principal,
                    "amount": a.interest + a.principal,
                }
            )
        for kind, amount in (
            ("prepayment", outcome.prepayment),
            ("overpayment", outcome.overpayment),
            ("recovery", outcome.recovery),
        ):
            if amount:
                rows.append(
                    base
                    | {
                        "kind": kind,
                        "installment_number": None,
                        "interest": Decimal(0),
                        "principal": amount if kind == "prepayment" else Decimal(0),
                        "amount": amount,
                    }
                )
    for stored in recoveries:
        rows.append(
            {
                "loan_id": loan_id,
                "fund_id": fund_id,
                "event_id": stored.id,
                "paid_on": stored.ev.date,
                "kind": "recovery",
                "installment_number": None,
                "interest": Decimal(0),
                "principal": Decimal(0),
                "amount": stored.ev.amount,
            }
        )
    return rows


def _event_row(loan_id: int, fund_id: int, ev: Any) -> dict[str, Any]:
    kind = {
        servicing.Disbursement: EventKind.DISBURSEMENT,
        servicing.Payment: EventKind.REPAYMENT,
        servicing.WriteOff: EventKind.WRITE_OFF,
        servicing.Recovery: EventKind.RECOVERY,
    }[type(ev)]
    return {
        "loan_id": loan_id,
        "fund_id": fund_id,
        "kind": kind.value,
        "on": ev.date,
        "amount": getattr(ev, "amount", None),
        "reference": getattr(ev, "reference", ""),
        "reason": getattr(ev, "reason", ""),
    }


def _status(position: Any) -> LoanStatus:
    if position.is_written_off:
        return LoanStatus.WRITTEN_OFF
    return LoanStatus.REPAID if position.repaid_in_full else LoanStatus.ACTIVE


def analyze(url: str) -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum would in production."""
    from sqlalchemy import text

    db_engine = make_engine(url)
    with db_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if db_engine.dialect.name == "postgresql" else "ANALYZE"))
    db_engine.dispose()


def measure_portfolio(url: str, fund_id: int, small_fund_id: int) -> tuple[float, int, int, Any]:
    db_engine = make_engine(url)
    from sqlalchemy.orm import Session

    with Session(db_engine) as session:
        portfolio(session, fund_id, AS_OF)  # warm caches
        best = float("inf")
        for _ in range(3):
            begin = time.perf_counter()
            with counted_queries(db_engine) as big:
                result = portfolio(session, fund_id, AS_OF)
            best = min(best, time.perf_counter() - begin)
        with counted_queries(db_engine) as small:
            portfolio(session, small_fund_id, AS_OF)
        loans = session.scalar(select(Loan.id).where(Loan.fund_id == fund_id).limit(1))
        assert loans is not None
    db_engine.dispose()
    return best, len(big), len(small), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"Schedule previews (pure, 60 monthly installments): {previews_per_second():,.0f} per second")
    print(f"Schedule previews (POST /api/v1/loans/schedule-preview): {api_previews_per_second():,.0f} per second")
    targets = [("SQLite", sqlite_url("loans"))]
    if not args.no_postgres:
        targets.append(("PostgreSQL", BENCH_POSTGRES_URL))
    for name, url in targets:
        if fresh_database(url) is None:
            continue
        begin = time.perf_counter()
        fund_id = build_fund(url, args.loans)
        small = build_fund(url, 100, seed=11)
        print(
            f"{name}: stored {args.loans:,} loans with 5 years of monthly repayments in {time.perf_counter() - begin:.1f} s"
        )
        analyze(url)

        seconds, big_queries, small_queries, result = measure_portfolio(url, fund_id, small)
        print(
            f"{name}: portfolio summary as of {AS_OF} for {args.loans:,} loans: {seconds * 1000:.0f} ms "
            f"({big_queries} queries; {small_queries} for a fund of 100 loans)"
        )
        print(
            f"    outstanding {result.outstanding_principal:,}  PAR30 {result.par30}  PAR90 {result.par90}  "
            f"XIRR {result.xirr}"
        )


if __name__ == "__main__":
    main()
