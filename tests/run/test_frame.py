"""run_frame / plan_frame / to_frame end to end, against the sandbox on 127.0.0.1: the same job
as a file's (journal, resume, lock), with the frame's index and typed result columns."""

from __future__ import annotations

import pandas as pd
import pytest

from batch_updater import InputError, UsageError, plan_frame, run_frame
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7300000000000000001 + i * 7919) for i in range(6)]
UNLIMITED = [(1_000_000, 1.0)]


def changes(index: list | None = None) -> pd.DataFrame:
    """Six rows, one of them invalid, every other one with a comment."""
    return pd.DataFrame({
        "ticket_id": IDS[:5] + ["not-an-id"],
        "status": ["51", "2", "closed", "4", "51", "2"],
        "comment": ["done", None, "moved", None, "again", None],
        "owner": ["ann", "bob", "cat", "dan", "eve", "fay"],
    }, index=index if index is not None else ["a", "b", "c", "d", "e", "f"])


def test_run_frame_returns_the_frame_with_typed_results_and_its_index(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = changes()
    result = run_frame(frame, sandbox=True, rate="1000/s")
    out = result.to_frame()
    assert list(out.index) == ["a", "b", "c", "d", "e", "f"]
    assert out["owner"].tolist() == frame["owner"].tolist()
    assert out["result"].tolist() == ["ok"] * 5 + ["invalid"]
    assert isinstance(out["result"].dtype, pd.CategoricalDtype)
    assert out["result"].value_counts()["ok"] == 5 and out["result"].value_counts()["failed"] == 0
    assert [str(out[c].dtype) for c in ("http_status", "code", "attempts")] == ["Int64"] * 3
    assert out["code"].tolist()[:5] == [0] * 5 and pd.isna(out["code"].iloc[5])
    assert isinstance(out["finished_at"].dtype, pd.DatetimeTZDtype) and out["finished_at"].iloc[:5].notna().all()
    assert "ticket_id 'not-an-id'" in out.loc["f", "msg"]
    assert result.report_path is None and not (tmp_path / "reports").exists()  # no report unless asked
    assert "result" not in frame.columns  # the caller's frame is left as it was


def test_an_int64_id_column_is_sent_exactly(tmp_path):
    frame = pd.DataFrame({"ticket_id": [int(i) for i in IDS[:3]], "tag_names": [["x", "y"], ["z"], []]},
                         index=pd.RangeIndex(100, 103))
    assert frame["ticket_id"].dtype == "int64"
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        result = run_frame(frame, env=ts.env(), rate="1000/s", report=tmp_path / "report.csv")
        tags = ts.call(lambda sb: {tid: sorted(sb.tickets[tid].tags) for tid in IDS[:3]})
    assert result.exit_code == 0 and list(result.to_frame().index) == [100, 101, 102]
    assert tags == {IDS[0]: ["x", "y"], IDS[1]: ["z"], IDS[2]: []}
    assert [r["ticket_id"] for r in read_rows(tmp_path / "report.csv")] == IDS[:3]  # a report, as asked


def test_a_float_id_column_is_refused_before_anything_is_sent():
    frame = pd.DataFrame({"ticket_id": [float(IDS[0])], "status": ["51"]})
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        with pytest.raises(InputError, match="ticket_id column holds floats"):
            run_frame(frame, env=ts.env())
        assert ts.stats()["requests"] == 0


def test_an_empty_frame_is_an_empty_run_with_the_result_columns_typed():
    frame = pd.DataFrame({"ticket_id": pd.Series([], dtype=object), "status": pd.Series([], dtype=object)})
    warnings: list[str] = []
    result = run_frame(frame, dry_run=True, on_warning=warnings.append)
    out = result.to_frame()
    assert result.exit_code == 0 and result.outcomes == [] and len(out) == 0
    assert list(out.columns)[2:] == ["result", "http_status", "code", "msg", "log_id", "attempts", "finished_at"]
    assert isinstance(out["result"].dtype, pd.CategoricalDtype) and str(out["code"].dtype) == "Int64"
    assert warnings == ["the frame has no rows: nothing to do"]


def test_the_same_frame_run_again_after_a_stop_resumes_and_posts_no_comment_twice():
    frame = changes()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        # the API refuses the app after 3 calls: the field list (the frame's `owner` column may be a custom
        # field's display name), then 2 updates
        ts.call(lambda sb: sb.set_faults(monthly_quota=3))
        first = run_frame(frame, env=ts.env(), rate="1000/s", concurrency=1)
        assert first.exit_code == 3 and first.stop_reason
        assert first.to_frame()["result"].tolist() == ["ok", "ok", "failed", "not_attempted", "not_attempted", "invalid"]
        ts.call(lambda sb: sb.set_faults(monthly_quota=None))
        second = run_frame(frame.copy(), env=ts.env(), rate="1000/s", concurrency=1)
        stats = ts.stats()
    assert second.exit_code == 1 and second.resumed == 2 and second.job_id == first.job_id
    assert second.to_frame()["result"].tolist() == ["ok"] * 5 + ["invalid"]
    assert stats["applied"] == 5 and stats["tickets_with_duplicate_comments"] == 0


def test_a_named_job_resumes_after_the_frame_is_edited():
    frame = changes()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        first = run_frame(frame, job="q3 migration", env=ts.env(), rate="1000/s")
        fixed = frame.copy()
        fixed.loc["f", "ticket_id"] = IDS[5]  # the invalid row, fixed
        second = run_frame(fixed, job="q3 migration", env=ts.env(), rate="1000/s")
        unnamed = run_frame(fixed, env=ts.env(), rate="1000/s")  # another job: its comments are not posted again
        stats = ts.stats()
    assert second.job_id == first.job_id and second.resumed == 5 and second.exit_code == 0
    assert unnamed.job_id != first.job_id and unnamed.resumed == 0
    assert stats["tickets_with_duplicate_comments"] == 0


async def test_run_frame_works_inside_a_running_event_loop_as_in_a_notebook():
    result = run_frame(changes(), sandbox=True, rate="1000/s")
    assert result.to_frame()["result"].tolist() == ["ok"] * 5 + ["invalid"]


def test_plan_frame_shows_each_change_and_sends_nothing():
    frame = pd.DataFrame({"ticket_id": IDS[:2], "status": ["51", "nonsense"]}, index=[7, 3])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=UNLIMITED, initial_status=1)) as ts:
        result = plan_frame(frame, env=ts.env())
        assert ts.stats()["applied"] == 0
    out = result.to_frame()
    assert list(out.index) == [7, 3] and out["plan"].tolist() == ["change", "invalid"]
    assert isinstance(out["plan"].dtype, pd.CategoricalDtype)
    assert (out.loc[7, "status (now)"], out.loc[7, "status (new)"]) == ("1", "51")


