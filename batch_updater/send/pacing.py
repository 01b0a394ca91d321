"""Finding and holding the API's throttle: a pure pacing controller (time is passed in).

The update API's limit is unpublished ("special"), so `--rate auto` finds it:
- slow start: begin at a rate safe on every published tier (1.5/s < 100/min)
  and double it each second while answers come back clean and the rate, not
  the workers, is what holds the run back;
- on a throttle answer: estimate the limit from what the server accepted in
  the last second (or in the last minute, once a reset header has shown that a
  per-minute window binds), drop to 95% of it, and pause until the reset;
- then climb back (+2% every 2 s, +0.5% every 4 s near the estimate) to 98.5%
  of the estimate and hold there, probing past it by 0.5% only every 30 s,
  less often each time a throttle confirms the same limit; so the run settles
  just under the real limit, per second or per minute, with a pause only now
  and then.
A fixed rate (`--rate N/s`, `N/min`) is held at 98.5% of the figure; on a throttle
answer it pauses and gives up another 1.5%, never going under 90% of the figure.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from dataclasses import dataclass

from batch_updater.errors import UsageError

SAFE_START = 1.5  # per second: under the lowest published tiers (100/min, 5/s)
MIN_RATE = 0.1
MAX_RATE = 10000.0
LONG_WINDOW = 60.0
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute))?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RateSetting:
    per_second: float | None  # None: auto
    text: str

    @property
    def auto(self) -> bool:
        return self.per_second is None


def parse_rate(text: str) -> RateSetting:
    """`auto`, `N` (per second), `N/s` or `N/min`."""
    if text.strip().lower() == "auto":
        return RateSetting(None, "auto")
    m = _RATE.fullmatch(text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"--rate {text!r}: use auto, N/s or N/min (e.g. 20/s, 600/min)")
    number = float(m.group(1))
    per_minute = (m.group(2) or "s").lower().startswith("m")
    per_second = number / 60 if per_minute else number
    if per_second * FIXED_FLOOR < MIN_RATE:  # it could not be held: the pacing never goes below MIN_RATE
        raise UsageError(f"--rate {text!r}: the lowest fixed rate is {math.ceil(60 * MIN_RATE / FIXED_FLOOR)}/min")
    return RateSetting(per_second, f"{m.group(1)}/{'min' if per_minute else 's'}")


def format_rate(per_second: float) -> str:
    if per_second < 1:
        return f"{per_second * 60:.0f}/min"
    return f"{per_second:.1f}/s" if per_second < 10 else f"{per_second:.0f}/s"


# A rate the user fixed is held a little under the figure: requests leave on this machine's
# clock and are counted on the API's, and a few milliseconds of jitter must not add one too many
# to a sliding window (1.5% of a second tolerates 15 ms at any rate).
FIXED_HEADROOM = 0.985
FIXED_FLOOR = 0.9


class PaceController:
    """Holds the current rate; told of every answer, it says how long to pause."""

    @classmethod
    def for_setting(cls, setting: RateSetting, learned: float | None = None, now: float = 0.0) -> PaceController:
        """`--rate N/s` holds N (less the headroom); `auto` starts safe, or from a learned rate."""
        if setting.per_second is not None:
            return cls(setting.per_second * FIXED_HEADROOM, fixed=True, now=now)
        return cls(learned, now=now)

    def __init__(self, start: float | None = None, *, fixed: bool = False, now: float = 0.0) -> None:
        self.fixed = fixed
        self.rate = min(max(start or SAFE_START, MIN_RATE), MAX_RATE)
        self.fixed_at = self.rate / FIXED_HEADROOM  # the user's figure, when fixed
        self.slow_start = not fixed and start is None
        self.estimate: float | None = None if start is None or fixed else start / 0.95
        self.accepted: list[float] = []  # send times of accepted requests, sorted, the last minute or so
        self.throttles = 0
        self.pauses = 0
        self.paused_until = now
        self.long_window = False
        self.confirmed = 0
        self._streak = 0  # consecutive throttles without a reset header
        self._last_change = now
        self.history: list[tuple[float, float]] = [(now, self.rate)]

    # --- what the sender reports ------------------------------------------------

    def on_accepted(self, now: float, sent_at: float | None = None) -> None:
        """An answer that passed the throttle (any code but 99991400).

        `sent_at`, when its request left: the server counts a request when it arrives, so
        counting by send time sees the window as the server does (answers come back late,
        and not in order)."""
        insort(self.accepted, now if sent_at is None else sent_at)
        self._streak = 0
        old = bisect_left(self.accepted, now - LONG_WINDOW)
        if old > 256 or old > len(self.accepted) // 2:  # drop the expired in chunks, not one by one
            del self.accepted[:old]
        if not self.fixed:
            self._maybe_increase(now)

    def on_throttled(self, now: float, reset_after: float | None, sent_at: float | None = None) -> float:
        """A throttle answer: returns the time until which every worker pauses."""
        self.throttles += 1
        if now < self.paused_until:  # an answer to a request sent before the pause began
            return self.paused_until
        self.pauses += 1
        if reset_after is None:
            self._streak += 1
            wait = min(2.0 ** (self._streak - 1), 60.0)
        else:
            wait = reset_after
        if reset_after is not None and reset_after > 1.5:
            self.long_window = True  # a reset this long means a per-minute window was full
        if not self.fixed:
            self._decrease(now, now if sent_at is None else sent_at)
        elif self.rate > FIXED_FLOOR * self.fixed_at:
            # A fixed rate that still meets the throttle leaves a little more room each time
            # (timing jitter between this machine and the API), never below 90% of the figure.
            self._set(now, max(self.rate * FIXED_HEADROOM, FIXED_FLOOR * self.fixed_at))
        self.paused_until = now + wait
        return self.paused_until

    # --- the policy ---------------------------------------------------------------

    def window_budget(self) -> int | None:
        """Once a per-minute limit is found: how many requests to allow in any minute (99% of it)."""
        if not self.long_window or self.estimate is None:
            return None
        return max(1, int(self.estimate * LONG_WINDOW * 0.99))

    def count_since(self, since: float) -> int:
        return len(self.accepted) - bisect_left(self.accepted, since)

    def busiest_second(self, start: float, end: float) -> int:
        """The most accepted requests in any 1-second window within [start, end)."""
        times = self.accepted[bisect_left(self.accepted, start):bisect_left(self.accepted, end)]
        best, first = 0, 0
        for last, t in enumerate(times):
            while times[first] <= t - 1.0:
                first += 1
            best = max(best, last - first + 1)
        return best

    def count_between(self, start: float, end: float) -> int:
        """Accepted requests in the window [start, end)."""
        return bisect_left(self.accepted, end) - bisect_left(self.accepted, start)

    def _set(self, now: float, rate: float) -> None:
        rate = min(max(rate, MIN_RATE), MAX_RATE)
        if rate != self.rate:
            self.rate = rate
            self.history.append((now, rate))
        self._last_change = now

    def _decrease(self, now: float, sent_at: float) -> None:
        """What the server accepted in the window before the throttled request is its limit."""
        self.slow_start = False
        if self.long_window:
            estimate = self.count_between(sent_at - LONG_WINDOW, sent_at) / LONG_WINDOW
        else:
            # The most accepted in any one second of the last few: a single second's count is off
            # by one with the phase of the sends (4 or 5 at 5/s), and at a low rate one is 20%.
            estimate = float(self.busiest_second(sent_at - 5.0, sent_at))
        target = 0.95 * estimate if estimate else self.rate / 2
        if estimate and self.estimate and abs(estimate - self.estimate) <= 0.05 * self.estimate:
            self.confirmed += 1  # the same limit again: probe past it more rarely
        else:
            self.confirmed = 0
        self.estimate = estimate or None
        self._set(now, target)

    def _maybe_increase(self, now: float) -> None:
        # Raise only while the rate is what holds the run back (the workers keep up
        # with it), judged over a window long enough to hold a few answers.
        # Once a limit is found, the rate climbs to the headroom under it and holds there,
        # probing past it only now and then (rarer each time the same limit is met again):
        # each probe that trips the throttle costs everyone the reset pause.
        since = now - self._last_change
        hold = FIXED_HEADROOM * self.estimate if self.estimate is not None else None
        if self.slow_start:
            factor, every = 2.0, 1.0
        elif hold is not None and self.rate >= hold:
            factor, every = 1.005, min(30.0 * 2**self.confirmed, 300.0)
        elif self.estimate is not None and self.rate >= 0.97 * self.estimate:
            factor, every = 1.005, 4.0
        else:
            factor, every = 1.02, 2.0
        every = max(every, 4.0 / self.rate)
        if since >= every and self.count_since(now - every) >= 0.8 * self.rate * every:
            raised = self.rate * factor
            self._set(now, min(raised, hold) if hold is not None and self.rate < hold else raised)
