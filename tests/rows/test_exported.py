"""An exported sheet run again: only the cells edited since the export are sent."""

from __future__ import annotations

import json

from batch_updater.model import Row, TicketUpdate
from batch_updater.rows.exported import AS_EXPORTED, UNCHANGED, since_export
from batch_updater.rows.validate import validate_rows
from batch_updater.schema.columns import resolve_columns

ID = "6945345902185807891"
HEADER = ["ticket_id", "status", "tag_names", "custom:77", "comment", AS_EXPORTED]
WAS = json.dumps({"status": "待用户响应", "tag_names": "a, b", "custom:77": "x"}, ensure_ascii=False)


def reduced(*cells: str) -> tuple[list, dict]:
    columns = resolve_columns(HEADER)
    rows = [Row(i + 2, (ID, *c, WAS)) for i, c in enumerate(cells)]
    return since_export(validate_rows(rows, columns), rows, columns)


def test_unchanged_rows_are_skipped_and_edited_cells_alone_are_sent():
    checked, skips = reduced(("待用户响应", "a, b", "x", ""),   # as exported
                             ("5", "b,a", "x", ""),              # the same values, written otherwise
                             ("处理中", "a, b", "y", ""),          # two cells edited
                             ("待用户响应", "a, b", "x", "hi"))   # a comment added
    assert skips == {0: UNCHANGED, 1: UNCHANGED}
    assert checked[0].body == {} and checked[1].body == {}
    assert checked[2] == TicketUpdate(4, ID, {"status": 2, "customized_fields": [{"id": "77", "value": "y"}]})
    assert checked[3].body == {"comment": "hi"}


def test_a_cell_emptied_is_left_alone_as_in_any_sheet_and_a_sheet_without_the_column_is_as_it_is():
    checked, skips = reduced(("", "a, b", "x", ""))
    assert skips == {0: UNCHANGED}
    columns = resolve_columns(["ticket_id", "status"])
    rows = [Row(2, (ID, "5"))]
    assert since_export(validate_rows(rows, columns), rows, columns) == ([TicketUpdate(2, ID, {"status": 5})], {})
