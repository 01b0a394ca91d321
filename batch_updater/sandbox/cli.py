"""`batch-updater sandbox`: placeholder until the sandbox lands."""

import click


@click.command()
def sandbox_command() -> None:
    """Run the local emulator of the Feishu helpdesk API (not built yet)."""
    raise click.ClickException("the sandbox is not built yet")
