"""Sending a run's valid rows: the client, the pacer, the sender, signals, the sandbox.

The async half of `run_job`; it knows nothing of spreadsheets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from batch_updater.errors import BatchUpdaterError, UsageError
from batch_updater.feishu.client import HelpdeskClient
from batch_updater.feishu.credentials import Credentials, api_origin
from batch_updater.feishu.tokens import TenantToken, UserTokens
from batch_updater.model import Outcome, TicketUpdate
from batch_updater.paths import atomic_path, private_dir, state_dir
from batch_updater.send.limiter import Pacer
from batch_updater.send.pacing import PaceController, RateSetting
from batch_updater.send.pool import Progress, RowJournal, Sender, SendOptions, SendStats


@dataclass
class SendSettings:
    rate: RateSetting
    send: SendOptions
    timeout: float = 30.0
    base_url: str | None = None
    sandbox: bool = False
    state_dir: Path | None = None  # where a learned rate is kept between runs
    control: RunControl | None = None  # a stop button from another thread (the web console)


@dataclass
class SendReport:
    outcomes: dict[int, Outcome]
    stats: SendStats
    final_rate: float
    start_rate: float
    limit_found: bool  # this run met the throttle and estimated the API's limit from it
    throttles: int
    pauses: int
    stop_reason: str | None
    stop_error: BatchUpdaterError | None  # a stop raised by the tool itself (a dead refresh token)
    interrupted: bool
    base_url: str
    rate_history: list[tuple[float, float]]

    @property
    def elapsed(self) -> float:
        """Seconds spent sending."""
        return max(self.stats.finished - self.stats.started, 1e-9)

    @property
    def achieved_rate(self) -> float | None:
        """Answers that passed the throttle per second, counted between the first and the last of
        them (n answers, n - 1 gaps: a count over the whole send would put a short run above the
        rate it was held to); None under two."""
        times = self.stats.accepted_times
        if len(times) < 2 or times[-1] <= times[0]:
            return None
        return (len(times) - 1) / (times[-1] - times[0])


def state_path(settings: SendSettings, env: Mapping[str, str]) -> Path:
    return (settings.state_dir or state_dir(env)) / "pacing.json"


def _learned_key(base_url: str, credentials: Credentials) -> str:
    return f"{base_url} helpdesk {credentials.helpdesk_id}"


def load_learned(path: Path, key: str) -> float | None:
    try:
        value = json.loads(path.read_text()).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) and value > 0 else None


def save_learned(path: Path, key: str, rate: float) -> None:
    with contextlib.suppress(OSError, ValueError):
        private_dir(path.parent)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        data[key] = round(rate, 3)
        with atomic_path(path) as tmp:  # a name of its own: two jobs at once never share a temporary file
            tmp.write_text(json.dumps(data, indent=1))


@dataclass
class Endpoint:
    """The API a run talks to: its base URL, credentials and one client (one session)."""

    base_url: str
    credentials: Credentials
    client: HelpdeskClient
    sandbox: bool


@contextlib.asynccontextmanager
async def open_endpoint(settings: SendSettings, env: Mapping[str, str]) -> AsyncIterator[Endpoint]:
    """The API at `settings.base_url` (or $FEISHU_BASE_URL, or Feishu's), in one keep-alive session."""
    async with contextlib.AsyncExitStack() as stack:
        base_url = api_origin(settings.base_url, env)
        credentials = Credentials.from_env(env)
        connector = aiohttp.TCPConnector(limit=settings.send.concurrency, limit_per_host=settings.send.concurrency)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))
        tokens = None if settings.sandbox else UserTokens.from_env(env, session, base_url)
        tenant = TenantToken.from_env(env, session, base_url)
        client = HelpdeskClient(session, base_url, credentials, timeout=settings.timeout, tokens=tokens,
                                tenant=tenant)
        yield Endpoint(base_url, credentials, client, settings.sandbox)


def check_ready(settings: SendSettings, env: Mapping[str, str], *, reading: bool = False) -> None:
    """Refuse bad credentials or base URL before anything is read or sent (exit 2)."""
    if not settings.sandbox:
        api_origin(settings.base_url, env)
        Credentials.from_env(env)
        if reading and not (env.get("FEISHU_APP_ID", "").strip() and env.get("FEISHU_APP_SECRET", "").strip()):
            raise UsageError("reading tickets needs a tenant access token: set FEISHU_APP_ID and "
                             "FEISHU_APP_SECRET (the app's credentials), or try it with --sandbox")


