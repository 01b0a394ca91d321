"""Trial of issue 18, F5: a run killed after reserving its rows' comments in the ledger kept them,
and a copy of the rows in another file was "all skipped, exit 0": "already (or maybe) posted",
though most were never sent. A reservation whose job is not running and whose journal says the row
never left is taken over and the comment sent; one held by a running job keeps holding, and the
warning says it is being sent now. A real process killed mid-run, against the sandbox on 127.0.0.1."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from batch_updater.jobs.resume import comment_key
from batch_updater.model import TicketUpdate
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

MANY = [str(7400000000000000001 + i * 7919) for i in range(16)]
UNLIMITED = [(1_000_000, 1.0)]
KILLED_AFTER_WRITES = """
import os, sys
from batch_updater.jobs.journal import Journal
real, writes = Journal.write, []
def write(journal, sending, done):
    real(journal, sending, done)
    writes.append(1)
    if len(writes) == 4:
        os._exit(137)  # as kill -9: no release, no report
Journal.write = write
from batch_updater.cli import main
sys.argv = ["batch-updater", *sys.argv[1:]]
main()
"""


def states_in(state: Path) -> dict[str, str]:
    """The killed job's journal: each comment key's state (pending, sending, done)."""
    journal = next((state / "jobs").glob("*.sqlite"))
    with sqlite3.connect(journal) as db:
        return dict(db.execute("SELECT comment_key, state FROM rows"))


def test_a_killed_runs_reservations_of_rows_never_sent_are_taken_over_by_a_copy(tmp_path):
    rows = [[tid, f"note {i}"] for i, tid in enumerate(MANY)]
    write_csv(tmp_path / "splitA.csv", [["ticket_id", "comment"], *rows])
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"])
    with ThreadSandbox(SandboxConfig(ticket_ids=MANY, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        env = {**os.environ, **ts.env()}
        (tmp_path / "kill.py").write_text(KILLED_AFTER_WRITES)
        killed = subprocess.run([sys.executable, str(tmp_path / "kill.py"), "run", "splitA.csv", "--rate", "500/s",
                                 "--concurrency", "1"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        assert killed.returncode == 137, killed.stderr
        left = states_in(state)
        keys = [comment_key(TicketUpdate(0, tid, {"comment": text})) for tid, text in rows]
        never_left = [i for i, key in enumerate(keys) if left.get(key, "pending") == "pending"]
        assert 2 < len(rows) - len(never_left) < len(rows) - 2  # rows 3.. sent (or being sent), most never left
        write_csv(tmp_path / "splitA.csv", [["ticket_id", "comment"], *rows[:2]])  # rows 3.. moved to B
        write_csv(tmp_path / "splitB.csv", [["ticket_id", "comment"], *rows[2:]])
        lock = next((state / "jobs").glob("*.lock"))
        before = ts.call(lambda sb: sb.core.tickets.comment_texts())

        fd = os.open(lock, os.O_RDWR)  # splitA.csv's job is running: its reservations keep holding
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            busy_warnings: list[str] = []
            busy = run_job(RunOptions(input=tmp_path / "splitB.csv", rate="500/s", report=tmp_path / "busy.csv"),
                           env=ts.env(), on_warning=busy_warnings.append)
        finally:
            os.close(fd)
        after_busy = ts.call(lambda sb: sb.core.tickets.comment_texts())

        warnings: list[str] = []
        result = run_job(RunOptions(input=tmp_path / "splitB.csv", rate="500/s", report=tmp_path / "b.csv"),
                         env=ts.env(), on_warning=warnings.append)
        posted = ts.call(lambda sb: sb.core.tickets.comment_texts())
    moved = [i for i in never_left if i >= 2]
    assert all(o.result.value == "skipped" for o in busy.outcomes)
    held = len(rows) - 2 - len(moved)  # posted by splitA.csv's run, or may have been
    assert any(f"{len(moved)} rows here would post a comment being sent now by splitA.csv" in w
               for w in busy_warnings), busy_warnings
    assert any(f"{held} rows here would post a comment already (or maybe) posted" in w for w in busy_warnings)
    assert after_busy == before  # nothing posted while splitA.csv's job runs
    # splitA.csv's run is over: the rows its journal says never left are sent, the others held
    for offset, outcome in enumerate(result.outcomes):
        i = offset + 2
        if i in moved:
            assert outcome.result.value == "ok", outcome  # was: skipped, "already (or maybe) posted"
            assert "reserved by a run of splitA.csv that ended without sending it" in outcome.msg
        else:
            assert outcome.result.value in ("skipped", "unknown") and "splitA.csv" in outcome.msg, outcome
    assert all(len(texts) == 1 for texts in posted.values()), posted  # never twice
    assert {tid for tid, _ in (rows[i] for i in moved)} <= set(posted)
    assert any(f"{held} rows here would post a comment already (or maybe) posted" in w for w in warnings), warnings
    assert not any("being sent now" in w for w in warnings)

