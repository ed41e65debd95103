"""Shared helpers for the spreadsheet tests (no tests here: the name only follows this module's file pattern).

A workbook is built the way an investee builds it: the generated template, opened
in openpyxl, filled in, saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

import pytest

from fundapp.impact.spreadsheets import (
    CellProblem,
    Limits,
    PlannedIndicator,
    SpreadsheetInvalid,
    TemplateContext,
    build_template,
    parse_submission,
)
from fundapp.impact.spreadsheets.filling import fill_workbook, open_workbook, workbook_bytes

SECRET = b"test-secret"

INDICATORS = (
    PlannedIndicator("JOBS", "Banen gecreëerd", "banen", "integer", Decimal("10"), Decimal("25")),
    PlannedIndicator("CO2", "CO2 vermeden", "ton", "decimal", None, Decimal("12.5")),
    PlannedIndicator("WOMEN", "Aandeel vrouwen", "%", "percentage", Decimal("40"), Decimal("50")),
    PlannedIndicator("NETCHANGE", "Verandering wachtlijst", "personen", "integer", None, None, allow_negative=True),
)
OUTCOME_CODES = (
    ("JOB_START", "Begonnen met werk"),
    ("JOB_6M", "Zes maanden aan het werk"),
    ("TRAINING", "Opleiding afgerond"),
)


def make_context(**changes: object) -> TemplateContext:
    ctx = TemplateContext(
        investee_id=42,
        investee_name="Groen Werk BV",
        kvk_number="12345678",
        period="2026-Q1",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        indicators=INDICATORS,
        known_indicator_codes=frozenset({"JOBS", "CO2", "WOMEN", "NETCHANGE", "HOUSING", "JOB_START"}),
        outcome_codes=OUTCOME_CODES,
        secret=SECRET,
    )
    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


CTX = make_context()
CTX_EN = make_context(language="en")
GOOD_VALUES = {"JOBS": 12, "CO2": 3.25, "WOMEN": 45.5, "NETCHANGE": -3}
GOOD_PARTICIPANT = ("D-001", date(2025, 6, 1), "Bijstand (Participatiewet)", 14, 32, "JOB_START", date(2026, 2, 2))

_template_cache: dict[TemplateContext, bytes] = {}


def template_for(ctx: TemplateContext = CTX) -> bytes:
    if ctx not in _template_cache:
        _template_cache[ctx] = build_template(ctx)
    return _template_cache[ctx]


def filled(
    ctx: TemplateContext = CTX,
    values: dict[str, object] | None = None,
    comments: dict[str, object] | None = None,
    participants: Iterable[Sequence[object]] = (GOOD_PARTICIPANT,),
    edit: Callable[..., None] | None = None,
) -> bytes:
    """A filled template; `edit(workbook)` may change anything before it is saved."""
    workbook = fill_workbook(
        open_workbook(template_for(ctx)), GOOD_VALUES if values is None else values, comments or {}, participants
    )
    if edit is not None:
        edit(workbook)
    return workbook_bytes(workbook)


def problems_of(data: bytes, ctx: TemplateContext = CTX, limits: Limits = Limits()) -> list[CellProblem]:
    with pytest.raises(SpreadsheetInvalid) as raised:
        parse_submission(data, ctx, limits)
    return raised.value.problems


def only_problem(data: bytes, ctx: TemplateContext = CTX, limits: Limits = Limits()) -> CellProblem:
    problems = problems_of(data, ctx, limits)
    assert len(problems) == 1, problems
    return problems[0]


def locations(problems: list[CellProblem]) -> list[tuple[str, str]]:
    return [(problem.sheet, problem.cell) for problem in problems]
