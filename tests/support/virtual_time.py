"""An asyncio event loop whose clock jumps ahead whenever the loop would only wait for a timer.

Client and sandbox run in one such loop and both read `loop.time()`, so a minute of
pacing, throttle windows, reset pauses and slow answers takes as long as the CPU work
it holds, while the I/O between them stays real (sockets on 127.0.0.1):

    result = run_virtual(main())   # main() may await asyncio.sleep(60) at no cost

When nothing is ready, the loop first waits a little real time (`REAL_GRACE`) for
I/O, so bytes written on loopback arrive before the clock jumps to the next timer.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
REAL_GRACE = 0.0005  # seconds of real time to wait for I/O before the clock jumps


class _FastForwardSelector:
    """Waits for I/O for real, but for a timer only `REAL_GRACE`, then skips the rest."""

    def __init__(self, inner: selectors.BaseSelector) -> None:
        self.inner = inner
        self.skipped = 0.0  # virtual time = real monotonic time + the idle waits skipped

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and timeout <= 0:
            return self.inner.select(0)
        start = time.monotonic()
        events = self.inner.select(REAL_GRACE if timeout is None else min(timeout, REAL_GRACE))
        if events:
            return events
        if timeout is None:  # no timer at all: only I/O can wake the loop
            return self.inner.select(None)
        self.skipped += max(0.0, timeout - (time.monotonic() - start))
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._ff = _FastForwardSelector(selectors.DefaultSelector())
        super().__init__(self._ff)  # type: ignore[arg-type]

    def time(self) -> float:
        # Real time keeps moving while the CPU works (the client and server both read it), and
        # jumps over every idle wait for a timer.
        return time.monotonic() + self._ff.skipped


def run_virtual(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on a VirtualTimeLoop."""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(main)
