"""The command line in Chinese (issue 23 item 1): with `--lang zh` (or a Chinese locale) every line
it prints is Chinese: a dry run's and a live run's summaries, the retry advice, a job file's
problems, `status`, the progress lines and the card a finished job sends. Click's own usage errors
(a missing argument, an unknown flag) stay English."""

from __future__ import annotations

import io
import json
import urllib.request

from batch_updater.cli import cli
from batch_updater.control import Progress
from batch_updater.i18n import speaking
from batch_updater.progress import ProgressDisplay
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.budget_runs import ticket_ids, write_input
from tests.support.i18n_scan import SENTENCE
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = ticket_ids(0, 4)
MISSING = ticket_ids(9, 1)[0]  # not in the sandbox: 154004, refused for good


API_OWN = "Resource not found"  # the API's own msg is kept as it answers, its meaning said after it


def _english(output: str) -> list[str]:
    """The lines that still hold an English sentence (three English words or more)."""
    return [line for line in output.splitlines() if SENTENCE.search(line.replace(API_OWN, ""))]


def test_a_dry_run_in_chinese_says_no_english_sentence(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"], ["x1", "9"]])
    result = runner.invoke(cli, ["--lang", "zh", "run", "in.csv", "--dry-run", "--report", "out.csv"])
    out = result.output
    assert result.exit_code == 1, out
    assert "试运行：2 行：有效 1，无效 1" in out and "最常见的问题：" in out
    assert f"报告：{tmp_path / 'out.csv'}" in out and "未完成的行（1），按你自己的列：" in out
    assert "未发送任何内容。请修正无效的行" in out
    for english in ("Dry run", "Nothing was sent", "Report:", "Rows not done", "Most common", "Input:"):
        assert english not in out
    assert _english(out) == []


def test_a_live_run_in_chinese_says_its_summary_and_the_retry_advice_in_chinese(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[t, "51"] for t in IDS], [MISSING, "51"],
                                    ["x1", "9"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as ts:
        result = runner.invoke(cli, ["run", "in.csv", "--rate", "100/s", "--report", "out.csv", "--lang", "zh"],
                               env={**ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")})
    out = result.output
    assert result.exit_code == 1, out
    assert "6 行：成功 4，" in out and "失败 1" in out and "无效 1" in out
    assert "发送用时" in out and "次限流返回" in out and "进度：" in out
    assert "请在你的输入中修正这些行，然后再次运行同一命令即可续跑：已完成的行不会再次发送。" in out
    for english in ("rows:", "Sent in", "Fix those rows", "run the same command", "progress:", "Report:"):
        assert english not in out
    assert _english(out) == [] and f"1 x 154004 {API_OWN}（含义：没有这个工单）" in out
    assert read_rows(tmp_path / "out.csv")[0]["结果"] == "成功"  # --lang zh: the report's columns too


def test_a_chinese_locale_speaks_chinese_but_keeps_the_reports_columns(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0 and "试运行：1 行：有效 1" in result.output and "未发送任何内容。" in result.output
    assert read_rows(tmp_path / "out.csv")[0]["result"] == "valid"


def test_a_job_files_problems_in_chinese(runner, tmp_path):
    (tmp_path / "job.toml").write_text('concurrency = 0\nretry_comments = "maybe"\nspeed = 3\n', encoding="utf-8")
    result = runner.invoke(cli, ["--lang", "zh", "run", "--config", "job.toml"])
    assert result.exit_code == 2
    assert result.output.strip() == ("错误：任务文件 job.toml：concurrency: 应大于或等于 1；"
                                     "retry_comments: 应为布尔值（true 或 false），无法识别输入；speed: 不是已知的键")
    (tmp_path / "job.toml").write_text('[set]\nstatus = 51\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", "--config", "job.toml", "--lang", "zh"])
    assert result.exit_code == 2 and "这个任务文件有 [set] 但没有 [select]" in result.output
    assert _english(result.output) == []


def test_status_in_chinese(runner, tmp_path, monkeypatch):
    write_input(tmp_path / "job.csv", IDS)
    state = tmp_path / "state"
    monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(state))
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as ts:
        ran = runner.invoke(cli, ["run", "job.csv", "--rate", "100/s", "--report", "out.csv"], env=ts.env())
    assert ran.exit_code == 0, ran.output
    out = runner.invoke(cli, ["status", "--lang", "zh"]).output
    assert "：job.csv：未运行；已完成 4/4 行（成功 4）" in out and "  上次运行：退出码 0，完成于 " in out
    assert _english(out) == []
    missing = runner.invoke(cli, ["--lang", "zh", "status", "nonesuch"])
    assert missing.exit_code == 2 and missing.output.startswith("错误：") and "中没有任务 'nonesuch'" in missing.output
    assert runner.invoke(cli, ["status", "--lang", "zh"], env={"BATCH_UPDATER_STATE_DIR": str(tmp_path / "none")}
                         ).output == "这个状态文件夹里还没有任务。\n"


def test_the_progress_lines_speak_the_commands_language():
    out = io.StringIO()
    with speaking("zh"):
        show = ProgressDisplay(out, every=0.0)
    with show:  # called back later, maybe from another thread: the language it was made in
        show(Progress(21, 21, {"ok": 21}, 10.0, False, True))
        show(Progress(3, 23, {"ok": 2, "failed": 1}, 10.0, True, False))
    assert out.getvalue().splitlines() == ["进度：已读取 21/21 个工单，成功 21，速率 10/s",
                                           "进度：3/23 行，成功 2，失败 1，速率 10/s（暂停：被限流）"]


def test_the_card_speaks_the_language_the_job_ran_in(tmp_path):
    """An English sheet run in Chinese gets a Chinese card (issue 22's "the job's language")."""
    write_input(tmp_path / "job.csv", IDS)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as ts:
        with speaking("zh"):
            result = run_job(RunOptions(input=tmp_path / "job.csv", rate="100/s", report=tmp_path / "out.csv",
                                        notify=["chat:oc_ops"]), env=ts.env())
        with urllib.request.urlopen(f"{ts.env()['FEISHU_BASE_URL']}/_sandbox/messages", timeout=10) as resp:
            delivered = json.loads(resp.read())
    assert result.exit_code == 0 and len(delivered) == 1
    card = delivered[0]["content"]
    text = json.dumps(card, ensure_ascii=False)
    assert card["header"]["title"]["content"] == "任务完成"
    for part in ("**输入**: ", "job.csv", "**结果**: 成功 4", "**退出码**: 0", "**报告**: ", " 秒"):
        assert part in text, part
    assert "Exit code" not in text and "Job done" not in text
