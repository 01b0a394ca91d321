"""Helpers for the end-to-end send tests: the real Sender, Pacer and HelpdeskClient over
aiohttp, pointed at a `Sandbox` on 127.0.0.1 in the same event loop.

    async with Sandbox(SandboxConfig(rates=[(20, 1.0)], clock=time.monotonic)) as sb:
        run = await send_rows(sb, updates(sb, 60), rate="20/s")
        assert run.results() == {"ok": 60}
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from batch_updater.control import Progress
from batch_updater.feishu.client import HelpdeskClient
from batch_updater.feishu.credentials import Credentials
from batch_updater.model import Outcome, TicketUpdate
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.send.limiter import Pacer
from batch_updater.send.pacing import PaceController, parse_rate
from batch_updater.send.pool import RowJournal, Sender, SendOptions

Spec = tuple[int, TicketUpdate]
T = TypeVar("T")


def updates(sb: Sandbox, n: int, *, comment: bool = False, tickets: Sequence[str] | None = None) -> list[Spec]:
    """`n` valid rows over the sandbox's tickets (round robin), each a distinct body."""
    ids = list(tickets if tickets is not None else sb.tickets)
    specs = []
    for i in range(n):
        body: dict[str, Any] = {"tag_names": [f"row-{i}"]}
        if comment:
            body["comment"] = f"comment of row {i}"
        specs.append((i, TicketUpdate(row=i + 2, ticket_id=ids[i % len(ids)], body=body)))
    return specs


async def no_backoff(seconds: float) -> None:
    """The retry policy's sleep, made instant (the backoff itself is unit-tested)."""
    await asyncio.sleep(0)


@dataclass
class SendRun:
    outcomes: dict[int, Outcome]
    sender: Sender
    controller: PaceController
    progress: list[Progress] = field(default_factory=list)
    backoffs: list[float] = field(default_factory=list)

    def results(self) -> dict[str, int]:
        return dict(Counter(o.result.value for o in self.outcomes.values()))

    @property
    def wall(self) -> float:
        return self.sender.stats.finished - self.sender.stats.started


async def send_rows(sb: Sandbox, specs: Sequence[Spec], *, rate: str = "1000/s", start: float | None = None,
                    concurrency: int = 8,
                    max_attempts: int = 5, retry_comments: bool = False, timeout: float = 30.0,
                    env: Mapping[str, str] | None = None, credentials: Credentials | None = None,
                    backoff: bool = False,
                    on_progress: Callable[[Sender, Progress], None] | None = None,
                    interrupt_grace: float = 30.0, on_start: Callable[[Sender], None] | None = None,
                    sleep: Callable[[float], Awaitable[Any]] | None = None,
                    journal: RowJournal | None = None, progress_every: float = 0.0) -> SendRun:
    """Send `specs` with the real client, as send/session.py's `make_sender` puts it together, but to
    `sb` in this loop.

    `start` is an auto run's starting rate (one learned by an earlier run); `on_start`
    gets the Sender before it sends; `journal` gets its write-ahead marks. `env` overrides the
    sandbox's credentials (FEISHU_* names); `credentials` replaces
    them (to send what `Credentials.from_env` would refuse). Backoff waits are
    recorded and skipped unless `backoff` is true. Progress is reported for every row unless
    `progress_every` says otherwise.
    """
    setting = parse_rate(rate)
    controller = PaceController.for_setting(setting, start, asyncio.get_running_loop().time())
    pacer = Pacer(controller, max_in_flight=concurrency)
    credentials = credentials or Credentials.from_env({**sb.credentials, **(env or {})})
    progress: list[Progress] = []
    backoffs: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        backoffs.append(seconds)
        await (asyncio.sleep(seconds) if backoff else no_backoff(seconds))

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = HelpdeskClient(session, sb.base_url, credentials, timeout=timeout)
        sender: Sender

        def seen(update: Progress) -> None:
            progress.append(update)
            if on_progress:
                on_progress(sender, update)

        sender = Sender(client, pacer, SendOptions(concurrency, max_attempts, retry_comments, interrupt_grace,
                                                 progress_every),
                        sleep=sleep or recorded_sleep, rng=random.Random(7), on_progress=seen, journal=journal)
        if on_start:
            on_start(sender)
        outcomes = await sender.send_all(specs)
    return SendRun(outcomes, sender, controller, progress, backoffs)


def applied_bodies(sb: Sandbox, ticket_id: str) -> list[dict[str, Any]]:
    """The bodies the sandbox applied to a ticket, in the order it applied them."""
    return [update.body for update in sb.tickets[ticket_id].history]


def assert_each_row_accounted(run: SendRun, specs: Sequence[Spec], sb: Sandbox) -> None:
    """One outcome per row, and every `ok` row's body really applied to its ticket."""
    assert sorted(run.outcomes) == sorted(index for index, _ in specs)
    for index, spec in specs:
        if run.outcomes[index].result.value == "ok":
            assert spec.body in applied_bodies(sb, spec.ticket_id), (index, spec)


class ThreadSandbox:
    """A Sandbox on its own event loop in a thread, for code that runs its own loop
    (`run_job`, the CLI, a subprocess)::

        with ThreadSandbox(SandboxConfig(...)) as ts:
            run_job(..., env=ts.env())
            ts.call(lambda sb: sb.stats())
    """

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="sandbox", daemon=True)
        self.sb: Sandbox | None = None

    def __enter__(self) -> ThreadSandbox:
        self._thread.start()
        self.sb = asyncio.run_coroutine_threadsafe(Sandbox(self.config).start(), self.loop).result(10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.sb is not None
        asyncio.run_coroutine_threadsafe(self.sb.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def call(self, fn: Callable[[Sandbox], T]) -> T:
        """`fn(sandbox)` run on the sandbox's loop (its state is not thread-safe)."""
        async def run() -> T:
            assert self.sb is not None
            return fn(self.sb)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def stats(self) -> dict[str, Any]:
        return self.call(lambda sb: sb.stats())

    def env(self, **overrides: str) -> dict[str, str]:
        """The FEISHU_* variables a client needs for this sandbox, FEISHU_BASE_URL included."""
        return {**self.call(lambda sb: sb.credentials), **overrides}
