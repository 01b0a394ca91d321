"""Issue 14, the job's side: read-back that proves every field, one job per file and API however
the URL is written, resume by row content, warnings in JSON logs, private state, small CLI fixes.
End to end against the sandbox on 127.0.0.1 where something is sent."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import UsageError
from batch_updater.plan.state import TicketState, read_back
from batch_updater.run.job import RunOptions, run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import Faults, SandboxConfig
from tests.support.progress import after_first_row
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(6)]
UNLIMITED = [(1_000_000, 1.0)]


def comments(ts: ThreadSandbox) -> dict[str, list[str]]:
    return ts.call(lambda sb: sb.core.tickets.comment_texts())


def status_of(ts: ThreadSandbox, tid: str) -> int:
    return ts.call(lambda sb: sb.tickets[tid].status)


def sandbox(**config) -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED, **config))


def agent_posts(ts: ThreadSandbox, tid: str, text: str, ago_ms: int = 0) -> None:
    """A comment posted on the ticket outside batch-updater (an agent, in Feishu), `ago_ms` ago."""
    def post(sb):
        sb.core.tickets.apply(sb.tickets[tid], {"comment": text}, "by-hand")
        sb.tickets[tid].comments[-1].created_at -= ago_ms

    ts.call(post)


def run(path: Path, ts: ThreadSandbox, env: dict[str, str] | None = None, **options) -> object:
    options.setdefault("rate", "500/s")
    options.setdefault("report", path.with_name(path.stem + "-out.csv"))
    return run_job(RunOptions(input=path, **options), env=env or ts.env())


# --- 1. read-back proves every field the row sets, and that the comment is the row's --------------

def test_an_old_comment_with_the_same_text_does_not_make_a_dropped_row_ok(tmp_path):
    with sandbox() as ts:
        tid = IDS[0]
        agent_posts(ts, tid, "Customer called back")  # by hand, in Feishu: no job of ours knows it
        before = status_of(ts, tid)
        new_status = "4" if before != 4 else "2"
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=1.0))  # nothing is applied from now on
        write_csv(tmp_path / "second.csv", [["ticket_id", "status", "comment"], [tid, new_status, "Customer called back"],
                                            [IDS[1], "", "Customer called back"]])
        result = run(tmp_path / "second.csv", ts, max_attempts=1)
        assert status_of(ts, tid) == before
        posted = comments(ts)
    first, second = result.outcomes
    assert first.result.value == "unknown", first  # was: ok, confirmed by reading the ticket back
    assert second.result.value == "unknown"  # its comment never landed, and sending again was dropped too
    # The latest comment has the row's words: never sent again (issue 18: was 2, sent again by the clock's
    # word, which posts it twice when the API's clock is behind); it stays unknown (its status differs).
    assert (first.attempts, second.attempts) == (1, 2)
    assert posted[tid] == ["Customer called back"]


def test_a_comment_only_row_is_not_confirmed_by_a_comment_older_than_the_run(tmp_path):
    with sandbox() as ts:
        tid = IDS[2]
        agent_posts(ts, tid, "same words", ago_ms=3_600_000)  # an hour before the run
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=1.0))
        write_csv(tmp_path / "b.csv", [["ticket_id", "comment"], [tid, "same words"]])
        result = run(tmp_path / "b.csv", ts, max_attempts=1)
        posted = comments(ts)
    (outcome,) = result.outcomes
    # Not ok, and not sent again (issue 18: was sent again; the row's words are the latest comment's)
    assert outcome.result.value == "unknown" and outcome.attempts == 1 and "older than the row" in outcome.msg
    assert posted[tid] == ["same words"]


BODY = {"status": 51, "comment": "done"}
SINCE = 1_700_000_000_000  # when the row was first sent, by our clock (ms)
MINUTE = 60_000


@pytest.mark.parametrize("after, before, offset, verdict", [
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE + 2000), None, (0, 0), "applied"),
    (TicketState(status=2, latest_comment="done", latest_comment_at=SINCE + 2000), None, (0, 0),
     "cannot tell"),  # status not set
    # The row's words, stamped before the row by the API's clock: never "not applied" (issue 18: it was)
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE - 1), None, (0, 0), "applied"),
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE - 10_000), None, (-10_500, -9_500),
     "applied"),  # the API's clock is 10 s behind
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE - MINUTE), None, (0, 0),
     "cannot tell"),  # an older comment with the same words
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE - MINUTE), None, None,
     "applied"),  # no Date seen: any plausible skew
    (TicketState(status=51, latest_comment=" done\n", latest_comment_at=SINCE + 1), None, (0, 0), "applied"),
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE - MINUTE), None, (0, 0), "not applied"),
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE - 1), None, (0, 0), "cannot tell"),
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE - 5_000), None, (-10_500, -9_500),
     "cannot tell"),  # posted 5 s after the row, by a clock 10 s behind (issue 18: it was "not applied")
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE - MINUTE), None, None, "cannot tell"),
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE - 10 * MINUTE), None, None,
     "not applied"),
    (TicketState(status=51, latest_comment="other", latest_comment_at=SINCE + 2000), None, (0, 0),
     "cannot tell"),  # a reply since
    (TicketState(status=51, latest_comment="done"), None, (0, 0), "cannot tell"),  # no time shown, no pre-image
    (TicketState(status=51, latest_comment="other"), None, (0, 0), "cannot tell"),
    (TicketState(status=51), None, (0, 0), "not applied"),  # no comment at all
    (TicketState(status=51, latest_comment="done"), TicketState(latest_comment="x"), (0, 0), "applied"),
    (TicketState(status=51, latest_comment="x"), TicketState(latest_comment="x"), (0, 0), "not applied"),  # unchanged
    (TicketState(status=51, latest_comment="done"), TicketState(latest_comment="done"), (0, 0), "cannot tell"),
    (TicketState(status=51, latest_comment="done", latest_comment_at=SINCE + 5),
     TicketState(latest_comment="done", latest_comment_at=SINCE + 5), (0, 0), "cannot tell"),  # the one before
    (TicketState(status=51, latest_comment="y"), TicketState(latest_comment="x"), (0, 0), "cannot tell"),
])
def test_read_back_verdicts(after, before, offset, verdict):
    assert read_back(after, BODY, before, since_ms=SINCE, offset_ms=offset)[0] == verdict


# --- 3. one job per input file and API, however the URL is written; resume by row content ---------

@pytest.mark.parametrize("spelling", ["{url}/", "{url_upper}", "{url}//", "{localhost}"])
def test_the_same_api_written_another_way_is_the_same_job(tmp_path, spelling):
    with sandbox() as ts:
        env = ts.env()
        url = env["FEISHU_BASE_URL"]
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *[[tid, f"note {tid}"] for tid in IDS]])
        first = run(tmp_path / "in.csv", ts, env=env)
        other = spelling.format(url=url, url_upper=url.replace("http://", "HTTP://"),
                                localhost=url.replace("127.0.0.1", "localhost"))
        again = run(tmp_path / "in.csv", ts, env={**env, "FEISHU_BASE_URL": other})
        explicit = run(tmp_path / "in.csv", ts, env=env, base_url=other)
        duplicated = ts.stats()["tickets_with_duplicate_comments"]
    assert first.exit_code == again.exit_code == 0 and first.job_id == again.job_id == explicit.job_id
    assert again.resumed == explicit.resumed == len(IDS) and duplicated == 0


def test_the_default_api_and_the_same_origin_written_out_are_one_job(tmp_path):
    from batch_updater.feishu.credentials import DEFAULT_BASE_URL, api_origin

    host = DEFAULT_BASE_URL.removeprefix("https://")  # the default, spelt out two other ways
    assert api_origin(None, {}) == api_origin(f"https://{host.upper()}:443/", {}) == api_origin(None, {
        "FEISHU_BASE_URL": f"https://{host}/"})


def test_fixing_one_cell_keeps_the_rows_already_done(tmp_path):
    rows = [["ticket_id", "status", "comment"], [IDS[0], "2", "first"], [IDS[1], "bogus", "second"],
            [IDS[2], "", "third"]]
    with sandbox() as ts:
        write_csv(tmp_path / "in.csv", rows)
        first = run(tmp_path / "in.csv", ts)
        assert [o.result.value for o in first.outcomes] == ["ok", "invalid", "ok"]
        rows[2][1] = "3"  # the user fixes the invalid cell in the same file
        write_csv(tmp_path / "in.csv", rows)
        second = run(tmp_path / "in.csv", ts)
        stats, posted = ts.stats(), comments(ts)
    assert [o.result.value for o in second.outcomes] == ["ok", "ok", "ok"] and second.resumed == 2
    assert second.job_id == first.job_id and stats["applied"] == 3
    assert stats["tickets_with_duplicate_comments"] == 0 and posted[IDS[1]] == ["second"]


def test_a_copy_of_the_file_posts_no_comment_twice_and_says_so(tmp_path):
    rows = [["ticket_id", "comment", "status"], [IDS[0], "hello", ""], [IDS[1], "there", "2"]]
    with sandbox() as ts:
        write_csv(tmp_path / "in.csv", rows)
        assert run(tmp_path / "in.csv", ts).exit_code == 0
        write_csv(tmp_path / "copy.csv", rows)
        warnings: list[str] = []
        copy = run_job(RunOptions(input=tmp_path / "copy.csv", rate="500/s", report=tmp_path / "copy-out.csv"),
                       env=ts.env(), on_warning=warnings.append)
        fresh: list[str] = []
        write_csv(tmp_path / "other.csv", [["ticket_id", "status"], [IDS[4], "2"]])
        run_job(RunOptions(input=tmp_path / "other.csv", rate="500/s", report=tmp_path / "other-out.csv"),
                env=ts.env(), on_warning=fresh.append)
        posted = comments(ts)
    (warning,) = warnings
    assert "already sent updates for 2 of these tickets" in warning and "in.csv" in warning
    assert "2 rows here would post a comment already (or maybe) posted on the same ticket: not posted again" in warning
    assert [o.result.value for o in copy.outcomes] == ["skipped", "ok"] and copy.exit_code == 0
    assert "its comment was not posted again: another run" in copy.outcomes[1].msg
    assert posted[IDS[0]] == ["hello"] and posted[IDS[1]] == ["there"]
    assert fresh == []  # no other job touched that ticket


def test_editing_a_cell_of_a_row_already_applied_does_not_post_its_comment_again(tmp_path):
    rows = [["ticket_id", "status", "comment"], [IDS[0], "2", "big batch note"], [IDS[1], "2", "other note"]]
    with sandbox() as ts:
        write_csv(tmp_path / "in.csv", rows)
        assert run(tmp_path / "in.csv", ts).exit_code == 0
        rows[1][1] = "4"  # the status of an applied row is changed
        write_csv(tmp_path / "in.csv", rows)
        second = run(tmp_path / "in.csv", ts)
        posted, status = comments(ts), status_of(ts, IDS[0])
    assert [o.result.value for o in second.outcomes] == ["ok", "ok"] and second.resumed == 1
    assert "its comment was not posted again: this job, from a row since edited" in second.outcomes[0].msg
    assert status == 4 and posted[IDS[0]] == ["big batch note"]


def test_a_resumed_run_reads_back_the_comment_rows_an_earlier_run_left_unknown(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="batch_updater")
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "maybe posted"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(drop_after_apply_rate=1.0))) as ts:
        first = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # no reading back this time
        ts.call(lambda sb: sb.set_faults(drop_after_apply_rate=0.0))
        second = run(tmp_path / "in.csv", ts)  # the app's credentials are back
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert second.outcomes[0].result.value == "ok" and "confirmed by reading the ticket back" in second.outcomes[0].msg
    assert posted[IDS[0]] == ["maybe posted"]
    assert [r.row for r in caplog.records if getattr(r, "event", "") == "row_confirmed"] == [2]  # a log line


# --- 9. warnings are events in JSON logs --------------------------------------------------------

def test_an_ignored_column_is_a_warning_event_in_json_logs(tmp_path, monkeypatch):
    write_csv(tmp_path / "in.csv", [["ticket_id", "staus"], [IDS[0], "1"]])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv", "--log-format", "json"])
    events = [json.loads(line) for line in result.stderr.splitlines()]
    warnings = [e for e in events if e["event"] == "warning"]
    assert warnings and "staus" in warnings[0]["message"] and warnings[0]["level"] == "warning"


# --- 13. private state; no password in a base URL ---------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_journals_and_logs_are_private(tmp_path):
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"])
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "private words"]])
    with sandbox() as ts:
        old = os.umask(0o022)
        try:
            result = CliRunner(env=ts.env()).invoke(cli, [
                "run", str(tmp_path / "in.csv"), "--rate", "500/s", "--report", str(tmp_path / "out.csv"),
                "--log-file", str(tmp_path / "logs" / "run.log"), "--undo"])
        finally:
            os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(state) == mode(state / "jobs") == 0o700
    files = [p for p in (state / "jobs").iterdir()]
    assert any(p.suffix == ".sqlite" for p in files) and any(p.suffix == ".lock" for p in files)
    assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    assert mode(tmp_path / "logs" / "run.log") == 0o600
    assert mode(tmp_path / "out-undo.csv") == 0o600


@pytest.mark.parametrize("url", ["https://:hunter22@open.example.com", "https://u:hunter22@open.example.com",
                                 "https://hunter22@open.example.com"])
def test_a_base_url_with_a_password_is_refused_without_echoing_it(url):
    from batch_updater.feishu.credentials import check_base_url

    with pytest.raises(UsageError) as caught:
        check_base_url(url)
    assert "hunter22" not in str(caught.value) and "user name or password" in str(caught.value)


# --- 14. small ones ----------------------------------------------------------------------------------

def test_run_help_lists_every_input_kind():
    from batch_updater.sheet.read import EXCEL_SUFFIXES, TEXT_SUFFIXES

    text = CliRunner().invoke(cli, ["run", "--help"]).output
    assert all(suffix in text for suffix in [*EXCEL_SUFFIXES, *TEXT_SUFFIXES])


@pytest.mark.parametrize("flag, value", [("--concurrency", "513"), ("--concurrency", "0"),
                                         ("--max-attempts", "101")])
def test_the_command_line_has_a_job_files_caps(tmp_path, flag, value):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "1"]])
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in.csv"), "--sandbox", flag, value])
    assert result.exit_code == 2 and "must be from 1 to" in result.output


def test_an_interrupted_plan_marks_the_unread_rows_not_attempted(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=[(2, 1.0)])) as ts:

        def ctrl_c_after_the_first(progress) -> None:
            if progress.done == 1:
                signal.raise_signal(signal.SIGINT)

        result = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv", concurrency=1),
                          env=ts.env(), on_progress=ctrl_c_after_the_first)
    kinds = [p.kind for p in result.planned]
    assert result.exit_code == 130 and kinds[0] == "change" and set(kinds[1:]) == {"not_attempted"}
    assert [r["plan"] for r in read_rows(tmp_path / "plan.csv")] == kinds


def test_the_plan_command_says_interrupted(tmp_path, monkeypatch):
    from batch_updater.run import plan as plan_module
    from batch_updater.send.session import ReadReport

    class Interrupted:
        summary = plan_module.PlanSummary(1, {"not_attempted": 1})
        report_path = tmp_path / "plan.csv"
        stop_reason = None
        sheet = None
        read = ReadReport({}, {}, None, None, interrupted=True)
        write_back_path = None
        exit_code = 130

    monkeypatch.setattr(plan_module, "plan_job", lambda *a, **k: Interrupted())
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    result = CliRunner().invoke(cli, ["plan", str(tmp_path / "in.csv"), "--sandbox"])
    assert result.exit_code == 130 and "Interrupted" in result.stderr


def test_undo_read_failures_are_logged_once_per_ticket_with_the_row(tmp_path):
    from batch_updater.logs import close_logging, setup_logging

    missing = "7999999999999999999"
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"], [missing, "2"], [missing, "3"]])
    handler = setup_logging("json", tmp_path / "log.json")
    try:
        with sandbox() as ts:
            run(tmp_path / "in.csv", ts, undo=True)
    finally:
        close_logging(handler)
    events = [json.loads(line) for line in (tmp_path / "log.json").read_text().splitlines()]
    reads = [e for e in events if e["event"] == "read_failed"]
    assert len(reads) == 1 and reads[0]["row"] == 3 and reads[0]["ticket_id"] == missing
    assert "reading ticket 7999999999999999999 (row 3)" in reads[0]["message"]


# --- 2. unknown rows never go back through the retry file; one piece of advice --------------------

def test_unknown_rows_stay_out_of_the_retry_file_so_following_the_advice_posts_no_comment_twice(tmp_path):
    missing = "7999999999999999999"
    rows = [["ticket_id", "comment"], *[[tid, f"note {i}"] for i, tid in enumerate(IDS * 3)], [missing, "lost"]]
    write_csv(tmp_path / "in.csv", rows)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, seed=3,
                                     faults=Faults(drop_after_apply_rate=0.3))) as ts:
        env = ts.env(FEISHU_APP_SECRET="")  # no reading back: the dropped comment rows stay unknown
        args = ["run", str(tmp_path / "in.csv"), "--rate", "500/s", "--report", str(tmp_path / "out.csv")]
        first = CliRunner(env=env).invoke(cli, args)
        report = read_rows(tmp_path / "out.csv")
        unknown = read_rows(tmp_path / "out-unknown.csv")
        retry = read_rows(tmp_path / "out-retry.csv")
        ts.call(lambda sb: sb.set_faults(drop_after_apply_rate=0.0))
        CliRunner(env=env).invoke(cli, ["run", str(tmp_path / "out-retry.csv"), "--rate", "500/s",
                                        "--report", str(tmp_path / "retry-out.csv")])
        again = CliRunner(env=env).invoke(cli, args)
        stats = ts.stats()
    results = [r["result"] for r in report]
    assert first.exit_code == 1 and results.count("unknown") >= 2, results
    assert [r["comment"] for r in unknown] == [r["comment"] for r in report if r["result"] == "unknown"]
    assert all(r["why"] for r in unknown)
    assert [r["comment"] for r in retry] == ["lost"]  # failed (no such ticket): safe to send again
    assert "out-unknown.csv" in first.output and "run the same command again to resume" in first.output
    assert "retry file to finish" not in first.output + again.output
    assert stats["tickets_with_duplicate_comments"] == 0


def test_an_interrupted_run_advises_running_the_same_command_again(tmp_path, monkeypatch):
    from batch_updater import cli as cli_module

    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])

    monkeypatch.setattr(cli_module, "ProgressDisplay", after_first_row(lambda: signal.raise_signal(signal.SIGINT)))
    with sandbox() as ts:
        result = CliRunner(env=ts.env()).invoke(cli, ["run", str(tmp_path / "in.csv"), "--rate", "2/s",
                                                      "--concurrency", "1", "--report", str(tmp_path / "o.csv")])
    assert result.exit_code == 130, result.output
    assert "Interrupted" in result.stderr and "run the same command again to resume" in result.stderr


# --- 6. the report's place is checked before sending; a late failure still leaves a report ---------

@pytest.mark.parametrize("case", ["read-only folder", "report name is a folder", "folder is a file"])
def test_an_unwritable_report_place_is_refused_before_anything_is_sent(tmp_path, case):
    if case == "read-only folder" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder; the other cases cover root")
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    report = tmp_path / "out" / "out.csv"
    if case == "read-only folder":
        report.parent.mkdir(mode=0o555)
    elif case == "report name is a folder":
        report.mkdir(parents=True)
    else:
        report.parent.write_text("a file where the report folder should be")
    with sandbox() as ts:
        with pytest.raises(UsageError, match="cannot write the report|is a folder") as refused:
            run(tmp_path / "in.csv", ts, report=report)
        applied = ts.stats()["applied"]
    assert refused.value.exit_code == 2 and applied == 0


def test_a_report_that_cannot_be_written_at_the_end_goes_to_the_state_folder_with_exit_1(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS[:2]]])
    folder = tmp_path / "reports"
    folder.mkdir()

    def folder_disappears(progress) -> None:
        if progress.done == 1 and folder.is_dir():
            folder.rmdir()
            folder.write_text("no longer a folder")

    warnings: list[str] = []
    with sandbox() as ts:
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=folder / "out.csv"),
                         env=ts.env(), on_progress=folder_disappears, on_warning=warnings.append)
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"])
    assert result.exit_code == 1 and result.report_path == state / "reports" / "out.csv"
    assert [r["result"] for r in read_rows(result.report_path)] == ["ok", "ok"]
    assert any(str(result.report_path) in w for w in warnings)
