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


def test_a_file_that_is_not_a_spreadsheet_is_said_in_chinese(runner, tmp_path):
    from batch_updater.cli import cli

    (tmp_path / "in.csv").write_bytes(b"%PDF-1.7 not a sheet")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    pdf = runner.invoke(cli, ["--lang", "zh", "run", "in.csv", "--dry-run"])
    empty = runner.invoke(cli, ["--lang", "zh", "run", "empty.xlsx", "--dry-run"])
    assert pdf.exit_code == empty.exit_code == 2, pdf.output + empty.output
    assert "in.csv 不是文本文件：它是一个 PDF 文档" in pdf.output
    assert "empty.xlsx 是空文件（0 字节）：应有一行含 ticket_id 列的表头" in empty.output


def test_an_encoding_that_is_not_one_and_a_write_back_without_a_file_are_said_in_chinese():
    from batch_updater.sheet.encodings import decode
    from batch_updater.sheet.writeback import needs_a_file

    with speaking("zh"):
        with pytest.raises(InputError) as caught:
            decode(b"ticket_id\n", "no-such-codec")
        assert str(caught.value) == "未知编码 'no-such-codec'"
        assert "需要一个输入文件" in str(needs_a_file())
