"""GETs that are not a row's ticket (a page of the ticket list, a page of the custom-field
list) sent through the same worker pool as rows (pool.py): its retries, its throttle pauses, its
early stop (refused credentials, no rights) and Ctrl-C. Each request is named by a key; `call`
turns a key into the request. And `WindowLimiter`, the pacing of an API whose documented limits
are several sliding windows at once (the ticket list: 1000/min and 50/s).

It knows nothing of spreadsheets, nor of what the pages hold."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.client import Answer
from batch_updater.model import Outcome, TicketUpdate
from batch_updater.send.limiter import Limiter, LimiterState
from batch_updater.send.pool import Sender
from batch_updater.send.session import SendSettings, Session, _pass

HEADROOM = 0.985  # of each window's figure, as a fixed --rate holds it (send/pacing.py)
MAX_LATE = 0.005


class Fetch:
    """Each attempt GETs what its key names (`call(key)`); the last answer is kept by key."""

    reading = True

    def __init__(self, call: Callable[[str], Awaitable[Answer]]) -> None:
        self.call = call
        self.answers: dict[str, Answer] = {}

    async def __call__(self, spec: TicketUpdate, budget: object) -> Answer:
        answer = self.answers[spec.ticket_id] = await self.call(spec.ticket_id)
        return answer


@dataclass
class Fetched:
    """The answers of one pass (by key), each key's outcome, and whether the pass stopped."""

    answers: dict[str, Answer]
    outcomes: dict[str, Outcome]
    stop_reason: str | None
    stop_error: BatchUpdaterError | None
    interrupted: bool

    @property
    def stopped(self) -> bool:
        return bool(self.stop_reason or self.stop_error or self.interrupted)


async def fetch(session: Session, keys: Sequence[str], call: Callable[[str], Awaitable[Answer]],
                limiter: Limiter, settings: SendSettings) -> Fetched:
    """GET each key once (retried as a row is), under `limiter`."""
    operation = Fetch(call)
    sender = Sender(session.client, limiter, settings.send, operation=operation)
    specs = [(i, TicketUpdate(i + 1, key, {})) for i, key in enumerate(keys)]
    outcomes = await _pass(sender, specs, settings.control)
    return Fetched(operation.answers, {keys[i]: o for i, o in outcomes.items()}, sender.stop_reason,
                   sender.stop_error, sender.interrupted)


class WindowLimiter:
    """Requests spaced evenly at the shortest window's rate, and never more than a window's figure
    (less HEADROOM) in any stretch of its length: `WindowLimiter([(1000, 60.0), (50, 1.0)])` sends
    49 a second until 985 went in the last minute, then as the minute frees up. A throttle answer
    pauses every request for as long as its reset header says (1 s without one)."""

    def __init__(self, windows: Sequence[tuple[int, float]], *, max_in_flight: int = 64,
                 clock: Callable[[], float] | None = None) -> None:
        self.windows = [(max(1, int(limit * HEADROOM)), period, deque[float]()) for limit, period in windows]
        # Spaced at the shortest window's rate; a longer one (a minute's) only caps how many go in it,
        # so 1000/min and 50/s sends 50 a second until the minute is full, not 16.7 a second all along.
        self.rate = min(self.windows, key=lambda w: (w[1], w[0] / w[1]))[0] / min(w[1] for w in self.windows)
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.paused_until = float("-inf")
        self.throttles = 0
        self.pauses = 0
        self._clock = clock
        self._last_due = float("-inf")
        self._lock = asyncio.Lock()
        self._room = asyncio.Event()

    def now(self) -> float:
        if self._clock is None:
            self._clock = asyncio.get_running_loop().time
        return self._clock()

    def _due(self, now: float) -> float:
        due = max(self.paused_until, self._last_due + 1.0 / self.rate)
        for limit, period, times in self.windows:
            while times and times[0] <= now - period:
                times.popleft()
            if len(times) >= limit:  # a microsecond past the window: float rounding must not let one in early
                due = max(due, times[-limit] + period + 1e-6)
        return due

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                if self.in_flight >= self.max_in_flight:
                    self._room.clear()
                    await self._room.wait()
                    continue
                now = self.now()
                due = self._due(now)
                if due > now:
                    await asyncio.sleep(due - now)
                    continue
                self._last_due = max(due, now - MAX_LATE) if self._last_due > float("-inf") else now
                for _, _, times in self.windows:
                    times.append(now)
                self.in_flight += 1
                return

    def release(self) -> None:
        self.in_flight -= 1
        self._room.set()

    async def depart(self) -> float:
        while (wait := self.paused_until - self.now()) > 0:  # a pause that began after the slot
            await asyncio.sleep(wait)
        return self.now()

    def answered(self, sent_at: float, *, throttled: bool = False, reset_after: float | None = None) -> float:
        if not throttled:
            return 0.0
        self.throttles += 1
        now = self.now()
        until = now + (reset_after if reset_after is not None else 1.0)
        if until <= self.paused_until:
            return 0.0
        self.pauses += 1
        self.paused_until = until
        return until - now

    def snapshot(self) -> LimiterState:
        return LimiterState(self.rate, self.paused_until > self.now(), self.throttles, self.pauses, False)
