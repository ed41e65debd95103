"""fundapp's KPI spreadsheet: the template an investee fills in, and the validator of the upload.

    build_template(ctx) -> bytes                      the .xlsx to download
    template_file_name(ctx) -> str                    its name, in the template's language
    check_upload(data, limits, language) -> CheckedUpload   the whole-file checks, once; .period
    parse_submission(upload, ctx, limits) -> ParsedSubmission   or SpreadsheetInvalid with every problem
    mark_errors(upload, problems, language) -> bytes  the investee's file back, bad cells red and commented

Pure: no Flask, no database. The rules are listed in docs/spreadsheet_rules.md.
"""

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
from .parse import CheckedUpload, check_upload, parse_submission
from .template import build_template, template_file_name

__all__ = [
    "DEFAULT_BENEFIT_TYPES",
    "TEMPLATE_VERSION",
    "CellProblem",
    "CheckedUpload",
    "KpiValue",
    "Limits",
    "ParsedSubmission",
    "ParticipantRow",
    "PlannedIndicator",
    "SpreadsheetInvalid",
    "TemplateContext",
    "build_template",
    "check_upload",
    "mark_errors",
    "parse_submission",
    "template_file_name",
]
