"""Trial of issue 18, F7: what the command line says, when it says it (the console's words are in
tests/console). End to end against the sandbox on 127.0.0.1 where something is sent."""

from __future__ import annotations

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7500000000000000001 + i * 7919) for i in range(8)]
UNLIMITED = [(1_000_000, 1.0)]


def test_most_common_problems_says_how_many_kinds_it_leaves_out(tmp_path):
    """F7.1: 7 kinds of problem, 5 listed, and nothing said of the other 2."""
    write_csv(tmp_path / "seven.csv", [
        ["ticket_id", "status", "solved", "ticket_type", "channel"],
        [IDS[0], "bad", "", "", ""], [IDS[1], "2", "x", "", ""], [IDS[2], "2", "", "3", ""],
        [IDS[3], "2", "", "", "y"], ["", "2", "", "", ""], [IDS[4], "", "", "", ""], ["123", "2", "", "", ""]])
    done = CliRunner().invoke(cli, ["run", str(tmp_path / "seven.csv"), "--dry-run",
                                    "--report", str(tmp_path / "out.csv")])
    assert done.exit_code == 1
    assert "  and 2 more kinds (2 problems): see the report's msg column\n" in done.output


def test_one_row_is_said_as_one_row(tmp_path):
    """F7.6: "1 rows: 1 ok", "Dry run: 1 rows"."""
    write_csv(tmp_path / "one.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    done = CliRunner().invoke(cli, ["run", str(tmp_path / "one.csv"), "--dry-run",
                                    "--report", str(tmp_path / "out.csv")])
    assert "Dry run: 1 row: 1 valid\n" in done.output


def test_a_stop_with_no_row_left_unsent_does_not_say_the_rows_not_sent_are_marked(tmp_path):
    """F7.7: every row failed to connect (none not_attempted), and the advice spoke of not_attempted rows."""
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS[:5]]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        env = ts.env(FEISHU_BASE_URL="http://127.0.0.1:9")  # nothing listens there: connection refused
        done = CliRunner(env=env).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "500/s",
                                               "--max-attempts", "2", "--report", str(tmp_path / "out.csv")])
    results = {r["result"] for r in read_rows(tmp_path / "out.csv")}
    assert done.exit_code == 3 and "cannot reach" in done.output, done.output
    assert "not_attempted" not in results
    assert "The rows not sent are marked not_attempted" not in done.output
    assert "Fix that, then run the same command again to resume" in done.output


def test_a_report_folder_that_takes_no_file_is_named_without_a_file_this_run_would_not_write(tmp_path):
    """F7.8: "cannot write the report in /proc: ... (writing x-undo-comments.csv)", an undo file that
    a run without --undo never writes."""
    write_csv(tmp_path / "one.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    done = CliRunner().invoke(cli, ["run", str(tmp_path / "one.csv"), "--dry-run", "--report", "/proc/x.csv"])
    assert done.exit_code == 2
    assert "cannot write the report: cannot create files in /proc (" in done.output
    assert "undo" not in done.output


def test_a_sep_line_csvs_report_is_comma_separated(tmp_path):
    """F7.9: the report of a `sep=;` CSV was `;`-separated with a BOM, which the Excel that needed the
    sep= line opens as one column."""
    (tmp_path / "sep.csv").write_text(f"sep=;\nticket_id;status;comment\n{IDS[0]};2;a, b\n{IDS[1]};x;\n")
    done = CliRunner().invoke(cli, ["run", str(tmp_path / "sep.csv"), "--dry-run",
                                    "--report", str(tmp_path / "out.csv")])
    assert done.exit_code == 1
    for name in ("out.csv", "out-retry.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert text.startswith("ticket_id,status,comment,result"), text
    assert read_rows(tmp_path / "out.csv")[0]["comment"] == "a, b"
    plain = tmp_path / "semi.csv"  # a ;-CSV without the line: the Excel it came from takes ;
    plain.write_text(f"ticket_id;status\n{IDS[0]};2\n")
    CliRunner().invoke(cli, ["run", str(plain), "--dry-run", "--report", str(tmp_path / "semi-out.csv")])
    assert (tmp_path / "semi-out.csv").read_text(encoding="utf-8-sig").startswith("ticket_id;status;result")


def test_a_row_sent_again_by_a_later_run_counts_the_attempts_of_every_run(tmp_path):
    """F7.10: a row sent twice by one run, then again by the next, said `attempts 1`."""
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "3"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        ts.call(lambda sb: sb.set_faults(error_rate=1.0))  # 500s: nothing applied, retried, then failed
        first = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", max_attempts=2,
                                   report=tmp_path / "first.csv"), env=ts.env())
        ts.call(lambda sb: sb.set_faults(error_rate=0.0))
        second = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", max_attempts=2,
                                    report=tmp_path / "second.csv"), env=ts.env())
        third = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "third.csv"),
                        env=ts.env())
    assert [(o.result.value, o.attempts) for o in first.outcomes] == [("failed", 2), ("failed", 2)]
    assert [(o.result.value, o.attempts) for o in second.outcomes] == [("ok", 3), ("ok", 3)]  # was: ("ok", 1)
    assert [(o.result.value, o.attempts) for o in third.outcomes] == [("ok", 3), ("ok", 3)]  # from the journal
    assert [r["attempts"] for r in read_rows(tmp_path / "second.csv")] == ["3", "3"]
