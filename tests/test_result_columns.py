"""One table of result columns (model.RESULT_COLUMNS) read by the four writers: the report, a
write-back block, a DataFrame and the console's rows (issue 19, REVIEW §4.7)."""

from __future__ import annotations

import csv

from batch_updater.console.tables import result_rows
from batch_updater.model import RESULT_COLUMNS, RESULT_NAMES, Outcome, Result
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sheet.blocks import ROW, results_block
from tests.support.sheets import write_csv

ID = "6945345902185807891"
OK = Outcome(Result.OK, 200, 0, "success", "log-1", 1, "2026-01-01T00:00:00+00:00")
NEVER_SENT = Outcome(Result.INVALID, msg="status 'x': not a status")


def test_every_writer_takes_its_columns_from_the_table(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "2"], ["x", "3"]])
    result = run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "out.csv"))
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fp:
        header = next(csv.reader(fp))
    assert header == ["ticket_id", "status", *RESULT_NAMES, ROW]
    assert results_block(result.outcomes).header == tuple(c.name for c in RESULT_COLUMNS if c.in_write_back)
    assert list(result_rows(result)[0]) == ["row", "ticket", *(c.name for c in RESULT_COLUMNS if c.in_console)]
    frame = result.to_frame()
    assert list(frame.columns) == ["ticket_id", "status", *RESULT_NAMES]
    typed = {c.name: c.dtype for c in RESULT_COLUMNS if c.dtype in ("category", "Int64")}
    assert {name: str(frame[name].dtype) for name in typed} == typed
    assert [str(frame[c.name].dtype).startswith("datetime64") for c in RESULT_COLUMNS] == [
        c.dtype == "datetime" for c in RESULT_COLUMNS]


def test_a_cell_is_empty_where_there_is_no_value_and_a_never_sent_row_s_attempts_are_blank():
    assert OK.report_cells() == ["ok", 200, 0, "success", "log-1", 1, "2026-01-01T00:00:00+00:00"]
    assert NEVER_SENT.report_cells() == ["invalid", "", "", "status 'x': not a status", "", "", ""]
    assert results_block([OK, NEVER_SENT]).rows == [["ok", 0, "success", "log-1", 1, "2026-01-01T00:00:00+00:00"],
                                                    ["invalid", "", "status 'x': not a status", "", "", ""]]
    attempts = next(c for c in RESULT_COLUMNS if c.name == "attempts")
    assert attempts.get(NEVER_SENT) == 0  # a frame's and the console's: 0, a number
