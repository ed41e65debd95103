"""How fast is the KPI upload validator on a large file?

    python benchmarks/bench_kpi_import.py [--rows N] [--repeat R]

Generates a filled template (N participant rows, 10 indicators) the way an investee
would (openpyxl, into the generated template), then prints:
  - parse_submission: read + validate (the app stores afterwards);
  - pandas.read_excel(engine="openpyxl"), all sheets: merely reading the same file;
  - the parse's peak Python memory (tracemalloc; calamine's own Rust buffers are not
    counted there, so the process's peak RSS growth is printed too).
parse_submission must beat the pandas read.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fundapp.impact.spreadsheets import (
    PlannedIndicator,
    TemplateContext,
    build_template,
    parse_submission,
)
from fundapp.impact.spreadsheets.filling import fill_template

INDICATOR_COUNT = 10
OUTCOME_CODES = tuple((f"EV{n:02d}", f"Event {n}") for n in range(1, 21))
BENEFITS = ("bijstand", "ww", "Wajong", "none", None)


def bench_context() -> TemplateContext:
    kinds = ("integer", "decimal", "percentage")
    indicators = tuple(
        PlannedIndicator(f"IND{n:02d}", f"Indicator {n}", "units", kinds[n % 3], Decimal(n), Decimal(n * 2))
        for n in range(1, INDICATOR_COUNT + 1)
    )
    return TemplateContext(
        investee_id=7,
        investee_name="Bench BV",
        kvk_number="87654321",
        period="2026-Q1",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        indicators=indicators,
        known_indicator_codes=frozenset(i.code for i in indicators),
        outcome_codes=OUTCOME_CODES,
        language="nl",
        secret=b"bench-secret",
    )


def participant_row(number: int) -> list[object]:
    start = date(2025, 1, 1) + timedelta(days=number % 400)
    row: list[object] = [
        f"D-{number:06d}",
        start,
        BENEFITS[number % len(BENEFITS)],
        number % 48,
        Decimal(number % 40) + Decimal("0.5"),
    ]
    for pair in range(number % 7):  # 0..6 events
        event_day = max(start, date(2026, 1, 1)) + timedelta(days=(number + pair) % 30)
        row += [OUTCOME_CODES[(number + pair) % len(OUTCOME_CODES)][0], event_day]
    return row


def filled_workbook(ctx: TemplateContext, rows: int) -> bytes:
    values = {
        i.code: Decimal(n * 3) + (Decimal("0.25") if i.value_type != "integer" else 0)
        for n, i in enumerate(ctx.indicators, start=1)
    }
    return fill_template(
        build_template(ctx), values, {"IND01": "toelichting"}, (participant_row(n) for n in range(1, rows + 1))
    )


def timed(function, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="participant rows (default 50,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of parse_submission; the best counts")
    args = parser.parse_args()

    ctx = bench_context()
    started = time.perf_counter()
    data = filled_workbook(ctx, args.rows)
    print(
        f"generated a filled template: {args.rows:,} participant rows, {INDICATOR_COUNT} indicators, "
        f"{len(data) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parse_seconds, parsed = timed(lambda: parse_submission(data, ctx), args.repeat)
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert len(parsed.participants) == args.rows, "the benchmark file must be valid"  # type: ignore[attr-defined]

    tracemalloc.start()
    parse_submission(data, ctx)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    import pandas  # imported late: its import time is not the reader's

    pandas_seconds, _ = timed(lambda: pandas.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl"), 1)

    print(
        f"parse_submission (read + validate):       {parse_seconds:8.3f} s  "
        f"({args.rows / parse_seconds:,.0f} rows/s, best of {args.repeat})"
    )
    print(f"pandas.read_excel(openpyxl), read only:   {pandas_seconds:8.3f} s")
    print(f"speed-up over the pandas read:            {pandas_seconds / parse_seconds:8.1f} x")
    print(f"parse peak Python memory (tracemalloc):   {peak / 1e6:8.1f} MB")
    print(f"process peak RSS growth during the parse: {rss_growth / 1e3:8.1f} MB")
    import_seconds = full_import(args.rows)
    print(
        f"full import (read + validate + store, SQLite): {import_seconds:8.3f} s  "
        f"({args.rows / import_seconds:,.0f} rows/s)"
    )
    if import_seconds >= pandas_seconds:
        print("FAIL: the import is not faster than the pandas read")
        sys.exit(1)


def full_import(rows: int) -> float:
    """The app's own upload: the investee's template, its plan's indicators, stored in one transaction."""
    import os
    import tempfile

    from sqlalchemy import select

    from fundapp import create_app, migrate
    from fundapp.audit import Actor
    from fundapp.db import session_scope
    from fundapp.funds.models import Fund
    from fundapp.impact import plans
    from fundapp.impact import submissions as subs
    from fundapp.impact.models import Indicator
    from fundapp.impact.periods import Frequency
    from fundapp.impact.spreadsheets import Limits
    from fundapp.investees.models import Investee, LegalForm

    path = os.path.join(tempfile.gettempdir(), "fundapp-bench-kpi.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789-0123456789"})
    actor = Actor.system("bench")
    with app.app_context():
        with session_scope(app) as session:
            fund = Fund(name="Bench", region="R", description="", currency="EUR")
            session.add(fund)
            session.flush()
            investee = Investee(
                fund_id=fund.id, name="Bench BV", kvk_number="87654321", legal_form=LegalForm.BV, municipality="R"
            )
            session.add(investee)
            session.flush()
            plan = plans.save_plan(
                session, actor, investee, {"frequency": Frequency.QUARTERLY, "first_period": "2026-Q1", "due_days": 30}
            )
            for indicator in session.scalars(select(Indicator).order_by(Indicator.code).limit(INDICATOR_COUNT)):
                plans.add_indicator(session, actor, plan, indicator, Decimal("1"))
            investee_id = investee.id
        with session_scope(app) as session:
            investee = session.get(Investee, investee_id)
            ctx = subs.template_context(session, investee, "2026-Q1", app.config["SECRET_KEY"])
        codes = [code for code, _label in ctx.outcome_codes]
        people = []
        for number in range(1, rows + 1):
            start = date(2025, 1, 1) + timedelta(days=number % 360)
            row: list[object] = [f"D-{number:06d}", start, BENEFITS[number % len(BENEFITS)], number % 48, 32]
            for pair in range(number % 7):
                row += [codes[(number + pair) % len(codes)], date(2026, 1, 1) + timedelta(days=(number + pair) % 30)]
            people.append(row)
        data = fill_template(build_template(ctx), {i.code: 5 for i in ctx.indicators}, {}, people)
        started = time.perf_counter()
        with session_scope(app) as session:
            investee = session.get(Investee, investee_id)
            submission = subs.upload(
                session, actor, investee, "2026-Q1", data, "bench.xlsx", app.config["SECRET_KEY"], Limits()
            )
            assert submission.participant_count == rows
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
