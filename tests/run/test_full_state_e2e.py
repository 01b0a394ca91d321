"""Trial of issue 18, F1: the state folder's disk fills up mid-run and stays full, as a real disk
does: every later write there fails (the journal's marks, the ledger's release, the changes table,
the learned rate...). The run stops as Ctrl-C does, and every row is accounted for in the report
written where asked (on a healthy disk). End to end against the sandbox on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.jobs.journal import Journal
from batch_updater.sandbox import SandboxConfig
from tests.support.full_disk import FullDisk
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7300000000000000001 + i * 7919) for i in range(8)]
UNLIMITED = [(1_000_000, 1.0)]


def test_a_state_folder_full_for_good_mid_run_still_gives_a_report_of_every_row(tmp_path, monkeypatch):
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"]).resolve()
    disk = FullDisk(state).install(monkeypatch)
    real, writes = Journal.write, []

    def fills_up(journal, sending, done):
        writes.append(1)
        if len(writes) == 4:
            disk.fill()  # from here on, nothing under the state folder can be written
        return real(journal, sending, done)

    monkeypatch.setattr(Journal, "write", fills_up)
    rows = [["ticket_id", "status", "comment"], *[[tid, "2", f"note {i}" if i % 2 else ""] for i, tid in enumerate(IDS)]]
    write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    out.mkdir()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        first = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s", "--undo",
                                                     "--concurrency", "1", "--report", str(out / "r.csv")])
        disk.room()  # room made: the same command again
        again = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                                     "--report", str(out / "again.csv")])
        posted = ts.call(lambda sb: sb.core.tickets.comment_texts())
    assert first.exit_code == 3, first.output
    assert f"stopped early: no space left on {state / 'jobs'}" in first.output
    assert f"Report: {out / 'r.csv'}" in first.output  # was: exit 3, no report at all
    assert "Traceback" not in first.output
    assert "DELETE" in disk.refused  # the ledger's release was tried after the stop, and refused: a warning
    assert "the comments this run did not post stay reserved until this job runs again" in first.output
    assert (out / "r-undo.csv").is_file()  # this run's undo sheet, though the journal could not record it
    results = [r["result"] for r in read_rows(out / "r.csv")]
    assert len(results) == len(IDS) and "ok" in results and "not_attempted" in results
    assert set(results) <= {"ok", "not_attempted"}
    retry = read_rows(out / "r-retry.csv")
    assert len(retry) == results.count("not_attempted")
    assert again.exit_code == 0, again.output
    assert all(posted.get(tid, []) == ([f"note {i}"] if i % 2 else []) for i, tid in enumerate(IDS)), posted
