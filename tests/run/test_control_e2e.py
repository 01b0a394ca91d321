"""A Stop button from another thread (what the web console uses) stops a run as Ctrl-C does."""

from __future__ import annotations

import threading

from batch_updater.control import RunControl
from batch_updater.jobs.options import RunOptions
from batch_updater.run.job import run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(8)]


def run_in_thread(job, **kwargs):
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", job(**kwargs)))
    thread.start()
    return thread, box


def test_stop_from_another_thread_ends_the_run_like_ctrl_c(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])
    control, two_done = RunControl(), threading.Event()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        thread, box = run_in_thread(
            run_job, options=RunOptions(input=tmp_path / "in.csv", rate="4/s", concurrency=1,
                                        report=tmp_path / "out.csv"),
            env=ts.env(), control=control, on_progress=lambda p: two_done.set() if p.done >= 2 else None)
        assert two_done.wait(30)
        control.stop()
        thread.join(30)
        applied = ts.stats()["applied"]
    result = box["result"]
    results = [o.result.value for o in result.outcomes]
    assert result.exit_code == 130 and control.stopped
    assert results[:2] == ["ok", "ok"] and "not_attempted" in results and applied == results.count("ok")


def test_a_stop_pressed_before_the_run_starts_sends_nothing(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])
    control = RunControl()
    control.stop()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="50/s", report=tmp_path / "out.csv"),
                         env=ts.env(), control=control)
        plan = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv"), env=ts.env(),
                        control=control)
        applied = ts.stats()["applied"]
    assert result.exit_code == 130 and applied == 0
    assert {o.result.value for o in result.outcomes} == {"not_attempted"}
    assert plan.exit_code == 130 and {p.kind for p in plan.planned} == {"not_attempted"}
