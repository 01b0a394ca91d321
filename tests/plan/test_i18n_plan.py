"""A plan's and a guard's messages in Chinese (issue 23 item 1), end to end against the sandbox:
the plan file made with --lang zh says its rows in Chinese, keeps its columns and kinds as the
contract has them, and is taken back by `run --plan`, whose skipped rows say why in Chinese."""

from __future__ import annotations

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(4)]
FAST = [(1_000_000, 1.0)]


def statuses(ts, *pairs):
    def arrange(sb):
        for tid, status in pairs:
            sb.tickets[tid].status = status
    ts.call(arrange)


def test_a_chinese_plan_and_the_run_it_guards(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "comment", "if:status"],
                                    [IDS[0], "51", "已处理", ""], [IDS[1], "51", "", ""], [IDS[2], "51", "", "5"]])
    config = SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST, fields_rates=FAST)
    with ThreadSandbox(config) as ts:
        statuses(ts, (IDS[0], 5), (IDS[1], 5), (IDS[2], 2))
        planned = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "plan", str(tmp_path / "in.csv"),
                                                       "--report", str(tmp_path / "plan.csv")])
        statuses(ts, (IDS[1], 2))  # an agent takes the ticket up in between
        ran = CliRunner(env=ts.env()).invoke(cli, ["--lang", "zh", "run", "--plan", str(tmp_path / "plan.csv"),
                                                   "--rate", "500/s", "--report", str(tmp_path / "out.csv")])
    assert planned.exit_code == 0, planned.output
    plan = read_rows(tmp_path / "plan.csv")
    assert [r["plan"] for r in plan] == ["change", "change", "skipped"]  # the contract's kinds and columns
    assert plan[0]["msg"] == "发评论：已处理"
    assert plan[2]["msg"] == "条件不满足（if:status '5'：工单的值是 '2'）；不发送"
    assert ran.exit_code == 0, ran.output
    out = read_rows(tmp_path / "out.csv")
    assert [r["结果"] for r in out] == ["成功", "已跳过", "已跳过"]  # --lang zh: the report's words in Chinese
    assert out[1]["说明"] == "计划后已被修改：status 现在是 '2'，计划时是 '5'；不发送"


def test_a_chinese_plan_workbook_names_its_sheets_and_summary_in_chinese_and_run_takes_it_back(tmp_path):
    """Final trial #5: `plan --lang zh` wrote sheets Plan/Summary and Summary keys input/mode/started_at
    beside Chinese values. Its columns and kinds stay the contract's (run --plan reads them)."""
    import openpyxl

    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"], [IDS[1], "5"]])
    config = SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST, fields_rates=FAST)
    with ThreadSandbox(config) as ts:
        statuses(ts, (IDS[0], 5), (IDS[1], 5))
        runner = CliRunner(env=ts.env())
        planned = runner.invoke(cli, ["--lang", "zh", "plan", str(tmp_path / "in.csv"),
                                      "--report", str(tmp_path / "plan.xlsx")])
        english = runner.invoke(cli, ["plan", str(tmp_path / "in.csv"), "--report", str(tmp_path / "en.xlsx")])
        ran = runner.invoke(cli, ["--lang", "zh", "run", "--plan", str(tmp_path / "plan.xlsx"), "--rate", "500/s",
                                  "--report", str(tmp_path / "out.csv")])
        now = ts.call(lambda sb: sb.tickets[IDS[0]].status)
    assert planned.exit_code == 0 and english.exit_code == 0, planned.output + english.output
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["计划", "汇总"]
    summary = {k: v for k, v in book["汇总"].iter_rows(values_only=True)}
    assert set(summary) == {"输入", "模式", "开始时间"} and summary["模式"] == "计划（未发送任何内容）"
    header = [c.value for c in book["计划"][1]]
    assert header[2:] == ["plan", "status (now)", "status (new)", "msg"]  # the contract run --plan reads
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames == ["Plan", "Summary"]
    assert ran.exit_code == 0, ran.output
    assert [r["结果"] for r in read_rows(tmp_path / "out.csv")] == ["成功", "已跳过"] and now == 51
