"""The job: load, validate, send, report. The library entry point behind `batch-updater run`."""

from __future__ import annotations

import asyncio
import contextlib
import math
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.columns import check_renames
from batch_updater.errors import UsageError
from batch_updater.journal import Journal
from batch_updater.load import Sheet, load
from batch_updater.logs import event
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate
from batch_updater.pacing import format_rate, parse_rate
from batch_updater.report import check_report_path, default_report_path, sibling_path, write_report, write_retry
from batch_updater.resume import JobJournal, Plan, job_files, open_job, plan_resume
from batch_updater.send import Progress, SendOptions
from batch_updater.live import run_live
from batch_updater.plan_report import write_undo
from batch_updater.preview import undo_sheet
from batch_updater.sending import ReadReport, SendReport, SendSettings, check_ready
from batch_updater.summary import Summary, per_second, summarize
from batch_updater.validate import parse_defaults, validate_rows

GOOD = {Result.OK, Result.VALID, Result.SKIPPED}


@dataclass
class RunOptions:
    """Everything a run needs; the CLI's flags and a job file's keys map onto these one to one."""

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
    fresh: bool = False  # forget what an earlier run of this job did
    skip_unchanged: bool = False  # read the tickets first; send only the rows that change something
    undo: bool = False  # read the tickets first and write an undo sheet beside the report
    columns: dict[str, str] = field(default_factory=dict)  # the sheet's header -> ours
    defaults: dict[str, Any] = field(default_factory=dict)  # field -> value for rows that leave it empty

    def check(self) -> None:
        for name, low in (("concurrency", 1), ("max_attempts", 1)):
            if getattr(self, name) < low:
                raise UsageError(f"--{name.replace('_', '-')} must be at least {low}")
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise UsageError("--timeout must be a number of seconds more than 0")
        check_renames(self.columns)


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
    resumed: int = 0  # rows done by an earlier run of the same job
    job_id: str = ""
    undo_path: Path | None = None
    undo_comments_path: Path | None = None

    read: ReadReport | None = None  # the tickets read first (--skip-unchanged, --undo)

    @property
    def stop_reason(self) -> str | None:
        if self.read and self.read.stop_reason:
            return self.read.stop_reason
        return self.sent.stop_reason if self.sent else None

    @property
    def exit_code(self) -> int:
        stop_error = self.sent.stop_error if self.sent else (self.read.stop_error if self.read else None)
        if stop_error:
            return stop_error.exit_code
        if self.read and self.read.stop_reason:
            return 3
        if self.read and self.read.interrupted:
            return 130
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
    """Run one job and write its report.

    Raises a BatchUpdaterError for a problem found before anything is sent (exit 2) or
    when another run of the job holds its lock (75); a run stopped by the API says so
    in the result (`exit_code` 3). Running the same job again resumes it.
    """
    env = os.environ if env is None else env
    options.check()
    input_path = Path(options.input)
    rate = parse_rate(options.rate)
    defaults = parse_defaults(options.defaults)
    settings = SendSettings(rate, SendOptions(options.concurrency, options.max_attempts, options.retry_comments),
                            options.timeout, options.base_url, options.sandbox)
    if options.report is not None:
        check_report_path(Path(options.report), input_path)
    read_first = options.skip_unchanged or options.undo
    if not options.dry_run:
        check_ready(settings, env, reading=read_first)
    sheet = load(input_path, sheet=options.sheet, encoding=options.encoding, renames=options.columns)
    for warning in sheet.columns.warnings:
        if on_warning:
            on_warning(warning)
    started = now()
    report = Path(options.report) if options.report else default_report_path(
        input_path, sheet.kind, Path(options.report_dir), started)
    checked = validate_rows(sheet.rows, sheet.columns, defaults)
    specs = [(i, item) for i, item in enumerate(checked) if isinstance(item, TicketUpdate)]
    sent: SendReport | None = None
    read: ReadReport | None = None
    resumed, jid, undo_path, undo_comments = 0, "", None, None
    if options.dry_run:
        outcomes = [dry_run_outcome(item) for item in checked]
    else:
        with _journal(options, input_path, env) as (jid, journal):
            plan = plan_resume(specs, journal.entries() if journal else {}, options.retry_comments)
            resumed = len(plan.earlier)
            hooks = JobJournal(journal) if journal else None
            by_index = dict(specs)
            _record_crashed(plan, hooks, by_index)
            event("start", f"run {input_path.name}: {len(checked)} rows, {len(specs)} valid, "
                  f"{len(plan.to_send)} to send, {resumed} done earlier", job=jid, input=str(input_path),
                  rows=len(checked), valid=len(specs), to_send=len(plan.to_send), resumed=resumed)
            live = asyncio.run(run_live(checked, plan.to_send, settings, env, read_first=read_first,
                                        skip_unchanged=options.skip_unchanged, journal=hooks,
                                        preimages=_preimage_store(journal), on_progress=on_progress,
                                        crashed={i: (by_index[i], o) for i, o in plan.crashed.items()}))
        sent, read = live.sent, live.read
        done = {**plan.earlier, **plan.crashed, **live.outcomes}
        unsent = Outcome(Result.NOT_ATTEMPTED, msg="not sent: reading the tickets first stopped the run")
        outcomes = [done.get(i, unsent) if isinstance(item, TicketUpdate) else invalid_outcome(item)
                    for i, item in enumerate(checked)]
        if read_first and live.before:
            undo_path, undo_comments = write_undo(report, undo_sheet(specs, live.before, dict(enumerate(outcomes))))
    settings_shown = _settings(options, sheet, started, sent, resumed, jid)
    timeline = per_second(sent.stats.accepted_times, sent.stats.throttle_times, sent.rate_history,
                          sent.stats.started, sent.stats.finished) if sent else []
    write_report(report, sheet, outcomes, settings_shown, timeline)
    retry = sibling_path(report, "retry")
    retry_rows = write_retry(retry, sheet, outcomes, GOOD)
    result = RunResult(outcomes=outcomes, summary=summarize(checked, outcomes), report_path=report,
                       retry_path=retry if retry_rows else None, retry_rows=retry_rows,
                       warnings=list(sheet.columns.warnings), sheet=sheet, sent=sent, resumed=resumed, job_id=jid,
                       undo_path=undo_path, undo_comments_path=undo_comments, read=read)
    event("finish", f"finished with exit code {result.exit_code}: {result.summary.by_result}",
          level=logging.INFO if result.exit_code == 0 else logging.WARNING, exit_code=result.exit_code,
          counts=result.summary.by_result, report=str(report), stopped=result.stop_reason or "")
    return result


