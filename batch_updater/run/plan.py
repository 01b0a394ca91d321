"""`batch-updater plan`: validate, read each ticket as it is now, and write the plan."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from batch_updater.run.live import plan_live
from batch_updater.sheet.read import Sheet, load
from batch_updater.logs import warn
from batch_updater.send.pacing import parse_rate
from batch_updater.plan.sheets import write_plan
from batch_updater.plan.preview import PlannedRow, PlanSummary, summarize_plan
from batch_updater.sheet.report import check_report_path, default_report_path
from batch_updater.jobs.options import RunOptions
from batch_updater.send.pool import Progress, SendOptions
from batch_updater.send.session import ReadReport, SendSettings, check_ready
from batch_updater.rows.validate import parse_defaults, validate_rows

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
        if self.read.stop_error:
            return self.read.stop_error.exit_code
        if self.read.stop_reason:
            return 3
        if self.read.interrupted:
            return 130
        return 0 if all(p.kind in PLAN_GOOD for p in self.planned) else 1


def plan_job(options: RunOptions, *, env: Mapping[str, str] | None = None,
             on_progress: Callable[[Progress], None] | None = None,
             on_warning: Callable[[str], None] | None = None,
             now: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> PlanResult:
    """What `run` would do to each ticket, read from the API, sending nothing. Needs the app's
    credentials (FEISHU_APP_ID, FEISHU_APP_SECRET): reading a ticket takes a tenant token."""
    env = os.environ if env is None else env
    options.check()
    settings = SendSettings(parse_rate(options.rate), SendOptions(options.concurrency, options.max_attempts),
                            options.timeout, options.base_url, options.sandbox)
    input_path = Path(options.input)
    if options.report is not None:
        check_report_path(Path(options.report), input_path)
    check_ready(settings, env, reading=True)
    sheet: Sheet = load(input_path, sheet=options.sheet, encoding=options.encoding, renames=options.columns)
    for warning in sheet.warnings:
        warn(warning, on_warning)
    report = Path(options.report) if options.report else default_report_path(
        input_path.with_name(input_path.stem + "-plan" + input_path.suffix), sheet.kind,
        Path(options.report_dir), now())
    checked = validate_rows(sheet.rows, sheet.columns, parse_defaults(options.defaults))
    live = asyncio.run(plan_live(checked, settings, env, on_progress))
    assert live.planned is not None and live.read is not None
    write_plan(report, sheet, checked, live.planned, {"input": str(input_path), "mode": "plan (nothing sent)",
                                                       "started_at": now().isoformat(timespec="seconds")})
    return PlanResult(live.planned, summarize_plan(checked, live.planned), report, live.read,
                      list(sheet.warnings), sheet)
