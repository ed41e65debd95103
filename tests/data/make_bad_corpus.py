"""Generate the bad-input corpus: malformed and invalid KPI uploads, for security and robustness tests.

    python tests/data/make_bad_corpus.py      # (re)writes tests/data/bad/*.xlsx

Every file is an upload for CORPUS_CONTEXT that parse_submission must refuse with
SpreadsheetInvalid. Each file is the valid filled template with one thing wrong, or
not a workbook at all. The output is reproducible (fixed zip timestamps), so that
regenerating does not change committed files needlessly.
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fundapp.impact.spreadsheets import PlannedIndicator, TemplateContext, build_template
from fundapp.impact.spreadsheets.filling import (
    data_sheet,
    fill_workbook,
    open_workbook,
    workbook_bytes,
)

BAD_DIR = Path(__file__).resolve().parent / "bad"

CORPUS_CONTEXT = TemplateContext(
    investee_id=1,
    investee_name="Corpus BV",
    kvk_number="11112222",
    period="2026-Q1",
    period_start=date(2026, 1, 1),
    period_end=date(2026, 3, 31),
    indicators=(
        PlannedIndicator("JOBS", "Jobs created", "jobs", "integer", Decimal("5"), Decimal("10")),
        PlannedIndicator("CO2", "CO2 avoided", "tonnes", "decimal", None, Decimal("2.5")),
        PlannedIndicator("WOMEN", "Share of women", "%", "percentage", Decimal("40"), Decimal("50")),
    ),
    known_indicator_codes=frozenset({"JOBS", "CO2", "WOMEN", "HOUSING"}),
    outcome_codes=(("JOB_START", "Started work"), ("JOB_6M", "Six months in work")),
    language="en",
    secret=b"corpus-secret",
)

GOOD_VALUES = {"JOBS": 7, "CO2": 1.5, "WOMEN": 48}
GOOD_PARTICIPANTS = [
    ("P-0001", date(2025, 9, 1), "bijstand", 12, 24, "JOB_START", date(2026, 2, 1)),
    ("P-0002", date(2026, 1, 15), "ww", 3, 32),
]
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def good_workbook(ctx: TemplateContext = CORPUS_CONTEXT):  # type: ignore[no-untyped-def]
    return fill_workbook(open_workbook(build_template(ctx)), GOOD_VALUES, {}, GOOD_PARTICIPANTS)


def good_upload() -> bytes:
    return workbook_bytes(good_workbook())


def edited(edit: Callable[..., None], ctx: TemplateContext = CORPUS_CONTEXT) -> bytes:
    workbook = good_workbook(ctx)
    edit(workbook)
    return workbook_bytes(workbook)


def rezip(
    data: bytes,
    replace: dict[str, bytes | None] | None = None,
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The zip rewritten with fixed timestamps; parts replaced (None removes) or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        parts = [(i.filename, source.read(i.filename)) for i in source.infolist()]
        for name, content in parts + list(add.items()):
            content = replace.get(name, content) if name not in add else content
            if content is None:
                continue
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", content)
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = compression
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()


def part_of(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def patch_part_headers(
    data: bytes, name: str, size: int | None = None, flags: int | None = None, crc: int | None = None
) -> bytes:
    """Rewrite a part's declared uncompressed size, flag bits or CRC in its local and central headers."""
    patched = bytearray(data)
    encoded = name.encode()
    # (signature, offset of flags, of the CRC, of the uncompressed size, of the name length, of the name)
    for signature, flags_at, crc_at, size_at, length_at, name_at in (
        (b"PK\x03\x04", 6, 14, 22, 26, 30),
        (b"PK\x01\x02", 8, 16, 24, 28, 46),
    ):
        position = patched.find(signature)
        while position >= 0:
            length = struct.unpack_from("<H", patched, position + length_at)[0]
            if patched[position + name_at : position + name_at + length] == encoded:
                if size is not None:
                    struct.pack_into("<I", patched, position + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", patched, position + flags_at, flags)
                if crc is not None:
                    struct.pack_into("<I", patched, position + crc_at, crc)
            position = patched.find(signature, position + 4)
    return bytes(patched)


def sheet_part(role: str) -> str:
    """The part name of the KPI or participants sheet: openpyxl numbers the parts in sheet order."""
    return {"kpi": "xl/worksheets/sheet2.xml", "participants": "xl/worksheets/sheet3.xml"}[role]


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("[Content_Types].xml", FIXED_ZIP_TIME),
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(zipfile.ZipInfo("word/document.xml", FIXED_ZIP_TIME), "<document>Impact</document>")
    return out.getvalue()


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", FIXED_ZIP_TIME), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", FIXED_ZIP_TIME), "<office:document-content/>")
    return out.getvalue()


