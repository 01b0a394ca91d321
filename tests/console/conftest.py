"""A console server on 127.0.0.1 for each test (with its own sandbox), and one headless Chromium for
the browser tests: Debian's `chromium` package, driven by Playwright (whose own browser download
is never used). Without Chromium the browser tests skip, saying how to get it."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import pytest

from batch_updater.console.serve import ServeOptions, console_server
from batch_updater.sandbox import SandboxConfig

IDS = [str(7100000000000000001 + i * 7919) for i in range(40)]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).parent.parent.parent / "docs" / "console"


class RunningConsole:
    def __init__(self, workdir: Path, rates: list[tuple[int, float]]) -> None:
        self.options = ServeOptions(port=0, sandbox=True, workdir=workdir,
                                    sandbox_config=SandboxConfig(ticket_ids=IDS, rates=rates, get_rates=[(100, 1.0)]))
        self.loop = asyncio.new_event_loop()
        self.ready, self.url, self.console = threading.Event(), "", None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self.loop.run_until_complete, args=(self._serve(),), daemon=True)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with console_server(self.options, {}, say=lambda line: None) as (url, console):
            self.url, self.console = url, console
            self.ready.set()
            await self._stop.wait()

    def __enter__(self) -> RunningConsole:
        self._thread.start()
        assert self.ready.wait(20), "the console did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)
        self.loop.close()

    @property
    def origin(self) -> str:
        return self.url.split("/?")[0]


@pytest.fixture
def console_at(tmp_path):
    started: list[RunningConsole] = []

    def start(rates=((1000, 1.0),)) -> RunningConsole:
        running = RunningConsole(tmp_path / "work", list(rates)).__enter__()
        started.append(running)
        return running

    yield start
    for running in started:
        running.__exit__()


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")  # not longer: Playwright's loop must be gone before the asyncio tests run
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: install it (Debian: apt-get install chromium), or set CHROMIUM=/path/to/it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="no Playwright: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: docs/console/ with UPDATE_SCREENSHOTS=1 (for the README), else a tmp folder."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, console_at):
    """A console with its own sandbox, and a tab on it: `page(rates, locale=..., width=...)`."""
    from tests.console.browsing import open_page

    def open_one(rates=((1000, 1.0),), **options):
        running = console_at(rates)
        return running, open_page(browser, running, **options)

    return open_one
