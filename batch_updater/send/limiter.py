"""Request pacing for the workers: one slot every 1/rate seconds, and a shared pause.

Slots are scheduled by due time (virtual scheduling, as in GCRA): each slot
is due 1/rate after the previous one was due, so a late wake-up of the event
loop delays that one request, not the ones after it, and the rate holds. A
leaky bucket that counts from the moment it grants a slot
(aiolimiter's AsyncLimiter(1, 1/rate)) loses every late wake-up: measured
here, 100/s gave 87.6/s and 1000/s gave 575/s. An idle grid does not save up
slots, so there is never a burst, which would trip a sliding window
(docs/measured.md).

Requests in flight are bounded too, by what the rate needs at the answers'
latency (`PaceController.in_flight_limit`, within `max_in_flight`, the run's
--concurrency): a far API (0.7 s answers) at 50/s needs some 35 in flight, a
near one a few, and a stalled one catches no more than that.

Once a per-minute limit is found, the slots granted in the last minute are
also counted, and a slot waits until the minute has room for it: after the
pause that the first full minute brings, the window frees up in the shape the
requests filled it (slowly at first, after slow start), and a plain rate would
run into it again and again.

A fixed rate also holds its figure at the moment requests leave, not only when
their slots are granted: between the two the row's journal mark is committed,
and a commit that takes 15 ms once in a while puts that request 15 ms closer to
the next one. Measured at 20/s, 21 requests then left within 0.998 s and the
sandbox's sliding second refused one (the 1 s pause: 5% of a 20 s run). So a
request at a fixed rate N/s waits, if it must, until no more than K = floor(N)
requests left in the last K/N seconds (1 s for a whole N) plus DEPARTURE_MARGIN.
Held at 98.5% of N, requests are 15 ms further apart than that over K of them,
so the check delays only a request that jitter brought too close.

The worker pool (pool.py) sees only the `Limiter` protocol, the small surface of aiolimiter's
AsyncLimiter: a slot (`acquire`, `release`), the moment a request leaves (`depart`), each answer
(`answered`) and what it holds now (`snapshot`). `Pacer` is the one in this process; a limiter
shared with other processes can take its place.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from batch_updater.send.pacing import LONG_WINDOW, PaceController

MAX_LATE = 0.005  # seconds of a late wake-up made up by the next slot: more would be a burst
DEPARTURE_MARGIN = 0.010  # seconds beyond the figure's window between K + 1 departures (fixed rates)


@dataclass(frozen=True, slots=True)
class LimiterState:
    """What a limiter holds at one moment."""

    rate: float  # requests per second it lets through now
    paused: bool  # every request waits out a throttle pause
    throttles: int  # throttle answers so far
    pauses: int  # pauses they caused
    found: bool  # the API's limit was found from throttle answers (a rate worth keeping for next time)
    history: tuple[tuple[float, float], ...] = ()  # (time, rate) at each change of the rate
    others: int = 0  # other processes pacing on the same (shared) budget lately


class Limiter(Protocol):
    """What the worker pool asks of the pacing. Times are the limiter's clock (`now`)."""

    def now(self) -> float: ...

    async def acquire(self) -> None:
        """Wait for a request's slot; `release()` it once the request has ended (or was never sent)."""

    def release(self) -> None: ...

    async def depart(self) -> float:
        """Called as the request of a slot is about to leave; returns when it leaves."""

    def answered(self, sent_at: float, *, throttled: bool = False, reset_after: float | None = None) -> float:
        """An answer that passed the throttle, or (`throttled`) one that did not, with the API's reset
        header; returns the seconds of a pause of every request it began (0.0: none)."""

    def snapshot(self) -> LimiterState: ...


