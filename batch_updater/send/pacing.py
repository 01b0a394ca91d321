"""Finding and holding the API's throttle: a pure pacing controller (time is passed in).

The update API's limit is unpublished ("special"), so `--rate auto` finds it:
- slow start: begin at a rate safe on every published tier (1.5/s < 100/min)
  and double it each second while answers come back clean and the rate, not
  the workers, is what holds the run back; judged by the answers as they
  arrive, whatever their latency (a far API answers 0.7 s late: the requests
  of the last second are not answered yet, and must not be waited for);
- on a throttle answer: estimate the limit from what the server accepted in
  the last second (or in the last minute, once a reset header has shown that a
  per-minute window binds), drop to 95% of it, and pause until the reset; the
  estimate is looked at again once the answers to the requests sent before the
  throttled one are all in (under latency some arrive after it);
- then climb back (+2% every 2 s, +0.5% every 4 s near the estimate) to 98.5%
  of the estimate and hold there, probing past it by 0.5% only every 30 s,
  less often each time a throttle confirms the same limit; so the run settles
  just under the real limit, per second or per minute, with a pause only now
  and then. A throttle that confirms the limit while the rate is held under it
  (not a probe) means the API sees requests closer together than they left
  (latency that varies): the hold moves 3% further under the limit each time.
A throttle right after the API stalled (an answer far later than usual) teaches
nothing: requests sent before the stall were counted by the API when it woke,
not when they left, so what this side saw accepted is not the limit. It pauses
and keeps the rate. A rate learned by an earlier run is a start, not a limit:
while answers are clean it climbs again, by growing steps (2%, 4%, 8%... every
2 s), until this run meets the throttle and finds the limit for itself (`found`).
A fixed rate (`--rate N/s`, `N/min`) is held at 98.5% of the figure; on a throttle
answer it pauses and gives up another 1.5%, never going under 90% of the figure.

The controller also says how many requests may be in flight: what the rate
needs at the answers' latency (rate x latency, with a margin), at least
MIN_IN_FLIGHT, at most `--concurrency`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.naming import option

SAFE_START = 1.5  # per second: under the lowest published tiers (100/min, 5/s)
MIN_RATE = 0.1
MAX_RATE = 10000.0
LONG_WINDOW = 60.0
ESTIMATE_SPAN = 5.0  # seconds before a throttled request in which its busiest second is looked for
CLIMB_SPAN = 10.0  # at most this many seconds of answers judge a climb
REGAIN_FIRST, REGAIN_MOST = 0.02, 0.5  # the steps of a climb from a learned rate: 2%, doubled each time, up to 50%
# An answer this late (seconds), and 4 times the usual, means the API stalled: requests sent before
# it were counted by the API when it woke, so a throttle soon after says nothing about its limit.
STALL_LATENCY = 2.0
# Throttles that keep coming at the same per-second limit while the rate is held under it (not a
# probe past it) mean the API sees the requests closer together than they left (the latency
# varies): each one takes another 3% of room under the limit, down to 80% of it.
MIN_HEADROOM = 0.80
MIN_IN_FLIGHT = 8  # requests in flight allowed whatever the latency (within --concurrency)
IN_FLIGHT_MARGIN = 1.5  # in flight allowed: rate x latency x this, plus 2
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
        raise UsageError(tr("{option} {text!r}: use auto, N/s or N/min (e.g. 20/s, 600/min)", option=option("rate"),
                            text=text), option="rate", value=text)
    number = float(m.group(1))
    per_minute = (m.group(2) or "s").lower().startswith("m")
    per_second = number / 60 if per_minute else number
    if per_second * FIXED_FLOOR < MIN_RATE:  # it could not be held: the pacing never goes below MIN_RATE
        raise UsageError(tr("{option} {text!r}: the lowest fixed rate is {lowest}/min", option=option("rate"),
                            text=text, lowest=math.ceil(60 * MIN_RATE / FIXED_FLOOR)), option="rate", value=text)
    return RateSetting(per_second, f"{m.group(1)}/{'min' if per_minute else 's'}")


@dataclass(frozen=True, slots=True)
class Decision:
    """What a controller has found, as plain values: what processes sharing one budget tell each
    other (send/shared.py), so that the rate one finds is every one's."""

    rate: float
    estimate: float | None
    found: bool
    long_window: bool
    headroom: float
    confirmed: int
    slow_start: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision | None:
        """None unless `data` holds every field with a sensible value (a store written by another version)."""
        try:
            estimate = data.get("estimate")
            decision = cls(float(data["rate"]), None if estimate is None else float(estimate), bool(data["found"]),
                           bool(data["long_window"]), float(data["headroom"]), int(data["confirmed"]),
                           bool(data["slow_start"]))
        except (KeyError, TypeError, ValueError):
            return None
        return decision if MIN_RATE <= decision.rate <= MAX_RATE and 0 < decision.headroom <= 1 else None


