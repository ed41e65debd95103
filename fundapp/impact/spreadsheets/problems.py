"""Collecting problems: every one of them, in the investee's language, sorted the way they read the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layout import split_cell_ref
from .messages import message
from .model import CellProblem, SpreadsheetInvalid

if TYPE_CHECKING:
    from .parse import CheckedUpload


class Problems:
    """The problems found so far.

    A cell gets one problem: the first rule it fails (a formula cell is reported as a
    formula, not also as "not a number"). Whole-file and whole-sheet problems
    (cell="") are all kept.
    """

    def __init__(self, language: str, max_problems: int):
        self.language = language
        self.max_problems = max_problems
        self._problems: list[CellProblem] = []
        self._cells: set[tuple[str, str]] = set()
        self._rows: set[tuple[str, int]] = set()
        self.not_listed = 0

    def add(self, sheet: str, cell: str, key: str, **values: object) -> None:
        if cell:
            if (sheet, cell) in self._cells:
                return
            self._cells.add((sheet, cell))
            position = split_cell_ref(cell)
            if position is not None:
                self._rows.add((sheet, position[0]))
        if len(self._problems) >= self.max_problems:
            self.not_listed += 1
            return
        self._problems.append(CellProblem(sheet, cell, message(key, self.language, **values)))

    def has(self, sheet: str, cell: str) -> bool:
        return (sheet, cell) in self._cells

    def row_has_any(self, sheet: str, row: int) -> bool:
        """Whether a cell of this row already has a problem (a cheap test done once per row)."""
        return (sheet, row) in self._rows

    def __bool__(self) -> bool:
        return bool(self._problems)

    def __len__(self) -> int:
        return len(self._problems)

    def sorted(self, sheet_order: list[str]) -> list[CellProblem]:
        """Whole-file problems first, then by sheet (workbook order), row and column."""
        position = {name: index for index, name in enumerate(sheet_order)}

        def key(problem: CellProblem) -> tuple[int, int, int]:
            if not problem.sheet:
                return (-1, 0, 0)
            row, column = split_cell_ref(problem.cell) or (0, 0)
            return (position.get(problem.sheet, len(position)), row, column)

        ordered = sorted(self._problems, key=key)
        if self.not_listed:
            ordered.append(CellProblem("", "", message("too_many_problems", self.language, count=self.not_listed)))
        return ordered

    def raise_if_any(self, sheet_order: list[str], checked: CheckedUpload | None = None) -> None:
        if self._problems:
            raise SpreadsheetInvalid(self.sorted(sheet_order), checked)
