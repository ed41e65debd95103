"""How fast is the KPI upload on a large file, next to python-calamine merely reading it?

    python benchmarks/bench_kpi_import.py [--rows N] [--repeat R]

Makes an investee with an impact plan of 10 indicators, downloads its template and fills it in the way an
investee would (openpyxl): N participant rows with 0 to 6 outcome events each. Then, in a fresh process per
database (so that its peak memory is the import's own), prints:
  - the import through the service the upload page and the API call (read, validate, store, commit; best of
    two uploads, the second a new version of the same report);
  - the reference: python-calamine's bare read of the same workbook, every sheet to values (best of R);
  - the read and validation alone (check_upload + parse_submission);
  - the import's peak memory: the process's peak RSS growth, and Python's peak (tracemalloc, a second upload).
Budget (issue #15): the import within 4x the reference, its peak memory under 150 MB. PostgreSQL is measured too
when FUNDAPP_BENCH_POSTGRES_URL (default: fundapp_bench on 127.0.0.1) is reachable.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_POSTGRES_URL, fresh_database, note, sqlite_url

INDICATOR_COUNT = 10
BENEFITS = ("bijstand", "ww", "Wajong", "none", None)
SECRET_KEY = "bench-secret-key-0123456789-0123456789"
TIMES_BUDGET = 4
MEMORY_BUDGET_MB = 150


def _app(url: str):  # type: ignore[no-untyped-def]
    from fundapp import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})


def prepare(url: str, rows: int) -> tuple[int, bytes]:
    """An investee with a plan in a fresh database, and its filled template: (investee id, workbook)."""
    from sqlalchemy import select

    from fundapp.audit import Actor
    from fundapp.db import session_scope
    from fundapp.funds.models import Fund
    from fundapp.impact import plans
    from fundapp.impact import submissions as subs
    from fundapp.impact.models import Indicator
    from fundapp.impact.periods import Frequency
    from fundapp.impact.spreadsheets import build_template
    from fundapp.impact.spreadsheets.filling import fill_template
    from fundapp.investees.models import Investee, LegalForm

    app = _app(url)
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
            ctx = subs.template_context(session, session.get(Investee, investee_id), "2026-Q1", SECRET_KEY)
    codes = [code for code, _label in ctx.outcome_codes]
    people = []
    for number in range(1, rows + 1):
        start = date(2025, 1, 1) + timedelta(days=number % 360)
        row: list[object] = [f"D-{number:06d}", start, BENEFITS[number % len(BENEFITS)], number % 48, 32]
        for pair in range(number % 7):
            row += [codes[(number + pair) % len(codes)], date(2026, 1, 1) + timedelta(days=(number + pair) % 30)]
        people.append(row)
    return investee_id, fill_template(build_template(ctx), {i.code: 5 for i in ctx.indicators}, {}, people)


def measure(url: str, investee_id: int, path: str, rows: int, repeat: int) -> dict[str, float]:
    """Run in a process of its own: the import's figures, the reference's, and the import's peak memory."""
    from python_calamine import CalamineWorkbook

    from fundapp.audit import Actor
    from fundapp.db import session_scope
    from fundapp.impact import spreadsheets as sheets
    from fundapp.impact import submissions as subs
    from fundapp.investees.models import Investee

    data = Path(path).read_bytes()
    app = _app(url)
    actor = Actor.system("bench")

    def upload() -> None:
        with app.app_context(), session_scope(app) as session:
            investee = session.get(Investee, investee_id)
            submission = subs.upload(
                session, actor, investee, "2026-Q1", data, "bench.xlsx", SECRET_KEY, sheets.Limits()
            )
            assert submission.participant_count == rows, "the benchmark file must be valid"

    def bare_read() -> None:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python()

    def parse_only() -> None:
        with app.app_context(), session_scope(app) as session:
            ctx = subs.template_context(session, session.get(Investee, investee_id), "2026-Q1", SECRET_KEY)
        sheets.parse_submission(sheets.check_upload(data), ctx)

    rss_before = _reset_peak_rss()
    first = _timed(upload)  # cold: the service's first statements are compiled here, as on a server's first upload
    figures = {"rss_mb": (_peak_rss_kb() - rss_before) / 1024}
    figures["import"], figures["import_cpu"] = min(first, _timed(upload))  # each upload a new version of the report
    figures["reference"], figures["reference_cpu"] = min(_timed(bare_read) for _ in range(repeat))
    figures["parse"], figures["parse_cpu"] = min(_timed(parse_only) for _ in range(repeat))
    tracemalloc.start()
    upload()  # a second version of the same report: the same work
    figures["python_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return figures


def _reset_peak_rss() -> int:
    """The process's resident size now (kB), with its peak reset to it (Linux) so that the peak is the import's own:
    the app's start-up reads more than the import does."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_kb("VmRSS")


def _peak_rss_kb() -> int:
    return _status_kb("VmHWM")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def _timed(function) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def report(database: str, rows: int, f: dict[str, float]) -> bool:
    """Print the figures beside their reference and budget; True when within budget."""
    budget = TIMES_BUDGET * f["reference"]
    over = f["import"] > budget
    memory_over = max(f["rss_mb"], f["python_mb"]) > MEMORY_BUDGET_MB
    print(f"{database}:")
    reference = f"python-calamine's bare read {f['reference']:.2f} s; CPU {f['import_cpu'] / f['reference_cpu']:.1f}x"
    note(
        "2",
        f"KPI import of {rows:,} rows, {database} (x the reference)",
        f["import"] / f["reference"],
        TIMES_BUDGET,
        reference,
        "x",
    )
    memory = max(f["rss_mb"], f["python_mb"])
    note("2", f"KPI import's peak memory, {database}", memory, MEMORY_BUDGET_MB, "RSS growth and Python's peak", "MB")
    print(
        f"  KPI import of {rows:,} participant rows (read, validate, store): {f['import']:6.2f} s "
        f"(CPU {f['import_cpu']:.2f} s; budget {budget:.2f} s = {TIMES_BUDGET}x the reference: "
        f"{f['import'] / f['reference']:.1f}x; in CPU time {f['import_cpu'] / f['reference_cpu']:.1f}x)"
        f"{'  OVER BUDGET' if over else ''}"
    )
    print(
        f"  reference: python-calamine's bare read of the same workbook:  {f['reference']:6.2f} s "
        f"(CPU {f['reference_cpu']:.2f} s)"
    )
    print(
        f"  read and validation alone (check_upload + parse_submission):  {f['parse']:6.2f} s (CPU {f['parse_cpu']:.2f} s)"
    )
    print(
        f"  import's peak memory: RSS growth {f['rss_mb']:.0f} MB, Python {f['python_mb']:.0f} MB "
        f"(budget {MEMORY_BUDGET_MB} MB){'  OVER BUDGET' if memory_over else ''}"
    )
    return not (over or memory_over)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="participant rows (default 50,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the reference and the parse; the best counts")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "INVESTEE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, investee_id, path = args.measure
        print(json.dumps(measure(url, int(investee_id), path, args.rows, args.repeat)))
        return

    within = True
    for database, url in (("SQLite", sqlite_url("kpi")), ("PostgreSQL", BENCH_POSTGRES_URL)):
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        if fresh_database(url) is None:
            continue
        started = time.perf_counter()
        investee_id, data = prepare(url, args.rows)
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as file:
            file.write(data)
        print(f"generated a filled template: {len(data) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
        try:
            command = [sys.executable, __file__, "--rows", str(args.rows), "--repeat", str(args.repeat)]
            done = subprocess.run(
                [*command, "--measure", url, str(investee_id), file.name],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            os.remove(file.name)
        within = report(database, args.rows, json.loads(done.stdout.strip().splitlines()[-1])) and within
    if not within:
        sys.exit(1)


if __name__ == "__main__":
    main()
