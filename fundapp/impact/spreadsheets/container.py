"""Whole-file checks of an upload, before any spreadsheet library touches it.

Order matters: size and magic bytes first, then the zip directory (declared sizes,
compression ratios, macros) BEFORE anything is decompressed, then one streamed pass
over every part (parts.py) that refuses a part the moment it inflates to more than it
declares, fails its CRC or carries a document type declaration - so that the reader
that follows never meets a zip bomb, a part whose headers lie or an entity. The data
sheets kept from that pass are then scanned for what the cell reader cannot see
(facts.py): formulas (it only gives cached values), error cells, merged ranges and
percent-formatted cells. Every sheet is measured too (``sheet_extent``): the cell reader
spreads a sheet out as a grid from its first cell to its last, so a few bytes naming a far
cell (XFD1048576) would ask for 17 billion cells and end the process.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from . import layout
from .facts import SheetFacts, scan_sheet
from .model import Limits
from .parts import ContainerRefused, corrupt, read_part, unsafe_xml

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also any password-protected .xlsx
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_ZIP_PARTS = 5_000  # a filled template has ~20 parts; thousands is an attack on the directory
RATIO_FLOOR = 1024 * 1024  # parts smaller than this cannot hurt, whatever their ratio
SMALL_PART_LIMIT = 16 * 1024 * 1024  # workbook.xml, rels, content types, styles: read whole
# The most cells a sheet may span as a grid (rows x columns, from A1): the template's 17 columns of 200,000 rows are
# 3.4 million, the portfolio's 14 columns of 500,000 rows 7 million; calamine keeps about 32 bytes per cell.
MAX_GRID_CELLS = 20_000_000
# An r attribute's value, letters (a cell) or none (a row) then the row number, when it reaches beyond column Z or row
# 99,999: found by the "r=" itself, which is quick. An attribute whose name merely ends in r can only add to it.
# An r attribute (of a row or a cell) past what a sheet without one spans: its row of six digits or more, or its
# column of two letters or more. A sheet of 200,000 rows names a far row in every cell: those are turned to
# numbers by map in C, not one by one in Python.
_FAR_ROW = re.compile(rb"""r\s*=\s*["'][A-Za-z]*([0-9]{6,})["']""")
_FAR_COLUMN = re.compile(rb"""r\s*=\s*["']([A-Za-z]{2,})[0-9]+["']""")
NEAR_ROWS, NEAR_COLUMNS = 99_999, 26  # what a sheet without such a value spans at most
_NAMED_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s(?:[^>]*?\s)?r\s*=""")
_NAMED_ROW = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\s(?:[^>]*?\s)?r\s*=""")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")

MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
MACRO_MARKER = "macroenabled"

BAD_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    UnicodeDecodeError,
)

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_PERCENT_FORMAT_IDS = {9, 10}  # Excel's built-in "0%" and "0.00%"

__all__ = ["Container", "ContainerRefused", "SheetFacts", "inspect_container"]


@dataclass
class Container:
    sheet_names: list[str]  # in workbook order
    facts: dict[str, SheetFacts]  # for the data sheets that exist


