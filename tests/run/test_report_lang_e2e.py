"""Issue 23 item 1: with --lang zh the report, the retry file and the Excel report's sheets speak
Chinese (结果 / 成功 / 无效 ...); English stays the default contract; a report, retry or write-back
file in either language fed back in has the tool's columns left out and sends nothing twice.
End to end against the sandbox on 127.0.0.1 where something is sent."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.sandbox import SandboxConfig
from batch_updater.sheet.blocks import ZH_WORDS, tool_columns
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7300000000000000001 + i * 7919) for i in range(4)]
UNLIMITED = [(1_000_000, 1.0)]
OWN = ["ticket_id", "status", "comment"]
ROWS = [OWN, [IDS[0], "2", "说一次"], [IDS[1], "bogus", ""], [IDS[2], "4", ""]]
ZH_REPORT = ["结果", "HTTP状态码", "返回码", "说明", "日志ID", "尝试次数", "完成时间", "行号"]
EN_REPORT = ["result", "http_status", "code", "msg", "log_id", "attempts", "finished_at", "row"]


def test_a_dry_run_in_chinese_writes_chinese_headers_and_values_and_english_stays_the_default(runner, tmp_path):
    write_csv(tmp_path / "in.csv", ROWS)
    zh = runner.invoke(cli, ["--lang", "zh", "run", "in.csv", "--dry-run", "--report", "zh.csv"])
    assert zh.exit_code == 1, zh.output
    report = read_rows(tmp_path / "zh.csv")
    assert list(report[0]) == [*OWN, *ZH_REPORT]
    assert [r["结果"] for r in report] == ["有效", "无效", "有效"]
    assert [r["行号"] for r in report] == ["2", "3", "4"]
    retry = read_rows(tmp_path / "zh-retry.csv")
    assert list(retry[0]) == [*OWN, "结果", "原因", "行号"]
    assert retry[0]["结果"] == "无效" and "不是有效状态" in retry[0]["原因"]
    en = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "en.csv"])
    assert en.exit_code == 1, en.output
    report = read_rows(tmp_path / "en.csv")
    assert list(report[0]) == [*OWN, *EN_REPORT]
    assert [r["result"] for r in report] == ["valid", "invalid", "valid"]
    assert list(read_rows(tmp_path / "en-retry.csv")[0]) == [*OWN, "result", "why", "row"]


def test_a_chinese_locale_says_its_messages_in_chinese_and_keeps_the_contracts_columns(runner, tmp_path):
    """LANG=zh_CN alone (a cron job on a Chinese machine): the messages are Chinese, the result
    columns' names and values stay the contract scripts read; --lang zh, chosen, makes them Chinese."""
    write_csv(tmp_path / "in.csv", ROWS)
    done = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "locale.csv"], env={"LANG": "zh_CN.UTF-8"})
    assert done.exit_code == 1, done.output
    report = read_rows(tmp_path / "locale.csv")
    assert list(report[0]) == [*OWN, *EN_REPORT]
    assert [r["result"] for r in report] == ["valid", "invalid", "valid"]
    assert "不是有效状态" in report[1]["msg"]
    assert list(read_rows(tmp_path / "locale-retry.csv")[0]) == [*OWN, "result", "why", "row"]


