"""The XML scan of a data sheet skips the element-by-element parse only when the parse could find nothing: the
template's own sheets (an em dash in a title, accents in a data validation's message) are not parsed, and on
generated sheets the facts are those the full parse finds."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.parsers import expat

from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.impact.spreadsheets import facts

from .test_spreadsheets_support import filled


def _fully_scanned(xml: bytes) -> facts.SheetFacts:
    """The plain path: every sheet parsed element by element."""
    scan = facts._Scan(frozenset())
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    parser.Parse(xml, True)
    scan.facts.formula_cells = list(dict.fromkeys(scan.facts.formula_cells))
    return scan.facts


def test_the_participants_sheet_of_a_filled_template_is_not_parsed_element_by_element(monkeypatch):
    data = filled(participants=[("D-001", date(2025, 6, 1), "ww", 3, 20, "JOB_START", date(2026, 2, 2))])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = next(
            archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and b"D-001" in archive.read(n)
        )
    assert b"&#" in xml  # the title's em dash and the data validations' Dutch messages

    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed element by element")

    monkeypatch.setattr(facts.expat, "ParserCreate", refuse)
    assert facts.scan_sheet(xml, frozenset()) == facts.SheetFacts()


def _escaped(text: str) -> str:
    return "".join(f"&#{ord(c)};" if c in "eé—1A" else c for c in text)


def _attribute(name: str, value: str, escape: bool, quote: str) -> str:
    return f" {name}={quote}{_escaped(value) if escape else value}{quote}"


cell = st.tuples(
    st.sampled_from(("n", "e", "s", "inlineStr")),
    st.booleans(),  # the t value spelled by character references
    st.sampled_from(('"', "'")),
    st.text(alphabet="abeé—1A <>", max_size=6),  # the cell's text
    st.booleans(),  # an r attribute spelled by character references
    st.booleans(),  # a formula
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(cell, max_size=4), max_size=4),
    message=st.text(alphabet="vóé1e <>", max_size=8),
    merged=st.booleans(),
)
def test_a_generated_sheet_has_the_facts_the_full_parse_finds(rows, message, merged):
    body = []
    for number, cells in enumerate(rows, start=1):
        parts = []
        for column, (kind, escape, quote, text, escaped_ref, formula) in enumerate(cells):
            ref = f"{'ABCD'[column]}{number}"
            attributes = _attribute("r", ref, escaped_ref, quote) + _attribute("t", kind, escape, quote)
            content = f"<is><t>{_escaped(text).replace('<', '&lt;').replace('>', '&gt;')}</t></is>"
            parts.append(f"<c{attributes}>{'<f>1+1</f>' if formula else ''}{content}</c>")
        body.append(f'<row r="{number}">{"".join(parts)}</row>')
    validation = _escaped(message).replace("<", "&lt;")
    xml = (
        f'<worksheet xmlns="{facts.MAIN}"><sheetData>{"".join(body)}</sheetData>'
        + ('<mergeCells><mergeCell ref="A5:B5"/></mergeCells>' if merged else "")
        + f'<dataValidations><dataValidation sqref="A1" error="{validation}"/></dataValidations></worksheet>'
    ).encode()
    assert facts.scan_sheet(xml, frozenset()) == _fully_scanned(xml)
