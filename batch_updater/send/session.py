"""One session with the API a run talks to (its endpoint, endpoint.py), and the passes over the
rows in it: sending them, reading their tickets; the learned rate.

The async half of `run_job`; it knows nothing of spreadsheets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from batch_updater.control import Interruptible, RunControl, RunProgress
from batch_updater.errors import BatchUpdaterError, UsageError
from batch_updater.feishu.client import HelpdeskClient
from batch_updater.feishu.credentials import Credentials, api_identity, api_origin
from batch_updater.feishu.tokens import TenantToken, TokenFile, UserTokens, fingerprint
from batch_updater.i18n import tr
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.naming import option
from batch_updater.paths import atomic_path, private_dir, state_dir
from batch_updater.send.endpoint import Endpoint, feishu_endpoint
from batch_updater.send.limiter import Pacer
from batch_updater.send.pacing import PaceController, RateSetting
from batch_updater.send.pool import Operation, Read, RowJournal, Sender, SendOptions
from batch_updater.send.shared import Budget, LimiterSpec, SharedPacer, budget_key
from batch_updater.send.tally import SendStats


@dataclass
class SendSettings:
    rate: RateSetting
    send: SendOptions
    timeout: float = 30.0
    endpoint: Endpoint = field(default_factory=feishu_endpoint)  # the API: Feishu's, or another
    state_dir: Path | None = None  # where a learned rate is kept between runs
    control: RunControl | None = None  # a stop button from another thread (the web console)
    # where the rate budget is kept: a run's settings (run/prepare.py) always say it (--limiter, else the state
    # folder); settings built directly (a field list's one read, tests on a virtual clock) pace alone
    limiter: LimiterSpec = field(default_factory=lambda: LimiterSpec("none"))


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
class Session:
    """An endpoint, open: its base URL, credentials and one client (one keep-alive session)."""

    endpoint: Endpoint
    base_url: str
    credentials: Credentials
    client: HelpdeskClient
    budget: Budget | None = None  # the rate budget shared with other processes (None: this process's alone)


@contextlib.asynccontextmanager
async def open_endpoint(settings: SendSettings, env: Mapping[str, str],
                        ticket_ids: Sequence[str] = ()) -> AsyncIterator[Session]:
    """`settings.endpoint` (one that serves itself knows `ticket_ids`), in one keep-alive session."""
    endpoint = settings.endpoint
    async with contextlib.AsyncExitStack() as stack:
        base, env = await stack.enter_async_context(endpoint.serving(ticket_ids, env))
        base_url = api_origin(base, env)
        credentials = Credentials.from_env(env)
        connector = aiohttp.TCPConnector(limit=settings.send.concurrency, limit_per_host=settings.send.concurrency)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))
        budget = None
        if endpoint.shares_budget:
            budget = await Budget.open(settings.limiter, budget_key(base_url, credentials.helpdesk_id, env), env)
            if budget is not None:
                stack.push_async_callback(budget.close)
        tokens = UserTokens.from_env(env, session, base_url, **shared_token_file(budget, base_url, env)) \
            if endpoint.refreshes_user_token else None
        tenant = TenantToken.from_env(env, session, base_url)
        client = HelpdeskClient(session, base_url, credentials, timeout=settings.timeout, tokens=tokens,
                                tenant=tenant)
        yield Session(endpoint, base_url, credentials, client, budget)


def shared_token_file(budget: Budget | None, base_url: str, env: Mapping[str, str]) -> dict[str, Any]:
    """With a Redis limiter that asks a password or is reached over TLS: the token file shared
    through it too (send/shared_tokens.py), so that processes on several machines refresh one at
    a time; otherwise nothing (this machine's token file, as UserTokens makes it)."""
    app_id, refresh = env.get("FEISHU_APP_ID", "").strip(), env.get("FEISHU_REFRESH_TOKEN", "").strip()
    if budget is None or not budget.spec.secure or not (app_id and refresh):
        return {}
    from batch_updater.send.shared_tokens import RedisTokenFile, token_key

    server = api_identity(base_url.rstrip("/").lower())
    return {"token_file": RedisTokenFile(TokenFile.for_app(app_id, env).path, budget.client,
                                         token_key(app_id, server, fingerprint(refresh)))}


def check_ready(settings: SendSettings, env: Mapping[str, str], *, reading: bool = False) -> None:
    """Refuse bad credentials or base URL before anything is read or sent (exit 2)."""
    if settings.endpoint.from_env:
        api_origin(settings.endpoint.base_url, env)
        Credentials.from_env(env)
        if reading and not (env.get("FEISHU_APP_ID", "").strip() and env.get("FEISHU_APP_SECRET", "").strip()):
            raise UsageError(tr("reading tickets needs a tenant access token: set FEISHU_APP_ID and "
                                "FEISHU_APP_SECRET (the app's credentials), or try it with {option}",
                                option=option("sandbox")))


def make_sender(session: Session, settings: SendSettings, rate: RateSetting, learned: float | None = None, *,
                operation: Operation | None = None, on_progress: Callable[[RunProgress], None] | None = None,
                journal: RowJournal | None = None) -> Sender:
    """The worker pool of one pass over rows (sending them, or `operation`: reading their
    tickets): its limiter paces at `rate` (auto starts from `learned`), with as many requests in
    flight as the rate needs at the latency, at most --concurrency."""
    controller = PaceController.for_setting(rate, learned, asyncio.get_running_loop().time())
    if session.budget is not None:
        kind = "get" if operation is not None and operation.reading else "put"
        limiter: Pacer = session.budget.pacer(controller, kind, settings.send.concurrency)
    else:
        limiter = Pacer(controller, max_in_flight=settings.send.concurrency)
    return Sender(session.client, limiter, settings.send, on_progress=on_progress, journal=journal,
                  operation=operation)


async def _pass(sender: Sender, specs: Sequence[tuple[int, TicketUpdate]],
                control: RunControl | None) -> dict[int, Outcome]:
    try:
        with _signals(sender, control):
            return await sender.send_all(specs)
    finally:
        if isinstance(sender.pacer, SharedPacer):
            await sender.pacer.close()


async def send_on(session: Session, specs: Sequence[tuple[int, TicketUpdate]], settings: SendSettings,
                  env: Mapping[str, str], *, on_progress: Callable[[RunProgress], None] | None = None,
                  journal: RowJournal | None = None) -> SendReport:
    """Send `specs` through an open endpoint, under `settings.rate` (learned from earlier runs)."""
    learned_at = state_path(settings, env) if session.endpoint.learns_rate and settings.rate.auto else None
    key = _learned_key(session.base_url, session.credentials)
    learned = load_learned(learned_at, key) if learned_at is not None else None
    sender = make_sender(session, settings, settings.rate, learned, on_progress=on_progress, journal=journal)
    start_rate = sender.pacer.snapshot().rate
    outcomes = await _pass(sender, specs, settings.control)
    pace = sender.pacer.snapshot()
    if learned_at is not None and pace.found:  # learned from throttles only
        save_learned(learned_at, key, pace.rate)
    return SendReport(
        outcomes=outcomes, stats=sender.stats, final_rate=pace.rate, start_rate=start_rate,
        limit_found=pace.found, throttles=pace.throttles, pauses=pace.pauses,
        stop_reason=sender.stop_reason, stop_error=sender.stop_error, interrupted=sender.interrupted,
        base_url=session.base_url, rate_history=list(pace.history),
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


async def read_on(session: Session, rows: Sequence[TicketUpdate], settings: SendSettings, *,
                  on_progress: Callable[[RunProgress], None] | None = None) -> ReadReport:
    """GET the ticket of each row once (a failure is logged with the ticket's first row), through
    the same pacing, retries and early stop as sending."""
    first_row: dict[str, int] = {}
    for row in rows:
        first_row.setdefault(row.ticket_id, row.row)
    unique = list(first_row)
    specs = [(i, TicketUpdate(first_row[tid], tid, {})) for i, tid in enumerate(unique)]
    read = Read(session.client)
    reader = make_sender(session, settings, READ_RATE, operation=read, on_progress=on_progress)
    outcomes = await _pass(reader, specs, settings.control)
    tickets = {}
    for i, outcome in outcomes.items():
        data = read.answers[unique[i]].data if outcome.result is Result.OK else None
        if isinstance(data, dict) and isinstance(data.get("ticket"), dict):
            tickets[unique[i]] = data["ticket"]
    return ReadReport(tickets, {unique[i]: o for i, o in outcomes.items()}, reader.stop_reason, reader.stop_error,
                      reader.interrupted)


@contextlib.contextmanager
def _signals(sender: Interruptible, control: RunControl | None = None) -> Iterator[None]:
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
