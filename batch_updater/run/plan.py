"""`batch-updater plan`: validate, read each ticket as it is now, and write the plan."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from batch_updater.jobs.options import RunOptions
from batch_updater.plan.preview import PlannedRow, PlanSummary, summarize_plan
from batch_updater.plan.sheets import write_plan
from batch_updater.run.live import plan_live
from batch_updater.run.prepare import prepare, stopped_exit_code
from batch_updater.send.pool import Progress, SendOptions
from batch_updater.send.session import READ_RATE, ReadReport, RunControl, SendSettings, check_ready
from batch_updater.sheet.read import Sheet

PLAN_GOOD = {"change", "no-op"}


@dataclass
class PlanResult:
    planned: list[PlannedRow]
    summary: PlanSummary
    report_path: Path
    read: ReadReport
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None

    @property
    def stop_reason(self) -> str | None:
        return self.read.stop_reason

    @property
    def exit_code(self) -> int:
        stopped = stopped_exit_code(self.read)
        if stopped is not None:
            return stopped
        return 0 if all(p.kind in PLAN_GOOD for p in self.planned) else 1


def plan_job(options: RunOptions, *, env: Mapping[str, str] | None = None,
             on_progress: Callable[[Progress], None] | None = None,
             on_warning: Callable[[str], None] | None = None,
             now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
             control: RunControl | None = None) -> PlanResult:
    """What `run` would do to each ticket, read from the API, sending nothing. Needs the app's
    credentials (FEISHU_APP_ID, FEISHU_APP_SECRET): reading a ticket takes a tenant token.
    `control`: a Stop button for a plan on another thread."""
    env = os.environ if env is None else env
    settings = SendSettings(READ_RATE, SendOptions(options.concurrency, options.max_attempts), options.timeout,
                            options.base_url, options.sandbox, control=control)
    job = prepare(options, ready=lambda: check_ready(settings, env, reading=True), on_warning=on_warning, now=now,
                  report_tag="-plan")
    live = asyncio.run(plan_live(job.checked, settings, env, on_progress))
    assert live.planned is not None and live.read is not None
    write_plan(job.report, job.sheet, job.checked, live.planned, {
        "input": str(job.input_path), "mode": "plan (nothing sent)",
        "started_at": job.started.isoformat(timespec="seconds")})
    return PlanResult(live.planned, summarize_plan(job.checked, live.planned), job.report, live.read,
                      list(job.sheet.warnings), job.sheet)
