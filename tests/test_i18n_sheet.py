"""Issue 23 item 1: the sheet reader's, the header's and the report's messages said in Chinese
(the English ones are asserted by the tests of each module, which run in English)."""

from __future__ import annotations

import errno

import pytest

from batch_updater.errors import InputError, disk_full
from batch_updater.i18n import speaking
from batch_updater.schema.columns import resolve_columns


def test_a_header_without_a_ticket_id_column_is_said_in_chinese():
    with speaking("zh"), pytest.raises(InputError) as caught:
        resolve_columns(["状态", "note"])
    assert str(caught.value) == "没有工单号列：表头中应有名为 ticket_id（或 工单ID / 工单编号）的列；表头行是 '状态', 'note'"


def test_columns_not_sent_are_said_in_chinese_and_a_full_disk_too():
    with speaking("zh"):
        columns = resolve_columns(["ticket_id", "note"])
        assert disk_full(OSError(errno.ENOSPC, "full"), "/data") == "/data 没有剩余空间"
    assert columns.warnings == ("这些列保留在报告中但不发送（不是工单字段）：note",)
