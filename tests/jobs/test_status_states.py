"""Issue 18 items 8 and 9: `batch-updater status` of a job whose run was killed (its status file
says running, its lock is free: interrupted, resumable), and of a job sharing its rate budget with
another (its own rate, and the budget's said as shared), in both languages and in --json."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

from batch_updater import job_status
from batch_updater.cli import cli
from batch_updater.jobs.status import StatusFile
from batch_updater.sandbox import SandboxConfig
from tests.support.budget_runs import child_env, ticket_ids, write_input
from tests.support.send_harness import ThreadSandbox


def test_a_killed_run_is_interrupted_and_the_same_command_resumes_it(tmp_path, runner, monkeypatch):
    ids = ticket_ids(0, 40)
    write_input(tmp_path / "job.csv", ids)
    state = tmp_path / "state"
    env_state = {"BATCH_UPDATER_STATE_DIR": str(state)}
    with ThreadSandbox(SandboxConfig(ticket_ids=ids, rates=[(1000, 1.0)])) as ts:
        env = child_env(ts, state)
        command = [sys.executable, "-m", "batch_updater", "run", "job.csv", "--rate", "10/s", "--report", "out.csv"]
        errors = tmp_path / "stderr.txt"
        with open(errors, "w") as err:
            proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 30
            while True:  # polling another process (not a sleep standing in for correctness)
                jobs = state / "jobs"
                found = job_status(tmp_path / "job.csv", env=env_state)[0] \
                    if jobs.is_dir() and any(jobs.glob("*.status.json")) else None
                if found is not None and found.running and found.rows_done >= 5:
                    break
                assert time.monotonic() < deadline and proc.poll() is None, errors.read_text()
                time.sleep(0.05)
            assert found.state == "running"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            proc.kill()
        monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(state))
        shown = json.loads(runner.invoke(cli, ["status", found.job[:8], "--json"]).output)
        assert shown["state"] == "interrupted" and shown["running"] is False and shown["interrupted_at"]
        assert 5 <= shown["rows_done"] < 40
        text = runner.invoke(cli, ["status", found.job[:8]]).output
        assert (f"job.csv: interrupted (its run stopped at {shown['interrupted_at']} without finishing: "
                f"the process is gone); {shown['rows_done']} of 40 rows done" in text)
        assert "run the same command again to resume it" in text and "/s" not in text  # no stale rate
        zh = runner.invoke(cli, ["status", "--lang", "zh"]).output
        assert f"已中断（上次运行于 {shown['interrupted_at']} 停止，没有结束：进程已不在）；已完成 " in zh
        assert "再次运行同一命令即可续跑" in zh and "not running" not in zh
        again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    done = json.loads(runner.invoke(cli, ["status", found.job[:8], "--json"]).output)
    assert done["state"] == "finished" and done["exit_code"] == 0 and done["rows_done"] == 40


def test_a_job_sharing_its_budget_shows_its_own_rate_and_the_budgets(tmp_path, runner, monkeypatch):
    state = tmp_path / "state"
    folder = state / "jobs"
    folder.mkdir(parents=True)
    monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(state))
    status = StatusFile(folder, "abc123", {"input": "jobA.csv", "api": "x", "helpdesk": "h"})
    status.start(rows=200, valid=200, to_send=200, done_earlier=0)
    status.progress(99, 200, {"ok": 99}, 9.7, own_rate=4.2, shared_with=1, force=True)
    with open(folder / "abc123.lock", "w") as lock:  # the run holds its lock (as jobs/lock.py does)
        lock.write(str(os.getpid()))
        lock.flush()
        fcntl.flock(lock, fcntl.LOCK_EX)
        shown = json.loads(runner.invoke(cli, ["status", "abc123", "--json"]).output)
        text = runner.invoke(cli, ["status"]).output
        zh = runner.invoke(cli, ["status", "--lang", "zh"]).output
    assert shown["state"] == "running" and shown["rate"] == 4.2
    assert shown["budget_rate"] == 9.7 and shown["shared_with"] == 1
    assert "jobA.csv: running" in text and text.rstrip().endswith(
        "99 of 200 rows done (99 ok), 4.2/s (budget 9.7/s shared with 1 other job)")
    assert zh.rstrip().endswith("已完成 99/200 行（成功 99），4.2/s（与另外 1 个任务共享限额 9.7/s）")


def test_the_progress_line_and_the_consoles_figures_show_the_jobs_own_rate_when_shared():
    import io

    from batch_updater.console.runs import RunRecord
    from batch_updater.control import RunProgress
    from batch_updater.i18n import speaking
    from batch_updater.progress import ProgressDisplay

    shared = RunProgress(99, 200, {"ok": 99}, 9.7, False, own_rate=4.2, shared_with=1)
    out = io.StringIO()
    with speaking("zh"), ProgressDisplay(out, every=0.0) as show:
        show(shared)
    assert out.getvalue().strip() == "进度：99/200 行，成功 99，速率 4.2/s（与另外 1 个任务共享限额 9.7/s）"
    record = RunRecord("r1", "run", "u1", "a.csv", {}, "now", state="sending")
    record.observe(shared)
    seen = record.snapshot()
    assert (seen["own_rate"], seen["rate"], seen["shared_with"]) == (4.2, 9.7, 1)
    assert seen["seconds_left"] == round(101 / 4.2)  # at its own rate, not the budget's


def test_the_progress_line_in_english_when_shared():
    import io

    from batch_updater.control import RunProgress
    from batch_updater.progress import ProgressDisplay

    out = io.StringIO()
    with ProgressDisplay(out, every=0.0) as show:
        show(RunProgress(99, 200, {"ok": 99}, 9.7, False, own_rate=4.2, shared_with=2))
        show(RunProgress(100, 200, {"ok": 100}, 9.7, False))
    assert out.getvalue().splitlines() == [
        "progress: 99/200 rows, 99 ok, rate 4.2/s (budget 9.7/s shared with 2 other jobs)",
        "progress: 100/200 rows, 100 ok, rate 9.7/s"]