def _macro_enabled() -> bytes:
    data = good_upload()
    types = part_of(data, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(
        data,
        replace={"[Content_Types].xml": types},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name" * 20},
    )


def _zip_bomb_ratio() -> bytes:
    # 64 MiB of zeros deflate to ~64 KB: a thousandfold expansion in a small file.
    return rezip(good_upload(), add={"xl/media/image1.png": bytes(64 * 1024 * 1024)})


def _zip_bomb_declared() -> bytes:
    return patch_part_headers(rezip(good_upload()), "xl/styles.xml", size=4_000_000_000)


def _zip_lying_size() -> bytes:
    data = rezip(good_upload(), add={"xl/media/image1.png": b"fundapp" * 200_000})
    return patch_part_headers(data, "xl/media/image1.png", size=1_000)


def _zip_lying_size_and_crc() -> bytes:
    """The participants sheet declares 1 MB with the CRC of its first MB, but inflates to 256 MB.

    zipfile reads the declared MB and finds the CRC right; a reader that inflates the
    whole stream (calamine) unpacks it all. The same trick with 2 GB fits in 4 MB.
    """
    data = good_upload()
    part = sheet_part("participants")
    xml = part_of(data, part)
    declared = 1_000_000
    padded = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (256 * 1024 * 1024), 1)
    lying = rezip(data, replace={part: padded})
    return patch_part_headers(lying, part, size=declared, crc=zlib.crc32(padded[:declared]))


def _with_dtd(part: str, declaration: bytes) -> Callable[[], bytes]:
    """A document type declaration in a part (a sheet by its role, or a part name), after any XML declaration."""

    def make() -> bytes:
        data = good_upload()
        name = sheet_part(part) if part in ("kpi", "participants") else part
        xml = part_of(data, name)
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return rezip(data, replace={name: xml[:end] + declaration + xml[end:]})

    return make


def _utf16_part() -> bytes:
    data = good_upload()
    xml = part_of(data, "docProps/app.xml").replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    return rezip(data, replace={"docProps/app.xml": xml.decode("utf-8").encode("utf-16")})


def _kpi_formula_xml(formula: bytes, reference: bool = True) -> Callable[[], bytes]:
    """KPI!F5 as the formula =1+11 with its cached value 12, the <f> element written as `formula` (and the
    cell's r attribute left out unless `reference`): what another tool than Excel may write."""

    def make() -> bytes:
        data = edited(_kpi("F5", "=1+11"))
        part = sheet_part("kpi")
        xml = part_of(data, part)
        cell = re.search(rb'<c r="F5"([^>]*)><f>1\+11</f><v */?>(?:</v>)?</c>', xml)
        assert cell is not None, "openpyxl writes a formula cell as <c r=..><f>..</f><v/></c>"
        opening = b'<c r="F5"' if reference else b"<c"
        replacement = opening + cell.group(1) + b' t="n">' + formula + b"<v>12</v></c>"
        return rezip(data, replace={part: xml.replace(cell.group(0), replacement)})

    return make


def _encrypted_part() -> bytes:
    return patch_part_headers(rezip(good_upload()), "xl/workbook.xml", flags=0x1)


LAUGHS = (
    b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
)


def _entity_expansion() -> bytes:
    data = good_upload()
    return rezip(data, replace={"xl/workbook.xml": LAUGHS + part_of(data, "xl/workbook.xml")})


def _kpi(cell: str, value: object) -> Callable[..., None]:
    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        data_sheet(workbook, "kpi")[cell] = value

    return edit


def _participant(cell: str, value: object) -> Callable[..., None]:
    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        data_sheet(workbook, "participants")[cell] = value

    return edit


def _identity(cell: str, value: object) -> Callable[..., None]:
    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        workbook["_fundapp"][cell] = value

    return edit


def _merge(workbook) -> None:  # type: ignore[no-untyped-def]
    data_sheet(workbook, "kpi").merge_cells("F5:G6")


def _remove(name: str) -> Callable[..., None]:
    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        del workbook[name]

    return edit


def _extra_indicator_row(code: str) -> Callable[..., None]:
    """A row added under the plan's rows, as an investee who unprotected the sheet might."""

    def edit(workbook) -> None:  # type: ignore[no-untyped-def]
        sheet = data_sheet(workbook, "kpi")
        sheet["A8"], sheet["F8"] = code, 9

    return edit


def _other(**changes: object) -> TemplateContext:
    import dataclasses

    return dataclasses.replace(CORPUS_CONTEXT, **changes)  # type: ignore[arg-type]


