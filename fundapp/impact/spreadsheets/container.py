"""Whole-file checks of an upload, before any spreadsheet library touches it.

Order matters: size and magic bytes first, then the zip directory (declared sizes,
compression ratios, macros) BEFORE anything is decompressed, then a bounded,
CRC-checked pass over every part - so that the reader that follows never meets a
zip bomb or a part whose header lies about its size. The same pass scans the data
sheets' XML for what the cell reader cannot see: formulas (it only gives cached
values), error cells, merged ranges and percent-formatted cells.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from . import layout
from .model import Limits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also any password-protected .xlsx
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_ZIP_PARTS = 5_000  # a filled template has ~20 parts; thousands is an attack on the directory
RATIO_FLOOR = 1024 * 1024  # parts smaller than this cannot hurt, whatever their ratio
SMALL_PART_LIMIT = 16 * 1024 * 1024  # workbook.xml, rels, content types, styles: read whole
CHUNK = 1024 * 1024

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

# Elements may carry a namespace prefix ("<x:c>", "<x:f>") when a tool other than Excel wrote
# the file; the prefix is read from the root element and the scans then look for plain
# bytes, which is many times faster than a regular expression tried at every "<".
_ROOT_PREFIX = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet[\s>]")
_MERGE_REF = re.compile(rb'\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*)>")
_REF_ATTR = re.compile(rb'\br="([A-Z]{1,3}[0-9]+)"')
_STYLE_ATTR = re.compile(rb'\bs="([0-9]+)"')
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PERCENT_FORMAT_IDS = {9, 10}  # Excel's built-in "0%" and "0.00%"


class ContainerRefused(Exception):
    """The file as a whole is refused; each problem is a (message key, values) pair."""

    def __init__(self, problems: list[tuple[str, dict[str, object]]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class SheetFacts:
    """What the XML of one data sheet says that the cell values do not."""

    formula_cells: list[str] = field(default_factory=list)
    error_cells: list[str] = field(default_factory=list)
    merged_ranges: list[str] = field(default_factory=list)
    percent_cells: frozenset[str] = frozenset()


@dataclass
class Container:
    sheet_names: list[str]  # in workbook order
    facts: dict[str, SheetFacts]  # for the data sheets that exist


def inspect_container(data: bytes, limits: Limits) -> Container:
    """Check the file as a zip/xlsx and scan its data sheets; raise ContainerRefused if it is refused."""
    _check_bytes(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive:
            _check_directory(archive.infolist(), limits)
            names = {info.filename for info in archive.infolist()}
            workbook_part = _workbook_part(archive, names)
            sheets = _sheet_parts(archive, workbook_part, names)
            data_sheets = layout.sheet_names_for("kpi") + layout.sheet_names_for("participants")
            wanted = {name: part for name, part in sheets.items() if name in data_sheets}
            if "" in wanted.values():  # a data sheet whose XML is not in the file
                raise ContainerRefused([("corrupt_zip", {})])
            contents = _verify_parts(archive, set(wanted.values()))
            percent_styles = _percent_styles(archive, workbook_part, names) if wanted else frozenset()
    except ContainerRefused:
        raise
    except BAD_ZIP_ERRORS:
        raise ContainerRefused([("corrupt_zip", {})]) from None
    kpi_names = layout.sheet_names_for("kpi")
    facts = {
        name: _scan_sheet(contents[part], percent_styles if name in kpi_names else frozenset())
        for name, part in wanted.items()
    }
    return Container(sheet_names=list(sheets), facts=facts)


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
        raise ContainerRefused([("corrupt_zip", {})])
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


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small XML part, refused if it declares entities (billion laughs) or is too big to be honest."""
    info = archive.getinfo(name)
    if info.file_size > SMALL_PART_LIMIT:
        raise ContainerRefused([("unsafe_xml", {"part": name})])
    content = archive.read(name)
    if _DOCTYPE.search(content):
        raise ContainerRefused([("unsafe_xml", {"part": name})])
    return content


def _parse_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        # _read_small refused any DOCTYPE or ENTITY: no entity expansion, no external entities.
        return ElementTree.fromstring(_read_small(archive, name))  # noqa: S314
    except ElementTree.ParseError:
        raise ContainerRefused([("corrupt_zip", {})]) from None