class Pacer:
    """Gives each request its slot; told of each answer, it adjusts the rate or pauses everyone."""

    def __init__(self, controller: PaceController, *, clock: Callable[[], float] | None = None,
                 jitter: Callable[[], float] = lambda: random.uniform(0.0, 0.1),
                 max_in_flight: int | None = None) -> None:
        self.controller = controller
        self._clock = clock  # None: the running loop's (bound on first use)
        self._jitter = jitter
        self._last_due = float("-inf")
        self._lock = asyncio.Lock()
        self._granted: deque[float] = deque()  # slots granted in the last minute
        self._departed: deque[float] = deque()  # when requests left, over the last departure window
        self._window = departure_window(controller)
        self.max_in_flight = max_in_flight  # --concurrency: None, no bound (acquire without release)
        self.in_flight = 0  # slots granted, not yet released
        self._room = asyncio.Event()  # set when a request in flight ends

    def now(self) -> float:
        if self._clock is None:
            self._clock = asyncio.get_running_loop().time
        return self._clock()

    async def _waited_for_room(self) -> bool:
        """With `max_in_flight` set and as many in flight as the controller allows: wait until one
        ends (True: look again); False when there is room."""
        if self.max_in_flight is None or self.in_flight < self.controller.in_flight_limit(self.max_in_flight):
            return False
        self._room.clear()
        await self._room.wait()
        return True

    async def acquire(self) -> None:
        """Wait for this request's slot: after any shared pause, at the current rate.

        One request at a time waits for the next slot (the others queue on a lock), and it
        reads the rate again after every sleep, so a rate change applies from the next slot.
        The slot is due 1/rate after the previous slot was due, not after the previous
        request woke: a late wake-up is made up (up to MAX_LATE), so the rate holds.
        With `max_in_flight` set, a slot also waits for room in flight; `release()` it."""
        async with self._lock:
            while True:
                if await self._waited_for_room():
                    continue
                now = self.now()
                due = max(self.controller.paused_until, self._last_due + 1.0 / self.controller.rate,
                          self._minute_has_room(now))
                if due > now:
                    await asyncio.sleep(due - now)
                    continue
                # The first slot is due now: making up lateness before it would put the second early.
                self._last_due = max(due, now - MAX_LATE) if self._last_due > float("-inf") else now
                self._granted.append(now)
                self.in_flight += 1
                return

    def release(self) -> None:
        """The request of an acquired slot ended (answered, or never sent)."""
        self.in_flight -= 1
        self._room.set()

    def _minute_has_room(self, now: float) -> float:
        """The time from which one more request fits the per-minute limit found (-inf: no such limit)."""
        budget = self.controller.window_budget()
        granted = self._granted
        while granted and granted[0] <= now - LONG_WINDOW:
            granted.popleft()
        if budget is None or len(granted) < budget:
            return float("-inf")
        return granted[-budget] + LONG_WINDOW

    async def depart(self) -> float:
        """Called as a request is about to leave, after its slot: waits out a shared pause that began
        meanwhile and, at a fixed rate, a departure too close to the K before it. Returns the
        time it leaves."""
        while True:
            now = self.now()
            due = self.controller.paused_until
            if self._window is not None:
                count, seconds = self._window
                departed = self._departed
                while departed and departed[0] <= now - seconds:
                    departed.popleft()
                if len(departed) >= count:
                    due = max(due, departed[-count] + seconds)
            if due <= now:
                if self._window is not None:
                    self._departed.append(now)
                return now
            await asyncio.sleep(due - now)

    def answered(self, sent_at: float, *, throttled: bool = False, reset_after: float | None = None) -> float:
        if not throttled:
            self.controller.on_accepted(self.now(), sent_at)
            return 0.0
        before = self.controller.paused_until
        self.throttled(reset_after, sent_at)
        until = self.controller.paused_until
        return until - self.now() if until > before else 0.0

    def snapshot(self) -> LimiterState:
        controller = self.controller
        return LimiterState(controller.rate, controller.paused_until > self.now(), controller.throttles,
                            controller.pauses, controller.found, tuple(controller.history))

    def throttled(self, reset_after: float | None, sent_at: float | None = None) -> None:
        before = self.controller.paused_until
        until = self.controller.on_throttled(self.now(), reset_after, sent_at)
        if until > before and not self.controller.fixed:  # a fixed rate pauses as long as the API said
            self.controller.paused_until = until + self._jitter()


def departure_window(controller: PaceController) -> tuple[int, float] | None:
    """(K, seconds): at a fixed rate N/s, at most K = floor(N) requests leave in any K/N seconds plus
    DEPARTURE_MARGIN (at least one request per 1/N); None for auto."""
    if not controller.fixed:
        return None
    figure = controller.fixed_at
    count = max(1, int(figure))
    return count, count / figure + DEPARTURE_MARGIN


if TYPE_CHECKING:  # mypy, strict over this file, holds the Pacer to the protocol
    def _a_pacer_is_a_limiter(pacer: Pacer) -> Limiter:
        return pacer