def corpus() -> dict[str, Callable[[], bytes]]:
    """File name -> how to make it."""
    other_period = _other(period="2025-Q4", period_start=date(2025, 10, 1), period_end=date(2025, 12, 31))
    return {
        "empty.xlsx": lambda: b"",
        "random_bytes.xlsx": lambda: random.Random(20260101).randbytes(4096),
        "csv_renamed.xlsx": lambda: b"code;value;comment\nJOBS;7;\nCO2;1,5;\nWOMEN;48;\n",
        "old_xls_renamed.xlsx": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Workbook" + bytes(1024),
        "docx_renamed.xlsx": _docx,
        "ods_renamed.xlsx": _ods,
        "truncated.xlsx": lambda: (lambda data: data[: len(data) * 2 // 3])(rezip(good_upload())),
        "macro_enabled.xlsx": _macro_enabled,
        "zip_bomb_ratio.xlsx": _zip_bomb_ratio,
        "zip_bomb_declared_size.xlsx": _zip_bomb_declared,
        "zip_lying_size.xlsx": _zip_lying_size,
        "encrypted_part.xlsx": _encrypted_part,
        "xml_entity_expansion.xlsx": _entity_expansion,
        "zip_lying_size_and_crc.xlsx": _zip_lying_size_and_crc,
        "doctype_in_participants_sheet.xlsx": _with_dtd("participants", LAUGHS),
        "doctype_in_core_properties.xlsx": _with_dtd("docProps/core.xml", b'<!DOCTYPE x SYSTEM "file:///etc/passwd">'),
        "doctype_lowercase_spaced_in_styles.xlsx": _with_dtd("xl/styles.xml", b'<!  doctype x [<!entity  a "b">]>'),
        "xml_in_utf16.xlsx": _utf16_part,
        "formula_with_other_prefix.xlsx": _kpi_formula_xml(
            b'<x:f xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">1+11</x:f>'
        ),
        "formula_tag_with_tab.xlsx": _kpi_formula_xml(b"<f\t>1+11</f\t>"),
        "formula_cell_without_reference.xlsx": _kpi_formula_xml(b"<f>1+11</f>", reference=False),
        "formula_in_value.xlsx": lambda: rezip(edited(_kpi("F5", "=SUM(D5:E5)"))),
        "error_value.xlsx": lambda: rezip(edited(_kpi("F6", "#DIV/0!"))),
        "merged_value_cells.xlsx": lambda: rezip(edited(_merge)),
        "huge_string.xlsx": lambda: rezip(edited(_kpi("G5", "A" * 100_000))),
        "control_characters.xlsx": lambda: rezip(edited(_participant("A5", "P-_x0000__x001B_[31m0001"))),
        "wrong_template_version.xlsx": lambda: rezip(edited(_identity("B1", "0"))),
        "other_investee.xlsx": lambda: rezip(edited(lambda workbook: None, _other(investee_id=2))),
        "other_period.xlsx": lambda: rezip(edited(lambda workbook: None, other_period)),
        "bad_signature.xlsx": lambda: rezip(edited(_identity("B3", "99998888"))),
        "missing_identity_sheet.xlsx": lambda: rezip(edited(_remove("_fundapp"))),
        "missing_kpi_sheet.xlsx": lambda: rezip(edited(_remove("KPI"))),
        "text_in_number_cell.xlsx": lambda: rezip(edited(_kpi("F5", "seven"))),
        "negative_count.xlsx": lambda: rezip(edited(_kpi("F5", -7))),
        "percentage_over_100.xlsx": lambda: rezip(edited(_kpi("F7", 148))),
        "bsn_reference.xlsx": lambda: rezip(edited(_participant("A6", "111222333"))),
        "duplicate_indicator_row.xlsx": lambda: rezip(edited(_extra_indicator_row("JOBS"))),
        "duplicate_participant.xlsx": lambda: rezip(edited(_participant("A6", "P-0001"))),
        "date_outside_period.xlsx": lambda: rezip(edited(_participant("G5", date(2026, 4, 15)))),
        "unknown_indicator.xlsx": lambda: rezip(edited(_extra_indicator_row("NO_SUCH_CODE"))),
        "indicator_not_in_plan.xlsx": lambda: rezip(edited(_extra_indicator_row("HOUSING"))),
        "data_outside_columns.xlsx": lambda: rezip(edited(_participant("R5", "Jan Jansen, 12-03-1980"))),
    }


def main() -> None:
    BAD_DIR.mkdir(parents=True, exist_ok=True)
    for old in BAD_DIR.glob("*.xlsx"):
        old.unlink()
    for name, make in corpus().items():
        data = make()
        (BAD_DIR / name).write_bytes(data)
        print(f"{name:32} {len(data):>8,} bytes")


if __name__ == "__main__":
    main()
