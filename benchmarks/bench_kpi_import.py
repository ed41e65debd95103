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
    if parse_seconds >= pandas_seconds:
        print("FAIL: parse_submission is not faster than the pandas read")
        sys.exit(1)


if __name__ == "__main__":
    main()
