"""What the mapping list shows of each column: its first distinct values, how many rows hold each,
and, for a column sent as a field, whether the field takes the value (after the column's value
map): the values a value map should fix stand out. Built once per check, from the rows read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batch_updater.rows.validate import Bad, parser
from batch_updater.schema.columns import ColumnMap
from batch_updater.schema.fields import fold
from batch_updater.schema.sheet import Sheet

MOST = 20  # distinct values shown per column
SHOWN_CHARS = 60  # a long value (a comment) is shown cut


def column_samples(sheet: Sheet, values: Mapping[str, Mapping[str, str]] | None = None,
                   most: int = MOST) -> list[dict[str, Any]]:
    """One entry per column of the header: its first `most` distinct non-empty values (in the
    order they come), each with its count and, for a field's column, what is wrong with it for
    that field ("" when it is fine); `more`: the column has other values too."""
    maps = {fold(k): {fold(a): b for a, b in v.items()} for k, v in (values or {}).items()}
    columns = sheet.columns
    found = []
    for i, header in enumerate(columns.header):
        counts: dict[str, int] = {}
        more = False
        for row in sheet.rows:
            cell = row.cells[i].strip() if i < len(row.cells) else ""
            if not cell:
                continue
            if cell in counts:
                counts[cell] += 1
            elif len(counts) < most:
                counts[cell] = 1
            else:
                more = True
        check = _checker(columns, i)
        table = maps.get(fold(header), {})
        found.append({"header": header, "more": more, "samples": [
            _sample(value, n, table.get(fold(value)), check) for value, n in counts.items()]})
    return found


def _checker(columns: ColumnMap, index: int) -> Any:
    role = columns.roles[index]
    if not isinstance(role, str) or role not in columns.registry:
        return None
    field = columns.registry[role]
    return parser(field) if field.kind not in ("text", "comment", "id") else None


def _sample(value: str, n: int, mapped: str | None, check: Any) -> dict[str, Any]:
    read = value if mapped is None else mapped
    problem = ""
    if check is not None and read.strip():
        try:
            check(read)
        except Bad as e:
            problem = str(e)
    shown = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS - 1] + "…"
    return {"value": shown, "whole": len(value) <= SHOWN_CHARS, "n": n, "mapped": mapped, "problem": problem}
