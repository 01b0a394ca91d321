"""Feishu Sheets (电子表格) and Wiki nodes as the sandbox keeps them (docs/api-facts.md §9.1, §9.7).
No HTTP here (docs_routes.py answers).

- A sheet is a grid of cells as typed: text, a number (answered as a JSON number: a 19-digit id
  typed as a number has lost its last digits), or empty (null).
- Ranges: `<sheetId>`, `<sheetId>!A1:C5`, `<sheetId>!A:C`, `<sheetId>!A2:C` (rows open to the
  end); a range without its end column gives at most 100 columns.
- `access`: "full", "read_only" (writes refused, 90213), "none" (every call refused, 90213).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

THROTTLED = 90217
RETRY_LATER = 90235  # also the sandbox's answer to a write while another to the document is going
LOADING = 90242
NO_PERMISSION = 90213
SHEET_NOT_FOUND = 90215
ANSWER_TOO_LARGE = 90221
REQUEST_TOO_LARGE = 90227
MSGS = {THROTTLED: "TooManyRequest", RETRY_LATER: "retry later", LOADING: "the document is still loading",
        NO_PERMISSION: "no permission", SHEET_NOT_FOUND: "sheet id not found",
        ANSWER_TOO_LARGE: "the answer is too large: read a smaller range",
        REQUEST_TOO_LARGE: "request too large: at most 5000 rows and 100 columns a call"}
MAX_WRITE_ROWS, MAX_WRITE_COLUMNS, MAX_OPEN_COLUMNS = 5000, 100, 100
MAX_ANSWER_BYTES = 10 * 1024 * 1024

_RANGE = re.compile(r"^([A-Za-z0-9_]+)(?:!([A-Z]+)(\d*)(?::([A-Z]*)(\d*))?)?$")


class SheetRefused(Exception):
    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail or MSGS.get(code, str(code)))
        self.code = code


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def as_cell(value: Any) -> Any:
    """A value as a cell keeps it: a number as a double (a sheet holds no wider number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return None if value == "" else value


@dataclass
class SheetDoc:
    sheet_id: str
    title: str
    cells: list[list[Any]] = field(default_factory=list)  # row-major from A1

    @property
    def used(self) -> tuple[int, int]:
        """Rows and columns up to the farthest non-empty cell."""
        rows = cols = 0
        for r, row in enumerate(self.cells, 1):
            filled = [c for c, v in enumerate(row, 1) if v not in (None, "")]
            if filled:
                rows, cols = r, max(cols, filled[-1])
        return rows, cols

    def as_json(self, index: int) -> dict[str, Any]:
        rows, cols = self.used
        return {"sheet_id": self.sheet_id, "title": self.title, "index": index, "hidden": False,
                "grid_properties": {"frozen_row_count": 0, "frozen_column_count": 0,
                                    "row_count": max(rows, 200), "column_count": max(cols, 20)},
                "resource_type": "sheet"}

    def get(self, r: int, c: int) -> Any:
        if r <= len(self.cells) and c <= len(self.cells[r - 1]):
            return self.cells[r - 1][c - 1]
        return None

    def put(self, r: int, c: int, value: Any) -> None:
        while len(self.cells) < r:
            self.cells.append([])
        row = self.cells[r - 1]
        while len(row) < c:
            row.append(None)
        row[c - 1] = value


@dataclass
class Spreadsheet:
    token: str
    title: str
    sheets: list[SheetDoc] = field(default_factory=list)
    access: str = "full"
    writing: int = 0  # values_batch_update requests being applied now (serial per document)

    def sheet(self, sheet_id: str) -> SheetDoc:
        found = next((s for s in self.sheets if s.sheet_id == sheet_id), None)
        if found is None:
            raise SheetRefused(SHEET_NOT_FOUND, sheet_id)
        return found


@dataclass(frozen=True)
class Box:
    sheet_id: str
    first_row: int
    first_col: int
    last_row: int | None  # None: to the last used row
    last_col: int | None  # None: at most MAX_OPEN_COLUMNS


def parse_range(text: str) -> Box:
    match = _RANGE.match(text)
    if not match:
        raise SheetRefused(SHEET_NOT_FOUND, f"bad range {text!r}")
    sheet_id, c1, r1, c2, r2 = match.groups()
    if c1 is None:
        return Box(sheet_id, 1, 1, None, None)
    first_col, first_row = column_number(c1), int(r1) if r1 else 1
    last_col = column_number(c2) if c2 else (first_col if c2 is None and r2 is None else None)
    last_row = int(r2) if r2 else (first_row if c2 is None and r2 is None and r1 else None)
    return Box(sheet_id, first_row, first_col, last_row, last_col)


def read_values(sheet: SheetDoc, box: Box) -> list[list[Any]]:
    rows, cols = sheet.used
    last_row = box.last_row if box.last_row is not None else rows
    last_col = box.last_col if box.last_col is not None else min(max(cols, box.first_col),
                                                                  box.first_col + MAX_OPEN_COLUMNS - 1)
    return [[sheet.get(r, c) for c in range(box.first_col, last_col + 1)]
            for r in range(box.first_row, last_row + 1)]


def check_writes(book: Spreadsheet, value_ranges: Any) -> list[tuple[SheetDoc, Box, list[list[Any]]]]:
    """A values_batch_update body, checked whole before anything is written."""
    if not isinstance(value_ranges, list) or not value_ranges:
        raise SheetRefused(REQUEST_TOO_LARGE, "valueRanges: expected a non-empty list")
    checked, rows = [], 0
    for item in value_ranges:
        if not isinstance(item, dict) or not isinstance(item.get("values"), list):
            raise SheetRefused(REQUEST_TOO_LARGE, "each value range needs a range and values")
        box = parse_range(str(item.get("range", "")))
        values = item["values"]
        width = max((len(v) for v in values if isinstance(v, list)), default=0)
        rows += len(values)
        if width > MAX_WRITE_COLUMNS or rows > MAX_WRITE_ROWS:
            raise SheetRefused(REQUEST_TOO_LARGE)
        checked.append((book.sheet(box.sheet_id), box, values))
    return checked


def write_values(writes: Sequence[tuple[SheetDoc, Box, list[list[Any]]]]) -> int:
    """Apply checked writes; the number of rows written."""
    n = 0
    for sheet, box, values in writes:
        for i, row in enumerate(values):
            for j, value in enumerate(row if isinstance(row, list) else []):
                sheet.put(box.first_row + i, box.first_col + j, as_cell(value))
        n += len(values)
    return n


@dataclass(frozen=True)
class WikiNode:
    node_token: str
    obj_type: str  # "bitable" or "sheet"
    obj_token: str
    title: str

    def as_json(self, space_id: str) -> dict[str, Any]:
        return {"space_id": space_id, "node_token": self.node_token, "obj_token": self.obj_token,
                "obj_type": self.obj_type, "parent_node_token": "", "node_type": "origin",
                "origin_node_token": self.node_token, "origin_space_id": space_id, "has_child": False,
                "title": self.title}
