"""Request pacing for the workers: one slot every 1/rate seconds, and a shared pause.

Slots are scheduled by due time (virtual scheduling, as in GCRA): each slot
is due 1/rate after the previous one was due, so a late wake-up of the event
loop delays that one request, not the ones after it, and the rate holds. A
leaky bucket that counts from the moment it grants a slot
(aiolimiter's AsyncLimiter(1, 1/rate)) loses every late wake-up: measured
here, 100/s gave 87.6/s and 1000/s gave 575/s. An idle grid does not save up
slots, so there is never a burst, which would trip a sliding window
(docs/measured.md).

Once a per-minute limit is found, the slots granted in the last minute are
also counted, and a slot waits until the minute has room for it: after the
pause that the first full minute brings, the window frees up in the shape the
requests filled it (slowly at first, after slow start), and a plain rate would
run into it again and again.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable

from batch_updater.send.pacing import LONG_WINDOW, PaceController

MAX_LATE = 0.005  # seconds of a late wake-up made up by the next slot: more would be a burst


class Pacer:
    """Gives each request its slot; told of each answer, it adjusts the rate or pauses everyone."""

    def __init__(self, controller: PaceController, *, clock: Callable[[], float] | None = None,
                 jitter: Callable[[], float] = lambda: random.uniform(0.0, 0.1)) -> None:
        self.controller = controller
        self._clock = clock  # None: the running loop's (bound on first use)
        self._jitter = jitter
        self._last_due = float("-inf")
        self._lock = asyncio.Lock()
        self._granted: deque[float] = deque()  # slots granted in the last minute

    def now(self) -> float:
        if self._clock is None:
            self._clock = asyncio.get_running_loop().time
        return self._clock()

    async def acquire(self) -> None:
        """Wait for this request's slot: after any shared pause, at the current rate.

        One request at a time waits for the next slot (the others queue on a lock), and it
        reads the rate again after every sleep, so a rate change applies from the next slot.
        The slot is due 1/rate after the previous slot was due, not after the previous
        request woke: a late wake-up is made up (up to MAX_LATE), so the rate holds."""
        async with self._lock:
            while True:
                now = self.now()
                due = max(self.controller.paused_until, self._last_due + 1.0 / self.controller.rate,
                          self._minute_has_room(now))
                if due > now:
                    await asyncio.sleep(due - now)
                    continue
                self._last_due = max(due, now - MAX_LATE)
                self._granted.append(now)
                return

    def _minute_has_room(self, now: float) -> float:
        """The time from which one more request fits the per-minute limit found (-inf: no such limit)."""
        budget = self.controller.window_budget()
        granted = self._granted
        while granted and granted[0] <= now - LONG_WINDOW:
            granted.popleft()
        if budget is None or len(granted) < budget:
            return float("-inf")
        return granted[-budget] + LONG_WINDOW

    def accepted(self, sent_at: float | None = None) -> None:
        self.controller.on_accepted(self.now(), sent_at)

    def throttled(self, reset_after: float | None, sent_at: float | None = None) -> None:
        before = self.controller.paused_until
        until = self.controller.on_throttled(self.now(), reset_after, sent_at)
        if until > before:
            self.controller.paused_until = until + self._jitter()
