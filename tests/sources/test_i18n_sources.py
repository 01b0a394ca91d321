"""A link's problems in Chinese (issue 23 item 1), end to end against the sandbox's documents: a
Base that refuses the app, a link naming a table the base has not, an id kept as a number, and a
link that is not one. The API's own words stay as it answered them."""

from __future__ import annotations

import pytest

from batch_updater import RunOptions, run_job
from batch_updater.errors import CredentialsRefused, InputError, UsageError
from batch_updater.i18n import speaking
from batch_updater.sandbox import SandboxConfig
from batch_updater.sources.links import parse_link
from tests.support.links import IDS, NUMBER, TEXT, UNLIMITED, _quick_backoff, base_link  # noqa: F401
from tests.support.send_harness import ThreadSandbox


def sandbox() -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS[:10], rates=UNLIMITED))


def run(link: str, ts: ThreadSandbox, tmp_path, **options):
    return run_job(RunOptions(input=link, rate="1000/s", report_dir=tmp_path, **options), env=ts.env())


def test_a_base_that_refuses_the_app_says_what_to_grant_in_chinese(tmp_path):
    with sandbox() as ts:
        link, base, table = base_link(ts, [{"ticket_id": IDS[i], "status": "2"} for i in range(2)])
        base.access = "read_only"  # advanced permissions: the app may read, not edit
        with speaking("zh"), pytest.raises(CredentialsRefused) as refused:
            run(link, ts, tmp_path)
        applied = ts.stats()["applied"]
    said = str(refused.value)
    assert applied == 0
    assert said.startswith(f"无法为结果在多维表格数据表 '{table.table_id}'中添加字段 'result'：没有权限（1254302 ")
    assert "（含义：高级权限不允许）" in said  # the code's meaning, after the API's own words
    assert "请把应用添加到文档（右上角 … → 更多 → 添加文档应用）并给予“可编辑”权限" in said
    assert "base:record:update" in said and "cannot" not in said and "permission refused" not in said


def test_a_table_the_base_has_not_is_said_in_chinese(tmp_path):
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        with speaking("zh"), pytest.raises(InputError) as no_table:
            run(link.replace(table.table_id, table.table_id[:-1] + "Q"), ts, tmp_path, dry_run=True)
    said = str(no_table.value)
    assert said.startswith(f"无法读取多维表格数据表 {table.table_id[:-1]}Q 的字段：多维表格里没有数据表 ")
    assert "（1254041）：请检查链接（其中的 ?table=），或从地址栏重新复制" in said


def test_an_id_kept_as_a_number_is_a_chinese_row_problem(tmp_path):
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": int(IDS[0]), "status": "closed"}],
                               columns=[("ticket_id", NUMBER), ("status", TEXT)])
        with speaking("zh"):
            result = run(link, ts, tmp_path)
    assert result.outcomes[0].result.value == "invalid"
    assert "这是数字字段：多维表格按双精度浮点数保存数字" in result.outcomes[0].msg
    assert result.sheet.source == f"多维表格数据表 '{table.table_id}'：1 条记录"


def test_a_link_that_names_no_table_is_refused_in_chinese():
    with speaking("zh"), pytest.raises(UsageError) as e:
        parse_link("https://acme.feishu.cn/base/bascnAbc123")
    assert str(e.value) == ("输入 'https://acme.feishu.cn/base/bascnAbc123'：链接指向多维表格，但没有指明其中的数据表："
                            "请打开数据表，从地址栏复制链接（链接里有 ?table=tbl...）")
    with pytest.raises(UsageError, match="the link names a Base but not one of its tables"):
        parse_link("https://acme.feishu.cn/base/bascnAbc123")
