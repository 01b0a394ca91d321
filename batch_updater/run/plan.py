"""`batch-updater plan`: validate, read each ticket as it is now, and write the plan."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.control import RunControl, RunProgress
from batch_updater.i18n import tr
from batch_updater.jobs.options import RunOptions
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.plan.preview import PlannedRow, PlanSummary, summarize_plan
from batch_updater.plan.sheets import PLAN_KINDS, plan_block, write_plan
from batch_updater.run.live import plan_live
from batch_updater.run.prepare import checked_write_back, prepare, stopped_exit_code
from batch_updater.run.writeback import finish, link_results
from batch_updater.schema.sheet import Sheet
from batch_updater.send.session import ReadReport
from batch_updater.sheet.blocks import PLAN
from batch_updater.sheet.frames import plan_frame_of
from batch_updater.sheet.writeback import write_back

PLAN_GOOD = {"change", "no-op", "skipped"}  # skipped: a row's own condition not met, as asked


@dataclass
class PlanResult:
    planned: list[PlannedRow]
    summary: PlanSummary
    report_path: Path | None  # None: a DataFrame's plan with no file asked for
    read: ReadReport
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None
    checked: list[TicketUpdate | list[FieldError]] = field(default_factory=list)
    write_back_path: Path | None = None  # --write-back: the input with the plan's columns added
    write_back_problem: str | None = None  # it could not be written where asked (or at all): why
    frame: Any = None  # plan_frame: the DataFrame that was planned
    written_back: str | None = None  # a link's: the Base table or sheet the plan was written into

    @property
    def stop_reason(self) -> str | None:
        return self.read.stop_reason

    @property
    def exit_code(self) -> int:
        stopped = stopped_exit_code(self.read)
        if stopped is not None:
            return stopped
        return 0 if all(p.kind in PLAN_GOOD for p in self.planned) and not self.write_back_problem else 1

    def to_frame(self) -> Any:
        """A pandas DataFrame: the input's rows with the plan's columns joined on (`plan` as a
        Categorical, each field's `(now)` and `(new)` value as text, `msg`)."""
        assert self.sheet is not None
        block = plan_block(self.sheet, self.checked, self.planned)
        return plan_frame_of(self.frame, self.sheet, block.header, block.rows, PLAN_KINDS)


def plan_job(options: RunOptions, *, env: Mapping[str, str] | None = None,
             on_progress: Callable[[RunProgress], None] | None = None,
             on_warning: Callable[[str], None] | None = None,
             now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
             control: RunControl | None = None, sheet: Sheet | None = None) -> PlanResult:
    """What `run` would do to each ticket, read from the API, sending nothing. Needs the app's
    credentials (FEISHU_APP_ID, FEISHU_APP_SECRET): reading a ticket takes a tenant token.
    `control`: a Stop button for a plan on another thread."""
    env = os.environ if env is None else env
    job = prepare(options, env=env, on_warning=on_warning, now=now, plan=True, control=control, sheet=sheet)
    back = checked_write_back(job, PLAN, on_warning)
    live_back = link_results(job, PLAN, plan_block(job.sheet, job.checked, []).header)  # a link's: its own columns
    live = asyncio.run(plan_live(job, on_progress))
    assert live.planned is not None and live.read is not None
    if job.report is not None:
        write_plan(job.report, job.sheet, job.checked, live.planned, {
            tr("input"): job.source.label, tr("mode"): tr("plan (nothing sent)"),
            tr("started_at"): job.started.isoformat(timespec="seconds")})  # labelled as the report's (run/job.py)
    block = plan_block(job.sheet, job.checked, live.planned)
    back_path, back_problem = write_back(back, job.sheet.rows, block, env, on_warning) if back else (None, None)
    if live_back is not None:
        back_problem = finish(live_back, {i: tuple(row) for i, row in enumerate(block.rows)}, on_warning,
                              job.source.label)
    result = PlanResult(live.planned, summarize_plan(job.checked, live.planned), job.report, live.read,
                        list(job.sheet.warnings), job.sheet, job.checked, back_path, back_problem)
    result.written_back = job.source.label if live_back is not None else None
    return result
