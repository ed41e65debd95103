"""The fund report reads KPI values and targets as integers of ten-thousandths (``queries.kpi_rows(units=True)``):
the same numbers as the Decimals the ORM reads, on SQLite (the stored integer) and PostgreSQL (the numeric scaled),
and the same figures as the pandas roll-up of those Decimals. The world is ``test_reports``' (two funds, an investee
without data, a correction); the values are set to the edges a value of four decimals has."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import cycle
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundapp.impact.models import PlanTarget, SubmissionValue
from fundapp.reports import frames, fund_report, queries
from fundapp.reports.periods import covered_labels
from tests.integration.test_reports import TODAY, YEAR, ReportWorld, in_savepoint, module_world

EDGES = (
    Decimal("-12.3456"),
    Decimal("0.0001"),
    Decimal("99999999999999.9999"),  # the largest a Quantity (18, 4) holds
    Decimal("-0.0001"),
    Decimal("0"),
    Decimal("7.5"),
    Decimal("-99999999999999.9999"),
    Decimal("0.0002"),
)


@pytest.fixture(scope="module")
def rw(app: Any) -> Iterator[ReportWorld]:
    yield from module_world(app)


@pytest.fixture()
def rsession(rw: ReportWorld) -> Iterator[Session]:
    yield from in_savepoint(rw)


def _sorted(rows: Any, as_text: Any) -> list[tuple]:
    return sorted((investee, period, indicator, as_text(value)) for investee, period, indicator, value in rows)


def test_values_and_targets_read_in_ten_thousandths_are_the_stored_decimals_and_roll_up_as_pandas_does(
    app, rw, rsession
):
    for row, edge in zip(rsession.scalars(select(SubmissionValue).order_by(SubmissionValue.id)), cycle(EDGES)):
        row.value = edge
    for row, edge in zip(rsession.scalars(select(PlanTarget).order_by(PlanTarget.id)), cycle(reversed(EDGES))):
        row.target = edge
    # Not flushed here: the plain read flushes first, as session.execute does.

    with app.test_request_context("/"):
        for fund in (rw.world.fund_a, rw.world.fund_b):
            ids, labels = queries.fund_investee_ids(fund.id), covered_labels(YEAR)
            units = queries.kpi_rows(rsession, ids, labels, units=True)
            targets = queries.target_rows(rsession, ids, labels, units=True)
            plain = queries.kpi_rows(rsession, ids, labels)
            plain_targets = queries.target_rows(rsession, ids, labels)
            report = fund_report.build(rsession, fund, YEAR, "nl", TODAY)

            assert units and targets
            assert all(type(row[3]) is int for row in [*units, *targets])
            assert _sorted(units, lambda u: str(Decimal(u).scaleb(-4))) == _sorted(plain, str)
            assert _sorted(targets, lambda u: str(Decimal(u).scaleb(-4))) == _sorted(plain_targets, str)
            extra = {i.id: {"municipality": i.municipality} for i in report.investees}
            frame = frames.values_frame(plain, extra)
            rules = {line.indicator_id: line.rule for line in report.impact}
            assert {k: str(v) for k, v in report.by_investee.items()} == {
                k: str(v) for k, v in frames.per_investee(frame, rules).items()
            }
            assert {k: str(v) for k, v in report.by_period.items()} == {
                k: str(v) for k, v in frames.per_period(frame, rules).items()
            }
            assert {line.indicator_id: (str(line.value), line.investees) for line in report.impact} == {
                i: (str(v), n) for i, (v, n) in frames.totals(frame, rules).items()
            } | dict.fromkeys(set(rules) - set(frames.totals(frame, rules)), ("0.00", 0))
            assert {line.indicator_id: str(line.target) for line in report.impact if line.target is not None} == {
                i: str(v) for i, (v, _n) in frames.totals(frames.values_frame(plain_targets, extra), rules).items()
            }
