"""Jobs end to end: a real `batch-updater run` process against a sandbox on 127.0.0.1,
killed with SIGKILL mid-run and run again; the lock; resuming; token refresh in a run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7000000000000000001 + i * 7919) for i in range(40)]


def migration(path: Path, n: int = 120) -> Path:
    """n rows over 40 tickets; every third row posts a comment; the last row per ticket sets its tag."""
    rows = [[IDS[i % 40], f"tag-{i}", f"note {i}" if i % 3 == 0 else ""] for i in range(n)]
    return write_csv(path, [["ticket_id", "tag_names", "comment"], *rows])


def start(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "batch_updater", "run", "in.csv", "--report", "out.csv", *args]
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float = 30.0) -> None:
    """Polls a condition about another process (not a sleep standing in for correctness)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_job_killed_with_sigkill_resumes_and_posts_no_comment_twice(tmp_path):
    migration(tmp_path / "in.csv")
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        first = start(tmp_path, env, "--rate", "40/s")
        try:
            wait_for(lambda: ts.stats()["requests"] >= 40 or first.poll() is not None)
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=10)
        finally:
            first.kill()
        sent_before = ts.stats()["requests"]
        assert 40 <= sent_before < 120 and not (tmp_path / "out.csv").exists()
        second = start(tmp_path, env, "--rate", "200/s")
        out, err = second.communicate(timeout=60)
        stats = ts.stats()
        tickets = ts.call(lambda sb: {tid: (list(t.tags), [c.content for c in t.comments])
                                      for tid, t in sb.tickets.items()})
    assert second.returncode in (0, 1), err
    assert "rows done by an earlier run were not sent again" in out
    rows = read_rows(tmp_path / "out.csv")
    assert len(rows) == 120
    results = [r["result"] for r in rows]
    # a comment row in flight at the kill was read back (the app's credentials are set):
    # confirmed if its comment is on the ticket, sent again if not; none is left unknown
    assert set(results) == {"ok"}
    assert stats["tickets_with_duplicate_comments"] == 0
    # every row after the crash was applied once: each ticket ends with its last row's tag
    for i in range(80, 120):
        assert tickets[IDS[i % 40]][0] == [f"tag-{i}"]
    for r in rows:
        if r["result"] == "ok" and r["comment"]:
            assert tickets[r["ticket_id"]][1].count(r["comment"]) == 1


def test_a_second_run_of_the_same_job_exits_75_naming_the_first(tmp_path):
    migration(tmp_path / "in.csv", 60)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        first = start(tmp_path, env, "--rate", "10/s")
        try:
            wait_for(lambda: ts.stats()["requests"] >= 2)
            second = start(tmp_path, env, "--rate", "10/s")
            out, err = second.communicate(timeout=30)
        finally:
            first.send_signal(signal.SIGTERM)
            first.communicate(timeout=30)
    assert second.returncode == 75
    assert f"another run of this job is running (pid {first.pid})" in err
    assert first.returncode == 130


def test_running_a_finished_job_again_sends_nothing_and_fresh_starts_over(tmp_path):
    migration(tmp_path / "in.csv", 20)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        first = run_job(RunOptions(**options), env=ts.env())
        again = run_job(RunOptions(**options), env=ts.env())
        requests = ts.stats()["requests"]
        fresh = run_job(RunOptions(**options, fresh=True), env=ts.env())
        after_fresh = ts.stats()["requests"]
    assert first.exit_code == again.exit_code == fresh.exit_code == 0
    assert (first.resumed, again.resumed, fresh.resumed) == (0, 20, 0)
    assert requests == 20 and after_fresh == 40
    assert [o.result.value for o in again.outcomes] == ["ok"] * 20  # the report covers the earlier rows


