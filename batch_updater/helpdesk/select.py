"""`run --select FILTERS --set FIELD=VALUE [--comment TEXT]`: one change to every ticket a filter
selects, without a sheet, through the same job as a sheet.

The tickets are read through the list API (listing.py), and a sheet of them is written beside
the report (`<report folder>/select-<date>-<time>.csv`: `ticket_id`, a column per `--set`, the
comment, and each set field's value now, not sent); the job is that sheet, so resume, `plan`,
`--skip-unchanged`, `--undo` and the report work as for any sheet. The state folder remembers
the sheet of a run that has not ended (killed, interrupted, stopped by the API): the same
command run again resumes it, with the same tickets, instead of selecting afresh (`--fresh`
selects again); once a run has ended, the next one selects afresh (a nightly job)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch_updater.control import RunProgress
from batch_updater.errors import INTERRUPTED, BatchUpdaterError, CredentialsRefused, UsageError
from batch_updater.feishu.credentials import api_identity, api_origin
from batch_updater.helpdesk.export import read_selection, write_table
from batch_updater.helpdesk.filters import Filters
from batch_updater.helpdesk.sheet import export_table
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import warn
from batch_updater.model import Row
from batch_updater.naming import option
from batch_updater.paths import atomic_path, private_dir, state_dir
from batch_updater.rows.validate import RowValidator
from batch_updater.run.job import RunResult, run_job
from batch_updater.schema.columns import CustomColumn, resolve_columns
from batch_updater.schema.custom import CustomFields
from batch_updater.schema.labels import NOT_SENT, with_labels
from batch_updater.send.pacing import parse_rate

if TYPE_CHECKING:  # reading and planning load the sending half (aiohttp): not `import batch_updater`
    from batch_updater.helpdesk.listing import Selected
    from batch_updater.run.plan import PlanResult

SAMPLE_ID = "6945345902185807891"


@dataclass(frozen=True)
class Selection:
    """The tickets (`filters`) and the change: `sets` (a column's name -> its cell), a comment."""

    filters: Filters
    sets: Mapping[str, str] = field(default_factory=dict)
    comment: str | None = None
    # The filters as written (a --select string, a job file's [select]): what names the selection
    # of an unfinished run, though `14 days ago` means another time on the next run.
    written: str = ""

    def describe(self) -> str:
        change = ", ".join(f"{k}={v}" for k, v in self.sets.items())
        if self.comment:
            change = f"{change} and a comment" if change else "a comment"
        return change or "nothing"


def parse_sets(pairs: Sequence[str] | Mapping[str, Any]) -> dict[str, str]:
    """`--set FIELD=VALUE` (repeatable), or a job file's [set] table."""
    if isinstance(pairs, Mapping):
        return {str(k).strip(): str(v) for k, v in pairs.items()}
    sets: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option('set')} {pair!r}: write FIELD=VALUE, like status=51 or 优先级=高", option="set",
                             value=pair)
        sets[name.strip()] = value
    return sets


def _header(name: str, fields: CustomFields | None) -> str:
    """The sheet's column for a --set name: the name, or `custom:<id>` for a custom field's."""
    columns = with_labels(resolve_columns(["ticket_id", name]), fields)
    role = columns.roles[1]
    if isinstance(role, CustomColumn) and role.field_id.isdigit():
        return name if name.lower().startswith("custom") else f"custom:{role.name or role.field_id}"
    if role is None:
        known = fields.names() if fields is not None else "none read"
        raise UsageError(f"{option('set')} {name}=...: {name!r} is not a ticket field nor a custom field of this "
                         f"helpdesk (status, tag_names, solved, ticket_type, channel, custom:<id>; its custom fields: "
                         f"{known})", option="set", value=name)
    return name


