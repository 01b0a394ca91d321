"""One rate budget for every process of one app, API and helpdesk (FACTS §12): the limits are per
API, per app and per tenant, so two jobs that each pace themselves to the whole limit throttle
each other.

`--limiter` (or BATCH_UPDATER_LIMITER, or a job file's `limiter`) says where the budget is kept:
- not given (or `state`): in the state folder (send/slots.py's `FileSlots`): every run on this
  machine that uses the same state folder shares it;
- `redis://[:password@]host:port/db` or `rediss://...`: on a Redis server (send/redis_limiter.py),
  for processes on several machines;
- `none`: each process paces itself alone (limiter.py's `Pacer`), as before.

`SharedPacer` is a `Pacer` (the same `Limiter` protocol, the same pure PaceController) whose slots
come from the shared GCRA schedule: each process reserves its next slot (or, at high rates, the
next 20 ms of slots) there, one reservation at a time, so processes take turns and three jobs
each get about a third. A throttle answer pauses every process until the reset (the pause is
kept with the schedule); with `--rate auto`, the rate one process's controller decides (a climb,
or a drop after a throttle) is published and adopted by the others, and each controller counts
the answers every process had accepted (per 100 ms, shared) when it estimates the limit or
judges a climb. Reads (GET, 10/s) have their own schedule.

If the store fails mid-run (Redis goes away), the process goes on pacing alone and says so once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.i18n import N_, tr
from batch_updater.logs import event
from batch_updater.naming import option
from batch_updater.send.limiter import DEPARTURE_MARGIN, MAX_LATE, LimiterState, Pacer
from batch_updater.send.pacing import Decision, PaceController
from batch_updater.send.slots import BUCKET, STATE_FOLDER, SlotStore

CHUNK = 0.02  # seconds of slots reserved at once: one store round trip per slot below 50/s
MAX_CHUNK = 256
COUNT_EVERY = 0.1  # seconds between two exchanges of the answers accepted (--rate auto)
# A process's first requests may reach the API this much later than they leave (a new connection, TLS, the
# first calls of code paths, a process still starting up): counted as leaving that much later.
FIRST_LATE, FIRST_REQUESTS = 0.1, 2
SHARED_MARGIN = 0.025  # seconds beyond K/N between K + 1 departures of every process (one process alone: 10 ms)
SHARED_DEPARTURES = 64  # at most this many requests a second are counted in the shared departures (above, each
# process counts its own: a few milliseconds of jitter is a smaller share of a faster second)
PEEK_AFTER = 0.02  # a wait for a slot longer than this looks for a pause another process began meanwhile


@dataclass(frozen=True)
class LimiterSpec:
    """Where a run's rate budget is kept: "none", "state" (the state folder) or a Redis URL."""

    kind: str  # "none", "state", "redis"
    url: str = ""

    @property
    def shared(self) -> bool:
        return self.kind != "none"

    def label(self) -> str:
        from batch_updater.send.redis_limiter import redis_label

        said = {"none": N_("none (this process alone)"), "state": STATE_FOLDER}.get(self.kind)
        return tr(said) if said else redis_label(self.url)

    @property
    def secure(self) -> bool:
        """A Redis that asks a password, or is reached over TLS: fit to hold a token pair."""
        return self.kind == "redis" and (self.url.startswith("rediss://") or _has_password(self.url))


def _has_password(url: str) -> bool:
    from urllib.parse import urlsplit

    return bool(urlsplit(url).password)


def parse_limiter(text: str | None) -> LimiterSpec:
    """`none`, `state` (or nothing: the default), `redis://...` or `rediss://...`."""
    value = (text or "").strip()
    if value.lower() in ("", "state"):
        return LimiterSpec("state")
    if value.lower() == "none":
        return LimiterSpec("none")
    if value.lower().startswith(("redis://", "rediss://")):
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (a bad port raises here)
        except ValueError:
            parts = None
        if parts is not None and parts.hostname:
            return LimiterSpec("redis", value)
    shown = value if "@" not in value else value.split("@", 1)[1]  # never echo a password
    raise UsageError(tr("{option} {value!r}: use none, state, or redis://[:password@]host:port/db (rediss:// for TLS)",
                        option=option("limiter"), value=shown), option="limiter", value=shown)


