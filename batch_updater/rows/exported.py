"""A sheet `batch-updater export` wrote, run again: only the cells edited since are sent. Pure.

The export keeps each row's cells as they were in its `as exported (not sent)` column (a JSON
object, header -> cell). A cell that still holds that value (as its field reads it: `5` is
`待用户响应`) is left out of the row's body, and a row with nothing left is not sent at all: it is
`skipped`, unchanged since the export. So an exported sheet run as it is changes nothing, and
editing a cell changes exactly that field of that ticket (never putting back a value an agent
changed since on the row's other fields). A cell of a column the export did not write (a
`comment` added, say) is sent as in any sheet; so is a job file's default for an empty cell."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from batch_updater.model import FieldError, Row, TicketUpdate
from batch_updater.rows.custom import BadChoice, custom_item, same_value
from batch_updater.rows.validate import Bad, parser
from batch_updater.schema.columns import ColumnMap, CustomColumn
from batch_updater.schema.fields import fold

AS_EXPORTED = "as exported (not sent)"
UNCHANGED = "unchanged since the export: nothing to send"

Checked = TicketUpdate | list[FieldError]


def _same(columns: ColumnMap, role: str | CustomColumn, now: str, was: str) -> bool:
    """Whether two cells of a column mean the same value."""
    if now.strip() == was.strip():
        return True
    if isinstance(role, CustomColumn):
        try:
            a = custom_item(role, now, columns.custom_fields, columns.unchecked is not None)["value"]
            b = custom_item(role, was, columns.custom_fields, columns.unchecked is not None)["value"]
        except BadChoice:
            return False
        fields = columns.custom_fields
        return same_value(fields.by_id.get(role.field_id) if fields is not None else None, a, b)
    field = columns.registry.get(role)
    if field is None or field.kind not in ("code", "int", "tags"):
        return False
    parse = parser(field)
    try:
        return bool(field.same(parse(now), parse(was)) if field.kind == "tags" else parse(now) == parse(was))
    except Bad:
        return False


def snapshot_column(columns: ColumnMap) -> int | None:
    return next((i for i, h in enumerate(columns.header) if fold(h) == AS_EXPORTED), None)


def since_export(checked: Sequence[Checked], rows: Sequence[Row], columns: ColumnMap) -> tuple[list[Checked],
                                                                                             dict[int, str]]:
    """Each valid row's body without the fields whose cells are as exported, and the rows left
    with nothing to send (index -> why: they are skipped). A sheet without the column: as it is."""
    at = snapshot_column(columns)
    if at is None:
        return list(checked), {}
    sent = [(i, columns.header[i].strip(), role) for i, role in enumerate(columns.roles)
            if role is not None and role != "ticket_id"]
    result: list[Checked] = []
    skips: dict[int, str] = {}
    for index, (item, row) in enumerate(zip(checked, rows)):
        if not isinstance(item, TicketUpdate):
            result.append(item)
            continue
        try:
            was: Any = json.loads(row.cells[at]) if row.cells[at].strip() else {}
        except ValueError:
            was = None
        if not isinstance(was, Mapping):
            result.append(item)  # not the export's: the row is sent as it is
            continue
        exported = {fold(k): str(v) for k, v in was.items()}
        body = dict(item.body)
        unchanged_ids: set[str] = set()
        for i, header, role in sent:
            cell = row.cells[i]
            if not cell.strip() or not _same(columns, role, cell, exported.get(fold(header), "")):
                continue
            if isinstance(role, CustomColumn):
                unchanged_ids.add(role.field_id)
            elif role != "customized_fields":
                body.pop(role, None)
        if unchanged_ids and body.get("customized_fields"):
            left = [c for c in body["customized_fields"] if c["id"] not in unchanged_ids]
            if left:
                body["customized_fields"] = left
            else:
                del body["customized_fields"]
        if not body:
            skips[index] = UNCHANGED
        result.append(TicketUpdate(item.row, item.ticket_id, body) if body != item.body else item)
    return result, skips