def check_change(selection: Selection, fields: CustomFields | None) -> list[str]:
    """The sheet's header for the change, each value checked as a cell would be (a UsageError
    names a wrong one before any ticket is read)."""
    header = ["ticket_id", *(_header(n, fields) for n in selection.sets)]
    if selection.comment is not None:
        header.append("comment")
    if len(header) == 1:
        raise UsageError(f"nothing to change: give {option('set')} FIELD=VALUE (or {option('comment')} TEXT)",
                         option="set")
    columns = with_labels(resolve_columns(header), fields)
    cells = (SAMPLE_ID, *selection.sets.values(), *((selection.comment,) if selection.comment is not None else ()))
    checked = RowValidator(columns)(Row(2, cells))
    if isinstance(checked, list):
        raise UsageError("; ".join(f"{option('set')} {e}" for e in checked), option="set")
    return header


def selection_table(selection: Selection, header: list[str], tickets: Sequence[Mapping[str, Any]],
                    fields: CustomFields | None) -> tuple[list[str], list[list[str]]]:
    """One row per ticket: the change, then each set field's value now (not sent)."""
    shown, rows = export_table(tickets, fields)
    at = {h: i for i, h in enumerate(shown)}
    now = [(name, at.get(h)) for name, h in zip(selection.sets, header[1:])]
    now_columns = [f"{name} now {NOT_SENT}" for name, i in now if i is not None]
    values = [*selection.sets.values(), *((selection.comment,) if selection.comment is not None else ())]
    table = [[cells[0], *values, *(cells[i] for _, i in now if i is not None)] for cells in rows]
    return [*header, *now_columns], table


# --- the sheet of a run that has not ended ------------------------------------------------

def _pending(options: RunOptions, selection: Selection, env: Mapping[str, str]) -> Path:
    what = json.dumps([api_identity(api_origin(options.base_url, env)) if not options.sandbox else "sandbox",
                       env.get("FEISHU_HELPDESK_ID", "").strip(),
                       selection.written or [selection.filters.query(), list(selection.filters.ids)],
                       dict(selection.sets), selection.comment], ensure_ascii=False, default=str)
    return state_dir(env) / "selections" / f"{hashlib.sha256(what.encode()).hexdigest()[:20]}.json"


def pending_sheet(options: RunOptions, selection: Selection, env: Mapping[str, str]) -> tuple[Path, int] | None:
    """The sheet of the same selection a run left unfinished (and its ticket count), if any."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        kept = json.loads(_pending(options, selection, env).read_text())
        sheet = Path(kept["sheet"])
        if sheet.is_file():
            return sheet, int(kept["tickets"])
    return None


def remember(options: RunOptions, selection: Selection, env: Mapping[str, str], sheet: Path, tickets: int) -> None:
    path = _pending(options, selection, env)
    private_dir(path.parent)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps({"sheet": str(sheet), "tickets": tickets}))


def forget(options: RunOptions, selection: Selection, env: Mapping[str, str]) -> None:
    with contextlib.suppress(OSError):
        _pending(options, selection, env).unlink()


# --- selecting ----------------------------------------------------------------------------

@dataclass
class SelectionSheet:
    """A selection written as a job's input sheet."""

    sheet: Path
    tickets: int
    read: Selected | None  # None: the sheet of an unfinished run, resumed


def sheet_path(options: RunOptions, now: datetime) -> Path:
    """Beside the report: `<report folder>/select-<date>-<time>.csv`."""
    folder = Path(options.report).parent if options.report else Path(options.report_dir)
    return (folder / f"select-{now:%Y%m%d-%H%M%S}.csv").resolve()


