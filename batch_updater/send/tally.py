"""A pass's tally: the rows done by result, out of how many, and when the answers came (the
report's timeline); `on_progress` is told of the first row, the last, and at most once per
`every` seconds between (0: every row): a display needs no more, and at thousands of rows a
second each call costs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from batch_updater.control import RunProgress
from batch_updater.model import Result
from batch_updater.send.limiter import Limiter

OWN_RATE_WINDOW = 10.0  # seconds of accepted answers a pass's own rate is measured over


@dataclass
class SendStats:
    accepted_times: list[float] = field(default_factory=list)
    throttle_times: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


class Tally:
    """Counts the rows of one pass as they end; times are the limiter's clock."""

    def __init__(self, limiter: Limiter, on_progress: Callable[[RunProgress], None] | None, every: float, *,
                 reading: bool = False) -> None:
        self.stats = SendStats()
        self.counts: dict[str, int] = {}
        self.done = 0
        self.total = 0
        self._limiter = limiter  # its clock, and the rate and pause shown
        self._on_progress = on_progress
        self._every = every
        self._reading = reading  # shown as tickets read, not rows sent
        self._shown = 0  # rows done when on_progress was last called
        self._next = float("-inf")

    def start(self, total: int) -> None:
        self.total = total
        self.stats.started = self._limiter.now()

    def accepted(self, now: float) -> None:
        self.stats.accepted_times.append(now)

    def throttled(self, now: float) -> None:
        self.stats.throttle_times.append(now)

    def count(self, result: Result) -> None:
        """A row ended with `result`."""
        self.done += 1
        key = result.value
        self.counts[key] = self.counts.get(key, 0) + 1
        if self._on_progress is not None:
            now = self._limiter.now()
            if now >= self._next or self.done == self.total:
                self._next = now + self._every
                self._show(self._on_progress)

    def finished(self) -> None:
        """No more requests leave: the pass's time ends here."""
        self.stats.finished = self._limiter.now()

    def show_last(self) -> None:
        """The rows done since progress was last shown (the pass stopped between two calls)."""
        if self._on_progress is not None and self.done > self._shown:
            self._show(self._on_progress)

    def _show(self, on_progress: Callable[[RunProgress], None]) -> None:
        self._shown = self.done
        pace = self._limiter.snapshot()
        on_progress(RunProgress(self.done, self.total, dict(self.counts), pace.rate, pace.paused, self._reading,
                                pace.throttles, pace.pauses, self.own_rate(), pace.others))

    def own_rate(self) -> float | None:
        """This pass's accepted answers per second over the last OWN_RATE_WINDOW seconds (since its
        start, if shorter): what it gets of a budget other jobs share. None before a second passed."""
        now = self._limiter.now()
        span = min(OWN_RATE_WINDOW, now - self.stats.started)
        if span < 1.0:
            return None
        times = self.stats.accepted_times
        return (len(times) - bisect_left(times, now - span)) / span
