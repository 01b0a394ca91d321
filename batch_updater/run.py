"""The job: load, validate, send, report. The library entry point behind `batch-updater run`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.load import Sheet, load
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate
from batch_updater.pacing import format_rate, parse_rate
from batch_updater.report import check_report_path, default_report_path, sibling_path, write_report, write_retry
from batch_updater.send import Progress, SendOptions
from batch_updater.sending import SendReport, SendSettings, check_ready, send
from batch_updater.summary import Summary, per_second, summarize
from batch_updater.validate import validate_rows

GOOD = {Result.OK, Result.VALID, Result.SKIPPED}


@dataclass
class RunOptions:
    """Everything a run needs; the CLI's flags map onto these one to one."""

    input: Path
    dry_run: bool = False
    sheet: str | None = None
    encoding: str | None = None
    report: Path | None = None
    report_dir: Path = Path("reports")
    rate: str = "auto"
    concurrency: int = 8
    max_attempts: int = 5
    timeout: float = 30.0
    base_url: str | None = None
    sandbox: bool = False
    retry_comments: bool = False

    def check(self) -> None:
        for name, low in (("concurrency", 1), ("max_attempts", 1)):
            if getattr(self, name) < low:
                raise UsageError(f"--{name.replace('_', '-')} must be at least {low}")
        if self.timeout <= 0:
            raise UsageError("--timeout must be more than 0 seconds")


@dataclass
class RunResult:
    outcomes: list[Outcome]
    summary: Summary
    report_path: Path
    retry_path: Path | None
    retry_rows: int
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None
    sent: SendReport | None = None

    @property
    def stop_reason(self) -> str | None:
        return self.sent.stop_reason if self.sent else None

    @property
    def exit_code(self) -> int:
        if self.sent and self.sent.stop_reason:
            return 3
        if self.sent and self.sent.interrupted:
            return 130
        return 0 if all(o.result in GOOD for o in self.outcomes) else 1


_BODY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dry_run_outcome(item: TicketUpdate | list[FieldError]) -> Outcome:
    if isinstance(item, TicketUpdate):
        return Outcome(Result.VALID, msg=_BODY_JSON.encode(item.body))
    return invalid_outcome(item)


def invalid_outcome(errors: list[FieldError]) -> Outcome:
    return Outcome(Result.INVALID, msg="; ".join(str(e) for e in errors))


def run_job(options: RunOptions, *, env: Mapping[str, str] | None = None,
            on_progress: Callable[[Progress], None] | None = None,
            on_warning: Callable[[str], None] | None = None,
            now: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> RunResult:
    """Run one job and write its report. Raises a BatchUpdaterError for a job-stopping problem
    found before anything is sent (exit 2); a run stopped by the API reports it in the result."""
    env = os.environ if env is None else env
    options.check()
    input_path = Path(options.input)
    rate = parse_rate(options.rate)
    settings = SendSettings(rate, SendOptions(options.concurrency, options.max_attempts, options.retry_comments),
                            options.timeout, options.base_url, options.sandbox)
    if options.report is not None:
        check_report_path(Path(options.report), input_path)
    if not options.dry_run:
        check_ready(settings, env)
    sheet = load(input_path, sheet=options.sheet, encoding=options.encoding)
    for warning in sheet.columns.warnings:
        if on_warning:
            on_warning(warning)
    started = now()
    report = Path(options.report) if options.report else default_report_path(
        input_path, sheet.kind, Path(options.report_dir), started)
    checked = validate_rows(sheet.rows, sheet.columns)
    sent: SendReport | None = None
    if options.dry_run:
        outcomes = [dry_run_outcome(item) for item in checked]
    else:
        specs = [(i, item) for i, item in enumerate(checked) if isinstance(item, TicketUpdate)]
        sent = send(specs, settings, env, on_progress=on_progress)
        outcomes = [sent.outcomes[i] if isinstance(item, TicketUpdate) else invalid_outcome(item)
                    for i, item in enumerate(checked)]
    settings_shown = _settings(options, sheet, started, sent)
    timeline = per_second(sent.stats.accepted_times, sent.stats.throttle_times, sent.rate_history,
                          sent.stats.started, sent.stats.finished) if sent else []
    write_report(report, sheet, outcomes, settings_shown, timeline)
    retry = sibling_path(report, "retry")
    retry_rows = write_retry(retry, sheet, outcomes, GOOD)
    return RunResult(
        outcomes=outcomes,
        summary=summarize(checked, outcomes),
        report_path=report,
        retry_path=retry if retry_rows else None,
        retry_rows=retry_rows,
        warnings=list(sheet.columns.warnings),
        sheet=sheet,
        sent=sent,
    )


def _settings(options: RunOptions, sheet: Sheet, started: datetime, sent: SendReport | None) -> dict[str, Any]:
    """The run's settings for the report's summary sheet (never a credential)."""
    shown: dict[str, Any] = {
        "mode": "dry run (nothing sent)" if options.dry_run else ("sandbox" if options.sandbox else "live"),
        "input": str(options.input),
        "sheet": sheet.sheet_name or "",
        "encoding": sheet.encoding or "",
        "started_at": started.isoformat(timespec="seconds"),
    }
    if sent is not None:
        elapsed = max(sent.stats.finished - sent.stats.started, 1e-9)
        shown.update({
            "api": sent.base_url if not options.sandbox else "in-process sandbox",
            "rate": options.rate, "concurrency": options.concurrency, "max attempts": options.max_attempts,
            "timeout (s)": options.timeout, "retry comments": "yes" if options.retry_comments else "no",
            "wall time (s)": f"{elapsed:.1f}",
            "achieved rate": format_rate(len(sent.stats.accepted_times) / elapsed),
            "settled rate": format_rate(sent.final_rate), "throttle answers": sent.throttles,
            "throttle pauses": sent.pauses, "stopped because": sent.stop_reason or "",
        })
    return {k: v for k, v in shown.items() if v != ""}
