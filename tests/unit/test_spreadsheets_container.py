"""Whole-file checks: what is not a workbook, what is dangerous, and whose template it is."""

from __future__ import annotations

import io
import json
import random
import struct
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundapp.impact.spreadsheets import Limits, SpreadsheetInvalid, build_template, parse_submission, parts
from fundapp.impact.spreadsheets.filling import data_sheet

from .test_spreadsheets_support import CTX, CTX_EN, GOOD_VALUES, filled, make_context, problems_of

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same zip with parts replaced (None: removed) or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    target.writestr(info.filename, replace[info.filename])
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def set_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size a part declares, in its local header and in the central directory."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        position = patched.find(signature)
        while position >= 0:
            name_length = struct.unpack_from("<H", patched, position + (26 if signature == b"PK\x03\x04" else 28))[0]
            if patched[position + name_offset : position + name_offset + name_length] == encoded:
                struct.pack_into("<I", patched, position + size_offset, size)
            position = patched.find(signature, position + 4)
    return bytes(patched)


def whole_file_messages(data: bytes, ctx=CTX, limits: Limits = Limits()) -> list[str]:
    problems = problems_of(data, ctx, limits)
    assert all((p.sheet, p.cell) == ("", "") for p in problems), problems
    return [p.message for p in problems]


