"""`batch-updater serve`: the console's server on this machine, with its access token, and (with
`--sandbox`) a standalone sandbox for the whole session, so that plan, run and undo see one
another's changes as they would on Feishu."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import webbrowser
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from aiohttp import web

from batch_updater.console.budget import ROWS, Budget
from batch_updater.console.security import ANY_ADDRESS, allowed_hosts, new_token
from batch_updater.console.targets import helpdesk_fields
from batch_updater.console.uploads import Upload
from batch_updater.console.web import make_app
from batch_updater.console.work import Console
from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.credentials import REFRESH_VARS, REQUIRED, api_origin, is_loopback
from batch_updater.i18n import tr
from batch_updater.paths import state_dir
from batch_updater.run.rows import SANDBOX_ID
from batch_updater.sandbox.cli import quiet_client_hangups

DEFAULT_PORT = 8765
DEFAULT_MAX_UPLOAD_MB = 50


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    sandbox: bool = False
    workdir: Path | None = None
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    max_rows: int = ROWS
    open_browser: bool = False
    sandbox_config: Any = None  # a SandboxConfig for --sandbox (tests give it rates of their own)
    session_days: float | None = None  # how long a browser stays let in (None: until the server stops)


def credentials_present(env: Mapping[str, str]) -> dict[str, bool]:
    """Which credentials are set (never their values) and what they allow."""
    has = {name: bool(env.get(name, "").strip()) for name in (*REQUIRED, *REFRESH_VARS)}
    app = has["FEISHU_APP_ID"] and has["FEISHU_APP_SECRET"]
    user = has["FEISHU_USER_ACCESS_TOKEN"] or (app and has["FEISHU_REFRESH_TOKEN"])
    helpdesk = has["FEISHU_HELPDESK_ID"] and has["FEISHU_HELPDESK_TOKEN"]
    return {"user_token": user, "helpdesk": helpdesk, "app": app, "refresh": app and has["FEISHU_REFRESH_TOKEN"],
            "can_run": user and helpdesk, "can_plan": user and helpdesk and app}


def server_info(env: Mapping[str, str], sandbox: bool) -> dict[str, Any]:
    try:
        api = api_origin(None, env)
    except Exception:  # noqa: BLE001 - a bad FEISHU_BASE_URL: the page says so, a run refuses it
        api = tr("(FEISHU_BASE_URL is not a valid address)")
    return {"api": api, "sandbox": sandbox, "credentials": credentials_present(env)}


def sandbox_env(credentials: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """The credentials of the console's sandbox, and its name: the same at every start of a
    console on this folder, whatever port the sandbox gets, so its jobs resume after a restart."""
    return {**credentials, SANDBOX_ID: f"console {workdir.resolve()}"}


@contextlib.asynccontextmanager
async def console_server(options: ServeOptions, env: Mapping[str, str],
                         say: Callable[[str], None] = print) -> AsyncIterator[tuple[str, Console]]:
    """The running console: its URL (with the access token) and its Console."""
    quiet_client_hangups()
    async with contextlib.AsyncExitStack() as stack:
        on_checked: Callable[[Upload], None] | None = None
        demo: dict[str, str] = {}
        workdir = options.workdir or state_dir(env) / "console"
        if options.sandbox:
            from batch_updater.sandbox import Sandbox, SandboxConfig
            from batch_updater.sandbox.cli import demo_links, load_ticket_ids

            config = options.sandbox_config or SandboxConfig(ticket_ids=load_ticket_ids(())[0])
            sandbox = await stack.enter_async_context(Sandbox(config))
            env = sandbox_env(sandbox.credentials, workdir)
            demo = demo_links(sandbox)  # a demo Base table and sheet, whose links the page offers
            loop = asyncio.get_running_loop()

            def on_checked(upload: Upload) -> None:  # on a worker thread: the sandbox lives in the loop's
                if upload.checked is not None:
                    loop.call_soon_threadsafe(sandbox.add_tickets, upload.checked.ticket_ids())

        console = Console(workdir, env, budget=Budget(rows=options.max_rows), sandbox=options.sandbox,
                          on_checked=on_checked)
        console.more_targets = helpdesk_fields(env)  # the mapping offers the helpdesk's custom fields by name
        token = new_token()
        hosts: set[str] = set()  # filled once the port is known (--port 0 picks one)
        app = make_app(console, token=token, hosts=hosts, max_upload=options.max_upload_mb * 2**20,
                       info={**server_info(env, options.sandbox), "demo_links": demo},
                       session_days=options.session_days)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, options.host, options.port)
        await site.start()
        port = runner.addresses[0][1]
        hosts.update(allowed_hosts(options.host, port))

        async def stop_runs() -> None:  # on a thread: the runs may still talk to the sandbox in this loop
            await asyncio.get_running_loop().run_in_executor(None, console.runs.stop_all)

        stack.push_async_callback(stop_runs)
        shown = "127.0.0.1" if options.host in ANY_ADDRESS else options.host
        url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/?token={token}"
        if not is_loopback(options.host):
            say(tr("warning: listening on {host}: anyone who can reach it and has the URL can run jobs with this "
                   "machine's credentials", host=options.host))
            others = sorted(h for h in hosts if not h.startswith(("127.", "localhost", "[::1]")))
            say(tr("  from another machine: {urls}", urls=", ".join(f"http://{h}/?token={token}" for h in others)))
        say(tr("batch-updater console: {url}", url=url))
        api = tr("a sandbox on this machine") if options.sandbox else server_info(env, False)["api"]
        say(tr("  API: {api}; files in {folder}; Ctrl-C stops it (and any run, as Ctrl-C stops a run)", api=api,
               folder=console.workdir))
        sys.stdout.flush()
        if options.open_browser:
            webbrowser.open(url)
        yield url, console


def serve(options: ServeOptions, env: Mapping[str, str]) -> None:
    """Until Ctrl-C, SIGTERM or SIGHUP (the terminal closed): then every run stops as with Ctrl-C
    and writes its report before the server ends."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        async with console_server(options, env) as (_, console):

            def signalled() -> None:
                if stop.is_set():  # pressed again: cut off the requests still in flight
                    console.runs.stop_all(wait=0.0)
                stop.set()

            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, signalled)
            await stop.wait()
            print(tr("stopping: runs stop as with Ctrl-C and write their reports (press Ctrl-C again to cut off "
                     "requests in flight)"), flush=True)

    asyncio.run(main())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Another than this machine's needs saying, and gets a warning.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Port; 0 picks a free one.")
