"""Command line: parses arguments and prints; the library does the work."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from batch_updater.errors import BatchUpdaterError
from batch_updater.run import RunOptions, RunResult, run_job


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it is used (the sandbox pulls in aiohttp.web)."""

    lazy = {"sandbox": ("batch_updater.sandbox.cli", "sandbox_command")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="batch-updater")
def cli() -> None:
    """Apply a spreadsheet of helpdesk-ticket changes to Feishu / Lark."""


@cli.command()
@click.argument("input", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row offline and write the report; send nothing.")
@click.option("--sheet", metavar="NAME_OR_INDEX", help="Excel sheet by name, or by number (1 = first).")
@click.option("--encoding", help="Text encoding of a CSV/TSV (default: detect UTF-8, UTF-16, GBK/GB18030).")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Report file (.xlsx, .csv or .tsv). Default: reports/<input>-<time>.<input's kind>.")
def run(input: Path, dry_run: bool, sheet: str | None, encoding: str | None, report: Path | None) -> None:
    """Apply the changes in INPUT (.csv, .tsv, .xlsx, .xlsm) and write a report of every row."""
    options = RunOptions(input=input, dry_run=dry_run, sheet=sheet, encoding=encoding, report=report)
    result = _call(run_job, options)
    print_result(result, dry_run=dry_run)
    sys.exit(result.exit_code)


def _call(fn, *args):  # type: ignore[no-untyped-def]
    """Run a library call; a job-stopping error becomes one line and its exit code."""
    try:
        return fn(*args)
    except BatchUpdaterError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except OSError as e:
        click.echo(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)


def print_result(result: RunResult, *, dry_run: bool) -> None:
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    s = result.summary
    counts = ", ".join(f"{n} {name}" for name, n in sorted(s.by_result.items(), key=lambda kv: -kv[1]))
    click.echo(f"{'Dry run: ' if dry_run else ''}{s.rows} rows: {counts or 'none'}")
    if s.repeated_tickets:
        click.echo(f"{_count(s.repeated_tickets, 'ticket appears', 'tickets appear')} on more than one row "
                   f"({s.rows_on_repeated} rows): applied one after another, in file order")
    if s.common_errors:
        click.echo("Most common problems:")
        for text, n in s.common_errors:
            click.echo(f"  {n:>6} x {text}")
    if s.common_codes:
        click.echo("Most common answers:")
        for text, n in s.common_codes:
            click.echo(f"  {n:>6} x {text}")
    click.echo(f"Report: {result.report_path}")
    if result.retry_path:
        click.echo(f"Rows to fix and run again ({result.retry_rows}): {result.retry_path}")
    if dry_run:
        click.echo("Nothing was sent." if result.exit_code == 0 else
                   "Nothing was sent. Fix the invalid rows (see the report's msg column) and check again.")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"



def main() -> None:
    cli(prog_name="batch-updater")