# --- not a workbook -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "Het bestand is leeg"),
        (b"datum;waarde\n2026-01-01;12\n", "geen Excel-werkmap (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        (bytes(range(256)) * 4, "geen Excel-werkmap (.xlsx)"),
    ],
)
def test_a_file_that_is_no_xlsx_at_all_is_refused_with_a_clear_message(data, fragment):
    assert fragment in whole_file_messages(data)[0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    messages = whole_file_messages(filled(), limits=Limits(max_bytes=1000))
    assert len(messages) == 1 and "de grens is 0" in messages[0]


def test_a_truncated_upload_is_reported_as_damaged():
    data = filled()
    assert "beschadigd of onvolledig" in whole_file_messages(data[: len(data) // 2])[0]


def test_a_word_document_renamed_to_xlsx_is_not_a_workbook():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    assert "ander Office- of zipbestand" in whole_file_messages(docx.getvalue())[0]


def test_a_macro_enabled_workbook_is_refused():
    data = filled()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
        )
    by_part = rezip(data, add={"xl/vbaProject.bin": b"\x00" * 100})
    by_type = rezip(data, replace={"[Content_Types].xml": types})
    assert "macro's" in whole_file_messages(by_part)[0]
    assert "macro's" in whole_file_messages(by_type)[0]


# --- zip bombs ----------------------------------------------------------------------


def test_a_part_compressed_more_than_the_ratio_allows_is_refused_before_decompression():
    bomb = rezip(filled(), add={"xl/media/zeros.bin": b"\x00" * (2 * 1024 * 1024)})
    message = whole_file_messages(bomb)[0]
    assert "verdacht sterk gecomprimeerd" in message and "xl/media/zeros.bin" in message


def test_a_declared_uncompressed_size_over_the_limit_is_refused_from_the_directory():
    data = set_declared_size(filled(), "xl/styles.xml", 3_000_000_000)
    assert any("pakt uit tot meer dan 200 MB" in m for m in whole_file_messages(data))


def test_a_part_that_decompresses_to_more_than_it_declares_is_refused_as_damaged():
    data = set_declared_size(rezip(filled(), add={"xl/media/x.bin": b"abc" * 100_000}), "xl/media/x.bin", 1000)
    assert "beschadigd" in whole_file_messages(data)[0]


def test_a_part_whose_size_and_crc_lie_is_refused_at_once_with_memory_bounded():
    """The lying part declares 1 MB (with the CRC of its first MB) and inflates to 256 MB.

    Run in a fresh interpreter, so that the peak resident memory (which also counts
    calamine's and zlib's buffers, unlike tracemalloc) belongs to this parse alone.
    """
    probe = textwrap.dedent(
        f"""
        import json, resource, sys, time, tracemalloc
        sys.path.insert(0, {str(DATA_DIR)!r})
        from make_bad_corpus import CORPUS_CONTEXT
        from fundapp.impact.spreadsheets import SpreadsheetInvalid, parse_submission
        data = open({str(DATA_DIR / "bad" / "zip_lying_size_and_crc.xlsx")!r}, "rb").read()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        started = time.perf_counter()
        try:
            parse_submission(data, CORPUS_CONTEXT)
            messages = []
        except SpreadsheetInvalid as refused:
            messages = [p.message for p in refused.problems]
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
        print(json.dumps({{"messages": messages, "seconds": seconds, "peak": peak, "rss_growth": rss_growth}}))
        """
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(result["messages"]) == 1 and "damaged or incomplete" in result["messages"][0]
    assert result["seconds"] < 1.0
    assert result["peak"] < 16 * 1024 * 1024
    assert result["rss_growth"] < 64 * 1024 * 1024


def test_a_part_whose_local_header_disagrees_with_the_directory_is_refused():
    patched = bytearray(filled())
    position = patched.find(b"PK\x03\x04")
    while (
        patched[position + 30 : position + 30 + struct.unpack_from("<H", patched, position + 26)[0]] != b"xl/styles.xml"
    ):
        position = patched.find(b"PK\x03\x04", position + 4)
    struct.pack_into("<I", patched, position + 22, 999)  # the local header only: the directory still says the truth
    assert "beschadigd" in whole_file_messages(bytes(patched))[0]


def test_a_zip_naming_a_part_twice_is_refused():
    data = filled()
    twice = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        with pytest.warns(UserWarning, match="Duplicate name"):
            target.writestr("xl/workbook.xml", source.read("xl/workbook.xml"))
    assert "beschadigd" in whole_file_messages(twice.getvalue())[0]


def test_a_declaration_split_between_two_chunks_of_a_large_part_is_found():
    noise = random.Random(7).randbytes(3 * 1024 * 1024 // 2)  # does not compress: no ratio alarm
    cut = parts.OUT_CHUNK - 4
    poisoned = noise[:cut] + b"<!DOCTYPE x>" + noise[cut:]
    data = rezip(filled(), add={"xl/media/image1.png": poisoned})
    assert "XML die niet is toegestaan (xl/media/image1.png)" in whole_file_messages(data)[0]


@pytest.mark.parametrize("declaration", [b"<!DOCTYPE x>", b"<!doctype x>", b"<! DOCTYPE x>", b'<!ENTITY a "b">'])
@pytest.mark.parametrize("part", ["docProps/core.xml", "xl/worksheets/sheet3.xml", "xl/theme/theme1.xml"])
def test_a_document_type_or_entity_declaration_in_any_part_is_refused_naming_the_part(part, declaration):
    data = filled()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(part)
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    poisoned = rezip(data, replace={part: xml[:end] + declaration + xml[end:]})
    assert f"XML die niet is toegestaan ({part})" in whole_file_messages(poisoned)[0]


def test_xml_declaring_entities_is_refused():
    data = filled()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
    laughs = b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    poisoned = rezip(data, replace={"xl/workbook.xml": laughs + workbook})
    assert "XML die niet is toegestaan (xl/workbook.xml)" in whole_file_messages(poisoned)[0]


# --- sheets and identity ------------------------------------------------------------


def _remove_sheet(name: str):
    def edit(workbook):
        del workbook[name]

    return edit


def test_a_missing_data_sheet_is_reported_and_the_other_sheet_still_checked():
    problems = problems_of(filled(participants=[("D-1", date(2030, 1, 1))], edit=_remove_sheet("KPI")))
    assert [(p.sheet, p.cell) for p in problems] == [("", ""), ("Deelnemers", "B5")]
    assert "tabblad 'KPI' ontbreekt" in problems[0].message


def test_a_workbook_without_the_identity_sheet_is_not_a_fundapp_template():
    assert "geen fundapp-sjabloon" in whole_file_messages(filled(edit=_remove_sheet("_fundapp")))[0]


def _identity(cell: str, value: object):
    def edit(workbook):
        workbook["_fundapp"][cell] = value

    return edit


def test_a_wrong_template_version_is_the_only_problem_reported():
    data = filled(values={**GOOD_VALUES, "JOBS": "x"}, edit=_identity("B1", "0"))
    assert whole_file_messages(data) == [
        "Dit sjabloon heeft versie '0'; alleen versie 1 wordt geaccepteerd. Download een nieuw sjabloon."
    ]


def test_an_edited_identity_sheet_fails_the_signature():
    assert whole_file_messages(filled(edit=_identity("B3", "99999999"))) == [
        "Het verborgen herkenningsblad van het sjabloon is gewijzigd. Download een nieuw sjabloon."
    ]


def test_a_template_signed_with_another_secret_fails_the_signature():
    messages = whole_file_messages(filled(), ctx=make_context(secret=b"other-secret"))
    assert messages == ["Het verborgen herkenningsblad van het sjabloon is gewijzigd. Download een nieuw sjabloon."]


def test_another_investees_template_is_refused_without_checking_its_cells():
    other = make_context(investee_id=43, investee_name="Ander BV")
    data = filled(other, values={**GOOD_VALUES, "JOBS": "x"})
    assert whole_file_messages(data) == [
        "Dit sjabloon is gemaakt voor een andere organisatie. Download je eigen sjabloon."
    ]


def test_another_periods_template_names_both_periods():
    other = make_context(period="2025-Q4", period_start=date(2025, 10, 1), period_end=date(2025, 12, 31))
    messages = whole_file_messages(filled(other, participants=()), ctx=CTX_EN)
    assert messages == ["This template is for period '2025-Q4'; this report is for 2026-Q1."]


def test_moving_the_identity_to_another_investee_by_hand_is_caught_twice():
    messages = whole_file_messages(filled(edit=_identity("B2", "7")))
    assert len(messages) == 2
    assert "gewijzigd" in messages[0] and "andere organisatie" in messages[1]


def test_the_template_itself_is_refused_only_for_its_empty_values():
    problems = problems_of(build_template(CTX))
    assert [(p.sheet, p.cell) for p in problems] == [("KPI", "F5"), ("KPI", "F6"), ("KPI", "F7"), ("KPI", "F8")]


def test_a_namespace_prefixed_sheet_still_has_its_formulas_found():
    data = filled(edit=lambda workbook: data_sheet(workbook, "kpi").__setitem__("F5", "=1+11"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(
            n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<f>1+11</f>" in archive.read(n)
        )
        xml = archive.read(name).decode()
    prefixed = xml.replace('<worksheet xmlns="', '<x:worksheet xmlns:x="').replace("</worksheet>", "</x:worksheet>")
    for tag in ("sheetData", "row", "c", "f", "v", "is", "t"):
        prefixed = prefixed.replace(f"<{tag}>", f"<x:{tag}>").replace(f"<{tag} ", f"<x:{tag} ")
        prefixed = prefixed.replace(f"</{tag}>", f"</x:{tag}>")
    problems = problems_of(rezip(data, replace={name: prefixed.encode()}))
    assert ("KPI", "F5") in [(p.sheet, p.cell) for p in problems]


def test_a_valid_upload_passes_every_whole_file_check():
    assert parse_submission(filled(), CTX).values


def test_a_data_sheet_whose_part_is_missing_is_reported_as_damaged():
    data = filled()
    kpi_part = "xl/worksheets/sheet2.xml"  # openpyxl numbers the parts in sheet order; KPI is the second
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"Toelichting" in archive.read(kpi_part)
    messages = whole_file_messages(rezip(data, replace={kpi_part: None}))
    assert any("beschadigd" in m for m in messages)


def test_a_zip_of_thousands_of_parts_is_refused_from_the_directory():
    many = rezip(filled(), add={f"xl/media/{n}.bin": b"" for n in range(5_001)})
    assert "te veel onderdelen" in whole_file_messages(many)[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_a_file_with_random_bytes_changed_is_accepted_or_refused_never_crashes(changes):
    data = bytearray(_GOOD_UPLOAD)
    for position, value in changes:
        data[position % len(data)] = value
    try:
        parse_submission(bytes(data), CTX)
    except SpreadsheetInvalid as refused:
        assert refused.problems and all(p.message for p in refused.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.text(alphabet='<>/="&;ftcrxv: 0123456789AFe', max_size=30))
def test_a_participants_sheet_with_garbled_xml_is_accepted_or_refused_never_crashes(position, garbage):
    with zipfile.ZipFile(io.BytesIO(_GOOD_UPLOAD)) as archive:
        part = next(n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"D-001" in archive.read(n))
        xml = archive.read(part)
    cut = position % len(xml)
    garbled = rezip(_GOOD_UPLOAD, replace={part: xml[:cut] + garbage.encode() + xml[cut:]})
    try:
        parse_submission(garbled, CTX)
    except SpreadsheetInvalid as refused:
        assert refused.problems and all(p.message for p in refused.problems)


_GOOD_UPLOAD = filled(participants=[("D-001", date(2025, 6, 1), "ww", 3, 20, "JOB_START", date(2026, 2, 2))])


def test_a_sheets_extent_counts_its_farthest_named_cell_and_each_row_or_cell_placed_without_a_name():
    from fundapp.impact.spreadsheets.container import sheet_extent

    # Up to row 99,999 and column Z a sheet is small whatever it names: only farther references are read.
    assert sheet_extent(b'<sheetData><row r="3"><c r="B3"/><c r="Q99999"/></row></sheetData>') == (99999, 26)
    named = b'<sheetData><row r="3"><c r="B3"/><c r="AB200004"/></row></sheetData>'
    assert sheet_extent(named) == sheet_extent(named, exact=True) == (200004, 28)
    # Cells and rows without r go one past the previous: a reader spreads them out as far.
    unnamed = b'<x:sheetData><x:row r="1048576">' + b"<x:c/>" * 5000 + b"</x:row><x:row/></x:sheetData>"
    assert sheet_extent(unnamed, exact=True) == (1048577, 5026)
    assert sheet_extent(unnamed)[1] >= 5026
    assert sheet_extent(b'<sheetData><row r="1"><c r="xfd1"/></row></sheetData>') == (99999, 16384)