def test_rows_stopped_by_refused_credentials_are_sent_when_the_job_is_run_again(tmp_path):
    migration(tmp_path / "in.csv", 30)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        refused = run_job(RunOptions(**options), env=ts.env(FEISHU_USER_ACCESS_TOKEN="u-wrong",
                                                            FEISHU_REFRESH_TOKEN=""))
        fixed = run_job(RunOptions(**options), env=ts.env())
    assert refused.exit_code == 3
    assert fixed.exit_code == 0 and [o.result.value for o in fixed.outcomes] == ["ok"] * 30


def test_a_long_job_refreshes_the_user_token_once_and_keeps_going(tmp_path):
    """The sandbox expires a user token after 25 requests; the run refreshes it (one shared
    refresh each time), writes the new pair to the token file, and every row ends ok."""
    migration(tmp_path / "in.csv", 90)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)], user_token_max_requests=25)) as ts:
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="300/s", concurrency=8,
                                    report=tmp_path / "out.csv"), env=ts.env())
        stats = ts.stats()
        env = ts.env()
    assert result.exit_code == 0, result.summary
    assert 3 <= stats["refreshes"] <= 4 and stats["tickets_with_duplicate_comments"] == 0
    saved = Path(os.environ["BATCH_UPDATER_STATE_DIR"]) / "tokens" / f"{env['FEISHU_APP_ID']}.json"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    assert json.loads(saved.read_text())["refresh_token"] != env["FEISHU_REFRESH_TOKEN"]
    report = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert env["FEISHU_REFRESH_TOKEN"] not in report and env["FEISHU_APP_SECRET"] not in report


def _crash_mid_send(index: int) -> None:
    """Make the job's journal say the `index`-th data row of a CSV (header on line 1) was being
    sent when the process died."""
    import sqlite3

    (path,) = (Path(os.environ["BATCH_UPDATER_STATE_DIR"]) / "jobs").glob("*.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE rows SET state = 'sending', final = 0, result = NULL WHERE row = ?", (index + 2,))


def test_a_comment_row_left_mid_send_by_a_crash_is_read_back(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "first"], [IDS[1], "second"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        assert run_job(RunOptions(**options), env=ts.env()).exit_code == 0
        _crash_mid_send(0)  # its comment is on the ticket: the crash came after the PUT was applied
        _crash_mid_send(1)
        ts.call(lambda sb: sb.tickets[IDS[1]].comments.clear())  # ...and this one never arrived
        again = run_job(RunOptions(**options), env=ts.env())
        stats = ts.stats()
    assert [o.result.value for o in again.outcomes] == ["ok", "ok"]
    assert "confirmed by reading the ticket back" in again.outcomes[0].msg
    assert "sent again after reading the ticket back" in again.outcomes[1].msg
    assert stats["applied"] == 3 and stats["tickets_with_duplicate_comments"] == 0


@pytest.mark.usefixtures("cli_words")
def test_without_the_apps_credentials_a_crashed_comment_row_stays_unknown(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "first"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)])) as ts:
        env = {k: v for k, v in ts.env().items() if k not in ("FEISHU_APP_ID", "FEISHU_APP_SECRET")}
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        run_job(RunOptions(**options), env=env)
        _crash_mid_send(0)
        again = run_job(RunOptions(**options), env=env)
        applied = ts.stats()["applied"]
    assert again.outcomes[0].result.value == "unknown" and "--retry-comments" in again.outcomes[0].msg
    assert applied == 1


def test_rows_of_a_run_stopped_for_no_rights_are_not_done_for_good(tmp_path):
    import sqlite3

    migration(tmp_path / "in.csv", 40)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)], forbidden=frozenset(IDS))) as ts:
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", concurrency=1,
                                    report=tmp_path / "out.csv"), env=ts.env())
    assert result.exit_code == 3 and "154003" in result.stop_reason
    (path,) = (Path(os.environ["BATCH_UPDATER_STATE_DIR"]) / "jobs").glob("*.sqlite")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT result, code, final FROM rows WHERE state != 'pending'").fetchall()
        never_sent = db.execute("SELECT count(*) FROM rows WHERE state = 'pending'").fetchone()[0]
    assert len(rows) == 20 and all(r == ("failed", 154003, 0) for r in rows) and never_sent == 20
