"""What every job does before it reads or sends anything, the same for `run`, a dry run and
`plan`: check the options, the credentials and the report's place, load and validate the sheet.
And how a stopped or interrupted run turns into its exit code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from batch_updater.errors import INTERRUPTED, BatchUpdaterError, CredentialsRefused
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import warn
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.rows.validate import parse_defaults, validate_rows
from batch_updater.schema.sheet import Sheet
from batch_updater.send.pacing import parse_rate
from batch_updater.sheet.read import load
from batch_updater.sheet.report import check_report_path, check_writable, default_report_path

T = TypeVar("T")


@dataclass
class Prepared(Generic[T]):
    ready: T  # what `ready()` gave: the sending settings, say
    input_path: Path
    sheet: Sheet
    checked: list[TicketUpdate | list[FieldError]]  # one per row: its update, or what is wrong with it
    report: Path | None  # None: a DataFrame's run, no report asked for
    started: datetime


def prepare(options: RunOptions, *, ready: Callable[[], T], on_warning: Callable[[str], None] | None,
            now: Callable[[], datetime], report_tag: str = "", sheet: Sheet | None = None) -> Prepared[T]:
    """Refuse what is wrong before anything is read or sent (a BatchUpdaterError, exit 2):
    options, `ready()` (credentials and base URL), the input, the report's folder. `report_tag`
    goes into the default report's name (`-plan`). A `sheet` given (a DataFrame's rows) is not
    read from `options.input`, and has a report only where `options.report` says."""
    options.check()
    input_path = Path(options.input)
    parse_rate(options.rate)
    defaults = parse_defaults(options.defaults)
    if options.report is not None:
        check_report_path(Path(options.report), input_path)
    checked_ready = ready()
    given = sheet is not None
    if sheet is None:
        sheet = load(input_path, sheet=options.sheet, encoding=options.encoding, renames=options.columns,
                     header_row=options.header_row)
    for warning in sheet.warnings:
        warn(warning, on_warning)
    started = now()
    report = Path(options.report) if options.report else None if given else default_report_path(
        input_path, sheet.kind, Path(options.report_dir), started, report_tag)
    if report is not None:
        report = report.resolve()  # said as it is: no `reports/../x`
        check_writable(report)  # a run's results must have somewhere to go
    return Prepared(checked_ready, input_path, sheet, validate_rows(sheet.rows, sheet.columns, defaults), report,
                    started)


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