def budget_key(origin: str, helpdesk_id: str, env: Mapping[str, str]) -> str:
    """What one budget is: the app (FEISHU_APP_ID; without it, the user token's own app, named by a
    digest of the token), the API's origin and the helpdesk. Never a secret in clear."""
    app = env.get("FEISHU_APP_ID", "").strip()
    if not app:
        token = env.get("FEISHU_USER_ACCESS_TOKEN", "").strip()
        app = "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]
    text = f"{app}\n{origin.rstrip('/').lower()}\n{helpdesk_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def writer_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


class SharedPacer(Pacer):
    """A Pacer whose slots, pause and (auto) rate are shared through `store` with every process of
    the same budget. Times given to and returned by it are this process's (the loop's) clock; the
    store's clock is mapped to it at each exchange."""

    def __init__(self, controller: PaceController, store: SlotStore, *, writer: str,
                 max_in_flight: int | None = None, **kwargs: Any) -> None:
        super().__init__(controller, max_in_flight=max_in_flight, **kwargs)
        self.store = store
        self.writer = writer
        self._offset: float | None = None  # the store's clock less this process's
        self._left = 0  # slots reserved and not handed out yet
        self._next = float("-inf")  # when the next of them is due (this process's clock)
        self._interval = 0.0
        self._version = 0  # of the shared decision last seen
        self._published = controller.rate  # the rate last published or adopted
        self._mine: dict[int, int] = {}  # this process's accepted answers per bucket, not yet counted there
        self._seen: dict[int, int] = {}  # every process's counts, as last read
        self._tasks: set[asyncio.Task[None]] = set()
        self._touch: asyncio.Task[None] | None = None  # auto: the exchange with the others, every COUNT_EVERY
        self.lost: str | None = None  # why the store could not be used (pacing alone since)
        self._first_left = FIRST_REQUESTS  # departures still counted as leaving FIRST_LATE later
        self._closing = False  # close() began: the exchange with the others stops
        self._others = 0  # other processes that took slots of this budget lately (the last grant's)

    # -- the Limiter protocol ------------------------------------------------------------------
    async def acquire(self) -> None:
        if self.lost is not None:
            return await super().acquire()
        if self._touch is None and not self.controller.fixed:
            self._touch = asyncio.get_running_loop().create_task(self._keep_in_touch())
        async with self._lock:
            while True:
                if await self._waited_for_room():
                    continue
                if self._left <= 0 and not await self._reserve():
                    break  # the store failed: pace alone (below, outside this lock)
                now = self.now()
                due = max(self._next, self.controller.paused_until)
                if due > now:
                    await asyncio.sleep(due - now)
                    if due - now > PEEK_AFTER and await self._paused_meanwhile():
                        continue
                now = self.now()
                late = now - due
                self._left -= 1
                self._next = max(self._next, now - MAX_LATE) + self._interval  # as Pacer: a late wake-up
                if late > MAX_LATE and self._offset is not None:  # is made up by at most MAX_LATE
                    try:
                        await self.store.push(self._next + self._offset)
                    except Exception as e:  # noqa: BLE001
                        self._lose(e)
                self._granted.append(now)
                self.in_flight += 1
                return None
        return await super().acquire()

    async def depart(self) -> float:
        """At a fixed rate (and with auto, once the limit is found), the departures of every process
        are held to the figure: limiter.py's check of K departures, over all of them, with
        SHARED_MARGIN: a request that leaves late (its journal mark took a while, its process was
        not scheduled) must not bring the next process's too close. This process's first requests
        are counted as leaving FIRST_LATE later (they may arrive late)."""
        window = self._window or self._found_window()
        if window is None or self.lost is not None or window[0] > SHARED_DEPARTURES:
            return await super().depart()
        count, seconds = window[0], window[1] + (SHARED_MARGIN - DEPARTURE_MARGIN if self.controller.crowded else 0.0)
        late = FIRST_LATE if self._first_left > 0 else 0.0
        while True:
            now = self.now()
            if self.controller.paused_until > now:
                await asyncio.sleep(self.controller.paused_until - now)
                continue
            try:
                wait = await self.store.depart(count, seconds, late)
            except Exception as e:  # noqa: BLE001
                self._lose(e)
                return await super().depart()
            if wait <= 0:
                self._first_left -= 1
                return self.now()
            await asyncio.sleep(wait)

    def snapshot(self) -> LimiterState:
        """As Pacer's, with how many other processes share the budget (none once the store is lost)."""
        return dataclasses.replace(super().snapshot(), others=self._others if self.lost is None else 0)

    def _found_window(self) -> tuple[int, float] | None:
        """With auto, once the limit per second was found (E), while other processes share the budget:
        at most floor(E) departures of every process in floor(E)/E seconds plus DEPARTURE_MARGIN, as a
        fixed rate holds its figure."""
        estimate = self.controller.estimate
        if estimate is None or self.controller.long_window or estimate < 1 or not self.controller.crowded:
            return None
        count = int(estimate)
        return count, count / estimate + DEPARTURE_MARGIN

    def answered(self, sent_at: float, *, throttled: bool = False, reset_after: float | None = None) -> float:
        controller = self.controller
        if not throttled:
            controller.on_accepted(self.now(), sent_at)
            if self._offset is not None and not controller.fixed:
                bucket = int((sent_at + self._offset) / BUCKET)
                self._mine[bucket] = self._mine.get(bucket, 0) + 1
            return 0.0
        pauses = controller.pauses
        pause = super().answered(sent_at, throttled=True, reset_after=reset_after)
        if controller.pauses > pauses and self._offset is not None and self.lost is None:
            decision = None if controller.fixed else controller.decision().as_dict()
            self._published = controller.rate
            self._spawn(self._pause(sent_at + self._offset, controller.paused_until + self._offset, decision))
        return pause

    async def close(self) -> None:
        """Let the last exchanges with the store end (a pause being published)."""
        if self._touch is not None:
            # stopped by the flag as well as cancelled: redis-py's asyncio client may swallow a
            # cancellation that lands inside a command (the loop then went on, and this waited forever)
            self._closing = True
            self._touch.cancel()
            await asyncio.wait({self._touch}, timeout=2 * COUNT_EVERY + 1.0)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.lost is None and self._offset is not None:
            with contextlib.suppress(Exception):
                await self.store.leave(self.writer)

    # -- the store ------------------------------------------------------------------------------
    async def _reserve(self) -> bool:
        """The next slots from the shared schedule (after sharing the rate and the counts); False if
        the store failed."""
        try:
            interval = 1.0 / self.controller.rate
            n = max(1, min(MAX_CHUNK, int(CHUNK / interval)))
            asked = self.now()
            grant = await self.store.take(n, interval, self.writer)
            now = self.now()
            self._offset = grant.now - (asked + now) / 2
            self.controller.crowd(now, grant.others > 0)
            self._others = grant.others
            if grant.version != self._version:
                await self._adopt()
        except Exception as e:  # noqa: BLE001 (any failure of the store: Redis gone, a disk error)
            self._lose(e)
            return False
        self._note_pause(grant.paused_until)
        self._next, self._left, self._interval = grant.due - self._offset, n, interval
        return True

    async def _keep_in_touch(self) -> None:
        """--rate auto: every COUNT_EVERY, publish a rate this controller decided, share the answers
        accepted, and take a decision another process published."""
        while self.lost is None and not self._closing:
            try:
                await self._exchange()
                shared = await self.store.shared()
                if shared.version != self._version:
                    await self._adopt()
                self._note_pause(shared.paused_until)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001
                self._lose(e)
                return
            await asyncio.sleep(COUNT_EVERY)

    async def _exchange(self) -> None:
        """Publish a rate this controller decided; share the answers accepted."""
        controller = self.controller
        if controller.rate != self._published:
            self._version = await self.store.decide(self.writer, controller.decision().as_dict())
            self._published = controller.rate
        if self._offset is None:
            return
        mine, self._mine = self._mine, {}
        counts = await self.store.count(mine)
        sent, offset = [], self._offset
        for bucket, total in counts.items():
            new = total - self._seen.get(bucket, 0) - mine.get(bucket, 0)
            start = bucket * BUCKET - offset
            sent.extend(start + (i + 0.5) * BUCKET / new for i in range(new))
        self._seen = counts
        if sent:
            sent.sort()
            controller.others_accepted(self.now(), sent, [t + controller.latency for t in sent])

    async def _adopt(self) -> None:
        """Another process sharing the budget now published a rate decision: this controller takes it
        (a decision left by a run that has ended is not: this run starts from its own)."""
        shared = await self.store.shared()
        self._version = shared.version
        if shared.writer == self.writer or shared.decision is None or self.controller.fixed or \
                not self.controller.crowded:
            return
        decision = Decision.from_dict(shared.decision)
        if decision is not None:
            self.controller.adopt(self.now(), decision)
            self._published = self.controller.rate

    async def _paused_meanwhile(self) -> bool:
        """After a long wait for a slot: did another process meet the throttle meanwhile? Then the
        slots reserved before its pause are given up, and new ones taken after it."""
        try:
            shared = await self.store.shared()
        except Exception as e:  # noqa: BLE001
            self._lose(e)
            return False
        self._offset = shared.now - self.now() if self._offset is None else self._offset
        if shared.version != self._version:
            with contextlib.suppress(Exception):
                await self._adopt()
        if shared.paused_until <= shared.now:
            return False
        self._note_pause(shared.paused_until)
        self._left = 0
        return True

    async def _pause(self, sent_at: float, until: float, decision: dict[str, Any] | None) -> None:
        """Publish this process's throttle pause (and its decision); if another process's pause began
        after the throttled request left, this answer was old news: take that one's decision."""
        try:
            news = await self.store.pause(self.writer, sent_at, until, decision)
            if not news:
                self.controller.pauses -= 1  # not a pause of its own: the one already begun
                await self._adopt()
        except Exception as e:  # noqa: BLE001
            self._lose(e)

    def _note_pause(self, paused_until: float) -> None:
        """A shared pause (store clock) holds this process's requests too."""
        if self._offset is not None and paused_until > float("-inf"):
            self.controller.paused_until = max(self.controller.paused_until, paused_until - self._offset)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lose(self, error: BaseException) -> None:
        if self.lost is None:
            self.lost = f"{type(error).__name__}: {error}"[:200]
            event("warning", tr("the shared rate budget ({limiter}) cannot be used ({reason}); this process paces "
                                "itself alone from now on", limiter=tr(self.store.label), reason=self.lost),
                  level=logging.WARNING, limiter=self.store.label)
        self._left = 0


