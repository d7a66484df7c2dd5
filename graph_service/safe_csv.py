"""CSV that spreadsheets open as text: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return would run as a formula in Excel, LibreOffice or Google Sheets (CSV injection), so such a
cell is written with a leading apostrophe, which spreadsheets show as text and do not evaluate.

Used for every CSV we write from data others supplied: the loaders' rejects file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: object) -> object:
    """The cell, made inert if it is text a spreadsheet would evaluate; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class SafeWriter:
    """csv.writer whose text cells are neutralized (and capped at `max_cell` characters)."""

    def __init__(self, handle: TextIO, max_cell: int = 2000) -> None:
        self._writer: Any = csv.writer(handle)
        self.max_cell = max_cell

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutral(self._cap(cell)) for cell in row])

    def _cap(self, cell: object) -> object:
        if isinstance(cell, str) and len(cell) > self.max_cell:
            return cell[: self.max_cell] + f"... ({len(cell):,} characters)"
        return cell
