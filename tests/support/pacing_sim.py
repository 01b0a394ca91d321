"""A discrete-time simulation of the pacing controller against a sliding-window throttle."""

from __future__ import annotations

import math
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
