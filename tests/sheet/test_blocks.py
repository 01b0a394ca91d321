"""The tool's own columns: a whole block, `result` (or `plan`) first, is an earlier run's; any
other column is the sheet's own, and an added column with one of its names is named apart."""

from __future__ import annotations

import pytest

from batch_updater.model import RESULT_NAMES
from batch_updater.sheet.blocks import (
    PLAN,
    REPORT_HEADER,
    RESULT_HEADER,
    RESULTS,
    RETRY_HEADER,
    block_spans,
    named_apart,
    tool_columns,
)


@pytest.mark.parametrize("header, ours", [
    (["ticket_id", "code", "msg", "attempts"], []),  # the sheet's own: kept (was: dropped)
    (["ticket_id", "result", "note"], []),
    (["ticket_id", *RESULT_NAMES], list(range(1, 8))),  # an older report, without `row`
    (["ticket_id", *REPORT_HEADER, "x"], list(range(1, 9))),
    (["ticket_id", "code", "result", "http_status", "code (run)", "msg", "log_id", "attempts", "finished_at", "row"],
     list(range(2, 10))),
    (["ticket_id", *RESULT_HEADER], list(range(1, 7))),  # a results file
    (["ticket_id", "why", *RETRY_HEADER], [2, 3, 4]),  # a retry file of a sheet with its own `why`
    (["ticket_id", "result", "why"], [1, 2]),  # an unknown file
    (["ticket_id", "row", "result", "why"], [2, 3]),  # the sheet's own `row` before the block
    (["ticket_id", "plan", "status (now)", "status (new)", "msg (plan)"], [1, 2, 3, 4]),
    (["ticket_id", "msg", "code"], []),
])
def test_only_a_whole_block_is_an_earlier_runs(header, ours):
    assert tool_columns(header) == ours


def test_added_columns_are_named_apart_only_where_the_sheet_has_the_name():
    assert named_apart(REPORT_HEADER, ["ticket_id", " Code ", "MSG", "Row"]) == (
        "result", "http_status", "code (run)", "msg (run)", "log_id", "attempts", "finished_at", "row (run)")
    assert named_apart(("plan", "status (now)", "status (new)", "msg"), ["msg"], PLAN)[-1] == "msg (plan)"


def test_a_results_block_named_apart_is_still_found_to_be_replaced():
    header = ["ticket_id", "code", *named_apart(RESULT_HEADER, ["code"])]
    assert block_spans(header, RESULTS) == [(2, 6)]
