"""The Source seam (sources/base.py), against the sandbox on 127.0.0.1: a source written here, its
rows in memory, is a job like a file's (journal, resume, no comment twice); and a file's and a
frame's job keep the identity earlier versions gave them, so that their journals still resume."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from batch_updater import RunOptions, Source, UsageError, run_frame, run_job
from batch_updater.feishu.credentials import api_identity, api_origin
from batch_updater.jobs.lock import job_id
from batch_updater.model import Row
from batch_updater.sandbox import SandboxConfig
from batch_updater.schema.columns import resolve_columns
from batch_updater.schema.sheet import Sheet
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7400000000000000001 + i * 7919) for i in range(5)]
UNLIMITED = [(1_000_000, 1.0)]


@dataclass
class Memory:
    """A source of one's own: rows held in memory, named by `name`."""

    rows: list[list[str]]
    name: str = "memory"
    label: str = "rows in memory"
    stem: str | None = "memory"
    write_back: Path | None = None

    def load(self, renames):
        columns = resolve_columns(tuple(self.rows[0]), renames)
        return Sheet("csv", columns, [Row(n, tuple(cells)) for n, cells in enumerate(self.rows[1:], start=2)])

    def identity(self, sheet):
        return {"input": f"memory:{self.name}"}


def test_a_source_of_ones_own_runs_as_a_job_and_resumes(tmp_path):
    source = Memory([["ticket_id", "status", "comment"], *[[tid, "51", f"moved {i}"] for i, tid in enumerate(IDS)]])
    assert isinstance(source, Source)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        ts.call(lambda sb: sb.set_faults(monthly_quota=2))  # the API refuses the app after 2 calls
        first = run_job(RunOptions(input=source, rate="1000/s", concurrency=1, report_dir=tmp_path), env=ts.env())
        assert first.exit_code == 3 and [o.result.value for o in first.outcomes][:2] == ["ok", "ok"]
        ts.call(lambda sb: sb.set_faults(monthly_quota=None))
        second = run_job(RunOptions(input=source, rate="1000/s", report_dir=tmp_path), env=ts.env())
        stats = ts.stats()
    assert first.job_id and second.job_id == first.job_id and second.resumed == 2
    assert second.exit_code == 0 and [o.result.value for o in second.outcomes] == ["ok"] * 5
    assert stats["applied"] == 5 and stats["tickets_with_duplicate_comments"] == 0
    assert second.report_path is not None and second.report_path.parent == tmp_path.resolve()
    assert second.report_path.name.startswith("memory-")  # named by the source's stem
    assert [r["result"] for r in read_rows(second.report_path)] == ["ok"] * 5


@pytest.mark.usefixtures("cli_words")
def test_a_source_without_a_file_cannot_be_written_back():
    source = Memory([["ticket_id", "status"], [IDS[0], "51"]])
    with pytest.raises(UsageError, match="--write-back needs an input file"):
        run_job(RunOptions(input=source, dry_run=True, write_back=True), env={})


def test_an_input_that_is_neither_a_path_nor_a_source_is_refused():
    with pytest.raises(UsageError, match="input: expected a file's path or a Source, not int"):
        run_job(RunOptions(input=42, dry_run=True), env={})  # type: ignore[arg-type]


def _id(input_text: str, env: dict[str, str]) -> str:
    """The job id earlier versions gave (run/rows.job_meta before the Source seam), written out."""
    return job_id({"v": 3, "input": input_text, "sheet": "", "api": api_identity(api_origin(None, env)),
                   "helpdesk": env["FEISHU_HELPDESK_ID"]})


def test_a_files_job_keeps_its_identity(tmp_path):
    path = write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        env = ts.env()
        result = run_job(RunOptions(input=path, rate="1000/s", report=tmp_path / "out.csv"), env=env)
    assert result.job_id == _id(str(path.resolve()), env)


def test_a_frames_job_keeps_its_identity():
    frame = pd.DataFrame({"ticket_id": IDS[:2], "status": ["51", "2"]})
    state = Path(os.environ["BATCH_UPDATER_STATE_DIR"])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED)) as ts:
        env = ts.env()
        named = run_frame(frame, job="q3 moves", env=env, rate="1000/s")
        drawn = run_frame(frame, env=env, rate="1000/s")
    assert named.job_id == _id(str((state / "frames" / quote("q3 moves", safe="")).resolve()), env)
    assert drawn.job_id == _id(str((state / "frames" / "frame-2305a0139161145c").resolve()), env)


def test_a_sources_own_fields_reach_validation_defaults_and_the_plan_through_the_job(tmp_path):
    """A source that reads with a registry of its own (a field added to a copy) is planned with
    it: the job carries the sheet's registry to its defaults and to the tickets read."""
    from batch_updater.run.plan import plan_job
    from batch_updater.schema.fields import REGISTRY
    from tests.schema.test_fields import PRIORITY

    registry = REGISTRY.adding(PRIORITY)

    class Prioritised(Memory):
        def load(self, renames):
            columns = resolve_columns(tuple(self.rows[0]), renames, registry=registry)
            return Sheet("csv", columns, [Row(n, tuple(c)) for n, c in enumerate(self.rows[1:], start=2)])

    source = Prioritised([["ticket_id", "优先级"], [IDS[0], "高"], [IDS[1], ""]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        plan = plan_job(RunOptions(input=source, report_dir=tmp_path, defaults={"priority": "low"}), env=ts.env())
    assert [p.kind for p in plan.planned] == ["change", "change"]
    assert [[(c.field, c.old, c.new) for c in p.plan.changes] for p in plan.planned] == [
        [("priority", None, 3)], [("priority", None, 1)]]  # the ticket shows none; 1 is the default "low"
    assert plan.planned[0].before.registry is registry
