"""`batch-updater sandbox`: run the emulator in the foreground; prints how to use it first."""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from pathlib import Path

import click

from batch_updater.errors import BatchUpdaterError
from batch_updater.sandbox.config import Faults, Rate, SandboxConfig, parse_window
from batch_updater.sandbox.docs import demo_docs, demo_export_targets
from batch_updater.sandbox.server import Sandbox
from batch_updater.sandbox.state import ticket_ids_from

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_FILES = ("tickets.csv", "tickets.xlsx", "tickets-gbk.csv")


def _rates(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[Rate, ...]:
    try:
        return tuple(parse_window(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def load_ticket_ids(files: tuple[str, ...]) -> tuple[list[str] | None, str]:
    """The ids of `--tickets` files, else of the sample files; None: generate them."""
    paths = list(files) or [str(SAMPLE_DIR / n) for n in SAMPLE_FILES if (SAMPLE_DIR / n).exists()]
    if not paths:
        return None, "no sample files found"
    try:
        ids = ticket_ids_from(paths)
    except (BatchUpdaterError, OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read ticket ids: {exc}") from exc
    return ids, ", ".join(Path(p).name for p in paths)


def export_lines(credentials: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in credentials.items()]


def demo_links(sb: Sandbox) -> dict[str, str]:
    """A demo Base table and a demo spreadsheet of the sample sheet's rows (their tickets made to
    exist), for `batch-updater run LINK`; their links by name (none without the sample sheet)."""
    sample = SAMPLE_DIR / "tickets.csv"
    if not sample.is_file():
        return {}
    links = demo_docs(sb.core.docs, sample)
    sb.add_tickets(ticket_ids_from([str(sample)]))
    return links


def _describe(rates: tuple[Rate, ...]) -> str:
    return " & ".join(f"{n}/{'s' if p == 1.0 else 'min' if p == 60.0 else f'{p:g}s'}" for n, p in rates)


class _ClientGone(logging.Filter):
    """A client that hangs up mid-answer (a timeout, a dropped connection the faults asked for) is
    the sandbox's daily bread, not an error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionError))


def quiet_client_hangups() -> None:
    """No traceback in this server's log for a client that hung up (the sandbox, the console)."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, _ClientGone) for f in server_log.filters):
        server_log.addFilter(_ClientGone())


async def serve(config: SandboxConfig, source: str, ready: asyncio.Event | None = None, *, demo: bool = True) -> None:
    """`demo`: also a demo Base table and sheet of the sample rows, whose tickets it adds (not when
    the tickets were given: they would be tickets the caller did not ask for)."""
    quiet_client_hangups()
    async with Sandbox(config) as sb:
        print(f"# batch-updater sandbox on {sb.base_url}: {len(sb.tickets)} tickets ({source}), "
              f"PUT {_describe(tuple(config.rates))}, GET {_describe(tuple(config.get_rates))}, "
              f"list {_describe(tuple(config.list_rates))}")
        print(f"# stats: curl {sb.base_url}/_sandbox/stats   reset: curl -X POST "
              f"{sb.base_url}/_sandbox/reset   Ctrl-C stops")
        for line in export_lines(sb.credentials):
            print(line)
        # the export targets are empty (no ticket of their own): `export -o LINK` writes into them
        links = {**(demo_links(sb) if demo else {}), **demo_export_targets(sb.core.docs)}
        for name, link in links.items():
            print(f"# demo {name}: {link}")
        sys.stdout.flush()
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535),
              help="Port; 0 picks a free one.")
@click.option("--rate", "rates", multiple=True, default=("10/s",), show_default=True, callback=_rates,
              help="PUT throttle window, N/s or N/min (N alone: per second); repeat for several.")
@click.option("--get-rate", "get_rates", multiple=True, default=("10/s",), show_default=True,
              callback=_rates, help="GET ticket throttle window, like --rate.")
@click.option("--list-rate", "list_rates", multiple=True, default=("1000/min", "50/s"), show_default=True,
              callback=_rates, help="The ticket list's throttle windows, like --rate.")
@click.option("--tickets", "ticket_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Spreadsheet whose ticket_id column gives the tickets (default: sample_data/*).")
@click.option("--generate", "n_tickets", default=100, show_default=True, type=click.IntRange(0),
              help="Number of generated ticket ids when no spreadsheet gives them.")
@click.option("--forbidden", multiple=True, metavar="ID", help="A ticket the helpdesk may not touch (403).")
@click.option("--closed-by-user", multiple=True, metavar="ID", help="A ticket that starts at status 52.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seeds ids, credentials and faults.")
@click.option("--latency-ms", default=0.0, show_default=True, type=click.FloatRange(0),
              help="Latency added to each request (the low end with --latency-max-ms).")
@click.option("--latency-max-ms", default=None, type=click.FloatRange(0),
              help="Latency drawn uniformly between --latency-ms and this.")
@click.option("--error-rate", default=0.0, type=click.FloatRange(0, 1), help="Share of PUTs answering 500/155000.")
@click.option("--bad-gateway-rate", default=0.0, type=click.FloatRange(0, 1), help="Share of HTML 502s.")
@click.option("--drop-before-apply", default=0.0, type=click.FloatRange(0, 1),
              help="Share of PUTs dropped without an answer, not applied.")
@click.option("--drop-after-apply", default=0.0, type=click.FloatRange(0, 1),
              help="Share of PUTs applied, then dropped without an answer.")
@click.option("--slow-rate", default=0.0, type=click.FloatRange(0, 1), help="Share of PUTs answered late.")
@click.option("--slow-s", default=0.0, type=click.FloatRange(0), help="How late a slow answer is (s).")
@click.option("--scope-missing", is_flag=True, help="Answer 99991672: the app lacks helpdesk:all.")
@click.option("--monthly-quota", default=None, type=click.IntRange(0),
              help="Authenticated calls allowed before 99991403.")
@click.option("--token-ttl", default=7200.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="User access token lifetime, seconds.")
@click.option("--token-max-requests", default=None, type=click.IntRange(1),
              help="Requests a user access token authenticates before it is expired.")
@click.option("--clock-offset", default=0.0, show_default=True, type=float, metavar="S",
              help="Seconds the API's clock is ahead of this machine's (negative: behind): comments' "
                   "created_at and the Date header.")
def sandbox_command(host: str, port: int, rates: tuple[Rate, ...], get_rates: tuple[Rate, ...],
                    list_rates: tuple[Rate, ...],
                    ticket_files: tuple[str, ...], n_tickets: int, forbidden: tuple[str, ...],
                    closed_by_user: tuple[str, ...], seed: int, latency_ms: float,
                    latency_max_ms: float | None, error_rate: float, bad_gateway_rate: float,
                    drop_before_apply: float, drop_after_apply: float, slow_rate: float, slow_s: float,
                    scope_missing: bool, monthly_quota: int | None, token_ttl: float,
                    token_max_requests: int | None, clock_offset: float) -> None:
    """Run a local emulator of the Feishu helpdesk API in the foreground.

    It first prints the base URL and the credentials as `export` lines: paste
    them into the shell that runs the client. Ctrl-C stops it.
    """
    ticket_ids, source = load_ticket_ids(ticket_files)
    try:
        faults = Faults(latency_ms=latency_ms, latency_max_ms=latency_max_ms, error_rate=error_rate,
                        bad_gateway_rate=bad_gateway_rate, drop_before_apply_rate=drop_before_apply,
                        drop_after_apply_rate=drop_after_apply, slow_rate=slow_rate, slow_s=slow_s,
                        scope_missing=scope_missing, monthly_quota=monthly_quota)
        config = SandboxConfig(
            seed=seed, ticket_ids=ticket_ids, n_tickets=n_tickets, forbidden=frozenset(forbidden),
            closed_by_user=frozenset(closed_by_user), rates=rates, get_rates=get_rates, list_rates=list_rates,
            user_token_ttl_s=token_ttl, user_token_max_requests=token_max_requests, faults=faults,
            clock_offset_s=clock_offset, host=host, port=port)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if ticket_ids is None:
        source = f"generated: {source}"
    try:
        asyncio.run(serve(config, source, demo=not ticket_files))
    except KeyboardInterrupt:
        click.echo("# sandbox stopped", err=True)
    except OSError as exc:  # port in use, address not available
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
