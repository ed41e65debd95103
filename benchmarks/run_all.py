"""``make bench``: run every benchmarks/bench_*.py in turn, then print each budget of issue #15 in one table.

    python benchmarks/run_all.py [bench_name ...]

Each script prints its own figures as it goes; the budget lines (``_common.budget``) are also collected and
printed again at the end: the figure, its budget, the reference measured in the same run, within or over.
Exits non-zero when a script ends so (several exit 1 when a figure is over its budget, or on an error).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._common import SUMMARY_ENV  # noqa: E402


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [script for script in scripts if script.stem in names or script.name in names]
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        summary = Path(scratch) / "budgets.jsonl"
        summary.touch()
        for script in scripts:
            print(f"\n=== {script.name}", flush=True)
            run = subprocess.run([sys.executable, str(script)], env={**os.environ, SUMMARY_ENV: str(summary)})
            if run.returncode:
                failed.append(f"{script.name} (exit {run.returncode}: over a budget, or an error above)")
        rows = [json.loads(line) for line in summary.read_text(encoding="utf-8").splitlines() if line]
    print("\n=== budgets (issue #15), measured in this run")
    for row in sorted(rows, key=lambda r: r["item"]):
        verdict = "ok  " if row["within"] else "OVER"
        print(
            f"{verdict} [{row['item']}] {row['what']}: {row['figure']:,.3g} {row['unit']} "
            f"(budget {row['sign']} {row['limit']:,} {row['unit']}; {row['reference']})"
        )
    over = sum(not row["within"] for row in rows)
    print(f"{len(rows)} budgets, {len(rows) - over} within, {over} over")
    for name in failed:
        print(f"not clean: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
