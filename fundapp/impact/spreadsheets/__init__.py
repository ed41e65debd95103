"""fundapp's KPI spreadsheet: the template an investee fills in, and the validator of the upload.

    build_template(ctx) -> bytes                      the .xlsx to download
    parse_submission(data, ctx, limits) -> ParsedSubmission   or SpreadsheetInvalid with every problem
    mark_errors(data, problems, language) -> bytes    the investee's file back, bad cells red and commented
    looks_like_bsn(text) -> bool

Pure: no Flask, no database. The rules are listed in docs/spreadsheet_rules.md.
"""

from .bsn import looks_like_bsn
from .marking import mark_errors
from .model import (
    DEFAULT_BENEFIT_TYPES,
    TEMPLATE_VERSION,
    CellProblem,
    KpiValue,
    Limits,
    ParsedSubmission,
    ParticipantRow,
    PlannedIndicator,
    SpreadsheetInvalid,
    TemplateContext,
)
from .parse import parse_submission, read_period
from .template import build_template

__all__ = [
    "DEFAULT_BENEFIT_TYPES",
    "TEMPLATE_VERSION",
    "CellProblem",
    "KpiValue",
    "Limits",
    "ParsedSubmission",
    "ParticipantRow",
    "PlannedIndicator",
    "SpreadsheetInvalid",
    "TemplateContext",
    "build_template",
    "looks_like_bsn",
    "mark_errors",
    "parse_submission",
    "read_period",
]
