"""What a data sheet's XML says that its cell values do not: formulas, error cells, merged ranges, percent cells.

calamine gives a formula cell's cached value only, so formulas are found here, on the
parsed XML: an element whose local name is ``f`` in the SpreadsheetML namespace, whatever
its prefix or the spacing inside its tag. Parsing a 200,000-row sheet element by element
takes Python about a second, so a sheet whose bytes cannot hold any of the elements or
attribute values looked for is not parsed at all, which is nearly every upload: no
"<f" or ":f" before a space, "/" or ">", no "mergeCell", no quoted "e", and no
character reference that could spell one of the attribute values read (one in a cell's
text, like the em dash in the template's title, or in a data validation's message cannot).
The parts were checked for document type declarations before, so no entity can expand
into an element here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from .layout import cell_ref, split_cell_ref
from .parts import corrupt

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW, CELL, FORMULA, MERGE_CELL = (f"{MAIN}}}{local}" for local in ("row", "c", "f", "mergeCell"))
_SUSPECTS = tuple(re.compile(p) for p in (rb"<f[\s/>]", rb":f[\s/>]", rb"mergeCell", rb'"e"', rb"'e'"))
_CHARACTER_REFERENCE = re.compile(rb"&#")
_NAME, _ATTRIBUTE = rb"""[^\s/>!?<"'=]+""", rb"""\s+[^\s=<>"'/]+\s*=\s*(?:"[^"<]*"|'[^'<]*')"""
# What lies between the last "<" before a character reference and the reference, when the reference is harmless:
# a whole start or end tag then text, or a start tag up to the value of an attribute the scan does not read (quoted
# values hold no "<"). Anything else (a value the scan reads, a comment, a CDATA section) makes the sheet a suspect.
_IN_TEXT = re.compile(rb"<(?:%s(?:%s)*\s*/?|/%s\s*)>[^<]*" % (_NAME, _ATTRIBUTE, _NAME))
_IN_VALUE = re.compile(rb"""<%s(?:%s)*\s+([^\s=<>"'/]+)\s*=\s*(?:"[^"<]*|'[^'<]*)""" % (_NAME, _ATTRIBUTE))
_READ_ATTRIBUTES = (b"r", b"t", b"s", b"ref")
_MERGE_REF = re.compile(r"[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?")


@dataclass
class SheetFacts:
    """What the XML of one data sheet says that the cell values do not."""

    formula_cells: list[str] = field(default_factory=list)
    error_cells: list[str] = field(default_factory=list)
    merged_ranges: list[str] = field(default_factory=list)
    percent_cells: frozenset[str] = frozenset()


def scan_sheet(xml: bytes, percent_styles: frozenset[int]) -> SheetFacts:
    """The sheet's facts; percent cells only for the styles given (the KPI sheet's)."""
    if not percent_styles and not _suspect(xml):
        return SheetFacts()
    scan = _Scan(percent_styles)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        raise corrupt() from None
    facts = scan.facts
    facts.formula_cells = list(dict.fromkeys(facts.formula_cells))
    facts.percent_cells = frozenset(scan.percent)
    return facts


def _suspect(xml: bytes) -> bool:
    if any(pattern.search(xml) for pattern in _SUSPECTS):
        return True
    for reference in _CHARACTER_REFERENCE.finditer(xml):
        tag = xml.rfind(b"<", 0, reference.start())
        if tag < 0:
            return True
        if _IN_TEXT.fullmatch(xml, tag, reference.start()):
            continue
        value = _IN_VALUE.fullmatch(xml, tag, reference.start())
        if value is None or value.group(1) in _READ_ATTRIBUTES:
            return True
    return False


class _Scan:
    """Follows rows and cells as Excel numbers them: by their r attribute, or one past the previous."""

    def __init__(self, percent_styles: frozenset[int]):
        self.percent_styles = percent_styles
        self.facts = SheetFacts()
        self.percent: list[str] = []
        self.row = 0
        self.column = -1
        self.cell = ""  # the reference of the open <c>, "" outside one

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == CELL:
            self.cell = self._cell_ref(attributes.get("r", ""))
            if attributes.get("t") == "e":
                self.facts.error_cells.append(self.cell)
            style = attributes.get("s", "")
            if self.percent_styles and style.isdecimal() and int(style) in self.percent_styles:
                self.percent.append(self.cell)
        elif name == FORMULA and self.cell:
            self.facts.formula_cells.append(self.cell)
        elif name == ROW:
            number = attributes.get("r", "")
            self.row = int(number) if number.isdecimal() else self.row + 1
            self.column = -1
        elif name == MERGE_CELL and _MERGE_REF.fullmatch(attributes.get("ref", "")):
            self.facts.merged_ranges.append(attributes["ref"])

    def end(self, name: str) -> None:
        if name == CELL:
            self.cell = ""

    def _cell_ref(self, ref: str) -> str:
        position = split_cell_ref(ref)
        if position is None:
            self.column += 1
        else:
            self.row, self.column = position
        return cell_ref(self.column, self.row)