@contextlib.contextmanager
def _journal(options: RunOptions, input_path: Path, env: Mapping[str, str]
             ) -> Iterator[tuple[str, Journal | None]]:
    """The job's lock and journal; an in-process sandbox starts empty each time, so it has none."""
    if options.sandbox:
        yield "", None
        return
    identity = {"sheet": options.sheet, "encoding": options.encoding, "columns": options.columns,
                "defaults": options.defaults, "base_url": options.base_url or env.get("FEISHU_BASE_URL", ""),
                "helpdesk": env.get("FEISHU_HELPDESK_ID", "")}
    files = job_files(input_path.read_bytes(), identity, env)
    with open_job(files, fresh=options.fresh, input_name=str(input_path)) as journal:
        yield files.id, journal


def _preimage_store(journal: Journal | None) -> Callable[[Mapping[str, str]], dict[str, str]]:
    """Pre-images go to the journal (so an undo sheet survives a crash), or stay in memory."""
    memory: dict[str, str] = {}

    def record(states: Mapping[str, str]) -> dict[str, str]:
        if journal is not None:
            journal.record_preimages(states)
            return journal.preimages()
        for tid, state in states.items():
            memory.setdefault(tid, state)
        return dict(memory)

    return record


def _record_crashed(plan: Plan, hooks: JobJournal | None, specs: Mapping[int, TicketUpdate]) -> None:
    if hooks is not None:
        for index, outcome in plan.crashed.items():
            hooks.done(index, specs[index], outcome)


def _settings(options: RunOptions, sheet: Sheet, started: datetime, sent: SendReport | None, resumed: int,
              jid: str) -> dict[str, Any]:
    """The run's settings for the report's summary sheet (never a credential)."""
    shown: dict[str, Any] = {
        "mode": "dry run (nothing sent)" if options.dry_run else ("sandbox" if options.sandbox else "live"),
        "input": str(options.input),
        "sheet": sheet.sheet_name or "",
        "encoding": sheet.encoding or "",
        "started_at": started.isoformat(timespec="seconds"),
        "job": jid,
        "rows done by an earlier run": resumed or "",
    }
    if sent is not None:
        shown.update({
            "api": sent.base_url if not options.sandbox else "in-process sandbox",
            "rate": options.rate, "concurrency": options.concurrency, "max attempts": options.max_attempts,
            "timeout (s)": options.timeout, "retry comments": "yes" if options.retry_comments else "no",
            "wall time (s)": f"{sent.elapsed:.1f}",
            "achieved rate": format_rate(sent.achieved_rate),
            "settled rate": format_rate(sent.final_rate), "throttle answers": sent.throttles,
            "throttle pauses": sent.pauses, "stopped because": sent.stop_reason or "",
        })
    return {k: v for k, v in shown.items() if v != ""}
