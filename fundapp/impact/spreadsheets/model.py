"""The data the KPI spreadsheet module takes and gives: plain frozen dataclasses.

Numbers are ``Decimal`` everywhere: a float never leaves this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .parse import CheckedUpload

TEMPLATE_VERSION = "1"

VALUE_TYPES = ("integer", "decimal", "percentage")

# (code, Dutch label). The codes are what the app stores; the labels are what
# the investee picks from the dropdown. Both are accepted on upload.
DEFAULT_BENEFIT_TYPES: tuple[tuple[str, str], ...] = (
    ("bijstand", "Bijstand (Participatiewet)"),
    ("ww", "WW"),
    ("wajong", "Wajong"),
    ("wia", "WIA"),
    ("wao", "WAO"),
    ("ioaw", "IOAW"),
    ("ziektewet", "Ziektewet"),
    ("none", "Geen uitkering"),
    ("other", "Andere uitkering"),
)

MiB = 1024 * 1024
NO_SECRET = b""  # a name, not a literal, inside field(): the catalog extractor reads field()'s strings


@dataclass(frozen=True)
class PlannedIndicator:
    """One indicator of the investee's impact plan for the period."""

    code: str
    name: str
    unit: str
    value_type: str  # "integer" | "decimal" | "percentage"
    baseline: Decimal | None
    target: Decimal | None
    allow_negative: bool = False

    def __post_init__(self) -> None:
        if self.value_type not in VALUE_TYPES:
            raise ValueError(f"value_type must be one of {VALUE_TYPES}, not {self.value_type!r}")


@dataclass(frozen=True)
class TemplateContext:
    """Everything the template and the validator need to know about one report."""

    investee_id: int
    investee_name: str
    kvk_number: str
    period: str  # "2026-Q1", "2026-H1" or "2026"
    period_start: date
    period_end: date
    indicators: tuple[PlannedIndicator, ...]
    known_indicator_codes: frozenset[str]
    outcome_codes: tuple[tuple[str, str], ...]
    benefit_types: tuple[tuple[str, str], ...] = DEFAULT_BENEFIT_TYPES
    language: str = "nl"
    secret: bytes = field(default=NO_SECRET, repr=False)

    def __post_init__(self) -> None:
        if self.language not in ("nl", "en"):
            raise ValueError(f"language must be 'nl' or 'en', not {self.language!r}")
        if self.period_start > self.period_end:
            raise ValueError("period_start is after period_end")


@dataclass(frozen=True)
class Limits:
    """Upper bounds that keep a hostile or accidental upload from exhausting the server."""

    max_bytes: int = 10 * MiB
    max_uncompressed_bytes: int = 200 * MiB
    max_compression_ratio: int = 100
    max_rows: int = 200_000
    max_text_length: int = 500
    # Not "every problem" without end: past this many the list says how many more
    # there are, so that a wholly wrong 200,000-row paste gives a readable answer.
    max_problems: int = 10_000


@dataclass(frozen=True)
class CellProblem:
    """One problem; sheet="" and cell="" for a problem with the whole file."""

    sheet: str
    cell: str
    message: str


class SpreadsheetInvalid(Exception):
    """The upload was refused; ``problems`` lists every problem found, in sheet/row/column order.

    ``checked`` is the file when it passed the whole-file checks, so that its cells may be marked.
    """

    def __init__(self, problems: list[CellProblem], checked: CheckedUpload | None = None):
        self.problems = list(problems)
        self.checked = checked
        summary = "; ".join(f"{p.sheet}!{p.cell}: {p.message}" if p.sheet else p.message for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problem(s): {summary}{more}")


@dataclass(frozen=True)
class KpiValue:
    code: str
    value: Decimal
    comment: str | None
    row: int  # the Excel row number, 1-based


@dataclass(frozen=True)
class ParticipantRow:
    reference: str
    start_date: date
    benefit_type: str | None  # a code of TemplateContext.benefit_types
    months_on_benefit: int | None
    hours_per_week: Decimal | None
    events: tuple[tuple[str, date], ...]  # (outcome code, date) in column order
    row: int  # the Excel row number, 1-based


@dataclass(frozen=True)
class ParsedSubmission:
    investee_id: int
    period: str
    template_version: str
    values: tuple[KpiValue, ...]
    participants: tuple[ParticipantRow, ...]