# A rate the user fixed is held a little under the figure: requests leave on this machine's
# clock and are counted on the API's, and a few milliseconds of jitter must not add one too many
# to a sliding window (1.5% of a second tolerates 15 ms at any rate).
FIXED_HEADROOM = 0.985
SHARED_HEADROOM = 0.97  # several processes sharing one budget: each one's jitter adds to the others'
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
        self.crowded = False  # other processes share the budget now (send/shared.py): more headroom
        self.slow_start = not fixed and start is None
        self.estimate: float | None = None  # the limit, as this run's throttle answers showed it
        self.found = False  # this run met the throttle and estimated the limit from it
        # Climbing from a rate an earlier run learned: the next step (None: not, or no longer).
        self._regain: float | None = REGAIN_FIRST if start is not None and not fixed else None
        self.accepted: list[float] = []  # send times of accepted requests, sorted, the last minute or so
        self._arrived: list[float] = []  # when accepted answers arrived, the last minute or so
        self.throttles = 0
        self.pauses = 0
        self.paused_until = now
        self.long_window = False
        self.confirmed = 0
        self.headroom = FIXED_HEADROOM  # auto holds this share of the estimate
        self.latency = 0.0  # seconds an answer takes, weighted towards the slowest of late
        self._usual: float | None = None  # the usual latency (a slow average)
        self._stalled_at = float("-inf")  # when an answer last came back far later than usual
        self._refine: float | None = None  # the send time of the throttled request, to look at again
        self._streak = 0  # consecutive throttles without a reset header
        self._last_change = now
        self.history: list[tuple[float, float]] = [(now, self.rate)]

    # --- what the sender reports ------------------------------------------------

    def on_accepted(self, now: float, sent_at: float | None = None) -> None:
        """An answer that passed the throttle (any code but 99991400).

        `sent_at`, when its request left: the server counts a request when it arrives, so
        counting by send time sees the window as the server does (answers come back late,
        and not in order)."""
        sent = now if sent_at is None else sent_at
        self._answered(now, now - sent)
        insort(self.accepted, sent)
        self._streak = 0
        for times in (self.accepted, self._arrived):
            old = bisect_left(times, now - LONG_WINDOW)
            if old > 256 or old > len(times) // 2:  # drop the expired in chunks, not one by one
                del times[:old]
        if not self.fixed:
            insort(self._arrived, now)
            if self._refine is not None and now >= self._refine + 1.5 * self.latency:
                self._look_again(now)
            self._maybe_increase(now)

    def on_throttled(self, now: float, reset_after: float | None, sent_at: float | None = None) -> float:
        """A throttle answer: returns the time until which every worker pauses."""
        sent = now if sent_at is None else sent_at
        self._answered(now, now - sent)
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
            self._decrease(now, sent)
        elif self.rate > FIXED_FLOOR * self.fixed_at:
            # A fixed rate that still meets the throttle leaves a little more room each time
            # (timing jitter between this machine and the API), never below 90% of the figure.
            self._set(now, max(self.rate * FIXED_HEADROOM, FIXED_FLOOR * self.fixed_at))
        self.paused_until = now + wait
        return self.paused_until

    def in_flight_limit(self, concurrency: int) -> int:
        """How many requests may be in flight: what the rate needs at the answers' latency (with a
        margin), at least MIN_IN_FLIGHT, never more than `concurrency`."""
        needed = math.ceil(self.rate * self.latency * IN_FLIGHT_MARGIN) + 2
        return max(1, min(concurrency, max(needed, MIN_IN_FLIGHT)))

    # --- sharing one budget with other processes (send/shared.py) --------------------

    def decision(self) -> Decision:
        return Decision(self.rate, self.estimate, self.found, self.long_window, self._alone(self.headroom),
                        self.confirmed, self.slow_start)

    def _alone(self, headroom: float) -> float:
        """A headroom as it would be without the crowd's (what a Decision carries)."""
        return min(FIXED_HEADROOM, headroom * FIXED_HEADROOM / SHARED_HEADROOM) if self.crowded else headroom

    def crowd(self, now: float, crowded: bool) -> None:
        """Other processes began (or stopped) sharing this budget: their requests leave on other
        clocks, so while they do, the rate is held SHARED_HEADROOM instead of FIXED_HEADROOM under
        the figure (fixed) or the limit found (auto)."""
        if crowded == self.crowded:
            return
        self.crowded = crowded
        factor = SHARED_HEADROOM / FIXED_HEADROOM if crowded else FIXED_HEADROOM / SHARED_HEADROOM
        self.headroom = min(FIXED_HEADROOM, self.headroom * factor)
        if self.fixed:
            self._set(now, min(max(self.rate * factor, FIXED_FLOOR * self.fixed_at), self.fixed_at * FIXED_HEADROOM))
        elif crowded and self.estimate is not None:
            self._set(now, min(self.rate, self.headroom * self.estimate))

    def adopt(self, now: float, decision: Decision) -> None:
        """Another process sharing the budget changed the rate (it met the throttle, or climbed):
        take its findings as this controller's own, and judge the next climb from now."""
        self.estimate, self.found = decision.estimate, self.found or decision.found
        self.long_window = decision.long_window
        self.headroom = decision.headroom * (SHARED_HEADROOM / FIXED_HEADROOM if self.crowded else 1.0)
        self.confirmed, self.slow_start = decision.confirmed, decision.slow_start
        if decision.estimate is not None:
            self._regain = None
        self._set(now, decision.rate)

    def others_accepted(self, now: float, sent: Sequence[float], arrived: Sequence[float]) -> None:
        """Answers that passed the throttle for other processes sharing the budget (their send and
        arrival times, on this controller's clock), heard of at `now`: the API counts them in the
        same window, so the limit is estimated, and the climb judged, from all of them."""
        for t in sent:
            insort(self.accepted, t)
        for t in arrived:
            insort(self._arrived, t)
        if not self.fixed and arrived:
            self._maybe_increase(now)

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

    def _answered(self, now: float, latency: float) -> None:
        """Every answer's latency: the in-flight allowance follows the slowest of late (and forgets
        one slow answer in a few dozen); one far slower than usual marks a stall."""
        usual = self._usual
        if usual is not None and latency > max(STALL_LATENCY, 4 * usual):
            self._stalled_at = now
        self._usual = latency if usual is None else usual + 0.1 * (latency - usual)
        self.latency = max(latency, 0.9 * self.latency + 0.1 * latency)

    def _set(self, now: float, rate: float) -> None:
        rate = min(max(rate, MIN_RATE), MAX_RATE)
        if rate != self.rate:
            self.rate = rate
            self.history.append((now, rate))
        self._last_change = now

    def _limit_before(self, sent_at: float) -> float:
        """What the server accepted in its window before a request sent at `sent_at`."""
        if self.long_window:
            return self.count_between(sent_at - LONG_WINDOW, sent_at) / LONG_WINDOW
        # The most accepted in any one second of the last few: a single second's count is off
        # by one with the phase of the sends (4 or 5 at 5/s), and at a low rate one is 20%.
        return float(self.busiest_second(sent_at - ESTIMATE_SPAN, sent_at))

    def _decrease(self, now: float, sent_at: float) -> None:
        """What the server accepted in the window before the throttled request is its limit."""
        if self._stalled_at >= sent_at - ESTIMATE_SPAN:
            # Requests that waited out a stall were counted when the API woke, in the window we
            # measure, but we saw them leave long before it: the count is not the limit. Once:
            # a throttle after this pause is judged as any other.
            self._stalled_at = float("-inf")
            self._set(now, self.rate)
            return
        self.slow_start = False
        estimate = self._limit_before(sent_at)
        if estimate and self.estimate and abs(estimate - self.estimate) <= 0.05 * self.estimate:
            self.confirmed += 1  # the same limit again: probe past it more rarely
            if not self.long_window and self.rate <= self.headroom * self.estimate * 1.001:  # held, not probing
                self.headroom = max(MIN_HEADROOM, self.headroom * 0.97)
        else:
            self.confirmed = 0
        target = self._after_throttle(estimate) if estimate else self.rate / 2
        self.estimate = estimate or None
        self.found = self.found or bool(estimate)
        self._regain = None
        self._refine = sent_at if estimate else None
        self._set(now, target)

    def _look_again(self, now: float) -> None:
        """Once the answers to the requests sent before the throttled one are in, the window may
        hold more than it did when the throttle answer came (answers arrive out of order)."""
        sent_at, self._refine = self._refine, None
        assert sent_at is not None
        estimate = self._limit_before(sent_at)
        if self.estimate is not None and estimate > self.estimate:
            self.estimate = estimate
            if self.rate < self._after_throttle(estimate):
                self.rate = self._after_throttle(estimate)
                self.history.append((now, self.rate))

    def _after_throttle(self, estimate: float) -> float:
        """Where a throttle leaves the rate: 95% of the estimate, less any headroom taken since."""
        return (self.headroom - (FIXED_HEADROOM - 0.95)) * estimate

    def _maybe_increase(self, now: float) -> None:
        # Raise only while the rate is what holds the run back (the workers keep up with it):
        # the answers that arrived over the last few seconds, whatever their latency, came at the
        # rate. Once a limit is found, the rate climbs to the headroom under it and holds there,
        # probing past it only now and then (rarer each time the same limit is met again):
        # each probe that trips the throttle costs everyone the reset pause.
        since = now - self._last_change
        hold = self.headroom * self.estimate if self.estimate is not None else None
        if self.slow_start:
            factor, every = 2.0, 1.0
        elif self._regain is not None:
            factor, every = 1.0 + self._regain, 2.0
        elif hold is not None and self.rate >= hold:
            factor, every = 1.005, min(30.0 * 2**self.confirmed, 300.0)
        elif hold is not None and self.rate >= hold * (1 - 0.015 / self.headroom):  # within 1.5% of the limit
            factor, every = 1.005, 4.0
        else:
            factor, every = 1.02, 2.0
        every = max(every, 4.0 / self.rate)
        span = max(min(every, CLIMB_SPAN), 4.0 / self.rate)
        if since >= every and self._arrived_since(now - span) >= 0.8 * self.rate * span:
            raised = self.rate * factor
            self._set(now, min(raised, hold) if hold is not None and self.rate < hold else raised)
            if self._regain is not None:
                self._regain = min(2 * self._regain, REGAIN_MOST)

    def _arrived_since(self, since: float) -> int:
        return len(self._arrived) - bisect_left(self._arrived, since)
