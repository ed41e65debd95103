"""The budget lines of the benchmarks: the verdict follows the figure and the direction of the budget, and each
line is noted for the summary ``make bench`` prints at the end."""

from __future__ import annotations

import json

from benchmarks._common import SUMMARY_ENV, budget


def test_a_time_under_its_budget_is_within_and_a_rate_under_its_floor_is_over(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "budgets.jsonl"
    monkeypatch.setenv(SUMMARY_ENV, str(summary))
    assert budget("1", "claim", 1.5, 2, "reference: loop 0.7 s") is True
    assert budget("1", "claim", 2.0, 2, "reference: loop 0.7 s") is False
    assert budget("4", "throughput", 150, 160, "client 20 %", unit="requests/s", at_least=True) is False
    assert budget("4", "throughput", 160, 160, "client 20 %", unit="requests/s", at_least=True) is True
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith("within budget") and printed[1].endswith("OVER BUDGET")
    assert "(budget >= 160 requests/s; client 20 %)" in printed[2]
    rows = [json.loads(line) for line in summary.read_text().splitlines()]
    assert [row["within"] for row in rows] == [True, False, False, True]
    assert rows[0]["reference"] == "reference: loop 0.7 s" and rows[2]["sign"] == ">="
