"""The report workbooks' one-pass writer (``fundapp.reports.sheets``) against openpyxl's ordinary workbook.

The same tables written both ways must read back the same: values, number formats, bold and fill, column widths,
frozen panes and filters. The tables are generated (hypothesis), with texts, amounts, counts, dates and gaps.
"""

from __future__ import annotations

import gc
import io
from datetime import date
from decimal import Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundapp.gc_pause import paused_gc
from fundapp.reports import excel
from fundapp.reports.sheets import Book

FORMATS = (None, excel.MONEY, excel.INTEGER, excel.RATIO, excel.DECIMAL, "yyyy-mm-dd")
values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=70),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
)
columns = st.lists(
    st.builds(
        excel.Column,
        title=st.text(alphabet="abcdefghij KLMN=+-@", min_size=1, max_size=30),
        width=st.integers(min_value=6, max_value=40),
        number_format=st.sampled_from(FORMATS),
        total=st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


def _written(book: object, sheet_of: object, heading: list[str], table: list, rows: list[list], facts: list) -> bytes:
    sheet, row = excel.add_sheet(book, "Blad", heading) if sheet_of is None else sheet_of(heading)
    _header, last = excel.write_table(sheet, row, table, rows, total_label="Totaal")
    excel.facts(sheet, last + 3, facts)
    if isinstance(book, Book):
        return excel.finish(book).getvalue()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(heading: list[str], table: list, rows: list[list], facts: list) -> bytes:
    """The same calls on an ordinary openpyxl worksheet (what the reports wrote before)."""
    book = openpyxl.Workbook()
    book.remove(book.active)

    def sheet_of(lines: list[str]) -> tuple:
        plain = book.create_sheet("Blad")
        for number, text in enumerate(lines, start=1):
            cell = plain.cell(row=number, column=1, value=excel.cell_value(str(text)))
            cell.font = openpyxl.styles.Font(bold=number == 1, size=13 if number == 1 else 10)
        return plain, len(lines) + 2 if lines else 1

    return _written(book, sheet_of, heading, table, rows, facts)


def _read(data: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = {
        (cell.row, cell.column): (cell.value, cell.number_format, bool(cell.font.b), cell.fill.fgColor.rgb)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None or cell.has_style
    }
    widths = {letter: d.width for letter, d in sheet.column_dimensions.items() if d.width}
    return {"cells": cells, "widths": widths, "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=columns,
    rows=st.lists(st.lists(values, min_size=0, max_size=6), max_size=12),
    facts=st.lists(
        st.tuples(st.text(alphabet="abc XYZ:", min_size=1, max_size=20), values, st.sampled_from(FORMATS)), max_size=4
    ),
    heading=st.lists(st.text(alphabet="abc XYZ", min_size=1, max_size=20), max_size=3),
)
def test_a_table_written_in_one_pass_reads_back_as_the_same_table_written_by_openpyxls_ordinary_workbook(
    table, rows, facts, heading
):
    fast = _read(_written(Book(), None, heading, table, rows, facts))
    plain = _read(_plain(heading, table, rows, facts))
    assert fast["cells"] == plain["cells"]
    assert fast["widths"] == plain["widths"]
    assert (fast["freeze"], fast["filter"]) == (plain["freeze"], plain["filter"])


def test_the_collector_paused_for_a_document_runs_again_after_it_even_when_pauses_nest_or_the_build_fails():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner pause leaves the outer one paused"
    assert gc.isenabled()
    try:
        with paused_gc():
            raise ValueError("the renderer failed")
    except ValueError:
        pass
    assert gc.isenabled()


def test_each_style_is_numbered_once_per_workbook_not_for_every_cell_it_styles(monkeypatch):
    from openpyxl.styles.cell_style import StyleArray

    lookups = []
    plain_hash = StyleArray.__hash__
    monkeypatch.setattr(StyleArray, "__hash__", lambda style: lookups.append(1) or plain_hash(style))
    table = [excel.Column("Bedrag", 14, excel.MONEY, total=True), excel.Column("Aantal", 10, excel.INTEGER)]
    rows = [[Decimal(n) / 100, n] for n in range(500)]

    data = _written(Book(), None, ["Titel"], table, rows, [])

    assert len(lookups) < 100  # a few per style; openpyxl alone looks a style up for each of the 1,000 cells
    cells = _read(data)["cells"]
    assert cells[(503, 1)] == (4.99, excel.MONEY, False, "00000000")
    assert cells[(503, 2)] == (499, excel.INTEGER, False, "00000000")