def _workbook_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The workbook part named by [Content_Types].xml; refuses macros and non-spreadsheets."""
    if "[Content_Types].xml" not in names:
        raise ContainerRefused([("not_a_workbook", {})])
    types = _parse_xml(archive, "[Content_Types].xml")
    overrides = {o.get("PartName", ""): o.get("ContentType", "") for o in types.iter(f"{NS_TYPES}Override")}
    if any(MACRO_MARKER in content_type.lower() for content_type in overrides.values()):
        raise ContainerRefused([("macro_enabled", {})])
    for part, content_type in overrides.items():
        if content_type in MAIN_TYPES and part.lstrip("/") in names:
            return part.lstrip("/")
    raise ContainerRefused([("not_a_workbook", {})])


def _relationships(archive: zipfile.ZipFile, part: str, names: set[str]) -> dict[str, str]:
    """Relationship id -> part name, for the relationships of `part`."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in names:
        return {}
    targets: dict[str, str] = {}
    for rel in _parse_xml(archive, rels_name).iter(f"{NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = resolved
    return targets


def _sheet_parts(archive: zipfile.ZipFile, workbook_part: str, names: set[str]) -> dict[str, str]:
    """Sheet name -> worksheet part, in workbook order."""
    relationships = _relationships(archive, workbook_part, names)
    workbook = _parse_xml(archive, workbook_part)
    sheets: dict[str, str] = {}
    for sheet in workbook.iter(f"{NS_MAIN}sheet"):
        part = relationships.get(sheet.get(NS_REL_ID, ""), "")
        sheets[sheet.get("name", "")] = part if part in names else ""
    return sheets


def _verify_parts(archive: zipfile.ZipFile, keep: set[str]) -> dict[str, bytes]:
    """Decompress every part once, bounded by its declared size and CRC-checked; return the parts in `keep`.

    zipfile stops at the declared size and checks the CRC at the end, so a part that
    decompresses to more than it declares is refused here and the spreadsheet reader
    later reads only parts whose real size is known (and within the limits).
    """
    kept: dict[str, bytes] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        with archive.open(info) as stream:
            if info.filename in keep:
                kept[info.filename] = stream.read()
            else:
                while stream.read(CHUNK):
                    pass
    return kept


def _percent_styles(archive: zipfile.ZipFile, workbook_part: str, names: set[str]) -> frozenset[int]:
    """Indexes of the cell styles that show a number as a percentage."""
    styles_part = next(
        (part for part in _relationships(archive, workbook_part, names).values() if part.endswith("styles.xml")), None
    )
    if styles_part is None:
        return frozenset()
    styles = _parse_xml(archive, styles_part)
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


def _scan_sheet(xml: bytes, percent_styles: frozenset[int]) -> SheetFacts:
    root = _ROOT_PREFIX.search(xml, 0, 4096)
    prefix = root.group(1) if root else b""
    facts = SheetFacts()
    formula_tags = (b"<" + prefix + b"f>", b"<" + prefix + b"f ", b"<" + prefix + b"f/")
    facts.formula_cells = _cells_containing(xml, formula_tags, prefix)
    facts.error_cells = _cells_containing(xml, (b' t="e"',), prefix)
    facts.merged_ranges = _merged_ranges(xml, prefix)
    if percent_styles:
        facts.percent_cells = frozenset(_percent_cells(xml, percent_styles))
    return facts


def _find_all(xml: bytes, needle: bytes) -> list[int]:
    positions, position = [], xml.find(needle)
    while position >= 0:
        positions.append(position)
        position = xml.find(needle, position + 1)
    return positions


def _cells_containing(xml: bytes, needles: tuple[bytes, ...], prefix: bytes) -> list[str]:
    """The references of the cells in which a needle occurs: the <c ...> tag opened last before it.

    Formulas and error cells are rare, so looking back from each occurrence is far
    cheaper than parsing every cell of a large sheet.
    """
    cell_open = b"<" + prefix + b"c "
    refs: list[str] = []
    for position in sorted(p for needle in needles for p in _find_all(xml, needle)):
        start = xml.rfind(cell_open, 0, position)
        if start < 0:
            continue
        tag_end = xml.find(b">", start)
        ref = _REF_ATTR.search(xml, start, tag_end if tag_end > 0 else len(xml))
        if ref is not None:
            refs.append(ref.group(1).decode("ascii"))
    return list(dict.fromkeys(refs))


def _merged_ranges(xml: bytes, prefix: bytes) -> list[str]:
    ranges = []
    for position in _find_all(xml, b"<" + prefix + b"mergeCell "):
        tag_end = xml.find(b">", position)
        ref = _MERGE_REF.search(xml, position, tag_end if tag_end > 0 else len(xml))
        if ref is not None:
            ranges.append(ref.group(1).decode("ascii"))
    return ranges


def _percent_cells(xml: bytes, percent_styles: frozenset[int]) -> list[str]:
    refs = []
    for match in _CELL_TAG.finditer(xml):
        attributes = match.group(1)
        style = _STYLE_ATTR.search(attributes)
        ref = _REF_ATTR.search(attributes)
        if style and ref and int(style.group(1)) in percent_styles:
            refs.append(ref.group(1).decode("ascii"))
    return refs