@click.option("--sandbox", is_flag=True, help="Runs go to a built-in local emulator of the API, not Feishu.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False),
              help="Where uploads and reports go (default: the state folder's console/).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="A TOML job file: which environment variables hold the credentials.")
@click.option("--max-upload-mb", default=DEFAULT_MAX_UPLOAD_MB, show_default=True, type=click.IntRange(1, 2048),
              help="The largest file the page takes.")
@click.option("--max-rows", default=ROWS, show_default=True, type=click.IntRange(1, 10_000_000),
              help="The most rows a sheet may have on the page (larger ones: run them from the command line).")
@click.option("--session-days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="How long a browser stays let in after opening the printed address (default: until the server "
                   "stops).")
def serve_command(config_path: Path | None, **given: Any) -> None:
    """A web console on this machine: upload a sheet, check it, plan, run and download the results.

    It prints a URL with an access token; open it in a browser on this machine. Credentials come
    from this process's environment (FEISHU_*), as for `run`; the page shows which are set, never
    their values.
    """
    from batch_updater.jobs.config import credential_env, load_config

    env: Mapping[str, str] = dict(os.environ)
    if config_path is not None:
        try:
            env = credential_env(load_config(config_path), env)
        except BatchUpdaterError as e:
            raise click.ClickException(str(e)) from e
    try:
        serve(ServeOptions(**given), env)
    except OSError as e:  # the port is taken, the address is not this machine's
        raise click.ClickException(tr("cannot listen on {host}:{port}: {reason}", host=given["host"],
                                      port=given["port"], reason=e.strerror or e)) from e
