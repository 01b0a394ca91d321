"""Issue 18 items 2, 14, 23, 24: the comment ledger every job on the machine shares. Two real
processes on two copies of a sheet at once, --fresh, a copy with a trailing space, and what
--retry-comments says. End to end against the sandbox on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import Faults, SandboxConfig
from tests.run.test_trust_e2e import IDS, UNLIMITED, comments, run
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

MANY = [str(7200000000000000001 + i * 7919) for i in range(30)]


def start(tmp_path: Path, env: dict[str, str], name: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "batch_updater", "run", name, "--report", f"{Path(name).stem}-out.csv",
               "--rate", "100/s", "--concurrency", "2"]
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_copies_run_at_once_by_two_processes_post_each_comment_once(tmp_path):
    rows = [["ticket_id", "comment"], *[[tid, f"note {i}"] for i, tid in enumerate(MANY)]]
    names = ["seq.csv", "seq (1).csv"]  # the name a browser gives a second download
    for name in names:
        write_csv(tmp_path / name, rows)
    config = SandboxConfig(ticket_ids=MANY, rates=UNLIMITED, get_rates=UNLIMITED, faults=Faults(latency_ms=40))
    with ThreadSandbox(config) as ts:
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        procs = [start(tmp_path, env, name) for name in names]  # started together: ~0.6 s of sending each
        ends = [proc.communicate(timeout=120) for proc in procs]
        posted = comments(ts)
    assert {tid: posted.get(tid) for tid in MANY} == {tid: [f"note {i}"] for i, tid in enumerate(MANY)}  # was: twice
    assert [proc.returncode for proc in procs] == [0, 0], ends
    reports = [read_rows(tmp_path / f"{Path(name).stem}-out.csv") for name in names]
    for mine, theirs, other in ((reports[0], reports[1], names[1]), (reports[1], reports[0], names[0])):
        for row, their_row in zip(mine, theirs, strict=True):
            assert {row["result"], their_row["result"]} == {"ok", "skipped"}, (row, their_row)
            if row["result"] == "skipped":
                assert other in row["msg"], row["msg"]  # names the job that has the comment


@pytest.mark.usefixtures("cli_words")
def test_fresh_keeps_the_comments_posted_and_says_how_many_it_held(tmp_path):
    path = write_csv(tmp_path / "in.csv", [["ticket_id", "status", "comment"], [IDS[0], "2", "first"],
                                           [IDS[1], "", "second"], [IDS[2], "3", ""]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        assert run(path, ts).exit_code == 0
        warnings: list[str] = []
        fresh = run_job(RunOptions(input=path, rate="500/s", report=tmp_path / "fresh.csv", fresh=True),
                        env=ts.env(), on_warning=warnings.append)
        posted = comments(ts)
        history = ts.call(lambda sb: [len(sb.tickets[tid].history) for tid in IDS[:3]])
        forced_warnings: list[str] = []
        forced = run_job(RunOptions(input=path, rate="500/s", report=tmp_path / "forced.csv", fresh=True,
                                    retry_comments=True), env=ts.env(), on_warning=forced_warnings.append)
        posted_forced = comments(ts)
    assert posted[IDS[0]] == ["first"] and posted[IDS[1]] == ["second"]  # was: both posted again
    assert history == [2, 1, 2]  # row 1 sent again without its comment, row 2 held, row 3 sent again
    assert [o.result.value for o in fresh.outcomes] == ["ok", "skipped", "ok"] and fresh.resumed == 0
    assert "before it was started over (--fresh)" in fresh.outcomes[1].msg
    assert "its comment was not posted again" in fresh.outcomes[0].msg
    assert any("2 rows would post a comment this job posted (or may have) before it was started over" in w
               for w in warnings), warnings
    assert posted_forced[IDS[0]] == ["first", "first"]  # the user asked for it, and is told so:
    assert "may now be on the ticket twice" in forced.outcomes[0].msg
    assert any(IDS[0] in w and IDS[1] in w and "may now be posted twice on 2 tickets" in w
               for w in forced_warnings), forced_warnings


def test_a_copy_with_a_trailing_space_in_another_file_is_not_posted_again(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        write_csv(tmp_path / "a.csv", [["ticket_id", "comment"], [IDS[0], "done"]])
        assert run(tmp_path / "a.csv", ts).exit_code == 0
        write_csv(tmp_path / "b.csv", [["ticket_id", "comment"], [IDS[0], "done "]])
        second = run(tmp_path / "b.csv", ts)
        posted = comments(ts)
    assert posted[IDS[0]] == ["done"]  # was: "done" and "done "
    assert second.outcomes[0].result.value == "skipped" and "a.csv" in second.outcomes[0].msg


def test_a_comment_refused_by_the_api_is_released_for_a_later_honest_run(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     forbidden=frozenset({IDS[0]}))) as ts:
        write_csv(tmp_path / "a.csv", [["ticket_id", "comment"], [IDS[0], "hello"]])
        first = run(tmp_path / "a.csv", ts)  # 403 / 154003: nothing posted
        ts.call(lambda sb: object.__setattr__(sb.core.config, "forbidden", frozenset()))
        write_csv(tmp_path / "b.csv", [["ticket_id", "comment"], [IDS[0], "hello"]])
        second = run(tmp_path / "b.csv", ts)
        posted = comments(ts)
    assert first.outcomes[0].result.value == "failed"
    assert second.outcomes[0].result.value == "ok" and posted[IDS[0]] == ["hello"]
