import json
from dataclasses import fields

import click
import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.jobs.options import RunOptions
from tests.support.sheets import read_rows, write_csv, write_xlsx

ID = "6945345902185807891"


def test_dry_run_all_valid_exits_0_and_writes_the_body(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["工单ID", "状态", "标签"], [ID, "已关闭", "a,b"]])
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 1 row: 1 valid" in result.output and "Nothing was sent." in result.output
    (row,) = read_rows(tmp_path / "out.csv")
    assert row["result"] == "valid"
    assert json.loads(row["msg"]) == {"status": 51, "tag_names": ["a", "b"]}
    assert not (tmp_path / "out-retry.csv").exists()


def test_dry_run_with_invalid_rows_exits_1_and_writes_a_retry_file(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "51"], ["x1", "9"], [ID, "2"]])
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 1
    assert "2 valid, 1 invalid" in result.output
    assert "1 ticket appears on more than one row (2 rows)" in result.output
    assert "ticket_id: a ticket id is digits only" in result.output
    assert "out-retry.csv" in result.output
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["valid", "invalid", "valid"]
    assert rows[1]["msg"] == "ticket_id 'x1': a ticket id is digits only (16 to 19 of them); status '9': not a status: use 1-5, " \
                             "50, 51 or a label such as 处理中 / in progress / closed"
    assert [r["ticket_id"] for r in read_rows(tmp_path / "out-retry.csv")] == ["x1"]


def test_default_report_goes_to_reports_with_the_inputs_kind(runner, tmp_path):
    write_xlsx(tmp_path / "in.xlsx", {"S": [["ticket_id", "status"], [ID, 51]]})
    result = runner.invoke(cli, ["run", "in.xlsx", "--dry-run"])
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "reports").iterdir()
    assert report.name.startswith("in-") and report.suffix == ".xlsx"


def test_excel_number_id_is_invalid_with_the_fix(runner, tmp_path):
    write_xlsx(tmp_path / "in.xlsx", {"S": [["ticket_id", "status"], [6945345902185807891, "51"]]})
    result = runner.invoke(cli, ["run", "in.xlsx", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 1
    (row,) = read_rows(tmp_path / "out.csv")
    assert row["ticket_id"] == "6.94534590218581E+18" and row["result"] == "invalid"
    assert "format the column as Text" in row["msg"]


def test_warnings_name_columns_that_are_not_sent(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "owner"], [ID, "1", "me"]])
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert "warning: columns kept in the report but not sent (not a ticket field): owner" in result.output


@pytest.mark.parametrize(
    "args, files, message",
    [
        (["run", "missing.csv", "--dry-run"], {}, "error: missing.csv: no such file"),
        (["run", "in.csv", "--dry-run"], {"in.csv": [["status"], ["1"]]}, "error: no ticket id column"),
        (["run", "in.csv", "--dry-run", "--report", "in.csv"], {"in.csv": [["ticket_id"], ["1"]]},
         "over the input file"),
        (["run", "in.csv", "--dry-run", "--encoding", "nope"], {"in.csv": [["ticket_id"], ["1"]]},
         "unknown encoding"),
        (["run", "in.csv", "--dry-run", "--sheet", "2"], {"in.csv": [["ticket_id"], ["1"]]},
         "--sheet applies to Excel files only"),
        (["run", "in.csv", "--dry-run", "--nope"], {"in.csv": [["ticket_id"], ["1"]]}, "No such option"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(runner, tmp_path, args, files, message):
    for name, rows in files.items():
        write_csv(tmp_path / name, rows)
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unwritable_report_directory_is_exit_2(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "1"]])
    (tmp_path / "blocked").write_text("a file, not a directory")
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "blocked/out.csv"])
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_sample_data_dry_runs(runner):
    from pathlib import Path

    samples = Path(__file__).parent.parent / "sample_data"
    for name, code in [("tickets.csv", 1), ("tickets.xlsx", 1), ("tickets-gbk.csv", 0)]:
        result = runner.invoke(cli, ["run", str(samples / name), "--dry-run", "--report", f"out-{name}.csv"])
        assert result.exit_code == code, (name, result.output)


def test_a_job_file_runs_and_flags_win_over_it(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["Ticket Number", "note"], [ID, "x"]])
    (tmp_path / "job.toml").write_text(
        'input = "in.csv"\nreport = "from-job.csv"\n[columns]\n"Ticket Number" = "ticket_id"\n'
        '[defaults]\nstatus = "closed"\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", "--config", "job.toml", "--dry-run", "--report", "flag.csv"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "from-job.csv").exists()
    (row,) = read_rows(tmp_path / "flag.csv")
    assert json.loads(row["msg"]) == {"status": 51}


@pytest.mark.parametrize("text, message", [("concurency = 2\n", "concurency: not a known key"),
                                           ("rate = 'auto'\n", "no input")])
def test_a_bad_job_file_exits_2(runner, tmp_path, text, message):
    (tmp_path / "job.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["run", "--config", "job.toml", "--dry-run"])
    assert result.exit_code == 2 and message in result.output


def test_json_logs_go_to_stderr_without_progress_lines(tmp_path, monkeypatch):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "1"], ["x", "2"]])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", "in.csv", "--sandbox", "--rate", "100/s", "--report", "out.csv",
                                      "--log-format", "json"])
    assert result.exit_code == 1
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert [e["event"] for e in events][0] == "start" and events[-1]["event"] == "finish"
    assert events[-1]["counts"] == {"ok": 1, "invalid": 1} and events[-1]["exit_code"] == 1


