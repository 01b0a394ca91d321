"""A run's options: everything a run needs, which the CLI's flags and a job file's keys map onto
one to one, and the limits both share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.naming import option
from batch_updater.schema.columns import check_renames
from batch_updater.sources.base import Source

LIMITS = {"concurrency": (1, 512), "max_attempts": (1, 100)}  # the command line's and a job file's
# The options one run chooses, never a job file's keys (jobs/config.py: RUN_KEYS are all the others).
COMMAND_LINE_ONLY = ("dry_run", "sandbox", "fresh", "skip_unchanged", "undo", "refresh_fields", "plan_file")


@dataclass
class RunOptions:
    """Everything a run needs; the CLI's flags and a job file's keys map onto these one to one.
    `input`: a spreadsheet's path (`sheet`, `encoding` and `header_row` say how to read it), a
    Feishu / Lark link (a Base table, a sheet, a wiki page showing one: sources/links.py), or any
    `Source` (sources/base.py: a DataFrame's, or one of your own)."""

    input: Path | str | Source
    dry_run: bool = False
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None  # the header's row (1 = the first), when a title is above it
    report: Path | None = None
    report_dir: Path = Path("reports")
    rate: str = "auto"
    concurrency: int = 64  # a cap: the run keeps in flight what the rate needs at the API's latency
    max_attempts: int = 5
    timeout: float = 30.0
    base_url: str | None = None
    sandbox: bool = False
    retry_comments: bool = False
    fresh: bool = False  # forget what an earlier run of this job did
    skip_unchanged: bool = False  # read the tickets first; send only the rows that change something
    undo: bool = False  # read the tickets first and write an undo sheet beside the report
    # A file: also write it with the result columns added (<input>-results.<ext>); a link: the results
    # are written into the table or sheet (None: yes), False keeps the link read-only.
    write_back: bool | None = None
    columns: dict[str, str] = field(default_factory=dict)  # the sheet's header -> ours
    defaults: dict[str, Any] = field(default_factory=dict)  # field -> value for rows that leave it empty
    result_fields: dict[str, str] = field(default_factory=dict)  # a Base link: result, code, msg, finished_at -> ours
    # The sheet's header -> its value map: a cell as written -> the cell read instead (`已完成` -> `51`)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_fields: bool = False  # read the helpdesk's custom field list again, not the one kept for a day
    plan_file: Path | None = None  # apply exactly a plan file's changes, skipping tickets changed since (the input)
    notify: list[str] = field(default_factory=list)  # chat:<id>, user:<email or open_id>, webhook:<url>: told
    limiter: str | None = None  # the rate budget: None ($BATCH_UPDATER_LIMITER, else the state folder), none, redis://

    def check(self) -> None:
        for name, (low, high) in LIMITS.items():
            if not low <= getattr(self, name) <= high:
                raise UsageError(tr("{option} must be from {low} to {high}", option=option(name), low=low, high=high),
                                 option=name, value=getattr(self, name))
        if self.header_row is not None and not 1 <= self.header_row <= 1_048_576:
            raise UsageError(tr("{option} must be a row number from 1 (the first row) to {max}",
                                option=option("header_row"), max=1048576),
                             option="header_row", value=self.header_row)
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise UsageError(tr("{option} must be a number of seconds more than 0", option=option("timeout")),
                             option="timeout",
                             value=self.timeout)
        check_renames(self.columns)
        for column, table in self.values.items():
            if not isinstance(table, dict):
                raise UsageError(tr("values.{column}: a table of the column's values -> what to read instead "
                                    "(e.g. 已完成 = \"51\")", column=column), option="values")
            self.values[column] = {str(k): str(v) for k, v in table.items()}
        unknown = sorted(set(self.result_fields) - {"result", "code", "msg", "finished_at"})
        if unknown or not all(isinstance(v, str) and v.strip() for v in self.result_fields.values()):
            raise UsageError(tr("result_fields: give a field's name for any of result, code, msg, finished_at (not "
                                "{unknown})", unknown=", ".join(unknown)) if unknown else
                             tr("result_fields: give a field's name for any of result, code, msg, finished_at"),
                             option="result_fields")


