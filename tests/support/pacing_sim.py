"""Discrete-time simulations of the pacing controller against a sliding-window throttle.

`simulate`: one request at a time, answered almost at once. `simulate_in_flight`: requests
leave on the pacer's grid (one every 1/rate after any pause, as `Pacer.acquire` grants them),
at most `in_flight_limit(concurrency)` in flight, each judged by the server and answered
`latency` (plus up to `jitter`) after it left: a far API. Pure: virtual time, no I/O.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass, field

from batch_updater.send.pacing import PaceController


@dataclass
class Window:
    limit: int
    seconds: float
    times: deque = field(default_factory=deque)

    def room_at(self, now: float) -> float:
        """0 if a request is accepted now, else seconds until it would be."""
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + self.seconds - now


def simulate(windows: list[Window], seconds: float, controller: PaceController | None = None,
             latency: float = 0.02):
    pace = controller or PaceController()
    now, accepted, throttled = 0.0, [], 0
    while now < seconds:
        now = max(now, pace.paused_until)
        waits = [w.room_at(now) for w in windows]
        if max(waits) == 0:
            for w in windows:
                w.times.append(now)
            accepted.append(now)
            pace.on_accepted(now + latency)
        else:
            throttled += 1
            pace.on_throttled(now + latency, math.ceil(max(waits)))
        now += 1.0 / pace.rate
    return pace, accepted, throttled


@dataclass
class Simulated:
    pace: PaceController
    accepted: list[float]  # when the server accepted each request
    throttle_times: list[float]  # when it throttled one
    most_in_flight: int

    @property
    def throttled(self) -> int:
        return len(self.throttle_times)

    def rate_between(self, start: float, end: float) -> float:
        return sum(start <= t < end for t in self.accepted) / (end - start)


def simulate_in_flight(windows: list[Window], seconds: float, *, latency: float, jitter: float = 0.0,
                       concurrency: int = 64, controller: PaceController | None = None,
                       stall: tuple[float, float] | None = None, seed: int = 0) -> Simulated:
    """`stall` = (start, length): the server hangs; what reaches it meanwhile is judged and
    answered all at once when it wakes (as the sandbox's throttle does, after its latency)."""
    pace = controller or PaceController()
    rng = random.Random(seed)
    answers: list[tuple[float, int, float]] = []  # (judged and answered at, order, sent at)
    now, last_due, in_flight, most, order = 0.0, -math.inf, 0, 0, 0
    accepted: list[float] = []
    throttled: list[float] = []
    while now < seconds:
        slot = math.inf
        if in_flight < pace.in_flight_limit(concurrency):
            slot = max(now, pace.paused_until, last_due + 1.0 / pace.rate)
        if answers and answers[0][0] <= slot:
            now, _, sent = heapq.heappop(answers)
            in_flight -= 1
            waits = [w.room_at(now) for w in windows]
            if max(waits) == 0:
                for w in windows:
                    w.times.append(now)
                accepted.append(now)
                pace.on_accepted(now, sent)
            else:
                throttled.append(now)
                pace.on_throttled(now, math.ceil(max(waits)), sent)
            continue
        if slot == math.inf:
            break
        now = last_due = slot
        arrives = now + latency + rng.uniform(0.0, jitter)
        if stall is not None and stall[0] <= arrives < stall[0] + stall[1]:
            arrives = stall[0] + stall[1]
        heapq.heappush(answers, (arrives, order, now))
        order += 1
        in_flight += 1
        most = max(most, in_flight)
    return Simulated(pace, accepted, throttled, most)