def test_a_chinese_excel_reports_sheets_summary_and_charts_are_chinese(runner, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    write_csv(tmp_path / "in.csv", ROWS)
    done = runner.invoke(cli, ["--lang", "zh", "run", "in.csv", "--dry-run", "--report", "zh.xlsx"])
    assert done.exit_code == 1, done.output
    book = openpyxl.load_workbook(tmp_path / "zh.xlsx")
    assert book.sheetnames == ["报告", "汇总"]
    header = [c.value for c in book["报告"][1]]
    assert header == [*OWN, *ZH_REPORT]
    assert book["报告"]["D2"].value == "有效" and book["报告"]["D3"].value == "无效"
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows(max_col=2)]
    assert summary[:3] == [["各结果的行数", None], ["有效", 2], ["无效", 1]]
    assert ["设置", None] in summary
    assert "Rows by result" not in str(summary)
    assert openpyxl.load_workbook(tmp_path / "zh-retry.xlsx").sheetnames == ["重试"]
    english = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "en.xlsx"])
    assert english.exit_code == 1
    book = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames == ["Report", "Summary"] and book["Report"]["D2"].value == "valid"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_and_retry_file_fed_back_read_as_their_input(runner, tmp_path, lang):
    write_csv(tmp_path / "in.csv", ROWS)
    first = runner.invoke(cli, ["--lang", lang, "run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert first.exit_code == 1, first.output
    for fed, rows in (("out.csv", 3), ("out-retry.csv", 1)):
        again = runner.invoke(cli, ["--lang", lang, "run", fed, "--dry-run", "--report", "again.csv"])
        assert again.exit_code == 1, again.output  # the invalid row is still invalid, nothing else
        report = read_rows(tmp_path / "again.csv")
        # the tool's columns left out (not kept as the user's, with ours named apart) and written afresh
        assert list(report[0]) == [*OWN, *(ZH_REPORT if lang == "zh" else EN_REPORT)]
        assert len(report) == rows and "Traceback" not in again.output


@pytest.mark.parametrize("header", [
    [*OWN, *ZH_REPORT], [*OWN, "结果", "原因", "行号"], [*OWN, "结果", "返回码", "说明", "日志ID", "尝试次数", "完成时间"],
    ["ticket_id", "结果", "说明", *(f"{n} (run)" if n in ("结果", "说明") else n for n in ZH_REPORT)],
])
def test_a_chinese_block_is_the_tools_and_a_lone_chinese_word_is_yours(header):
    ours = tool_columns(header)
    own = [h for i, h in enumerate(header) if i not in ours]
    assert own == (["ticket_id", "结果", "说明"] if "结果 (run)" in header else OWN)
    assert tool_columns(["ticket_id", "结果", "说明"]) == []  # not a whole block: the user's own
    assert tool_columns(["ticket_id", "结果", "http_status", "code"]) == []  # one language per block


def test_every_word_of_the_report_has_its_chinese():
    assert set(ZH_WORDS) >= {*EN_REPORT, "why", "ok", "invalid", "failed", "unknown", "not_attempted", "skipped",
                             "valid"}


def test_a_chinese_report_fed_back_posts_no_comment_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "in.csv", ROWS)
    config = SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)
    with ThreadSandbox(config) as ts:
        cli_ = CliRunner(env=ts.env())
        first = cli_.invoke(cli, ["--lang", "zh", "run", "in.csv", "--rate", "500/s", "--report", "zh.csv",
                                  "--write-back"])
        assert first.exit_code == 1, first.output
        report = read_rows(tmp_path / "zh.csv")
        assert [r["结果"] for r in report] == ["成功", "无效", "成功"]
        assert [r["result"] for r in read_rows(tmp_path / "in-results.csv")] == ["ok", "invalid", "ok"]  # English
        for fed in ("zh.csv", "in-results.csv"):  # the report, and the write-back file
            again = cli_.invoke(cli, ["--lang", "zh", "run", fed, "--rate", "500/s", "--report", "again.csv"])
            assert again.exit_code in (0, 1), again.output
            assert "Traceback" not in again.output
            assert list(read_rows(tmp_path / "again.csv")[0]) == [*OWN, *ZH_REPORT]
        comments = ts.call(lambda sb: [c.content for c in sb.tickets[IDS[0]].comments])
        statuses = ts.call(lambda sb: sb.stats()["applied"])
    assert comments == ["说一次"]  # posted once, by the first run
    assert statuses >= 2


def test_the_summary_says_the_runs_mode_in_chinese(tmp_path, monkeypatch):
    """Final trial #3: the 汇总 sheet said `模式 | live` under --lang zh (the label Chinese, the value not)."""
    openpyxl = pytest.importorskip("openpyxl")
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "in.csv", [OWN, [IDS[0], "2", ""]])
    config = SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)
    with ThreadSandbox(config) as ts:
        live = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "run", "in.csv", "--rate", "500/s",
                                                    "--report", "live.xlsx"])
    sandbox = CliRunner().invoke(cli, ["--lang", "zh", "run", "in.csv", "--sandbox", "--report", "sandbox.xlsx"])
    english = CliRunner().invoke(cli, ["run", "in.csv", "--sandbox", "--report", "en.xlsx"])
    assert (live.exit_code, sandbox.exit_code, english.exit_code) == (0, 0, 0), live.output + sandbox.output

    def settings(name, sheet):
        rows = openpyxl.load_workbook(tmp_path / name)[sheet].iter_rows(max_col=2, values_only=True)
        return dict(r for r in rows if r[0])
    assert settings("live.xlsx", "汇总")["模式"] == "正式运行"
    assert settings("sandbox.xlsx", "汇总")["模式"] == "沙盒"
    assert settings("sandbox.xlsx", "汇总")["API"] == "进程内沙盒"
    assert settings("en.xlsx", "Summary")["mode"] == "sandbox"
    assert settings("en.xlsx", "Summary")["api"] == "in-process sandbox"
