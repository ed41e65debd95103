"""parse_submission: an uploaded workbook in, a complete ParsedSubmission or every problem out.

The path: whole-file checks and the XML scan (container) with the identity sheet read
(check_upload, once per upload: the app reads the period from it before it knows what
to check the rest against), then calamine reads the two data sheets once each
(``to_python``), then the sheets are validated. No openpyxl here: it is ten times
slower on large sheets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from . import layout
from .cells import CellRejected, read_text
from .container import Container, ContainerRefused, inspect_container
from .identity import TemplateIdentity, signature_is_valid
from .messages import quote
from .model import TEMPLATE_VERSION, Limits, ParsedSubmission, SpreadsheetInvalid, TemplateContext
from .participant_sheet import read_participant_rows
from .problems import Problems
from .sheets import Rows, header_is_intact, read_kpi_rows, report_sheet_facts

# calamine raises its own errors for bad XML or zip data, and ValueError/OverflowError
# for values it cannot convert (a date serial far out of range).
READ_ERRORS = (CalamineError, ValueError, OverflowError, TypeError)


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the whole-file checks (check_upload), with its identity sheet's fields read once."""

    data: bytes
    container: Container
    identity_fields: dict[str, str] | None  # None: the workbook has no identity sheet

    @property
    def period(self) -> str | None:
        """The period the workbook says it was made for; not trusted until parse_submission checks the signature."""
        return (self.identity_fields or {}).get("period") or None


def check_upload(data: bytes, limits: Limits = Limits(), language: str = "nl") -> CheckedUpload:
    """The whole-file checks, done once per upload; raise SpreadsheetInvalid if the file as a whole is refused."""
    problems = Problems(language, limits.max_problems)
    try:
        container = inspect_container(data, limits)
    except ContainerRefused as refused:
        for key, values in refused.problems:
            problems.add("", "", key, **values)
        raise SpreadsheetInvalid(problems.sorted([])) from None
    fields = None
    if layout.IDENTITY_SHEET in container.sheet_names:
        try:
            with CalamineWorkbook.from_object(io.BytesIO(data)) as workbook:
                sheet = workbook.get_sheet_by_name(layout.IDENTITY_SHEET)
                fields = _identity_fields(sheet.to_python(skip_empty_area=False, nrows=20))
        except READ_ERRORS:
            problems.add("", "", "corrupt_zip")
            raise SpreadsheetInvalid(problems.sorted([])) from None
    return CheckedUpload(data, container, fields)


def parse_submission(
    upload: bytes | CheckedUpload, ctx: TemplateContext, limits: Limits = Limits()
) -> ParsedSubmission:
    """Read and validate an upload; raise SpreadsheetInvalid listing every problem, or return all of it."""
    checked = upload if isinstance(upload, CheckedUpload) else check_upload(upload, limits, ctx.language)
    problems = Problems(ctx.language, limits.max_problems)
    container = checked.container
    order = container.sheet_names
    identity = _checked_identity(checked.identity_fields, ctx, problems)
    problems.raise_if_any(order, checked)  # another investee's or period's file: its cells mean nothing here
    assert identity is not None
    try:
        workbook = CalamineWorkbook.from_object(io.BytesIO(checked.data))
    except READ_ERRORS:
        problems.add("", "", "corrupt_zip")
        raise SpreadsheetInvalid(problems.sorted(order)) from None
    with workbook:
        kpi_name = _sheet_name(order, "kpi", ctx, problems)
        participants_name = _sheet_name(order, "participants", ctx, problems)
        kpi_rows = _sheet_rows(workbook, kpi_name, limits, problems)
        participant_rows = _sheet_rows(workbook, participants_name, limits, problems)
    values, participants = [], []
    if kpi_name and kpi_rows is not None:
        report_sheet_facts(kpi_name, container.facts[kpi_name], problems)
        if header_is_intact(kpi_rows, kpi_name, layout.KPI_HEADERS, problems):
            values = read_kpi_rows(kpi_rows, kpi_name, container.facts[kpi_name], ctx, limits, problems)
    if participants_name and participant_rows is not None:
        report_sheet_facts(participants_name, container.facts[participants_name], problems)
        if header_is_intact(participant_rows, participants_name, layout.PARTICIPANT_HEADERS, problems):
            participants = read_participant_rows(participant_rows, participants_name, ctx, limits, problems)
    problems.raise_if_any(order, checked)
    return ParsedSubmission(
        investee_id=ctx.investee_id,
        period=ctx.period,
        template_version=identity.template_version,
        values=tuple(values),
        participants=tuple(participants),
    )


def _sheet_name(order: list[str], role: str, ctx: TemplateContext, problems: Problems) -> str | None:
    """The workbook's name for a data sheet (Dutch or English), or None with a 'missing sheet' problem."""
    for name in layout.sheet_names_for(role):
        if name in order:
            return name
    problems.add("", "", "missing_sheet", name=layout.SHEET_NAMES[role][ctx.language])
    return None


def _sheet_rows(workbook: CalamineWorkbook, name: str | None, limits: Limits, problems: Problems) -> Rows | None:
    """All rows of a sheet from row 1 (row index 0 is Excel row 1), or None if it cannot or may not be read."""
    if name is None:
        return None
    try:
        sheet = workbook.get_sheet_by_name(name)
        last_row = _last_row(sheet)
        if last_row - layout.HEADER_ROW > limits.max_rows:
            problems.add(name, "", "too_many_rows", max_rows=limits.max_rows, last_row=last_row)
            return None
        return sheet.to_python(skip_empty_area=False)
    except READ_ERRORS:
        problems.add("", "", "corrupt_zip")
        return None


def _last_row(sheet: CalamineSheet) -> int:
    end = sheet.end
    return end[0] + 1 if end is not None else 0


def _checked_identity(
    fields: dict[str, str] | None, ctx: TemplateContext, problems: Problems
) -> TemplateIdentity | None:
    """The template's identity if it is this investee's and period's, signed by us; else problems."""
    if fields is None:
        problems.add("", "", "identity_missing")
        return None
    identity = TemplateIdentity(
        template_version=fields.get("template_version", ""),
        investee_id=fields.get("investee_id", ""),
        kvk_number=fields.get("kvk_number", ""),
        period=fields.get("period", ""),
    )
    if identity.template_version != TEMPLATE_VERSION:
        # Another version may sign and lay out differently: nothing more can be said.
        problems.add("", "", "version_wrong", found=quote(identity.template_version or "-"), expected=TEMPLATE_VERSION)
        return None
    if not signature_is_valid(identity, fields.get("signature", ""), ctx.secret):
        problems.add("", "", "bad_signature")
    if identity.investee_id != str(ctx.investee_id):
        problems.add("", "", "other_investee")
    if identity.period != ctx.period:
        problems.add("", "", "other_period", found=quote(identity.period), expected=ctx.period)
    return identity


def _identity_fields(rows: Rows) -> dict[str, str]:
    fields: dict[str, str] = {}
    for row in rows:
        if len(row) < 2:
            continue
        try:
            key = read_text(row[0], 100)
            value = read_text(row[1], 200)
        except CellRejected:
            continue
        if key in layout.IDENTITY_KEYS and key not in fields:
            fields[key] = value or ""
    return fields
