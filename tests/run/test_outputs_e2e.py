"""Issue 18, nothing lost on the way out: every output's name fits, the retry file says why and the
report gives each row's sheet row, columns of the sheet's own named like ours are kept, a check has
a write-back file of its own, and a full disk stops the run as Ctrl-C does, with its report.
End to end against the sandbox on 127.0.0.1 where something is sent."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.paths import NAME_MAX, name_size
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7300000000000000001 + i * 7919) for i in range(6)]
UNLIMITED = [(1_000_000, 1.0)]
MISSING = "7399999999999999999"  # no such ticket in the sandbox
LONG = "工单批量更新" * 13 + "第二批"  # 81 characters, 243 bytes: with .csv, a name of 247 bytes


def sandbox(**config) -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED, **config))


# --- 3. a long name: every output written, each name fitting ------------------------------------------

def test_an_80_character_chinese_name_gets_its_report_retry_and_undo_files(tmp_path, monkeypatch):
    name = LONG[:80] + ".csv"
    assert name_size(name) == 244
    write_csv(tmp_path / name, [["ticket_id", "status", "comment"], [IDS[0], "2", "long name"],
                                [IDS[1], "bogus", ""], [IDS[2], "4", ""]])
    monkeypatch.chdir(tmp_path)
    with sandbox() as ts:
        done = CliRunner(env=ts.env()).invoke(cli, ["run", name, "--rate", "500/s", "--undo"])
        applied = ts.call(lambda sb: sb.stats()["applied"])
    assert done.exit_code == 1, done.output  # one row invalid: the rest sent, every file written
    assert applied == 2
    assert "cannot write" not in done.output and "Traceback" not in done.output
    written = sorted((tmp_path / "reports").iterdir())
    assert len(written) == 4 and all(name_size(p.name) <= NAME_MAX for p in written)
    report = next(p for p in written if not p.stem.endswith(("-retry", "-undo", "-undo-comments")))
    assert report.name.startswith(LONG[:60]) and "~" in report.stem  # cut, and marked as cut
    for tag in ("retry", "undo", "undo-comments"):
        assert (report.parent / f"{report.stem}-{tag}.csv").is_file()  # beside it, with its whole stem
    assert f"Report: {report}" in done.output and os.path.isfile(done.output.split("Report: ")[1].split("\n")[0])
    rows = read_rows(report)
    assert [r["result"] for r in rows] == ["ok", "invalid", "ok"]
    assert [r["ticket_id"] for r in read_rows(report.parent / f"{report.stem}-retry.csv")] == [IDS[1]]


def test_a_long_names_run_and_its_write_back_fit_and_never_meet_the_input(tmp_path):
    name = tmp_path / (LONG[:82] + ".csv")  # 246 + 4 bytes: "-results" does not fit beside it
    write_csv(name, [["ticket_id", "status"], [IDS[0], "2"]])
    with sandbox() as ts:
        result = run_job(RunOptions(input=name, rate="500/s", write_back=True, report_dir=str(tmp_path / "r")),
                         env=ts.env())
    assert result.exit_code == 0, result.summary
    assert result.report_path is not None and result.report_path.is_file()
    back = result.write_back_path
    assert back is not None and back.is_file() and back.name.endswith("-results.csv") and name_size(back.name) <= 255
    assert back != name and name.read_text(encoding="utf-8-sig").splitlines()[0] == "ticket_id,status"


# --- 13. the retry file says why, the report gives each row's sheet row -------------------------------

def test_the_report_names_each_rows_sheet_row_and_the_retry_file_says_why(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"ticket_id,status,note\n{IDS[0]},2,a\n\n,,\n{IDS[1]},bogus,b\n{IDS[2]},4,c\n"
                      f"{MISSING},2,d\n", encoding="utf-8")  # rows 3 and 4 blank: the report's lines drift
    with sandbox() as ts:
        result = run_job(RunOptions(input=source, rate="500/s", report=tmp_path / "out.csv"), env=ts.env())
    report = read_rows(tmp_path / "out.csv")
    assert list(report[0])[3:] == ["result", "http_status", "code", "msg", "log_id", "attempts", "finished_at",
                                   "row"]  # the contract's columns, in order, after the input's; then `row`
    assert [(r["ticket_id"], r["row"]) for r in report] == [(IDS[0], "2"), (IDS[1], "5"), (IDS[2], "6"),
                                                            (MISSING, "7")]
    retry = read_rows(result.retry_path)
    assert list(retry[0]) == ["ticket_id", "status", "note", "result", "why", "row"]
    assert retry[0]["result"] == "invalid" and retry[0]["row"] == "5"
    assert retry[0]["why"].startswith("status 'bogus': not a status")
    assert retry[1]["result"] == "failed" and retry[1]["row"] == "7" and retry[1]["why"] == report[3]["msg"] != ""


def test_a_report_or_retry_file_fed_back_in_reads_as_its_input(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "note"], [IDS[0], "2", "a"], [IDS[1], "bogus", "b"]])
    first = run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "out.csv"))
    warnings: list[str] = []
    for fed in (tmp_path / "out.csv", first.retry_path):
        again = run_job(RunOptions(input=fed, dry_run=True, report=tmp_path / "again.csv"),
                        on_warning=warnings.append)
        sheet = again.sheet
        assert [sheet.columns.header[i] for i in sheet.columns.kept] == ["ticket_id", "status", "note"]
        assert list(read_rows(tmp_path / "again.csv")[0])[:4] == ["ticket_id", "status", "note", "result"]
    assert not any("not sent" in w and ("why" in w or "row" in w) for w in warnings), warnings


# --- 15. the sheet's own code, msg, attempts are kept; ours are named apart ---------------------------

def test_the_sheets_own_columns_named_like_ours_are_kept_and_ours_named_apart(tmp_path):
    source = tmp_path / "own.csv"
    write_csv(source, [["ticket_id", "status", "code", "msg", "attempts"], [IDS[0], "2", "A-1", "hello", "3"],
                       [IDS[1], "bogus", "B-2", "again", "1"]])
    with sandbox() as ts:
        first = run_job(RunOptions(input=source, rate="500/s", report=tmp_path / "out.csv", write_back=True),
                        env=ts.env())
    report = read_rows(tmp_path / "out.csv")
    assert list(report[0]) == ["ticket_id", "status", "code", "msg", "attempts", "result", "http_status",
                               "code (run)", "msg (run)", "log_id", "attempts (run)", "finished_at", "row"]
    assert (report[0]["code"], report[0]["msg"], report[0]["attempts"]) == ("A-1", "hello", "3")
    assert (report[0]["code (run)"], report[0]["msg (run)"]) == ("0", "success")
    retry = read_rows(first.retry_path)
    assert (retry[0]["code"], retry[0]["msg"], retry[0]["attempts"]) == ("B-2", "again", "1")
    header = first.write_back_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["ticket_id", "status", "code", "msg", "attempts", "result", "code (run)", "msg (run)",
                      "log_id", "attempts (run)", "finished_at"]  # was: code and msg twice
    again = run_job(RunOptions(input=first.write_back_path, dry_run=True, report=tmp_path / "again.csv",
                               write_back=True))
    sheet = again.sheet
    assert [sheet.columns.header[i] for i in sheet.columns.kept] == ["ticket_id", "status", "code", "msg", "attempts"]
    rows = again.write_back_path.read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",") == header  # our block replaced where it was, not added again
    assert rows[1].startswith(f"{IDS[0]},2,A-1,hello,3,valid,")


# --- 16. a check has a write-back file of its own --------------------------------------------------------

def test_a_dry_runs_write_back_never_replaces_the_live_runs_results(tmp_path):
    source = tmp_path / "tracking.csv"
    write_csv(source, [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "4"]])
    with sandbox() as ts:
        live = run_job(RunOptions(input=source, rate="500/s", report=tmp_path / "out.csv", write_back=True),
                       env=ts.env())
    assert live.write_back_path == tmp_path / "tracking-results.csv"
    results = live.write_back_path.read_bytes()
    assert b",ok," in results
    check = run_job(RunOptions(input=source, dry_run=True, report=tmp_path / "check.csv", write_back=True))
    assert check.write_back_path == tmp_path / "tracking-check.csv"
    assert b",valid," in check.write_back_path.read_bytes()
    assert live.write_back_path.read_bytes() == results  # the run's results and log ids are still there


# --- 24. paths printed in full; a team's workbook copy as shared as the workbook ---------------------

def test_paths_are_printed_normalised_and_the_write_back_copy_keeps_the_inputs_permissions(tmp_path, monkeypatch):
    import stat

    write_csv(tmp_path / "team.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    (tmp_path / "sub").mkdir()
    os.chmod(tmp_path / "team.csv", 0o664)
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        done = CliRunner().invoke(cli, ["run", "team.csv", "--dry-run", "--write-back", "--report", "sub/../out.csv"])
    finally:
        os.umask(old)
    assert done.exit_code == 0, done.output
    assert f"Report: {tmp_path / 'out.csv'}\n" in done.output  # was: Report: sub/../out.csv
    assert f"Your file with the result columns: {tmp_path / 'team-check.csv'}\n" in done.output
    assert stat.S_IMODE((tmp_path / "team-check.csv").stat().st_mode) == 0o664  # was: 0600
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o600  # a report stays private


# --- 20. full disks: said, fallen back from, stopped at as Ctrl-C stops -------------------------------

def test_an_xlsx_report_on_a_full_disk_goes_to_the_state_folder(tmp_path, monkeypatch):
    import errno

    import xlsxwriter.workbook

    reports = tmp_path / "reports"
    real = xlsxwriter.workbook.Workbook._store_workbook

    def full_disk(book):
        if Path(book.filename).parent == reports:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(book)

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full_disk)
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "bogus"]])
    warnings: list[str] = []
    with sandbox() as ts:
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=reports / "out.xlsx"),
                         env=ts.env(), on_warning=warnings.append)
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"]).resolve()
    assert result.exit_code == 1 and result.report_path == state / "reports" / "out.xlsx"
    assert f"cannot write the report to {reports / 'out.xlsx'} (no space left on {reports})" in warnings[-1]
    assert f"it is in {state / 'reports' / 'out.xlsx'} instead" in warnings[-1]
    assert result.report_path.is_file() and result.retry_path == state / "reports" / "out-retry.xlsx"
    assert [p.name for p in reports.iterdir()] == []  # no half-written file, no scratch files left


def test_a_full_state_folder_before_sending_says_so_and_sends_nothing(tmp_path, monkeypatch):
    import sqlite3

    from batch_updater.jobs.journal import Journal

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Journal, "reserve", full)
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    with sandbox() as ts:
        done = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                                    "--report", str(tmp_path / "out.csv")])
        applied = ts.call(lambda sb: sb.stats()["applied"])
    jobs = Path(os.environ["BATCH_UPDATER_STATE_DIR"]).resolve() / "jobs"
    assert done.exit_code == 3, done.output  # was: a sqlite3 traceback
    assert f"no space left on {jobs}: the job's journal cannot be written" in done.output
    assert "Traceback" not in done.output and applied == 0


def test_a_state_folder_that_fills_up_mid_run_stops_it_as_ctrl_c_does_with_its_report(tmp_path, monkeypatch):
    import sqlite3

    from batch_updater.jobs.journal import Journal

    real, writes = Journal.write, []

    def fills_up(journal, sending, done):
        writes.append(len(sending))
        if len(writes) > 4:
            raise sqlite3.OperationalError("database or disk is full")
        return real(journal, sending, done)

    rows = [["ticket_id", "status", "comment"], *[[tid, "2", f"note {i}"] for i, tid in enumerate(IDS)]]
    write_csv(tmp_path / "in.csv", rows)
    with sandbox() as ts:
        monkeypatch.setattr(Journal, "write", fills_up)
        first = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                                     "--concurrency", "1", "--report", str(tmp_path / "out.csv")])
        report = read_rows(tmp_path / "out.csv")
        monkeypatch.setattr(Journal, "write", real)  # room made: the same command again
        again = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                                     "--report", str(tmp_path / "again.csv")])
        posted = ts.call(lambda sb: sb.core.tickets.comment_texts())
    jobs = Path(os.environ["BATCH_UPDATER_STATE_DIR"]).resolve() / "jobs"
    assert first.exit_code == 3, first.output  # was: a traceback, and no report
    assert f"stopped early: no space left on {jobs}" in first.output
    results = [r["result"] for r in report]
    assert len(results) == len(IDS) and "ok" in results and "not_attempted" in results
    assert set(results) <= {"ok", "not_attempted"}
    assert again.exit_code == 0, again.output
    assert all(posted[tid] == [f"note {i}"] for i, tid in enumerate(IDS)), posted  # each comment once


def test_an_undo_run_that_changed_nothing_says_why_there_is_no_undo_sheet(tmp_path, monkeypatch):
    """Final trial #4: --undo on a run whose rows set the values the tickets already had wrote no
    undo sheet and said nothing about it."""
    write_csv(tmp_path / "same.csv", [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "2"]])
    write_csv(tmp_path / "new.csv", [["ticket_id", "status"], [IDS[2], "4"]])
    monkeypatch.chdir(tmp_path)
    with sandbox() as ts:
        ts.call(lambda sb: [setattr(sb.tickets[t], "status", 2) for t in IDS[:2]])
        runner = CliRunner(env=ts.env())
        same = runner.invoke(cli, ["--lang", "zh", "run", "same.csv", "--rate", "500/s", "--undo", "--report", "s.csv"])
        changed = runner.invoke(cli, ["run", "new.csv", "--rate", "500/s", "--undo", "--report", "n.csv"])
    assert same.exit_code == 0, same.output
    assert "没有撤销表：本次运行没有改动任何字段，也没有发布评论，无需撤销" in same.output
    assert not (tmp_path / "s-undo.csv").exists()
    assert changed.exit_code == 0 and (tmp_path / "n-undo.csv").exists()
    assert "No undo sheet" not in changed.output and "Undo sheet" in changed.output
