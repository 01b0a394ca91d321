"""An export's and a --select's messages in Chinese (issue 23 item 1), end to end against the
sandbox: `export --lang zh` says what the list could not find, refuses a file it would overwrite
and an --ids file's bad cells in Chinese; the filters' and --set's refusals too."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import UsageError
from batch_updater.helpdesk.filters import parse_select
from batch_updater.helpdesk.select import Selection, check_change
from batch_updater.i18n import speaking
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

FAST = [(1_000_000, 1.0)]


def config(**more) -> SandboxConfig:
    return SandboxConfig(**{"rates": FAST, "get_rates": FAST, "list_rates": FAST, "fields_rates": FAST, **more})


def test_an_export_by_ids_says_the_ids_it_could_not_find_in_chinese(tmp_path, monkeypatch):
    with ThreadSandbox(config(n_tickets=10)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        write_csv(tmp_path / "ids.csv", [["ticket_id"], [ids[2]], [ids[5]], ["7399999999999999999"]])
        monkeypatch.chdir(tmp_path)
        result = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "export", "--ids", "ids.csv", "-o", "p.csv"])
    assert result.exit_code == 0, result.output
    assert "3 个工单号中有 1 个不在服务台里，或不符合筛选条件：7399999999999999999" in result.output
    assert "ids are not in the helpdesk" not in result.output


def test_an_export_refuses_a_file_it_would_overwrite_and_bad_ids_in_chinese(tmp_path, monkeypatch):
    with ThreadSandbox(config(n_tickets=5)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        write_csv(tmp_path / "ids.csv", [["ticket_id"], [ids[0]], ["6.94534590218581E+18"], ["1234"]])
        (tmp_path / "edited.csv").write_text("ticket_id,status\n1,my edits\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        kept = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "export", "-o", "edited.csv"])
        bad = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "export", "--ids", "ids.csv", "-o", "p.csv"])
        listed = ts.stats()["list"]["accepted"]
    assert kept.exit_code == 2 and "edited.csv：文件已存在（是你编辑过的导出文件吗？）：请换个文件名，" \
        "或加上 --overwrite 运行以替换它" in kept.output
    assert bad.exit_code == 2, bad.output
    assert "--ids ids.csv：第 3 行（'6.94534590218581E+18'）：" in bad.output
    assert "第 4 行（'1234'）：工单号应为 16 到 19 位数字，这个有 4 位" in bad.output
    assert "；请改好这些单元格，或删掉这些行，再运行一次" in bad.output
    assert "这一行不会发送" not in bad.output and listed == 0


@pytest.mark.parametrize(("select", "said"), [
    ("status=5 tag", "：'tag' 不是 key=value 的形式（例如 \"status=5 tag=billing\"）"),
    ("created-since=yesterday", "created-since 'yesterday'：不是日期；请写 2026-11-01、2026-11-01 08:30 或 14 days ago"),
    ("updated-since=2026-11-02 updated-before=2026-11-01", "updated-since 不早于 updated-before：没有工单能同时满足"),
    ("priority=high", "'priority' 不是筛选条件；可用的有 status, tag, agent"),
])
def test_a_select_string_is_refused_in_chinese(select, said):
    with speaking("zh"), pytest.raises(UsageError) as e:
        parse_select(select)
    assert said in str(e.value)


def test_a_set_of_nothing_and_an_empty_set_are_refused_in_chinese():
    filters = parse_select("status=5")
    with speaking("zh"), pytest.raises(UsageError) as nothing:
        check_change(Selection(filters), None)
    with speaking("zh"), pytest.raises(UsageError) as empty:
        check_change(Selection(filters, {"status": " "}), None)
    assert str(nothing.value) == "没有要改的内容：请给出 set 字段=值（或 comment 文本）"
    assert str(empty.value) == ("set status=：空值不会改变任何内容（空单元格不改字段）；要清空所有标签，"
                                "请写 tag_names=[]")
