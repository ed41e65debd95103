"""Result financing at scale: a contract with 20 rate-card items and 100,000 verified participant results.

    python benchmarks/bench_outcomes.py [--results 100000] [--runs 3]

Prints the time to simulate (the pure engine) and to compute the claim through the service on SQLite and
PostgreSQL (load the verified, unclaimed results, price them, store the claim lines: a result is claimed by its
line), each in wall and CPU seconds beside its budget and its references measured in the same run: a minimal
Decimal loop over the same rules and the rules read line by line (pricing.compute_claim_by_rules).

Each figure is the fastest of R runs (timeit's rule: a slower run measured the machine's other work, not the
code's), and every run is printed. The simulation and its references take turns, so a slow minute of the machine
falls on all three. A claim's runs each compute the whole claim and roll it back, so the next finds the same
results unclaimed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert

from benchmarks._common import BENCH_POSTGRES_URL, fresh_database, note, quiet_server, sqlite_url

ITEMS = 20


def rate_items() -> list[dict]:
    items = []
    for n in range(ITEMS):
        item = {"code": f"I{n:02d}", "name": f"Outcome {n}", "price": Decimal(500 + 250 * n)}
        if n % 4 == 1:
            item["prerequisite"] = f"I{n - 1:02d}"
        if n % 5 == 0:
            item["price_bands"] = [
                {"min_months": 0, "max_months": 11, "price": "800.00"},
                {"min_months": 12, "max_months": 35, "price": "1200.00"},
                {"min_months": 36, "max_months": None, "price": "2000.00"},
            ]
        if n % 7 == 3:
            item["max_units"] = 2000
        items.append(item)
    return items


def results_rows(count: int, seed: int = 3) -> list[tuple[str, str, date, int]]:
    rng = random.Random(seed)
    rows = []
    people = count // 4
    start = date(2026, 1, 1)
    for _n in range(count):
        person = f"P-{rng.randrange(people):06d}"
        rows.append(
            (f"I{rng.randrange(ITEMS):02d}", person, start + timedelta(days=rng.randrange(90)), rng.randrange(60))
        )
    return rows


def bench_terms():
    from fundapp.outcomes import pricing

    return pricing.ContractTerms(
        items=tuple(
            pricing.RateItem(
                code=i["code"],
                name=i["name"],
                price=i["price"],
                price_bands=tuple(
                    pricing.PriceBand(b["min_months"], b["max_months"], Decimal(b["price"]))
                    for b in i.get("price_bands", [])
                ),
                prerequisite=i.get("prerequisite"),
                max_units=i.get("max_units"),
            )
            for i in rate_items()
        ),
        payers=(pricing.Payer("Gemeente", Decimal("70")), pricing.Payer("Provincie", Decimal("30"))),
        participant_cap=Decimal("12000.00"),
        contract_cap=Decimal("400000000.00"),
        deadweight_percent=Decimal("10"),
    )


def minimal_loop(terms, results) -> Decimal:
    """The reference: the same rules in a plain Decimal loop (band, deadweight, duplicates, prerequisites,
    participant and unit caps, split by share), without the engine's line records or validation."""
    from fundapp.money import floor_cent, round_cent

    items = {item.code: item for item in terms.items}
    shares = [payer.share_percent / 100 for payer in terms.payers]
    counted: dict[tuple, date] = {}
    paid: dict[str, Decimal] = {}
    units: dict[str, int] = {}
    total = Decimal(0)
    for r in sorted(results, key=lambda r: (r.achieved_on, r.participant, r.item)):
        item = items[r.item]
        need = item.prerequisite
        if (r.participant, r.item) in counted or (need and (r.participant, need) not in counted):
            continue
        counted[(r.participant, r.item)] = r.achieved_on
        price = next((b.price for b in item.price_bands if b.covers(r.months_on_benefit)), item.price)
        gross = round_cent(price)
        amount = gross - round_cent(gross * terms.deadweight_percent / 100)
        amount = min(amount, max(Decimal(0), floor_cent(terms.participant_cap - paid.get(r.participant, 0))))
        if item.max_units is not None and units.get(r.item, 0) >= item.max_units:
            amount = Decimal(0)
        units[r.item] = units.get(r.item, 0) + 1
        parts = [floor_cent(amount * share) for share in shares]
        paid[r.participant] = paid.get(r.participant, 0) + amount
        total += sum(parts)
    return total


