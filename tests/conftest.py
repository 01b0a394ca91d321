"""Shared fixtures. `sandbox` is a running local Feishu helpdesk API (batch_updater.sandbox).

    async def test_x(sandbox):                    # 10 tickets, 10/s, a ManualClock
        url = sandbox.ticket_url(next(iter(sandbox.tickets)))
        ...sandbox.user_headers(), sandbox.credentials, sandbox.stats()

    @pytest.mark.parametrize("sandbox_config", [SandboxConfig(rates=[(2, 1.0)])], indirect=True)
    async def test_y(sandbox): ...                # a config of your own (its clock: see below)

    async def test_z(make_sandbox):
        sb = await make_sandbox(rates=[(5, 1.0)])  # keyword arguments of SandboxConfig

Time only moves when a test says so (`sandbox_clock.advance(1.5)`), unless the test
passes a `clock=` of its own (e.g. `time.monotonic`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from batch_updater.sandbox import ManualClock, Sandbox, SandboxConfig


@pytest.fixture
def sandbox_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest, sandbox_clock: ManualClock) -> SandboxConfig:
    given: SandboxConfig = getattr(request, "param", SandboxConfig(n_tickets=10, seed=1))
    if given.clock is SandboxConfig().clock:  # the default real clock: use the manual one
        given = dataclasses.replace(given, clock=sandbox_clock)
    return given


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    async with Sandbox(sandbox_config) as sb:
        yield sb


@pytest.fixture
async def make_sandbox(sandbox_clock: ManualClock) -> AsyncIterator[Callable[..., Awaitable[Sandbox]]]:
    started: list[Sandbox] = []

    async def make(**config: Any) -> Sandbox:
        config.setdefault("clock", sandbox_clock)
        config.setdefault("n_tickets", 10)
        sb = await Sandbox(SandboxConfig(**config)).start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        await sb.close()


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """The command line, run in a fresh folder (relative paths land in tmp_path)."""
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture(autouse=True)
def _private_state_dir(tmp_path_factory, monkeypatch):
    """Journals, locks, token files and learned rates go to a fresh folder, never the user's."""
    monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    monkeypatch.delenv("FEISHU_TOKEN_FILE", raising=False)


@pytest.fixture
def cli_words():
    """The library's messages in the command line's words (`--retry-comments`, `pass --encoding
    NAME`), for the tests that check a message through a library call as the command line says it.
    Without it a library call names an option as RunOptions does (`retry_comments`): naming.py."""
    from batch_updater.naming import cli_flag, naming

    with naming(cli_flag):
        yield
