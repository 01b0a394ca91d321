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
from batch_updater.i18n import tr
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import warn
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.naming import option
from batch_updater.plan.guards import Guard
from batch_updater.rows.exported import emptied_cells, since_export
from batch_updater.rows.validate import parse_defaults, unmatched_value_maps, validate_rows
from batch_updater.run.fields import labelled
from batch_updater.run.guards import conditions, from_plan
from batch_updater.schema.fields import REGISTRY, Registry
from batch_updater.schema.sheet import Sheet
from batch_updater.send.pacing import RateSetting, parse_rate
from batch_updater.sheet.blocks import WriteBack
from batch_updater.sheet.report import check_report_path, check_writable, default_report_path
from batch_updater.sheet.writeback import check_write_back, needs_a_file
from batch_updater.sources.base import Loaded, Source
from batch_updater.sources.files import FileSource
from batch_updater.sources.links import is_link
from batch_updater.sources.writable import WritesResults, link_source

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
    # Valid rows that are not sent, and why (skipped; a plan's no-op): an exported sheet's rows
    # unchanged since the export (rows/exported.py).
    skips: dict[int, str] = field(default_factory=dict)
    # What each row expects its ticket to hold now (`if:` columns, a plan's "now"): read first, and a
    # row whose ticket differs is not sent (plan/guards.py).
    guards: dict[int, Guard] = field(default_factory=dict)

    @property
    def specs(self) -> list[tuple[int, TicketUpdate]]:
        """The valid rows to send, each with its index among the sheet's rows."""
        return [(i, item) for i, item in enumerate(self.checked) if isinstance(item, TicketUpdate)
                and i not in self.skips]

    @property
    def registry(self) -> Registry:
        """The ticket fields the job's sheet was read with (schema/fields.py): its plan and undo too."""
        return self.sheet.columns.registry

    @property
    def read_first(self) -> bool:
        """The tickets are read before sending: to skip the rows that change nothing, or for the undo sheet."""
        return self.options.skip_unchanged or self.options.undo or bool(self.guards)


def check_options(options: RunOptions, registry: Registry = REGISTRY) -> tuple[RateSetting, dict[str, Any]]:
    """Refuse bad options (a UsageError, exit 2): their limits and column renames, the rate and the
    defaults (for the fields of `registry`, the sheet's), the two parsed here and nowhere else. The
    console calls it when a run is asked for."""
    options.check()
    return parse_rate(options.rate), parse_defaults(options.defaults, registry)


def source_of(options: RunOptions, env: Mapping[str, str] | None = None) -> Source:
    """The job's source: `options.input` itself, the Base table or sheet a link names (read with
    `env`'s credentials, at the run's API), or the file at that path."""
    given = options.plan_file if options.plan_file is not None else options.input
    if is_link(given):
        assert isinstance(given, str)
        if options.sandbox:
            raise UsageError(tr("a link is read from the API it lives on, and the built-in sandbox starts empty: run "
                                "{command} (it serves a demo Base and sheet, and prints their links) and point "
                                "FEISHU_BASE_URL at it, instead of {option}", command="`batch-updater sandbox`",
                                option=option("sandbox")), option="sandbox")
        return link_source(given, os.environ if env is None else env, options.base_url, timeout=options.timeout,
                           result_fields=options.result_fields, header_row=options.header_row, sheet=options.sheet)
    if isinstance(given, str | os.PathLike):
        return FileSource(Path(given), options.sheet, options.encoding, options.header_row)
    if not isinstance(given, Source):
        raise UsageError(tr("input: expected a file's path or a Source, not {kind}", kind=type(given).__name__))
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
    return SendSettings(READ_RATE if plan else rate,
                        SendOptions(options.concurrency, options.max_attempts, not plan and options.retry_comments),
                        options.timeout, endpoint_of(options), control=control, limiter=limiter)