class Budget:
    """A run's shared budget, open: one store per API (updates, reads), one writer name."""

    def __init__(self, spec: LimiterSpec, key: str, env: Mapping[str, str], client: Any = None) -> None:
        self.spec, self.key, self.env, self.client = spec, key, env, client
        self.writer = writer_id()
        self._stores: dict[str, SlotStore] = {}

    @classmethod
    async def open(cls, spec: LimiterSpec, key: str, env: Mapping[str, str]) -> Budget | None:
        """None for `none`; a Redis that cannot be reached is a UsageError (exit 2): nothing was sent."""
        if not spec.shared:
            return None
        client = None
        if spec.kind == "redis":
            from batch_updater.send.redis_limiter import redis_client

            client = redis_client(spec.url)
            try:
                await client.ping()
            except Exception as e:  # noqa: BLE001 (redis-py's errors, an OSError, a timeout)
                with contextlib.suppress(Exception):
                    await client.aclose()
                raise UsageError(tr("cannot use the limiter {limiter}: {error}: {reason}; nothing was sent (check the "
                                    "address and password, or {option} none)", limiter=spec.label(),
                                    error=type(e).__name__, reason=e, option=option("limiter")),
                                 option="limiter", value=spec.label()) from None
        return cls(spec, key, env, client)

    def store(self, kind: str) -> SlotStore:
        """The schedule of `kind` ("put": updates, "get": reads)."""
        if kind not in self._stores:
            if self.spec.kind == "redis":
                from batch_updater.send.redis_limiter import RedisSlots

                self._stores[kind] = RedisSlots(self.client, f"batch-updater:budget:{self.key}:{kind}",
                                                self.spec.label(), owns_client=False)
            else:
                from batch_updater.paths import state_subdir
                from batch_updater.send.slots import FileSlots

                self._stores[kind] = FileSlots(state_subdir(self.env, "budget"), f"{self.key}-{kind}")
        return self._stores[kind]

    def pacer(self, controller: PaceController, kind: str, max_in_flight: int | None) -> SharedPacer:
        return SharedPacer(controller, self.store(kind), writer=self.writer, max_in_flight=max_in_flight)

    async def close(self) -> None:
        for store in self._stores.values():
            with contextlib.suppress(Exception):
                await store.close()
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.aclose()
