"""Trial of issue 18, F2: Excel keeps 32,767 characters in a cell, the tool takes up to 131,072.
An .xlsx retry or unknown file never cuts a cell (it is written as a CSV instead, saying why), so
the retry file fed back in sends what the input said; an .xlsx report names each cut cell in its
row's msg (the dry run's JSON body too). End to end against the sandbox on 127.0.0.1."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.model import Outcome, Result
from batch_updater.sandbox import SandboxConfig
from batch_updater.sheet.read import load
from batch_updater.sheet.report import write_unknown
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

ID = "7300000000000000001"
LONG = "q" * 40_000 + "END"
NOTE = "cell C2 is cut to 32,767 characters in this Excel file (Excel's limit); the retry file is a CSV"


def test_a_long_comment_of_an_invalid_row_goes_to_a_csv_retry_file_whole_and_is_posted_whole(tmp_path):
    write_csv(tmp_path / "cut2.csv", [["ticket_id", "status", "comment"], [ID, "bad", LONG]])
    with ThreadSandbox(SandboxConfig(ticket_ids=[ID], rates=[(1000, 1.0)])) as ts:
        first = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "cut2.csv"), "--rate", "500/s",
                                                     "--report", str(tmp_path / "cut2.xlsx")])
        retry = tmp_path / "cut2-retry.csv"
        assert first.exit_code == 1, first.output
        assert not (tmp_path / "cut2-retry.xlsx").exists()  # was: cut2-retry.xlsx, C2 cut to 32,767
        assert f"Rows not done (1), in your own columns: {retry}" in first.output
        assert "cut2-retry.csv is written as a CSV, not cut2-retry.xlsx: a cell of it holds more than 32,767" \
            in first.output
        report = openpyxl.load_workbook(tmp_path / "cut2.xlsx").active
        assert report["G1"].value == "msg" and report["G2"].value.endswith("; " + NOTE)  # was: nothing said
        rows = read_rows(retry)
        assert rows[0]["comment"] == LONG
        fixed = tmp_path / "fixed.csv"
        write_csv(fixed, [list(rows[0].keys()), [*({**rows[0], "status": "2"}).values()]])
        again = CliRunner(env=ts.env()).invoke(cli, ["run", str(fixed), "--rate", "500/s",
                                                     "--report", str(tmp_path / "again.csv")])
        posted = ts.call(lambda sb: sb.core.tickets.comment_texts())
    assert again.exit_code == 0, again.output
    assert posted[ID] == [LONG]  # was: the first 32,767 characters, without END


def test_a_dry_runs_xlsx_report_names_the_cut_cells_at_the_start_of_a_cut_msg(tmp_path):
    write_csv(tmp_path / "cut.csv", [["ticket_id", "status", "comment"], [ID, "2", LONG]])
    done = CliRunner().invoke(cli, ["run", str(tmp_path / "cut.csv"), "--dry-run",
                                    "--report", str(tmp_path / "cut.xlsx")])
    assert done.exit_code == 0, done.output
    msg = openpyxl.load_workbook(tmp_path / "cut.xlsx").active["G2"].value
    assert msg.startswith("cells C2 and G2 are cut to 32,767 characters in this Excel file (Excel's limit); "
                          '{"status":2,"comment":"qqq')  # the JSON body, cut: was cut with nothing said
    assert len(msg) == 32_767


def test_an_unknown_file_with_a_long_cell_is_a_csv_and_reads_back_as_it_was(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [ID, LONG], ["7300000000000000002", "short"]])
    sheet = load(tmp_path / "in.csv")
    warnings: list[str] = []
    path, rows = write_unknown(tmp_path / "r-unknown.xlsx", sheet, [Outcome(Result.UNKNOWN, msg="timeout")] * 2,
                               warnings.append)
    assert (path, rows) == (tmp_path / "r-unknown.csv", 2) and len(warnings) == 1
    assert [r.cells[:2] for r in load(path).rows] == [(ID, LONG), ("7300000000000000002", "short")]