def test_a_file_runs_result_is_a_frame_indexed_by_row_number(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"], [], ["x", "2"]])
    result = run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "r.csv"), env={})
    out = result.to_frame()
    assert out.index.name == "row" and list(out.index) == [2, 4]
    assert out["ticket_id"].tolist() == [IDS[0], "x"] and out["result"].tolist() == ["valid", "invalid"]


@pytest.mark.parametrize("options, expect", [
    ({"input": "x.csv"}, "input= applies to an input file"),
    ({"write_back": True}, "write_back= applies to an input file"),
    ({"job": ""}, "job= must be a name"),
    ({"undo": True}, "undo=True writes its undo sheet beside the report"),
])
def test_what_does_not_apply_to_a_frame_is_refused(options, expect):
    with pytest.raises(UsageError, match=expect):
        run_frame(changes(), dry_run=True, **options)


async def test_ctrl_c_in_a_notebook_stops_the_run_as_on_the_command_line(monkeypatch):
    """In a running event loop the job runs in a thread of its own; the KeyboardInterrupt that
    interrupting the kernel raises in this thread stops its sending, and the result comes back.
    (ipykernel runs a cell with Python's own SIGINT handler, as here; the test loop has another.)"""
    import _thread
    import signal
    import threading

    from batch_updater.control import RunControl

    delivered = threading.Event()
    real = RunControl.stop

    def stop(control) -> None:
        real(control)
        delivered.set()

    def on_progress(progress) -> None:
        if progress.done >= 3 and not delivered.is_set():
            _thread.interrupt_main()  # what the kernel's interrupt does to the waiting cell
            assert delivered.wait(10)  # the job's loop waits here until the interrupt reached it

    monkeypatch.setattr(RunControl, "stop", stop)
    frame = pd.DataFrame({"ticket_id": [IDS[i % 5] for i in range(40)], "tag_names": [f"t{i}" for i in range(40)]})
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = run_frame(frame, sandbox=True, rate="1000/s", concurrency=1, on_progress=on_progress)
    finally:
        signal.signal(signal.SIGINT, saved)
    counts = result.to_frame()["result"].value_counts()
    assert result.exit_code == 130 and counts["ok"] >= 1 and counts["not_attempted"] >= 1  # stopped part way


def test_the_readmes_notebook_flow(tmp_path):
    """The README's example, against the sandbox: plan, keep the changes, run them, count."""
    (tmp_path / "moves.csv").write_text("ticket_id,comment\n" + "".join(f"{tid},moved\n" for tid in IDS[:4]))
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        ts.call(lambda sb: setattr(sb.tickets[IDS[1]], "status", 51))  # already closed
        df = pd.read_csv(tmp_path / "moves.csv", dtype={"ticket_id": str})
        df["status"] = "closed"
        df["comment"] = None
        plan = plan_frame(df, job="q3-moves", env=ts.env()).to_frame()
        assert plan.plan.value_counts()[["change", "no-op"]].tolist() == [3, 1]
        todo = df[plan.plan == "change"]
        done = run_frame(todo, job="q3-moves", env=ts.env(), rate="1000/s").to_frame()
    assert done.result.value_counts()["ok"] == 3 and list(done.index) == [0, 2, 3]
    assert done[done.result != "ok"][["ticket_id", "code", "msg"]].empty