def test_run_config_is_the_python_api_for_a_job_file(tmp_path):
    from batch_updater import run_config

    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "1"]])
    (tmp_path / "job.toml").write_text('input = "in.csv"\nreport = "r.csv"\nlog_format = "json"\n'
                                       'log_file = "job.log"\n', encoding="utf-8")
    result = run_config(tmp_path / "job.toml", dry_run=True)
    assert result.exit_code == 0 and result.report_path == tmp_path / "r.csv"
    assert json.loads((tmp_path / "job.log").read_text().splitlines()[-1])["event"] == "finish"


def test_a_note_column_is_not_a_comment_and_the_columns_sent_are_shown(runner, tmp_path):
    write_csv(tmp_path / "in.csv", [["工单ID", "状态", "备注"], [ID, "closed", "客户是VIP"]])
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 0
    assert "Columns sent: 工单ID → ticket_id, 状态 → status" in result.output
    assert json.loads(read_rows(tmp_path / "out.csv")[0]["msg"]) == {"status": 51}
    assert "not sent (not a ticket field): 备注" in result.stderr


@pytest.mark.parametrize("rate", ["2/min", "6/min", "0.05/s"])
def test_a_fixed_rate_too_low_to_hold_is_refused(runner, tmp_path, rate):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [ID, "1"]])
    result = runner.invoke(cli, ["run", "in.csv", "--sandbox", "--rate", rate])
    assert result.exit_code == 2 and "the lowest fixed rate is 7/min" in result.output


def test_with_json_logs_on_stderr_an_error_is_an_event_too(runner, tmp_path):
    result = runner.invoke(cli, ["run", "missing.csv", "--dry-run", "--log-format", "json"])
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert result.exit_code == 2 and events[-1]["event"] == "error" and "no such file" in events[-1]["message"]


def test_json_logs_on_stderr_are_one_commands_setting_only(runner, tmp_path):
    """A command that logged JSON to stderr leaves the next one (in the same process: a test, a
    script calling the CLI) its own error line."""
    runner.invoke(cli, ["run", "missing.csv", "--dry-run", "--log-format", "json"])
    result = runner.invoke(cli, ["plan", "missing.csv", "--sandbox"])
    assert result.exit_code == 2 and "error: missing.csv: no such file" in result.stderr


def test_the_sandbox_refuses_a_port_out_of_range(runner):
    result = runner.invoke(cli, ["sandbox", "--port", "99999"])
    assert result.exit_code == 2 and "99999 is not in the range" in result.output and "Traceback" not in result.output


SHARED = {"input", "config_path", "sheet", "encoding", "header_row", "report", "concurrency", "max_attempts", "timeout",
          "base_url", "sandbox", "write_back", "refresh_fields", "limiter", "lang"}


def _params(name: str) -> dict[str, click.Parameter]:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    return {p.name: p for p in command.params if p.name != "help"}


def test_run_and_plan_share_their_common_flags():
    """Declared once (cli.JOB_FLAGS): plan's flags are run's, each the same (its names, type,
    default, metavar); and each of run's is a RunOptions field, but the job file and the log's."""
    run, plan = _params("run"), _params("plan")
    selecting = {"select", "sets", "comment"}  # --select's flags: the job is the selection's sheet, not a RunOptions field
    assert set(plan) == SHARED | selecting and SHARED | selecting <= set(run)
    for name in SHARED:
        a, b = run[name], plan[name]
        assert (a.opts, a.secondary_opts, type(a.type), a.default, a.metavar, a.required, a.multiple) == \
            (b.opts, b.secondary_opts, type(b.type), b.default, b.metavar, b.required, b.multiple), name
        assert getattr(a, "is_flag", False) == getattr(b, "is_flag", False), name
    assert set(run) - {"config_path", "log_format", "log_file", "yes", "lang"} - selecting <= {f.name for f in fields(RunOptions)}


@pytest.mark.parametrize("command", ["run", "plan"])
def test_run_and_plan_read_the_shared_flags_alike(runner, tmp_path, command):
    """The same shared flags, given to either command, reach the job's options the same way: here a
    header row and a report name that cannot be, refused before anything is read (exit 2)."""
    write_csv(tmp_path / "in.csv", [["title"], ["ticket_id", "status"], [ID, "51"]])
    result = runner.invoke(cli, [command, "in.csv", "--sandbox", "--header-row", "2", "--concurrency", "3",
                                 "--max-attempts", "2", "--timeout", "5", "--report", "out.pdf"])
    assert result.exit_code == 2 and "--report out.pdf: use a .xlsx, .csv or .tsv name" in result.output
