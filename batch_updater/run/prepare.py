"""What every job does before it reads or sends anything, the same for `run`, a dry run and
`plan`: check the options (the rate and the defaults parsed here, once), the credentials and the
report's place, load the source and validate its rows, into one `Job` that everything after it
takes. And how a stopped or interrupted run turns into its exit code."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from batch_updater.errors import INTERRUPTED, BatchUpdaterError, CredentialsRefused, UsageError
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import warn
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.rows.validate import parse_defaults, validate_rows
from batch_updater.schema.sheet import Sheet
from batch_updater.send.pacing import RateSetting, parse_rate
from batch_updater.sheet.blocks import WriteBack
from batch_updater.sheet.report import check_report_path, check_writable, default_report_path
from batch_updater.sheet.writeback import check_write_back
from batch_updater.sources.base import Loaded, Source
from batch_updater.sources.files import FileSource

if TYPE_CHECKING:  # the sending half (aiohttp and all) is imported only by runs that send or read
    from batch_updater.send.session import RunControl, SendSettings


@dataclass(frozen=True)
class Job:
    """A job as prepared, checked and loaded: what runs below `prepare` takes (run_rows, the live
    part, the plan, the console's confirmation), instead of loose arguments."""

    options: RunOptions
    source: Source
    sheet: Sheet
    checked: list[TicketUpdate | list[FieldError]]  # one per row: its update, or what is wrong with it
    report: Path | None  # None: no report (a DataFrame's, unless one is asked for)
    started: datetime
    rate: RateSetting  # options.rate, parsed
    defaults: dict[str, Any]  # options.defaults, parsed
    identity: dict[str, str]  # the source's half of the job's identity (run/rows.job_meta adds the API's)
    send: SendSettings | None = None  # how it sends (a plan: reads); None: a dry run, which loads no aiohttp
    env: Mapping[str, str] = field(default_factory=dict, repr=False)  # where the credentials are read

    @property
    def specs(self) -> list[tuple[int, TicketUpdate]]:
        """The valid rows, each with its index among the sheet's rows."""
        return [(i, item) for i, item in enumerate(self.checked) if isinstance(item, TicketUpdate)]

    @property
    def read_first(self) -> bool:
        """The tickets are read before sending: to skip the rows that change nothing, or for the undo sheet."""
        return self.options.skip_unchanged or self.options.undo


def check_options(options: RunOptions) -> tuple[RateSetting, dict[str, Any]]:
    """Refuse bad options (a UsageError, exit 2): their limits and column renames, the rate and the
    defaults, the two parsed here and nowhere else. The console calls it when a run is asked for."""
    options.check()
    return parse_rate(options.rate), parse_defaults(options.defaults)


def source_of(options: RunOptions) -> Source:
    """The job's source: `options.input` itself, or the file at that path."""
    given = options.input
    if isinstance(given, str | os.PathLike):
        return FileSource(Path(given), options.sheet, options.encoding, options.header_row)
    if not isinstance(given, Source):
        raise UsageError(f"input: expected a file's path or a Source, not {type(given).__name__}")
    return given


def send_settings(options: RunOptions, rate: RateSetting, *, plan: bool = False,
                  control: RunControl | None = None, env: Mapping[str, str] | None = None) -> SendSettings:
    """How a run sends, or a plan reads (at the read API's own rate; no comment is posted): built
    here only. Imports the sending half (aiohttp)."""
    from batch_updater.run.endpoints import endpoint_of
    from batch_updater.send.pool import SendOptions
    from batch_updater.send.session import READ_RATE, SendSettings
    from batch_updater.send.shared import parse_limiter

    limiter = parse_limiter(options.limiter or (env or {}).get("BATCH_UPDATER_LIMITER"))
    if plan:
        return SendSettings(READ_RATE, SendOptions(options.concurrency, options.max_attempts), options.timeout,
                            endpoint_of(options), control=control, limiter=limiter)
    return SendSettings(rate, SendOptions(options.concurrency, options.max_attempts, options.retry_comments),
                        options.timeout, endpoint_of(options), control=control, limiter=limiter)


def prepare(options: RunOptions, *, env: Mapping[str, str], on_warning: Callable[[str], None] | None,
            now: Callable[[], datetime], plan: bool = False, control: RunControl | None = None,
            sheet: Sheet | None = None) -> Job:
    """Refuse what is wrong before anything is read or sent (a BatchUpdaterError, exit 2): the
    options, the credentials and base URL (not for a dry run), the input, the report's folder.
    `plan`: the job of `batch-updater plan` (its report named `-plan`, its settings a reader's).
    `sheet`: rows already read, instead of the source's."""
    rate, defaults = check_options(options)
    source = source_of(options)
    if sheet is not None:
        source = Loaded(source, sheet)
    if options.report is not None:
        check_report_path(Path(options.report), source.write_back)
    send = None
    if plan or not options.dry_run:
        from batch_updater.send.session import check_ready

        send = send_settings(options, rate, plan=plan, control=control, env=env)
        # bad credentials or base URL: exit 2, before the input is read
        check_ready(send, env, reading=plan or options.skip_unchanged or options.undo)
        if options.notify and not plan:
            from batch_updater.run.notifying import check_notify

            check_notify(list(options.notify), env)
    loaded = source.load(options.columns)
    for warning in loaded.warnings:
        warn(warning, on_warning)
    started = now()
    report = Path(options.report) if options.report else None if source.stem is None else default_report_path(
        Path(f"{source.stem}.{loaded.kind}"), loaded.kind, Path(options.report_dir), started,
        "-plan" if plan else "")
    if report is not None:
        report = report.resolve()  # said as it is: no `reports/../x`
        check_writable(report)  # a run's results must have somewhere to go
    return Job(options, source, loaded, validate_rows(loaded.rows, loaded.columns, defaults), report, started, rate,
               defaults, source.identity(loaded), send, env)


def checked_write_back(job: Job, kind: str, on_warning: Callable[[str], None] | None,
                       tag: str | None = None) -> WriteBack | None:
    """With --write-back: the source's file can be copied with `kind`'s columns added, checked before
    anything is sent (sheet/writeback.py); None without it."""
    if not job.options.write_back:
        return None
    if job.source.write_back is None:
        raise UsageError("--write-back needs an input file (.xlsx, .xlsm, .csv, .tsv or .txt)")
    return check_write_back(job.source.write_back, job.sheet, kind, job.report, on_warning, tag)


def loaded_job(options: RunOptions, env: Mapping[str, str], now: Callable[[], datetime]) -> Job:
    """The job as `options` describe it, loaded and validated, without what a run checks first
    (credentials, the report's place) nor the sheet's warnings: what the console's confirmation
    plans from."""
    rate, defaults = check_options(options)
    source = source_of(options)
    sheet = source.load(options.columns)
    checked = validate_rows(sheet.rows, sheet.columns, defaults)
    return Job(options, source, sheet, checked, None, now(), rate, defaults, source.identity(sheet),
               send_settings(options, rate, env=env), env)


class Stoppable(Protocol):
    stop_reason: str | None
    stop_error: BatchUpdaterError | None
    interrupted: bool


def stopped_exit_code(*phases: Stoppable | None) -> int | None:
    """The exit code of the first phase (reading, then sending) that stopped: the tool's own
    error's, 3 when the API refused to go on, 130 when interrupted; None when none stopped."""
    for phase in phases:
        if phase is None:
            continue
        if phase.stop_error is not None:  # after sending began, never "nothing was sent" (2)
            return max(phase.stop_error.exit_code, CredentialsRefused.exit_code)
        if phase.stop_reason:
            return CredentialsRefused.exit_code
        if phase.interrupted:
            return INTERRUPTED
    return None
