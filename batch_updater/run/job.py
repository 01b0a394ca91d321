"""The job: load, validate, send, report. The library entry point behind `batch-updater run`."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch_updater.control import RunControl, RunProgress, format_rate
from batch_updater.errors import why_not_written
from batch_updater.i18n import N_, tr
from batch_updater.jobs.config import credential_env, load_config, options_from, secret_values
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import close_logging, event, setup_logging, warn
from batch_updater.model import FieldError, Outcome, Result, Second, TicketUpdate, invalid_outcome
from batch_updater.paths import sibling_path, state_subdir
from batch_updater.plan.sheets import write_undo
from batch_updater.plan.undo import Undo
from batch_updater.run.prepare import Job, checked_write_back, prepare, stopped_exit_code
from batch_updater.run.writeback import finish, link_results, outcome_values
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import CHECK, RESULTS, results_block
from batch_updater.sheet.frames import results_frame
from batch_updater.sheet.report import own_columns, write_report, write_retry_file, write_unknown
from batch_updater.sheet.writeback import write_back
from batch_updater.summary import Summary, per_second, summarize

if TYPE_CHECKING:  # the sending half (aiohttp and all) is imported only by runs that send
    from batch_updater.send.session import ReadReport, SendReport

GOOD = {Result.OK, Result.VALID, Result.SKIPPED}
@dataclass
class RunResult:
    outcomes: list[Outcome]
    summary: Summary
    report_path: Path | None  # None: a DataFrame's run with no report asked for
    retry_path: Path | None
    retry_rows: int
    unknown_path: Path | None = None  # rows that may have been applied: never in the retry file
    unknown_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None
    sent: SendReport | None = None
    resumed: int = 0  # rows done by an earlier run of the same job
    job_id: str = ""
    undo_path: Path | None = None
    undo_comments_path: Path | None = None
    no_undo: str | None = None  # --undo, and no undo sheet written: why

    read: ReadReport | None = None  # the tickets read first (--skip-unchanged, --undo)
    report_moved: str | None = None  # the report could not be written where asked: where it went instead
    write_back_path: Path | None = None  # --write-back: the input with the result columns added
    write_back_problem: str | None = None  # it could not be written where asked (or at all): why
    frame: Any = None  # run_frame: the DataFrame that was run
    written_back: str | None = None  # a link's: the Base table or sheet the results were written into

    @property
    def stop_reason(self) -> str | None:
        if self.read and self.read.stop_reason:
            return self.read.stop_reason
        return self.sent.stop_reason if self.sent else None

    @property
    def exit_code(self) -> int:
        stopped = stopped_exit_code(self.read, self.sent)
        if stopped is not None:
            return stopped
        trouble = self.report_moved or self.write_back_problem
        return 0 if all(o.result in GOOD for o in self.outcomes) and not trouble else 1

    def to_frame(self) -> Any:
        """A pandas DataFrame: the input's rows (the frame run_frame was given, its index kept; else
        the sheet's columns as text, indexed by row number) with the result columns joined on,
        typed (needs pandas: pip install batch-updater[pandas])."""
        return results_frame(self.frame, self.sheet, self.outcomes)


_BODY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dry_run_outcome(item: TicketUpdate | list[FieldError]) -> Outcome:
    if isinstance(item, TicketUpdate):
        return Outcome(Result.VALID, msg=_BODY_JSON.encode(item.body))
    return invalid_outcome(item)


def run_job(options: RunOptions, *, env: Mapping[str, str] | None = None,
            on_progress: Callable[[RunProgress], None] | None = None,
            on_warning: Callable[[str], None] | None = None,
            now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
            control: RunControl | None = None, sheet: Sheet | None = None) -> RunResult:
    """Run one job and write its report.

    Raises a BatchUpdaterError for a problem found before anything is sent (exit 2) or
    when another run of the job holds its lock (75); a run stopped by the API says so
    in the result (`exit_code` 3). Running the same job again resumes it. `control`: a Stop
    button for a run on another thread (it acts as Ctrl-C does). `options.input`: a file's path,
    or any Source (sources/base.py). `sheet`: rows already read, instead of the input's (a
    Source is the better door).
    """
    env = os.environ if env is None else env
    job = prepare(options, env=env, on_warning=on_warning, now=now, control=control, sheet=sheet)
    sheet, checked, report = job.sheet, job.checked, job.report
    back = checked_write_back(job, RESULTS, on_warning, CHECK if options.dry_run else RESULTS)
    live_back = link_results(job, CHECK if options.dry_run else RESULTS)  # a link's: into its table or sheet
    sent: SendReport | None = None
    read: ReadReport | None = None
    resumed, jid, undo, link_problem, status = 0, "", None, None, None
    if options.dry_run:
        outcomes = [Outcome(Result.VALID, msg=job.skips[i]) if i in job.skips else dry_run_outcome(item)
                    for i, item in enumerate(checked)]
    else:
        from batch_updater.run.rows import run_rows

        done = run_rows(job, on_progress, on_warning, live_back)
        outcomes, sent, read, resumed, jid, undo = done.outcomes, done.sent, done.read, done.resumed, done.job_id, \
            done.undo
        link_problem = done.write_back_problem  # written under the job's lock
        status = done.status
    settings_shown = _settings(job, sent, resumed, jid)
    timeline = per_second(sent.stats.accepted_times, sent.stats.throttle_times, sent.rate_history,
                          sent.stats.started, sent.stats.finished) if sent else []
    written, moved = _write_safely(report, env, on_warning, lambda path: write_outputs(
        path, sheet, outcomes, settings_shown, timeline, undo, on_warning)) if report is not None else \
        (Written(None), None)
    back_path, back_problem = write_back(back, sheet.rows, results_block(outcomes, own_columns(sheet)), env,
                                           on_warning) if back \
        else (None, None)
    if live_back is not None:
        back_problem = link_problem if not options.dry_run else finish(
            live_back, outcome_values(live_back, outcomes), on_warning, job.source.label)
    result = RunResult(outcomes=outcomes, summary=summarize(checked, outcomes), report_path=written.report,
                       retry_path=written.retry, retry_rows=written.retry_rows, unknown_path=written.unknown,
                       unknown_rows=written.unknown_rows, warnings=list(sheet.warnings), sheet=sheet, sent=sent,
                       resumed=resumed, job_id=jid, undo_path=written.undo, undo_comments_path=written.undo_comments,
                       no_undo=tr(NOTHING_TO_UNDO) if options.undo and not options.dry_run and written.report
                       and not (written.undo or written.undo_comments) and stopped_exit_code(read, sent) is None
                       else None, read=read, report_moved=moved, write_back_path=back_path,
                       write_back_problem=back_problem,
                       written_back=job.source.label if live_back is not None else None)
    if options.notify and not options.dry_run:
        from batch_updater.run.notifying import notify_run

        notify_run(result, job, on_warning, now)
    if status is not None:
        status.finish(exit_code=result.exit_code, report=str(written.report or "") or None,
                      counts=dict(result.summary.by_result),
                      achieved_rate=round(sent.achieved_rate, 3) if sent and sent.achieved_rate else None)
    counts = ", ".join(f"{n} {name}" for name, n in result.summary.by_result.items())
    event("finish", f"finished with exit code {result.exit_code}: {counts}",  # i18n: en (the log's)
          level=logging.INFO if result.exit_code == 0 else logging.WARNING, exit_code=result.exit_code,
          counts=result.summary.by_result, report=str(written.report or ""), stopped=result.stop_reason or "")
    return result


@dataclass
class Written:
    """The files a run wrote: its report, and beside it the rows to fix, the rows that may have
    been applied and the undo sheet (None when there is nothing to put in one)."""

    report: Path | None
    retry: Path | None = None
    retry_rows: int = 0
    unknown: Path | None = None
    unknown_rows: int = 0
    undo: Path | None = None
    undo_comments: Path | None = None


def write_outputs(report: Path, sheet: Sheet, outcomes: Sequence[Outcome], settings: Mapping[str, Any],
                  timeline: Sequence[Second], undo: Undo | None,
                  on_warning: Callable[[str], None] | None = None) -> Written:
    write_report(report, sheet, outcomes, settings, timeline)
    written = Written(report)
    written.retry, written.retry_rows = write_retry_file(sibling_path(report, "retry"), sheet, outcomes,
                                                         GOOD | {Result.UNKNOWN}, on_warning)
    written.unknown, written.unknown_rows = write_unknown(sibling_path(report, "unknown"), sheet, outcomes, on_warning)
    if undo is not None:
        written.undo, written.undo_comments = write_undo(report, undo, sheet.output_delimiter)
    return written


def _write_safely(report: Path, env: Mapping[str, str], on_warning: Callable[[str], None] | None,
                  write: Callable[[Path], Written]) -> tuple[Written, str | None]:
    """Write where asked; if that fails after all (the folder was checked before sending; a disk
    can fill up), write to the state folder instead and say so: what was sent must never go
    unreported."""
    try:
        return write(report), None
    except OSError as e:
        first = tr("cannot write the report to {path} ({why})", path=report, why=why_not_written(e, report.parent))
    fallback = report.name
    try:
        folder = state_subdir(env, "reports").resolve()
        fallback = str(folder / report.name)
        written = write(folder / report.name)
        why = tr("{problem}; it is in {path} instead", problem=first, path=fallback)
    except OSError as again:  # nowhere to write: the run is over all the same, and says so
        why = tr("{problem} nor to {path} ({why}): each row's result is in the job's journal and the log only",
                 problem=first, path=fallback, why=why_not_written(again, Path(fallback).parent))
        written = Written(None)
    warn(why, on_warning)
    return written, why


def _settings(job: Job, sent: SendReport | None, resumed: int, jid: str) -> dict[str, Any]:
    """The run's settings for the report's summary sheet (never a credential)."""
    options, sheet, started = job.options, job.sheet, job.started
    endpoint = job.send.endpoint if job.send is not None else None  # the API it talked to (None: a dry run)
    shown: dict[str, Any] = {
        "mode": tr("dry run (nothing sent)") if endpoint is None else _said(MODES, endpoint.mode),
        "input": job.source.label,
        "sheet": sheet.sheet_name or "",
        "encoding": sheet.encoding or "",
        "started_at": started.isoformat(timespec="seconds"),
        "job": jid,
        "rows done by an earlier run": resumed or "",  # i18n: en (one of SETTINGS, labelled below)
    }
    if sent is not None and endpoint is not None:
        shown.update({
            "api": _said(API_LABELS, endpoint.label) or sent.base_url,
            "rate": options.rate, "concurrency": options.concurrency, "max attempts": options.max_attempts,
            "timeout (s)": options.timeout, "retry comments": tr("yes") if options.retry_comments else tr("no"),
            "wall time (s)": f"{sent.elapsed:.1f}",
            "achieved rate": format_rate(sent.achieved_rate) if sent.achieved_rate is not None else "",
            "settled rate": format_rate(sent.final_rate), "throttle answers": sent.throttles,
            "throttle pauses": sent.pauses, "stopped because": sent.stop_reason or "",
        })
    return {tr(k): v for k, v in shown.items() if v != ""}  # each one of SETTINGS


NOTHING_TO_UNDO = N_("No undo sheet: this run changed no field and posted no comment, so there is nothing to undo")


# The run's mode and API as the report's Summary sheet says them (send/endpoint.py's words)
MODES = {"live": N_("live"), "sandbox": N_("sandbox")}
API_LABELS = {"in-process sandbox": N_("in-process sandbox")}


def _said(words: Mapping[str, str], word: str | None) -> str | None:
    """`word` in the language in use, when `words` has it."""
    return tr(words[word]) if word in words else word

# The report's Summary sheet's settings, labelled in the language in use
SETTINGS = (
    N_("mode"), N_("input"), N_("sheet"), N_("encoding"), N_("started_at"), N_("job"),
    N_("rows done by an earlier run"), N_("api"), N_("rate"), N_("concurrency"), N_("max attempts"),
    N_("timeout (s)"), N_("retry comments"), N_("wall time (s)"), N_("achieved rate"), N_("settled rate"),
    N_("throttle answers"), N_("throttle pauses"), N_("stopped because"))


def run_config(path: str | Path, *, env: Mapping[str, str] | None = None, **overrides: Any) -> RunResult:
    """Run the job a job file describes; what a workflow task calls instead of the CLI.

        from batch_updater import run_config
        result = run_config("nightly.toml")
        if result.exit_code: ...   # result.outcomes, result.summary, result.report_path
    """
    config = load_config(Path(path))
    env = credential_env(config, os.environ if env is None else env)
    handler = setup_logging(config.log_format or "text", config.log_file,
                            secrets=secret_values(env)) if config.log_file else None
    try:
        return run_job(options_from(config, **overrides), env=env)
    finally:
        close_logging(handler)
