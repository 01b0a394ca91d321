"""Issue 22, item 4: `batch-updater status [JOB] [--json]` and `job_status(...)`: running or not
(from the lock), rows done of the total, counts, rate, the last run's exit code and report."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from batch_updater import job_status
from batch_updater.cli import cli
from batch_updater.sandbox import SandboxConfig
from tests.support.budget_runs import child_env, ticket_ids, write_input
from tests.support.send_harness import ThreadSandbox


def test_a_running_job_then_its_finished_run(tmp_path, runner, monkeypatch):
    ids = ticket_ids(0, 30)
    write_input(tmp_path / "job.csv", ids)
    state = tmp_path / "state"
    with ThreadSandbox(SandboxConfig(ticket_ids=ids, rates=[(1000, 1.0)])) as ts:
        env = child_env(ts, state)
        proc = subprocess.Popen([sys.executable, "-m", "batch_updater", "run", "job.csv", "--rate", "10/s",
                                 "--report", "out.csv"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while True:  # polling another process (not a sleep standing in for correctness)
                found = job_status(tmp_path / "job.csv", env={"BATCH_UPDATER_STATE_DIR": str(state)})[0] \
                    if (state / "jobs").is_dir() and any((state / "jobs").glob("*.status.json")) else None
                if found is not None and found.running and found.rows_done >= 5:
                    break
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr and proc.stderr.read()
                time.sleep(0.05)
            assert found.pid == proc.pid and found.rows_total == 30 and found.counts.get("ok", 0) >= 5
            assert found.rate and 9 <= found.rate <= 10 and found.exit_code is None
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(state))
    result = runner.invoke(cli, ["status", found.job[:8], "--json"])
    shown = json.loads(result.output)
    assert result.exit_code == 0 and shown["running"] is False and shown["exit_code"] == 0
    assert shown["rows_done"] == shown["rows_total"] == 30 and shown["counts"] == {"ok": 30}
    assert shown["report"] == str((tmp_path / "out.csv").resolve()) and 9 <= shown["rate"] <= 10.1
    text = runner.invoke(cli, ["status"]).output
    assert f"job {found.job}: job.csv: not running; 30 of 30 rows done (30 ok)" in text
    assert "last run: exit 0" in text and "token" not in json.dumps(shown).lower()


def test_no_such_job_is_exit_2(runner):
    result = runner.invoke(cli, ["status", "nonesuch"])
    assert result.exit_code == 2 and "no job 'nonesuch'" in result.output
    assert runner.invoke(cli, ["status", "--json"]).output.strip() == "[]"