async def send_on(endpoint: Endpoint, specs: Sequence[tuple[int, TicketUpdate]], settings: SendSettings,
                  env: Mapping[str, str], *, on_progress: Callable[[Progress], None] | None = None,
                  journal: RowJournal | None = None) -> SendReport:
    """Send `specs` through an open endpoint, under `settings.rate` (learned from earlier runs)."""
    learned_at = None if endpoint.sandbox else state_path(settings, env)
    key = _learned_key(endpoint.base_url, endpoint.credentials)
    learned = load_learned(learned_at, key) if settings.rate.auto and learned_at is not None else None
    controller = PaceController.for_setting(settings.rate, learned, asyncio.get_running_loop().time())
    start_rate = controller.rate
    sender = Sender(endpoint.client, Pacer(controller), settings.send, on_progress=on_progress, journal=journal)
    with _signals(sender, settings.control):
        outcomes = await sender.send_all(specs)
    if learned_at is not None and settings.rate.auto and controller.found:  # learned from throttles only
        save_learned(learned_at, key, controller.rate)
    return SendReport(
        outcomes=outcomes, stats=sender.stats, final_rate=controller.rate, start_rate=start_rate,
        limit_found=controller.found, throttles=controller.throttles, pauses=controller.pauses,
        stop_reason=sender.stop_reason, stop_error=sender.stop_error, interrupted=sender.interrupted,
        base_url=endpoint.base_url, rate_history=list(controller.history),
    )


@dataclass
class ReadReport:
    """Tickets read: their `data.ticket` by ticket id, and an outcome for each one read."""

    tickets: dict[str, Any]
    outcomes: dict[str, Outcome]
    stop_reason: str | None
    stop_error: BatchUpdaterError | None
    interrupted: bool


READ_RATE = RateSetting(10.0, "10/s")  # GET ticket's documented limit (docs/api-facts.md §1.3)


async def read_on(endpoint: Endpoint, rows: Sequence[TicketUpdate], settings: SendSettings, *,
                  on_progress: Callable[[Progress], None] | None = None) -> ReadReport:
    """GET the ticket of each row once (a failure is logged with the ticket's first row), through
    the same pacing, retries and early stop as sending."""
    first_row: dict[str, int] = {}
    for row in rows:
        first_row.setdefault(row.ticket_id, row.row)
    unique = list(first_row)
    specs = [(i, TicketUpdate(first_row[tid], tid, {})) for i, tid in enumerate(unique)]
    controller = PaceController.for_setting(READ_RATE, None, asyncio.get_running_loop().time())
    reader = Sender(endpoint.client, Pacer(controller), settings.send, on_progress=on_progress,
                    operation=lambda spec: endpoint.client.get_ticket(spec.ticket_id), reading=True)
    with _signals(reader, settings.control):
        outcomes = await reader.send_all(specs)
    tickets = {unique[i]: (data or {}).get("ticket") for i, data in reader.fetched.items()
               if isinstance(data, dict) and isinstance(data.get("ticket"), dict)}
    return ReadReport(tickets, {unique[i]: o for i, o in outcomes.items()}, reader.stop_reason, reader.stop_error,
                      reader.interrupted)


class RunControl:
    """A Stop button for a run on another thread: `stop()` does what Ctrl-C does to the part of
    the run going on (reading, sending, reading back), and to any part that starts after it:
    requests in flight end, the rest are not sent. Pressed again, it cuts them off."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._senders: list[tuple[asyncio.AbstractEventLoop, Sender]] = []
        self.presses = 0

    @property
    def stopped(self) -> bool:
        return self.presses > 0

    def stop(self) -> None:
        with self._lock:
            self.presses += 1
            for loop, sender in self._senders:
                loop.call_soon_threadsafe(sender.interrupt)

    @contextlib.contextmanager
    def watching(self, sender: Sender) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        with self._lock:
            self._senders.append((loop, sender))
            for _ in range(min(self.presses, 2)):  # pressed before this part started
                sender.interrupt()
        try:
            yield
        finally:
            with self._lock:
                self._senders.remove((loop, sender))


@contextlib.contextmanager
def _signals(sender: Sender, control: RunControl | None = None) -> Iterator[None]:
    """Ctrl-C / SIGTERM (or `control.stop()`): stop sending and let requests in flight end; a
    second one cuts them off."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, sender.interrupt)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        with control.watching(sender) if control is not None else contextlib.nullcontext():
            yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
