"""The command line's helpdesk commands: `export`, and `run --select ... --set ...` (the
selection, written as a sheet beside the report, then run as any sheet). Parses and prints; the
library (batch_updater/helpdesk/) does the work."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from batch_updater.cli import _Front, given_flags, lang_option, start_logging
from batch_updater.cli_print import _warn, print_result
from batch_updater.helpdesk.export import ExportOptions, export_tickets, ids_in
from batch_updater.helpdesk.filters import filters_from, parse_select
from batch_updater.helpdesk.select import Selection, SelectionSheet, parse_sets, plan_selection, run_selection
from batch_updater.i18n import tr
from batch_updater.jobs.config import JobConfig, credential_env, load_config, options_from
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import close_logging
from batch_updater.progress import ProgressDisplay
from batch_updater.sources.links import is_link


@click.command("export")
@lang_option
@click.option("-o", "--output", required=True, metavar="FILE|LINK",
              help="The sheet to write: .xlsx, .csv or .tsv, or an empty Feishu Base table's or sheet's link.")
@click.option("--status", multiple=True, metavar="STATUS",
              help="A status (code or label); repeat, or 1,2, for any of them.")
@click.option("--tag", multiple=True, metavar="TAG", help="A tag the tickets have; repeat: all of them.")
@click.option("--agent", metavar="ID", help="Tickets of this agent (user id).")
@click.option("--channel", metavar="N", help="Tickets from this channel.")
@click.option("--solved", metavar="1|2", help="1 / unresolved, or 2 / resolved.")
@click.option("--created-since", metavar="DATE", help="Created on or after (2026-11-01, or 2026-11-01 08:30).")
@click.option("--created-before", metavar="DATE", help="Created before.")
@click.option("--updated-since", metavar="DATE", help="Last updated on or after.")
@click.option("--updated-before", metavar="DATE", help="Last updated before.")
@click.option("--ids", "ids_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="FILE",
              help="Only the tickets of this sheet's ticket_id column.")
@click.option("--base-url", metavar="URL", help="API origin (default: $FEISHU_BASE_URL or https://open.feishu.cn).")
@click.option("--sandbox", is_flag=True, help="Read from a built-in local emulator of the API instead of Feishu.")
@click.option("--refresh-fields", is_flag=True, help="Read the helpdesk's custom field list again (kept for a day).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--overwrite", is_flag=True, help="Replace the -o file if it exists (without it, an existing file is "
              "refused: it may be an export you edited).")
def export_command(output: str, ids_file: Path | None, base_url: str | None, sandbox: bool, refresh_fields: bool,
           timeout: float, overwrite: bool, **given: Any) -> None:
    """Write the tickets the filters select as a sheet to edit and run (needs FEISHU_APP_ID and
    FEISHU_APP_SECRET: the ticket list takes the app's tenant token). -o takes a file, or the link of
    an empty Feishu Base table or sheet (the app added to it with permission to edit).

    Columns: ticket_id, status, tag_names, solved, ticket_type, channel and each custom field by its
    display name, then context that is not sent. Run the sheet as it is and nothing changes; edit
    cells and exactly those change.
    """
    front = _Front()
    ids = front.call(ids_in, ids_file) if ids_file else ()
    if ids_file and not ids:
        front.fail(tr("{option} {file}: no ticket ids in it", option="--ids", file=ids_file), 2)
    filters = front.call(filters_from, {k.replace("_", "-"): v for k, v in given.items() if v}, ids)
    options = ExportOptions(output if is_link(output) else Path(output), filters, base_url, sandbox, refresh_fields,
                            timeout, overwrite=overwrite)
    with ProgressDisplay() as progress:
        result = front.call(export_tickets, options, env=dict(os.environ), on_progress=progress, on_warning=_warn)
    s = result.selected
    click.echo(tr("Selected: {filters}", filters=filters.describe()))
    if result.written_to is not None:
        link = result.link
        written = (tr("{written} of {tickets}", written=link.rows, tickets=result.tickets)
                   if link and link.rows != result.tickets else f"{result.tickets}")
        asked = tr("{n} request", n=s.requests) if s.requests == 1 else tr("{n} requests", n=s.requests)
        click.echo(tr("Exported {written} tickets to {target} ({requests} to the list API in {seconds} s)",
                      written=written, target=result.written_to, requests=asked, seconds=f"{result.elapsed:.1f}"))
        if result.link is not None and result.link.problem:
            click.echo(tr("error: {text}", text=result.link.problem), err=True)
        else:
            click.echo(tr("Edit the cells to change and run it ({command} first shows each change): the rows you "
                          "leave as they are send nothing.", command="`batch-updater plan`")
                       + (f"\n  batch-updater plan '{output}'" if result.link else ""))
    if s.stop_reason:
        click.echo(tr("error: stopped early: {reason}; nothing was written", reason=s.stop_reason), err=True)
    elif s.interrupted:
        click.echo(tr("Interrupted: nothing was written."), err=True)
    sys.exit(result.exit_code)


def _selection(front: _Front, config: JobConfig | None, select: str | None, sets: tuple[str, ...],
               comment: str | None) -> Selection:
    """The filters and the change: the flags, else the job file's [select] and [set]."""
    if select is not None:
        filters, written = front.call(parse_select, select), select
    elif config is not None and config.select:
        filters, written = front.call(filters_from, config.select), json.dumps(config.select, sort_keys=True)
    else:
        front.fail(tr("{set} and {comment} go with {select} FILTERS (the tickets to change), or a job file's [select]",
                      set="--set", comment="--comment", select="--select"), 2)
    given = dict(config.sets) if config is not None and not sets else {}
    changes = front.call(parse_sets, list(sets)) if sets else {k: str(v) for k, v in given.items()}
    if comment is None and "comment" in changes:
        comment = changes.pop("comment")
    changes.pop("comment", None)
    return Selection(filters, changes, comment, written, from_job_file=not sets and bool(given))


def _job(front: _Front, config_path: Path | None, flags: dict[str, Any]) -> tuple[JobConfig | None, RunOptions]:
    if flags.get("input") is not None:
        front.fail(tr("give INPUT or {select}, not both", select="--select"), 2)
    config = front.call(load_config, config_path) if config_path else None
    if config is not None and config.input is not None:
        front.fail(tr("job file {file}: `input` and [select] do not go together", file=config_path), 2)
    return config, front.call(options_from, config, **{**given_flags(flags), "input": Path("selection")})


def _ask(yes: bool, selection: Selection) -> Any:
    def confirm(picked: SelectionSheet) -> bool:
        click.echo(tr("Selected {n} tickets ({filters}); their sheet: {sheet}", n=picked.tickets,
                      filters=selection.filters.describe(), sheet=picked.sheet))
        if yes:
            return True
        try:
            return click.confirm(tr("Apply {change} to these {n} tickets?", change=selection.describe(),
                                    n=picked.tickets), default=False)
        except click.Abort:
            return False

    return confirm


def run_select(config_path: Path | None, log_format: str | None, log_file: Path | None, select: str | None,
               sets: tuple[str, ...], comment: str | None, yes: bool, flags: dict[str, Any]) -> NoReturn:
    """`run --select FILTERS --set FIELD=VALUE ...` (or a job file's [select] and [set])."""
    front = _Front()
    config, options = _job(front, config_path, flags)
    selection = _selection(front, config, select, sets, comment)
    env = credential_env(config, os.environ) if config else dict(os.environ)
    handler = start_logging(front, config, env, log_format, log_file)
    try:
        with ProgressDisplay(quiet=front.json_stderr) as progress:
            picked, result = front.call(run_selection, options, selection, env=env, confirm=_ask(yes, selection),
                                        on_progress=progress, on_warning=None if front.json_stderr else _warn)
    finally:
        close_logging(handler)
    if picked.read is None:
        click.echo(tr("Resumed the selection an earlier run left unfinished: {n} tickets, {sheet} ({option} selects "
                      "again)", n=picked.tickets, sheet=picked.sheet, option="--fresh"))
    if result is None:
        if picked.tickets == 0:
            click.echo(tr("No ticket matches {filters}: nothing to do.", filters=selection.filters.describe()))
            sys.exit(0)
        click.echo(tr("Not confirmed: nothing was sent ({option} applies it without asking).", option="--yes"),
                   err=True)
        sys.exit(2)
    print_result(result, dry_run=options.dry_run)
    sys.exit(result.exit_code)


def plan_select(front: _Front, config_path: Path | None, select: str | None, sets: tuple[str, ...],
                comment: str | None, flags: dict[str, Any]) -> Any:
    """`plan --select FILTERS --set FIELD=VALUE ...`: the plan's result (exits when none matched)."""
    config, options = _job(front, config_path, flags)
    selection = _selection(front, config, select, sets, comment)
    env = credential_env(config, os.environ) if config else dict(os.environ)
    with ProgressDisplay() as progress:
        picked, result = front.call(plan_selection, options, selection, env=env, on_progress=progress,
                                    on_warning=_warn)
    click.echo(tr("Selected {n} tickets ({filters}); their sheet: {sheet}", n=picked.tickets,
                  filters=selection.filters.describe(), sheet=picked.sheet))
    if result is None:
        click.echo(tr("No ticket matches {filters}: nothing to plan.", filters=selection.filters.describe()))
        sys.exit(0)
    return result
