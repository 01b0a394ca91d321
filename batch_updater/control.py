"""A run's public hooks: what `on_progress` is told (`RunProgress`), a Stop button for a run on
another thread (`RunControl`), and a rate in words (`format_rate`).

`run_job`, `plan_job`, `run_frame` and `plan_frame` take them; the command line's progress bar
and the web console use them. Nothing here loads the sending half (aiohttp): a dry run imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from batch_updater.i18n import language, tr_in


@dataclass
class RunProgress:
    """Where a pass over the rows is (sending them, or reading their tickets)."""

    done: int
    total: int
    counts: dict[str, int]  # rows done, by result ("ok", "failed", ...)
    rate: float  # requests per second the pacing holds now
    paused: bool  # every worker waits out a throttle pause
    reading: bool = False  # reading tickets (plan, --skip-unchanged, --undo, reading back), not sending
    throttles: int = 0  # throttle answers so far
    pauses: int = 0  # pauses they caused
    own_rate: float | None = None  # this job's accepted requests per second lately (None: not measured)
    shared_with: int = 0  # other jobs (processes) pacing on the same budget now: `rate` is all of theirs


def rate_in_words(rate: float, own_rate: float | None = None, shared_with: int = 0, lang: str | None = None) -> str:
    """The rate a job shows: the budget's `rate` when it has the budget alone; when other jobs
    share it, the job's own rate and the budget's, said as shared (`rate` alone would count the
    same requests once per job)."""
    if not shared_with or own_rate is None:
        return format_rate(rate)
    lang = lang or language()
    if shared_with == 1:
        return tr_in(lang, "{own} (budget {rate} shared with 1 other job)", own=format_rate(own_rate),
                     rate=format_rate(rate))
    return tr_in(lang, "{own} (budget {rate} shared with {n} other jobs)", own=format_rate(own_rate),
                 rate=format_rate(rate), n=shared_with)


Progress = RunProgress  # its name before it moved here (send/pool.py)


def format_rate(per_second: float) -> str:
    if per_second < 1:
        return f"{per_second * 60:.0f}/min"
    return f"{per_second:.1f}/s" if per_second < 10 else f"{per_second:.0f}/s"


class Interruptible(Protocol):
    """What a Stop button stops: a pass over the rows (send/pool.py's Sender)."""

    def interrupt(self) -> None: ...


class RunControl:
    """A Stop button for a run on another thread: `stop()` does what Ctrl-C does to the part of
    the run going on (reading, sending, reading back), and to any part that starts after it:
    requests in flight end, the rest are not sent. Pressed again, it cuts them off."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: list[tuple[asyncio.AbstractEventLoop, Interruptible]] = []
        self.presses = 0

    @property
    def stopped(self) -> bool:
        return self.presses > 0

    def stop(self) -> None:
        with self._lock:
            self.presses += 1
            for loop, target in self._watched:
                loop.call_soon_threadsafe(target.interrupt)

    @contextlib.contextmanager
    def watching(self, target: Interruptible) -> Iterator[None]:
        """While in this block, `stop()` interrupts `target` (on the running loop's thread)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._watched.append((loop, target))
            for _ in range(min(self.presses, 2)):  # pressed before this part started
                target.interrupt()
        try:
            yield
        finally:
            with self._lock:
                self._watched.remove((loop, target))