def prepare(options: RunOptions, *, env: Mapping[str, str], on_warning: Callable[[str], None] | None,
            now: Callable[[], datetime], plan: bool = False, control: RunControl | None = None,
            sheet: Sheet | None = None) -> Job:
    """Refuse what is wrong before anything is read or sent (a BatchUpdaterError, exit 2): the
    options, the credentials and base URL (not for a dry run), the input, the report's folder.
    `plan`: the job of `batch-updater plan` (its report named `-plan`, its settings a reader's).
    `sheet`: rows already read, instead of the source's."""
    options.check()
    rate = parse_rate(options.rate)
    source = source_of(options, env)
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
    loaded = labelled(source.load(options.columns), options, env, dry_run=options.dry_run and not plan,
                      on_warning=on_warning)  # the helpdesk's custom fields, when columns may name them
    for warning in loaded.warnings:
        warn(warning, on_warning)
    absent = unmatched_value_maps(loaded.columns, options.values)
    if absent:
        warn(tr("value maps ({option}) for columns not in the sheet: {columns}", option=option("values"),
                columns=", ".join(absent)), on_warning)
    started = now()
    report = Path(options.report) if options.report else None if source.stem is None else default_report_path(
        Path(f"{source.stem}.{loaded.kind}"), loaded.kind, Path(options.report_dir), started,
        "-plan" if plan else "")
    if report is not None:
        report = report.resolve()  # said as it is: no `reports/../x`
        check_writable(report)  # a run's results must have somewhere to go
    _, defaults = check_options(options, loaded.columns.registry)  # a source's own fields have defaults too
    checked, skips, guards = _checked(options, loaded, defaults)
    emptied = emptied_cells(loaded.rows, loaded.columns)
    if emptied:
        cells = ", ".join(emptied[:5]) + (", ..." if len(emptied) > 5 else "")
        warn(tr("{n} cell emptied since the export ({cells}) is not sent: an empty cell leaves its field as it is, "
                "so the ticket keeps its value", n=len(emptied), cells=cells) if len(emptied) == 1 else
             tr("{n} cells emptied since the export ({cells}) are not sent: an empty cell leaves its field as it is, "
                "so the ticket keeps its value", n=len(emptied), cells=cells), on_warning)
    if guards and send is not None and not (plan or options.skip_unchanged or options.undo):
        from batch_updater.send.session import check_ready

        check_ready(send, env, reading=True)  # a guard reads the tickets first
    return Job(options, source, loaded, checked, report, started, rate, defaults, source.identity(loaded), send, env,
               skips, guards)


def _checked(options: RunOptions, sheet: Sheet, defaults: dict[str, Any]
             ) -> tuple[list[TicketUpdate | list[FieldError]], dict[int, str], dict[int, Guard]]:
    """The rows validated; those an export left unchanged or a plan did not change (not sent);
    each row's guards (`if:` columns, a plan's "now")."""
    checked, skips = since_export(validate_rows(sheet.rows, sheet.columns, defaults, options.values), sheet.rows,
                                  sheet.columns)
    checked, guards = conditions(sheet, checked)
    if options.plan_file is not None:
        planned, not_changes = from_plan(sheet, checked)
        skips.update(not_changes)
        for index, guard in planned.items():
            guards[index] = (*guards.get(index, ()), *guard)
    return checked, skips, guards


def checked_write_back(job: Job, kind: str, on_warning: Callable[[str], None] | None,
                       tag: str | None = None) -> WriteBack | None:
    """With --write-back: the source's file can be copied with `kind`'s columns added, checked before
    anything is sent (sheet/writeback.py); None without it."""
    if not job.options.write_back or isinstance(job.source, WritesResults):
        return None  # a Base table's or a sheet's results go into it as the run goes (run/writeback.py)
    if job.source.write_back is None:
        raise needs_a_file()
    return check_write_back(job.source.write_back, job.sheet, kind, job.report, on_warning, tag)


def loaded_job(options: RunOptions, env: Mapping[str, str], now: Callable[[], datetime]) -> Job:
    """The job as `options` describe it, loaded and validated, without what a run checks first
    (credentials, the report's place) nor the sheet's warnings: what the console's confirmation
    plans from."""
    source = source_of(options, env)
    sheet = labelled(source.load(options.columns), options, env, dry_run=options.dry_run)
    rate, defaults = check_options(options, sheet.columns.registry)
    checked, skips, guards = _checked(options, sheet, defaults)
    return Job(options, source, sheet, checked, None, now(), rate, defaults, source.identity(sheet),
               send_settings(options, rate, env=env), env, skips, guards)


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
