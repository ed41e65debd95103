"""Build the Excel template an investee downloads, fills in and uploads."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fundapp.formats import excel_date_format, unit_words
from fundapp.participants import MAX_LENGTH as REFERENCE_MAX_LENGTH
from fundapp.xlsx import cell_value, fit_columns

from . import layout
from .identity import TemplateIdentity
from .messages import format_date, text
from .model import TEMPLATE_VERSION, PlannedIndicator, TemplateContext

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
SUBTLE_FONT = Font(italic=True, color="595959")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: "fill me in"
PLAIN_FILL = PatternFill("solid", fgColor="FFFFFF")
THIN_BORDER = Border(bottom=Side(style="thin", color="BFBFBF"))
UNLOCKED = Protection(locked=False)
VALUE_NUMBER_FORMATS = {"integer": "#,##0", "decimal": "General", "percentage": "General"}


def template_file_name(ctx: TemplateContext) -> str:
    """The name the download is saved under, in the template's language."""
    return text("file_name", ctx.language, kvk=ctx.kvk_number, period=ctx.period)


def build_template(ctx: TemplateContext) -> bytes:
    """The .xlsx template for one investee and period, as bytes."""
    workbook = Workbook()
    language = ctx.language
    _write_instructions(workbook.active, ctx)
    _write_kpi_sheet(workbook.create_sheet(layout.SHEET_NAMES["kpi"][language]), ctx)
    participants = workbook.create_sheet(layout.SHEET_NAMES["participants"][language])
    lists = workbook.create_sheet(layout.SHEET_NAMES["lists"][language])
    benefit_range, event_range = _write_lists(lists, ctx)
    _write_participants_sheet(participants, ctx, benefit_range, event_range)
    _write_identity(workbook.create_sheet(layout.IDENTITY_SHEET), ctx)
    workbook.properties.creator = "fundapp"
    workbook.properties.title = text("kpi_title", language, period=ctx.period, investee=ctx.investee_name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Instructions -----------------------------------------------------------------


def _write_instructions(sheet: Worksheet, ctx: TemplateContext) -> None:
    language = ctx.language
    sheet.title = layout.SHEET_NAMES["instructions"][language]
    sheet["A1"] = text("instructions_title", language)
    sheet["A1"].font = TITLE_FONT
    facts = [
        (text("investee", language), ctx.investee_name),
        (text("kvk", language), ctx.kvk_number),
        (text("period", language), f"{ctx.period} ({_period_text(ctx)})"),
    ]
    row = 3
    for label, value in facts:
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 2, cell_value(value))
        row += 1
    row += 1
    for key in ("steps", "privacy"):
        cell = sheet.cell(row, 1, text(key, language))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 95 if key == "steps" else 60
        row += 2
    indicator_rows = [
        (i.code, i.name, unit_words(i.unit, language), text(f"type_{i.value_type}", language)) for i in ctx.indicators
    ]
    row = _write_code_table(
        sheet,
        row,
        text("indicators_heading", language),
        ("col_code", "col_name", "col_unit", "col_type"),
        indicator_rows,
        language,
    )
    row = _write_code_table(
        sheet, row, text("events_heading", language), ("col_code", "col_name"), list(ctx.outcome_codes), language
    )
    _write_code_table(
        sheet, row, text("benefits_heading", language), ("col_code", "col_name"), list(ctx.benefit_types), language
    )
    for column, width in zip("ABCD", (24, 60, 16, 20), strict=True):
        sheet.column_dimensions[column].width = width
    fit_columns(sheet, 3)
    sheet.protection.sheet = True


def _write_code_table(
    sheet: Worksheet,
    row: int,
    heading: str,
    column_keys: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    language: str,
) -> int:
    """A heading, a header row and the rows; returns the next free row (after a blank one)."""
    sheet.cell(row, 1, heading).font = Font(bold=True, size=12)
    row += 1
    for column, key in enumerate(column_keys, start=1):
        _style_header(sheet.cell(row, column, text(key, language)))
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, cell_value(value))
    return row + 2


def _period_text(ctx: TemplateContext) -> str:
    joiner = " t/m " if ctx.language == "nl" else " to "
    return format_date(ctx.period_start, ctx.language) + joiner + format_date(ctx.period_end, ctx.language)


def _style_header(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)


def _write_title_block(sheet: Worksheet, title: str, ctx: TemplateContext, hint: str) -> None:
    sheet.cell(layout.TITLE_ROW, 1, title).font = TITLE_FONT
    sheet.cell(
        layout.SUBTITLE_ROW,
        1,
        text(
            "period_line",
            ctx.language,
            start=format_date(ctx.period_start, ctx.language),
            end=format_date(ctx.period_end, ctx.language),
            kvk=ctx.kvk_number,
        ),
    )
    sheet.cell(layout.HINT_ROW, 1, hint).font = SUBTLE_FONT


