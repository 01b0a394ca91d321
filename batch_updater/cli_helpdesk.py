"""The command line's helpdesk commands: `export`, and `run --select ... --set ...` (the
selection, written as a sheet beside the report, then run as any sheet). Parses and prints; the
library (batch_updater/helpdesk/) does the work."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from batch_updater.cli import _PATH, _Front, _warn
from batch_updater.helpdesk.export import ExportOptions, export_tickets
from batch_updater.helpdesk.filters import filters_from
from batch_updater.progress import ProgressDisplay
from batch_updater.sheet.read import ticket_ids_in


@click.command("export")
@click.option("-o", "--output", type=_PATH, required=True, metavar="FILE",
              help="The sheet to write: .xlsx, .csv or .tsv.")
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
def export_command(output: Path, ids_file: Path | None, base_url: str | None, sandbox: bool, refresh_fields: bool,
           timeout: float, **given: Any) -> None:
    """Write the tickets the filters select as a sheet to edit and run (needs FEISHU_APP_ID and
    FEISHU_APP_SECRET: the ticket list takes the app's tenant token).

    Columns: ticket_id, status, tag_names, solved, ticket_type, channel and each custom field by its
    display name, then context that is not sent. Run the sheet as it is and nothing changes; edit
    cells and exactly those change.
    """
    front = _Front()
    ids = front.call(ticket_ids_in, ids_file) if ids_file else ()
    if ids_file and not ids:
        front.fail(f"--ids {ids_file}: no ticket ids in it", 2)
    filters = front.call(filters_from, {k.replace("_", "-"): v for k, v in given.items() if v}, ids)
    options = ExportOptions(output, filters, base_url, sandbox, refresh_fields, timeout)
    with ProgressDisplay() as progress:
        result = front.call(export_tickets, options, env=dict(os.environ), on_progress=progress, on_warning=_warn)
    s = result.selected
    click.echo(f"Selected: {filters.describe()}")
    if result.path is not None:
        click.echo(f"Exported {result.tickets} tickets to {result.path} ({s.requests} requests to the list API in "
                   f"{result.elapsed:.1f} s)")
        click.echo("Edit the cells to change and run it (`batch-updater plan` first shows each change): the rows "
                   "you leave as they are send nothing.")
    if s.stop_reason:
        click.echo(f"error: stopped early: {s.stop_reason}; nothing was written", err=True)
    elif s.interrupted:
        click.echo("Interrupted: nothing was written.", err=True)
    sys.exit(result.exit_code)