def inspect_container(data: bytes, limits: Limits) -> Container:
    """Check the file as a zip/xlsx and scan its data sheets; raise ContainerRefused if it is refused."""
    _check_bytes(data, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
        _check_directory(infos, limits)
        package = _Package(data, infos)
        workbook_part = _workbook_part(package)
        sheets = _sheet_parts(package, workbook_part)
        data_sheets = layout.sheet_names_for("kpi") + layout.sheet_names_for("participants")
        wanted = {name: part for name, part in sheets.items() if name in data_sheets}
        if "" in wanted.values():  # a data sheet whose XML is not in the file
            raise corrupt()
        measured = set(sheets.values())
        contents = {info.filename: read_part(data, info, info.filename in measured) for info in infos}
        for name, part in sheets.items():
            if part:
                _check_extent(name, contents[part])
        percent_styles = _percent_styles(package, workbook_part) if wanted else frozenset()
    except ContainerRefused:
        raise
    except BAD_ZIP_ERRORS:
        raise corrupt() from None
    kpi_names = layout.sheet_names_for("kpi")
    facts = {
        name: scan_sheet(contents[part], percent_styles if name in kpi_names else frozenset())
        for name, part in wanted.items()
    }
    return Container(sheet_names=list(sheets), facts=facts)


def sheet_extent(xml: bytes, exact: bool = False) -> tuple[int, int]:
    """At least as many rows and columns as a reader's grid of the sheet has: the farthest row and column named by
    an r attribute (at least 99,999 and 26), plus one for each row or cell without one (the reader puts it one past
    the previous).

    Rows and cells are counted with bytes.count, where each names itself first as every spreadsheet program writes
    them (``<c r="A1"``), which may count a few too many; ``exact`` counts them with the slower patterns, for any
    spelling."""
    rows = max(NEAR_ROWS, max(map(int, _FAR_ROW.findall(xml)), default=0))
    columns = max(NEAR_COLUMNS, max(map(_column_number, set(_FAR_COLUMN.findall(xml))), default=0))
    if exact:
        unnamed_rows = len(_ROW.findall(xml)) - len(_NAMED_ROW.findall(xml))
        unnamed_cells = len(_CELL.findall(xml)) - len(_NAMED_CELL.findall(xml))
    else:
        # Every "<c" (also <col>, <cfRule>: a few more) less those that name their cell; the same for rows.
        unnamed_rows = xml.count(b"<row") - xml.count(b'<row r="')
        unnamed_cells = xml.count(b"<c") - xml.count(b'<c r="')
        if b":c" in xml or b":row" in xml:  # prefixed elements (x:c) are not counted above
            unnamed_cells += len(_CELL.findall(xml))
            unnamed_rows += len(_ROW.findall(xml))
    return rows + max(unnamed_rows, 0), columns + max(unnamed_cells, 0)


def _column_number(letters: bytes) -> int:
    """A, Z, AA, XFD as 1, 26, 27, 16384 (no letters: 0)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _check_extent(name: str, xml: bytes) -> None:
    rows, columns = sheet_extent(xml)
    if rows * columns > MAX_GRID_CELLS:
        rows, columns = sheet_extent(xml, exact=True)  # a program that writes attributes in another order
    if rows * columns > MAX_GRID_CELLS:
        values = {"name": name[:60], "rows": rows, "columns": columns, "cells": f"{MAX_GRID_CELLS:,}"}
        raise ContainerRefused([("sheet_too_large", values)])


def _check_bytes(data: bytes, limits: Limits) -> None:
    if not data:
        raise ContainerRefused([("file_empty", {})])
    if len(data) > limits.max_bytes:
        raise ContainerRefused([("file_too_large", {"size_mb": _mb(len(data)), "max_mb": _mb(limits.max_bytes)})])
    if data.startswith(OLE2_MAGIC):
        raise ContainerRefused([("old_xls", {})])
    if not data.startswith(ZIP_MAGICS):
        raise ContainerRefused([("not_xlsx", {})])


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse on what the central directory declares, before decompressing a single byte."""
    problems: list[tuple[str, dict[str, object]]] = []
    if len(infos) > MAX_ZIP_PARTS:
        raise ContainerRefused([("zip_too_many_parts", {"count": len(infos)})])
    if any(info.flag_bits & 0x1 for info in infos):  # encrypted parts: not something Excel writes
        raise corrupt()
    if len({info.filename for info in infos}) < len(infos):  # readers differ in which of two namesakes they read
        raise corrupt()
    if any(posixpath.basename(info.filename).lower() == "vbaproject.bin" for info in infos):
        problems.append(("macro_enabled", {}))
    if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
        problems.append(("zip_bomb_size", {"max_mb": _mb(limits.max_uncompressed_bytes)}))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_compression_ratio:
            problems.append(("zip_bomb_ratio", {"part": info.filename[:60], "ratio": int(ratio)}))
            break
    if problems:
        raise ContainerRefused(problems)


class _Package:
    """The upload's parts by name; the small XML parts that say what is where are read through read_part too."""

    def __init__(self, data: bytes, infos: list[zipfile.ZipInfo]):
        self.data = data
        self.infos = {info.filename: info for info in infos}

    def __contains__(self, name: str) -> bool:
        return name in self.infos

    def xml(self, name: str) -> ElementTree.Element:
        info = self.infos[name]
        if info.file_size > SMALL_PART_LIMIT:
            raise unsafe_xml(name)
        try:
            # read_part refused any DOCTYPE or ENTITY: no entity expansion, no external entities.
            return ElementTree.fromstring(read_part(self.data, info, keep=True))  # noqa: S314
        except ElementTree.ParseError:
            raise corrupt() from None


def _workbook_part(package: _Package) -> str:
    """The workbook part named by [Content_Types].xml; refuses macros and non-spreadsheets."""
    if "[Content_Types].xml" not in package:
        raise ContainerRefused([("not_a_workbook", {})])
    types = package.xml("[Content_Types].xml")
    overrides = {o.get("PartName", ""): o.get("ContentType", "") for o in types.iter(f"{NS_TYPES}Override")}
    if any(MACRO_MARKER in content_type.lower() for content_type in overrides.values()):
        raise ContainerRefused([("macro_enabled", {})])
    for part, content_type in overrides.items():
        if content_type in MAIN_TYPES and part.lstrip("/") in package:
            return part.lstrip("/")
    raise ContainerRefused([("not_a_workbook", {})])


def _relationships(package: _Package, part: str) -> dict[str, str]:
    """Relationship id -> part name, for the relationships of `part`."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in package:
        return {}
    targets: dict[str, str] = {}
    for rel in package.xml(rels_name).iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = resolved
    return targets


def _sheet_parts(package: _Package, workbook_part: str) -> dict[str, str]:
    """Sheet name -> worksheet part, in workbook order."""
    relationships = _relationships(package, workbook_part)
    workbook = package.xml(workbook_part)
    sheets: dict[str, str] = {}
    for sheet in workbook.iter(f"{NS_MAIN}sheet"):
        part = relationships.get(sheet.get(NS_REL_ID, ""), "")
        sheets[sheet.get("name", "")] = part if part in package else ""
    return sheets


def _percent_styles(package: _Package, workbook_part: str) -> frozenset[int]:
    """Indexes of the cell styles that show a number as a percentage."""
    styles_part = next(
        (part for part in _relationships(package, workbook_part).values() if part.endswith("styles.xml")), None
    )
    if styles_part is None:
        return frozenset()
    styles = package.xml(styles_part)
    percent_formats = set(_PERCENT_FORMAT_IDS)
    for number_format in styles.iter(f"{NS_MAIN}numFmt"):
        if _is_percent_format(number_format.get("formatCode", "")):
            percent_formats.add(int(number_format.get("numFmtId", "-1")))
    cell_xfs = styles.find(f"{NS_MAIN}cellXfs")
    if cell_xfs is None:
        return frozenset()
    return frozenset(
        index
        for index, xf in enumerate(cell_xfs.iter(f"{NS_MAIN}xf"))
        if int(xf.get("numFmtId", "0")) in percent_formats
    )


def _is_percent_format(code: str) -> bool:
    """A '%' outside quoted literals and [..] sections, as in 0.0% (but not 0"%")."""
    unquoted = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return "%" in unquoted