def timed_run(run, *args) -> tuple[float, float, object]:
    """Wall and CPU seconds of one call (CPU time stays meaningful on a machine busy with other work)."""
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = run(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, outcome


def show(label: str, wall: float, cpu: float, budget: float, references: str) -> None:
    over = "  OVER BUDGET" if wall > budget else ""
    note("1", label, wall, budget, f"CPU {cpu:.2f} s; {references}")
    print(f"{label}: {wall:.2f} s (CPU {cpu:.2f} s)  (budget {budget:.2f} s; reference: {references}){over}")


def each(runs: list[tuple[float, float]]) -> str:
    return ", ".join(f"{wall:.2f}" for wall, _cpu in runs) + " s"


def bench_simulate(rows: list, runs: int) -> str:
    """Prints the simulation beside its references; returns the references' text for the claims' figures."""
    from fundapp.outcomes import pricing

    terms = bench_terms()
    results = [
        pricing.Result(item=code, participant=p, achieved_on=d, months_on_benefit=m, key=str(k))
        for k, (code, p, d, m) in enumerate(rows)
    ]
    contenders = [
        ("minimal loop", minimal_loop),
        ("rules line by line", pricing.compute_claim_by_rules),
        ("simulate", pricing.simulate),
    ]
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name, _run in contenders}
    for _round in range(runs):
        for name, run in contenders:
            wall, cpu, _claim = timed_run(run, terms, results)
            figures[name].append((wall, cpu))
    for name, _run in contenders:
        print(f"  {name}, each run: {each(figures[name])}")
    references = ", ".join(
        "{} {:.2f} s (CPU {:.2f} s)".format(name, *min(figures[name])) for name, _run in contenders[:2]
    )
    show(f"simulate {len(results):,} results", *min(figures["simulate"]), 0.5, references)
    return references


def bench_claim(rows: list, url: str | None, references: str, runs: int) -> float | None:
    from fundapp import create_app
    from fundapp.audit import Actor
    from fundapp.auth.policy import Scope
    from fundapp.db import session_scope
    from fundapp.demo_world import agree_and_start
    from fundapp.funds.models import Fund
    from fundapp.investees.models import Investee, LegalForm
    from fundapp.outcomes import claims, contracts
    from fundapp.outcomes.models import OutcomeResult, ResultStatus
    from fundapp.payers.models import OutcomePayer, PayerKind

    if url is None:
        return None
    app = create_app({"DATABASE_URL": url})
    actor = Actor.system("bench")
    with app.app_context():
        with session_scope(app) as session:
            fund = Fund(name="Bench", region="R", description="", currency="EUR")
            payer = OutcomePayer(name="Gemeente Bench", kind=PayerKind.MUNICIPALITY)
            session.add_all([fund, payer])
            session.flush()
            investee = Investee(
                fund_id=fund.id, name="Bench BV", kvk_number="12345678", legal_form=LegalForm.BV, municipality="R"
            )
            session.add(investee)
            session.flush()
            contract = contracts.create_contract(
                session,
                actor,
                Scope(user_id=0, is_admin=True),
                {
                    "name": "Bench",
                    "reference": "B-1",
                    "description": "",
                    "currency": "EUR",
                    "valid_from": date(2026, 1, 1),
                    "valid_until": date(2027, 12, 31),
                    "participant_cap": Decimal("12000.00"),
                    "contract_cap": Decimal("400000000.00"),
                    "deadweight_percent": Decimal("10"),
                    "rate_card_id": None,
                    "payers": [{"payer_id": payer.id, "share_percent": Decimal("100"), "commitment": None}],
                    "providers": [investee.id],
                    "items": rate_items(),
                    "investor_name": "",
                    "investor_capital": None,
                    "investor_max_return_percent": None,
                },
            )
            agree_and_start(session, actor, contract)
            session.execute(
                insert(OutcomeResult),
                [
                    {
                        "contract_id": contract.id,
                        "investee_id": investee.id,
                        "item_code": code,
                        "participant": p,
                        "achieved_on": d,
                        "months_on_benefit": m,
                        "units": 1,
                        "evidence": "bench",
                        "status": ResultStatus.VERIFIED.value,
                        "rejection_reason": "",
                    }
                    for code, p, d, m in rows
                ],
            )
            ids = (contract.id, investee.id)
        if url.startswith("postgresql"):
            # Results come in over months and are read before anyone claims them: the table has been vacuumed and
            # analysed by then. Right after this bulk insert it has not, and autovacuum would start on it during
            # the claim (the first reads would also write every row's hint bits).
            with app.extensions["fundapp.db"].engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE outcome_results"
                )
        from fundapp.outcomes.models import OutcomeContract

        measured: list[tuple[float, float]] = []
        for _run in range(runs):
            quiet_server()
            session = app.extensions["fundapp.db"].new_session()
            try:
                contract = session.get(OutcomeContract, ids[0])
                wall, cpu, claim = timed_run(claims.compute_claim, session, actor, contract, ids[1], "2026-Q1")
                lines = len(claim.lines)
                measured.append((wall, cpu))
                del claim  # its 100,000 lines are not kept alive through the next run
            finally:
                session.rollback()  # the next run finds the same results unclaimed
                session.close()
    where = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print(f"  claim on {where}, each run: {each(measured)}")
    # CPU time is this process's: on PostgreSQL the server's share of the work is in the wall time only.
    wall, cpu = min(measured)
    show(f"claim of {lines:,} results ({where}: load, price, store)", wall, cpu, 2.0, references)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure; the fastest counts")
    args = parser.parse_args()
    rows = results_rows(args.results)
    quiet_server()
    references = bench_simulate(rows, args.runs)
    bench_claim(rows, fresh_database(sqlite_url("outcomes")), references, args.runs)
    bench_claim(rows, fresh_database(BENCH_POSTGRES_URL), references, args.runs)


if __name__ == "__main__":
    main()
