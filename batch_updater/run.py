"""The job: load, validate, (send), report. The library entry point behind `batch-updater run`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from batch_updater.errors import UsageError
from batch_updater.load import Sheet, load
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate
from batch_updater.report import (
    check_report_path, default_report_path, sibling_path, write_report, write_retry,
)
from batch_updater.summary import Summary, summarize
from batch_updater.validate import validate_rows


@dataclass
class RunOptions:
    """Everything a run needs; the CLI's flags map onto these one to one."""

    input: Path
    dry_run: bool = False
    sheet: str | None = None
    encoding: str | None = None
    report: Path | None = None
    report_dir: Path = Path("reports")


@dataclass
class RunResult:
    outcomes: list[Outcome]
    summary: Summary
    report_path: Path
    retry_path: Path | None
    retry_rows: int
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None

    @property
    def exit_code(self) -> int:
        good = {Result.OK, Result.VALID, Result.SKIPPED}
        return 0 if all(o.result in good for o in self.outcomes) else 1


_BODY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dry_run_outcome(item: TicketUpdate | list[FieldError]) -> Outcome:
    if isinstance(item, TicketUpdate):
        return Outcome(Result.VALID, msg=_BODY_JSON.encode(item.body))
    return invalid_outcome(item)


def invalid_outcome(errors: list[FieldError]) -> Outcome:
    return Outcome(Result.INVALID, msg="; ".join(str(e) for e in errors))


def run_job(options: RunOptions, *, now: Callable[[], datetime] = lambda: datetime.now().astimezone()
            ) -> RunResult:
    """Run one job and write its report. Raises a BatchUpdaterError for a job-stopping problem."""
    input_path = Path(options.input)
    if options.report is not None:
        check_report_path(Path(options.report), input_path)
    sheet = load(input_path, sheet=options.sheet, encoding=options.encoding)
    started = now()
    report = Path(options.report) if options.report else default_report_path(
        input_path, sheet.kind, Path(options.report_dir), started)
    checked = validate_rows(sheet.rows, sheet.columns)
    if not options.dry_run:
        raise UsageError("sending is not built yet: add --dry-run to check the file")
    outcomes = [dry_run_outcome(item) for item in checked]
    settings = {
        "mode": "dry run (nothing sent)",
        "input": str(input_path),
        "sheet": sheet.sheet_name or "",
        "encoding": sheet.encoding or "",
        "started_at": started.isoformat(timespec="seconds"),
    }
    write_report(report, sheet, outcomes, {k: v for k, v in settings.items() if v})
    retry = sibling_path(report, "retry")
    keep = {Result.OK, Result.VALID, Result.SKIPPED}
    retry_rows = write_retry(retry, sheet, outcomes, keep)
    return RunResult(
        outcomes=outcomes,
        summary=summarize(checked, outcomes),
        report_path=report,
        retry_path=retry if retry_rows else None,
        retry_rows=retry_rows,
        warnings=list(sheet.columns.warnings),
        sheet=sheet,
    )
