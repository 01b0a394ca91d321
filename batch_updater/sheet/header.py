"""The header row of a sheet: which row it is, how wide the table is, and what to say about it.

- The header is the first non-empty row, or the row `--header-row N` names (a title above it).
  A header without a ticket id column says which row below looks like the header.
- A column with no header that holds data (after the last named column too) is a column of the
  table: kept in the report, not sent, named `column C` in a warning (it used to make every row
  "a cell beyond the last column").
- Merged cells of a workbook: a merged header cell leaves the columns it covers without a header
  of their own; a merged cell below it holds its value in its first row only, so a sent cell
  inside it (a ticket id merged over three rows) makes its row invalid, naming the merge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from batch_updater.errors import InputError
from batch_updater.model import Row
from batch_updater.naming import advice, option
from batch_updater.schema.columns import ColumnMap, NoTicketIdColumn, column_letter, listed, resolve_columns
from batch_updater.sheet.blocks import tool_columns

Merge = tuple[tuple[int, int], tuple[int, int]]  # (first row, first column), (last row, last column): 0-based
_LOOK_AHEAD = 30  # rows below a header without a ticket id searched for one that has it


def header_index(records: Sequence[Sequence[str]], header_row: int | None, where: str) -> int:
    """The header's record index: `header_row` (1 = the first row) if given, else the first non-empty row."""
    if header_row is not None:
        index = header_row - 1
        if index >= len(records) or not any(c.strip() for c in records[index]):
            raise InputError(f"{option('header_row')} {header_row}: row {header_row} of {where} is "
                             f"{'empty' if index < len(records) else 'past its end'}; give the row of the "
                             "column names (1 = the first row)", option="header_row", value=header_row)
        return index
    start = next((i for i, rec in enumerate(records) if any(c.strip() for c in rec)), None)
    if start is None:
        raise InputError(f"{where} is empty: expected a header row with a ticket_id column")
    return start


def table_width(records: Sequence[Sequence[str]], start: int) -> int:
    """The header's named columns, and beyond them the columns of the header row left empty that hold
    data below (an empty header cell is part of the header row: in a CSV its separator is there)."""
    header = records[start]
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    if len(header) > width:
        for cells in records[start + 1:]:
            for c in range(min(len(cells), len(header)) - 1, width - 1, -1):
                if cells[c].strip():
                    width = c + 1
                    break
            if width == len(header):
                break
    return width


def columns_of(records: Sequence[Sequence[str]], start: int, width: int, renames: Mapping[str, str] | None,
               header_row: int | None) -> ColumnMap:
    """The header's columns; without a ticket id column, the error says which row below has one."""
    try:
        header = list(records[start][:width])
        return resolve_columns(header, renames, earlier=tool_columns(header))
    except NoTicketIdColumn as e:
        if header_row is None:
            below = _header_below(records, start, renames)
            if below is not None:
                raise NoTicketIdColumn(f"{e}; row {below + 1} looks like the header (it has a ticket id column): "
                                       f"if the rows above it are a title, {advice('header_row', below + 1)}",
                                       e.header) from None
        raise


def _header_below(records: Sequence[Sequence[str]], start: int, renames: Mapping[str, str] | None) -> int | None:
    for index in range(start + 1, min(len(records), start + 1 + _LOOK_AHEAD)):
        if any(c.strip() for c in records[index]):
            try:
                resolve_columns(list(records[index]), renames)
            except InputError:
                continue
            return index
    return None


def unnamed_warning(columns: ColumnMap, rows: Sequence[Row]) -> str | None:
    """The columns with no header that hold data: kept in the report, not sent."""
    empty = [i for i, name in enumerate(columns.header) if not name.strip()]
    unnamed = [i for i in empty if any(i < len(row.cells) and row.cells[i].strip() for row in rows)]
    if not unnamed:
        return None
    names = listed([column_letter(i) for i in unnamed])
    return (f"{'column' if len(unnamed) == 1 else 'columns'} {names} "
            f"{'has' if len(unnamed) == 1 else 'have'} data but no header: kept in the report, not sent "
            "(give a header to send a field)")


def merged_cells(merges: Sequence[Merge], columns: ColumnMap, rows: list[Row], header: int) -> tuple[
        list[Row], list[str]]:
    """The rows with a problem on each sent cell inside a merged cell but its first, and a warning
    for each merged header cell. `header` is the header's 0-based row."""
    sent = [i for i, role in enumerate(columns.roles) if role is not None]
    at = {row.number - 1: k for k, row in enumerate(rows)}
    added: dict[int, list[tuple[int, str]]] = {}
    warnings = []
    last_row = rows[-1].number - 1 if rows else header
    for (r0, c0), (r1, c1) in merges:
        span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r0 <= header <= r1 and c1 > c0 and c0 + 1 < len(columns.header):
            covered = [column_letter(c) for c in range(c0 + 1, min(c1 + 1, len(columns.header)))]
            warnings.append(f"header cells {span} are merged: {'column' if len(covered) == 1 else 'columns'} "
                            f"{listed(covered)} {'has' if len(covered) == 1 else 'have'} no header of its own "
                            "(kept in the report, not sent); unmerge them and name each column")
        for c in (c for c in sent if c0 <= c <= c1):
            for r in range(max(r0, header + 1), min(r1, last_row) + 1):
                if (r, c) != (r0, c0) and r in at:
                    added.setdefault(at[r], []).append((c, (
                        f"cell {column_letter(c)}{r + 1} is inside the merged cell {span}, whose value is in "
                        f"{column_letter(c0)}{r0 + 1} only: unmerge it and fill in the cell on each row. "
                        "This row is not sent")))
    if not added:
        return rows, warnings
    rows = list(rows)
    for k, problems in added.items():
        row = rows[k]
        known = {c for c, _ in row.problems}
        rows[k] = Row(row.number, row.cells, row.overflow,
                      row.problems + tuple(p for p in problems if p[0] not in known))
    return rows, warnings
