"""Command line: parses arguments and prints; the library does the work."""

from __future__ import annotations

import click

from batch_updater.sandbox.cli import sandbox_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="batch-updater")
def cli() -> None:
    """Apply a spreadsheet of helpdesk-ticket changes to Feishu / Lark."""


cli.add_command(sandbox_command, "sandbox")


def main() -> None:
    cli(prog_name="batch-updater")