def _write_header(sheet: Worksheet, headers: tuple[str, ...]) -> None:
    for column, header in enumerate(headers, start=1):
        _style_header(sheet.cell(layout.HEADER_ROW, column, header))
    sheet.row_dimensions[layout.HEADER_ROW].height = 32


# --- KPI --------------------------------------------------------------------------


def _write_kpi_sheet(sheet: Worksheet, ctx: TemplateContext) -> None:
    language = ctx.language
    _write_title_block(
        sheet,
        text("kpi_title", language, period=ctx.period, investee=ctx.investee_name),
        ctx,
        text("kpi_hint", language),
    )
    _write_header(sheet, layout.KPI_HEADERS[language])
    validations: dict[tuple[str, bool], DataValidation] = {}
    for offset, indicator in enumerate(ctx.indicators):
        row = layout.FIRST_DATA_ROW + offset
        for column, value in (
            (layout.KPI_CODE, indicator.code),
            (layout.KPI_NAME, indicator.name),
            (layout.KPI_UNIT, unit_words(indicator.unit, language)),
            (layout.KPI_BASELINE, indicator.baseline),
            (layout.KPI_TARGET, indicator.target),
        ):
            cell = sheet.cell(row, column + 1, cell_value(value))
            cell.border = THIN_BORDER
        value_cell = sheet.cell(row, layout.KPI_VALUE + 1)
        value_cell.number_format = VALUE_NUMBER_FORMATS[indicator.value_type]
        comment_cell = sheet.cell(row, layout.KPI_COMMENT + 1)
        comment_cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in (value_cell, comment_cell):
            cell.fill = INPUT_FILL
            cell.protection = UNLOCKED
            cell.border = THIN_BORDER
        key = (indicator.value_type, indicator.allow_negative and indicator.value_type != "percentage")
        if key not in validations:
            validations[key] = _value_validation(indicator, language)
        validations[key].add(value_cell.coordinate)
    for validation in validations.values():
        sheet.add_data_validation(validation)
    for letter, width in zip("ABCDEFG", (14, 44, 14, 12, 12, 14, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    fit_columns(sheet, layout.HEADER_ROW)
    sheet.freeze_panes = f"A{layout.FIRST_DATA_ROW}"
    # Protection guides the investee to the yellow cells; it is not security (no password).
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _value_validation(indicator: PlannedIndicator, language: str) -> DataValidation:
    """Excel's own check of a value cell, so that most mistakes never reach the upload."""
    sign = "" if indicator.allow_negative else text("dv_not_negative", language)
    if indicator.value_type == "percentage":
        validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        prompt = text("dv_percentage", language)
    else:
        lowest = -layout.MAX_ABS_VALUE if indicator.allow_negative else 0
        validation = DataValidation(
            type="whole" if indicator.value_type == "integer" else "decimal",
            operator="between",
            formula1=str(lowest),
            formula2=str(layout.MAX_ABS_VALUE),
        )
        prompt = text(f"dv_{indicator.value_type}", language, sign=sign)
    return _with_messages(validation, text("dv_title_value", language), prompt, language)


def _with_messages(validation: DataValidation, title: str, prompt: str, language: str) -> DataValidation:
    validation.allow_blank = True
    validation.showInputMessage = True
    validation.showErrorMessage = True
    validation.errorStyle = "stop"
    validation.promptTitle = title[:32]  # Excel's limits: 32 characters for titles,
    validation.prompt = prompt[:255]  # 255 for the messages
    validation.errorTitle = text("dv_title_invalid", language)[:32]
    validation.error = prompt[:255]
    return validation


# --- Participants -----------------------------------------------------------------


def _write_participants_sheet(
    sheet: Worksheet, ctx: TemplateContext, benefit_range: str | None, event_range: str | None
) -> None:
    language = ctx.language
    _write_title_block(
        sheet,
        text("participants_title", language, period=ctx.period, investee=ctx.investee_name),
        ctx,
        text("participants_hint", language),
    )
    _write_header(sheet, layout.PARTICIPANT_HEADERS[language])
    first, last = layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + layout.TEMPLATE_PARTICIPANT_ROWS - 1
    date_columns = {layout.P_START_DATE} | {layout.P_FIRST_EVENT + 2 * k + 1 for k in range(layout.EVENT_PAIRS)}
    widths = [16, 13, 24, 12, 10] + [14, 13] * layout.EVENT_PAIRS
    # Column styles, not cell styles: every row is yellow and date-formatted, also the
    # rows an investee pastes beyond the validated block, and the file stays small.
    for column, width in enumerate(widths):
        dimension = sheet.column_dimensions[get_column_letter(column + 1)]
        dimension.width = width
        dimension.fill = INPUT_FILL
        if column in date_columns:
            dimension.number_format = excel_date_format(language)
    fit_columns(sheet, layout.HEADER_ROW)
    for row in range(layout.TITLE_ROW, layout.HEADER_ROW):  # the title block keeps a plain background
        for column in range(1, layout.P_WIDTH + 1):
            sheet.cell(row, column).fill = PLAIN_FILL
    for validation in _participant_validations(ctx, benefit_range, event_range, first, last):
        sheet.add_data_validation(validation)
    # Not protected: investees paste and sort many rows here, which protection would block.
    sheet.freeze_panes = f"B{layout.FIRST_DATA_ROW}"


def _column_range(column: int, first: int, last: int) -> str:
    letter = get_column_letter(column + 1)
    return f"{letter}{first}:{letter}{last}"


def _date_validation(earliest: date, latest: date) -> DataValidation:
    return DataValidation(
        type="date", operator="between", formula1=str(int(to_excel(earliest))), formula2=str(int(to_excel(latest)))
    )


def _pair_title(first_pair_header: str) -> str:
    """ "Gebeurtenis datum" from "Gebeurtenis 1 datum": one validation serves all six pairs."""
    return first_pair_header.replace(" 1 ", " ")


def _participant_validations(
    ctx: TemplateContext, benefit_range: str | None, event_range: str | None, first: int, last: int
) -> list[DataValidation]:
    language = ctx.language
    start, end = format_date(ctx.period_start, language), format_date(ctx.period_end, language)
    headers = layout.PARTICIPANT_HEADERS[language]

    def titled(validation: DataValidation, column: int, prompt: str) -> DataValidation:
        validation.add(_column_range(column, first, last))
        return _with_messages(validation, headers[column], prompt, language)

    validations = [
        titled(
            DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(REFERENCE_MAX_LENGTH)),
            layout.P_REFERENCE,
            text("dv_reference", language),
        ),
        titled(
            _date_validation(layout.EARLIEST_DATE, ctx.period_end),
            layout.P_START_DATE,
            text("dv_start_date", language, end=end),
        ),
        titled(
            DataValidation(type="whole", operator="between", formula1="0", formula2=str(layout.MAX_MONTHS_ON_BENEFIT)),
            layout.P_MONTHS,
            text("dv_months", language),
        ),
        titled(
            DataValidation(type="decimal", operator="between", formula1="0", formula2=str(layout.MAX_HOURS_PER_WEEK)),
            layout.P_HOURS,
            text("dv_hours", language),
        ),
    ]
    if benefit_range:
        validations.append(
            titled(DataValidation(type="list", formula1=benefit_range), layout.P_BENEFIT, text("dv_benefit", language))
        )
    event_dates = _date_validation(ctx.period_start, ctx.period_end)
    _with_messages(
        event_dates,
        _pair_title(headers[layout.P_FIRST_EVENT + 1]),
        text("dv_event_date", language, start=start, end=end),
        language,
    )
    event_codes = DataValidation(type="list", formula1=event_range) if event_range else None
    if event_codes is not None:
        _with_messages(
            event_codes, _pair_title(headers[layout.P_FIRST_EVENT]), text("dv_event_code", language), language
        )
    for pair in range(layout.EVENT_PAIRS):
        code_column = layout.P_FIRST_EVENT + 2 * pair
        event_dates.add(_column_range(code_column + 1, first, last))
        if event_codes is not None:
            event_codes.add(_column_range(code_column, first, last))
    validations.append(event_dates)
    if event_codes is not None:
        validations.append(event_codes)
    return validations


# --- Lists and identity -----------------------------------------------------------


def _write_lists(sheet: Worksheet, ctx: TemplateContext) -> tuple[str | None, str | None]:
    """The dropdown sources on a hidden sheet; returns the two ranges (None for an empty list)."""
    language = ctx.language
    headers = ("lists_benefits", "lists_benefit_codes", None, "lists_events", "lists_event_labels")
    for column, key in enumerate(headers, start=1):
        if key:
            sheet.cell(1, column, text(key, language)).font = Font(bold=True)
    for row, (code, label) in enumerate(ctx.benefit_types, start=2):
        sheet.cell(row, 1, cell_value(label))
        sheet.cell(row, 2, cell_value(code))
    for row, (code, label) in enumerate(ctx.outcome_codes, start=2):
        sheet.cell(row, 4, cell_value(code))
        sheet.cell(row, 5, cell_value(label))
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    quoted = f"'{sheet.title}'"
    benefit_range = f"{quoted}!$A$2:$A${len(ctx.benefit_types) + 1}" if ctx.benefit_types else None
    event_range = f"{quoted}!$D$2:$D${len(ctx.outcome_codes) + 1}" if ctx.outcome_codes else None
    return benefit_range, event_range


def _write_identity(sheet: Worksheet, ctx: TemplateContext) -> None:
    identity = TemplateIdentity(TEMPLATE_VERSION, str(ctx.investee_id), ctx.kvk_number, ctx.period)
    for row, (key, value) in enumerate(identity.as_rows(ctx.secret), start=1):
        sheet.cell(row, 1, key)
        sheet.cell(row, 2, value).number_format = "@"  # text: an id must not turn into a number
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
