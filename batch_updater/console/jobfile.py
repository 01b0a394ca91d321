"""The page's choices for a sheet as a job file, and back: saved, it runs the sheet from the
command line (`batch-updater run --config FILE`, the file beside the sheet) as the page would;
loaded on the page, it maps another copy of the sheet the same way. A job file's other keys
(the rate, retry_comments) fill the page's Run options; the rest are the command line's."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from batch_updater.console.uploads import Upload
from batch_updater.i18n import tr
from batch_updater.jobs.config import JobConfig, config_from_text
from batch_updater.naming import cli_flag

_PAGE_KEYS = ("input", "sheet", "encoding", "columns", "values", "rate", "retry_comments", "write_back")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (\\", \\\\, \\n, \\uXXXX)."""
    return json.dumps(text, ensure_ascii=False)


def job_file(upload: Upload, run: Mapping[str, Any] | None = None) -> str:
    """The sheet's choices on the page (and the Run options given in `run`: rate, retry_comments)
    as a job file's TOML."""
    lines = ["# " + tr("batch-updater job file: the choices made on the console for {name}", name=upload.name),
             "# " + tr("batch-updater run {flag} THIS-FILE (beside the sheet), or load it on the console's page",
                       flag=cli_flag("config")),
             f"input = {_string(upload.link or upload.name)}"]
    if upload.sheet:
        lines.append(f"sheet = {_string(upload.sheet)}")
    if upload.encoding and upload.text:
        lines.append(f"encoding = {_string(upload.encoding)}")
    rate = (run or {}).get("rate")
    if isinstance(rate, str) and rate.strip() and rate != "auto":
        lines.append(f"rate = {_string(rate.strip())}")
    if (run or {}).get("retry_comments"):
        lines.append("retry_comments = true")
    if upload.columns:
        lines += ["", "[columns]  # " + tr("the sheet's header = the field it holds")]
        lines += [f"{_string(k)} = {_string(v)}" for k, v in upload.columns.items()]
    for column, table in upload.values.items():
        lines += ["", f"[values.{_string(column)}]  # " + tr("a value in this column = what is sent instead")]
        lines += [f"{_string(k)} = {_string(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def read_job_file(text: str, name: str) -> tuple[JobConfig, dict[str, Any]]:
    """A job file given on the page: checked as the command line checks it; the Run options it
    sets, for the page's form; and the keys the page has no place for (`ignored`)."""
    config = config_from_text(text, name)
    given = config.model_dump(exclude_defaults=True)
    run = {k: getattr(config, k) for k in ("rate", "retry_comments") if k in given}
    run["ignored"] = sorted(k for k in given if k not in _PAGE_KEYS)
    return config, run
