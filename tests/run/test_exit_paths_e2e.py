"""After sending, a run always ends with a report or says where the results are, and never with exit 2; a
damaged journal is one line."""
from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from batch_updater.cli import cli
from tests.run.test_trust_e2e import IDS, sandbox
from tests.support.progress import after_first_row
from tests.support.sheets import write_csv


def test_a_damaged_journal_is_one_line_and_exit_2(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    with sandbox() as ts:
        args = ["run", str(tmp_path / "in.csv"), "--rate", "500/s", "--report", str(tmp_path / "o.csv")]
        assert CliRunner(env=ts.env()).invoke(cli, args).exit_code == 0
        jobs = Path(os.environ["BATCH_UPDATER_STATE_DIR"]) / "jobs"
        for p in jobs.glob("*.sqlite*"):
            p.write_bytes(b"not a database" * 100)
        result = CliRunner(env=ts.env()).invoke(cli, args)
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)


def test_a_report_that_cannot_be_written_anywhere_after_sending_is_exit_1(tmp_path, monkeypatch):
    from batch_updater import cli as cli_module

    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "2"]])
    folder = tmp_path / "reports"
    folder.mkdir()
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"])

    def break_both_places() -> None:  # after the first row, the report folder and the fallback become unwritable
        if folder.is_dir():
            folder.rmdir()
            folder.write_text("x")
            (state / "reports" / "out.csv").mkdir(parents=True, exist_ok=True)  # the fallback: a folder

    monkeypatch.setattr(cli_module, "ProgressDisplay", after_first_row(break_both_places))
    with sandbox() as ts:
        result = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                                      "--report", str(folder / "out.csv")])
        applied = ts.stats()["applied"]
    assert applied == 2 and result.exit_code == 1, result.output
    assert "cannot write the report" in result.output and "journal" in result.output
