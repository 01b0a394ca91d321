"""A link run from the command line (issue 20): `run LINK`, `plan LINK`, a job file's
`input = "LINK"`, and a run killed with SIGKILL mid-send that the same command resumes: no
comment posted twice, every record with its result."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from batch_updater.cli import cli
from batch_updater.sandbox import Faults, SandboxConfig
from tests.support.links import IDS, UNLIMITED, _quick_backoff, base_link, field, sheet_link  # noqa: F401
from tests.support.send_harness import ThreadSandbox


def rows(n: int) -> list[dict[str, str]]:
    return [{"ticket_id": IDS[i], "status": "closed", "comment": f"moved to the new queue ({i})"} for i in range(n)]


def test_killed_mid_run_the_same_command_resumes_without_a_comment_twice(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:60], rates=UNLIMITED, faults=Faults(latency_ms=20))) as ts:
        link, _, table = base_link(ts, rows(60))
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        command = [sys.executable, "-m", "batch_updater", "run", link, "--rate", "20/s", "--report", "out.csv"]
        proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while ts.stats()["applied"] < 10 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            proc.kill()
        applied = ts.stats()["applied"]
        again = subprocess.run([*command[:-4], "--rate", "200/s", "--report", "out.csv"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=60)
        stats = ts.stats()
    assert 10 <= applied < 60
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Resumed job" in again.stdout and f"Results written back to: {link}" in again.stdout
    assert stats["tickets_with_duplicate_comments"] == 0 and stats["applied"] <= 61  # one row may be cut off in flight
    assert field(table, "result") == ["ok"] * 60 and all(field(table, "finished_at"))


def test_run_and_plan_take_a_link(tmp_path, runner, monkeypatch):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, book = sheet_link(ts, [["ticket_id", "status"], *[[i, "closed"] for i in IDS[:3]]])
        planned = runner.invoke(cli, ["plan", link])
        checked = runner.invoke(cli, ["run", link, "--dry-run"])
        sent = runner.invoke(cli, ["run", link, "--rate", "100/s"])
        read_only = runner.invoke(cli, ["run", link, "--no-write-back", "--fresh", "--retry-comments"])
        header = book.sheets[0].cells[0]
    assert planned.exit_code == 0, planned.output
    assert f"The plan's columns are in: {link}" in planned.output
    assert checked.exit_code == 0 and sent.exit_code == 0 and read_only.exit_code == 0, sent.output
    assert f"Results written back to: {link}" in sent.output and "written back" not in read_only.output
    assert header[:2] == ["ticket_id", "status"] and "plan" in header and "check" in header and "result" in header


def test_a_job_file_takes_a_link(tmp_path, runner, monkeypatch):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, _, table = base_link(ts, rows(2))
        (tmp_path / "job.toml").write_text(f'input = "{link}"\nrate = "50/s"\n\n[result_fields]\nmsg = "Why"\n',
                                           encoding="utf-8")
        result = runner.invoke(cli, ["run", "--config", "job.toml"])
    assert result.exit_code == 0, result.output
    assert field(table, "result") == ["ok", "ok"] and field(table, "Why") == ["success", "success"]