def select_to_sheet(options: RunOptions, selection: Selection, env: Mapping[str, str], *,
                    on_progress: Callable[[RunProgress], None] | None = None,
                    now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
                    resume: bool = True, rates: Sequence[tuple[int, float]] | None = None) -> SelectionSheet:
    """The selection's sheet: an unfinished run's (`resume`), or the tickets read now, written."""
    if resume and not options.fresh:
        kept = pending_sheet(options, selection, env)
        if kept is not None:
            return SelectionSheet(kept[0], kept[1], None)
    headers: list[str] = []

    def check(fields: CustomFields) -> None:
        headers.extend(check_change(selection, fields))

    extra = {"rates": rates} if rates is not None else {}
    read, fields, _ = read_selection(options, selection.filters, env, on_progress=on_progress, check=check, **extra)
    path = sheet_path(options, now())
    if not (read.stop_reason or read.interrupted):
        header, rows = selection_table(selection, headers, list(read.tickets.values()), fields)
        write_table(path, header, rows)
    return SelectionSheet(path, len(read.tickets), read)


def job_options(options: RunOptions, sheet: Path) -> RunOptions:
    """The run's options, its input the selection's sheet."""
    return replace(options, input=sheet, sheet=None, header_row=None, encoding=None)


# --- the job ----------------------------------------------------------------------------------

class SelectionInterrupted(BatchUpdaterError):
    """Ctrl-C while the tickets were being read: nothing was sent."""

    exit_code = INTERRUPTED


def _selected(options: RunOptions, selection: Selection, env: Mapping[str, str], resume: bool,
              on_progress: Callable[[RunProgress], None] | None,
              on_warning: Callable[[str], None] | None) -> SelectionSheet:
    picked = select_to_sheet(options, selection, env, on_progress=on_progress, resume=resume)
    read = picked.read
    if read is not None:
        for warning in read.warnings:
            warn(warning, on_warning)
        if read.stop_reason:
            raise CredentialsRefused(f"reading the ticket list stopped: {read.stop_reason} (nothing was sent)")
        if read.interrupted:
            raise SelectionInterrupted("interrupted while reading the ticket list (nothing was sent)")
    return picked


def run_selection(options: RunOptions, selection: Selection, *, env: Mapping[str, str] | None = None,
                  confirm: Callable[[SelectionSheet], bool] | None = None,
                  on_progress: Callable[[RunProgress], None] | None = None,
                  on_warning: Callable[[str], None] | None = None) -> tuple[SelectionSheet, RunResult | None]:
    """Select the tickets, write their sheet and run it as a job (`options.input` is not used).
    `confirm` is asked with the selection before anything is sent (False: nothing is). Returns the
    selection and the run's result (None: no ticket matched, or not confirmed)."""
    env = os.environ if env is None else env
    options.check()
    if not options.dry_run:  # credentials to send with, before any ticket is read
        from batch_updater.run.prepare import send_settings
        from batch_updater.send.session import check_ready

        check_ready(send_settings(options, parse_rate(options.rate)), env)
    picked = _selected(options, selection, env, True, on_progress, on_warning)
    if picked.tickets == 0 or (confirm is not None and not confirm(picked)):
        return picked, None
    if not options.dry_run:
        remember(options, selection, env, picked.sheet, picked.tickets)
    result = run_job(job_options(options, picked.sheet), env=env, on_progress=on_progress, on_warning=on_warning)
    if not options.dry_run and result.exit_code not in (CredentialsRefused.exit_code, INTERRUPTED):
        forget(options, selection, env)  # ended: the next run selects afresh
    return picked, result


def plan_selection(options: RunOptions, selection: Selection, *, env: Mapping[str, str] | None = None,
                   on_progress: Callable[[RunProgress], None] | None = None,
                   on_warning: Callable[[str], None] | None = None) -> tuple[SelectionSheet, PlanResult | None]:
    """Select the tickets, write their sheet and plan it (None: no ticket matched)."""
    from batch_updater.run.plan import plan_job

    env = os.environ if env is None else env
    options.check()
    picked = _selected(options, selection, env, False, on_progress, on_warning)
    if picked.tickets == 0:
        return picked, None
    return picked, plan_job(job_options(options, picked.sheet), env=env, on_progress=on_progress,
                            on_warning=on_warning)
