"""control.py: the run's public hooks, on the base floor (no aiohttp)."""

from __future__ import annotations

import asyncio

import batch_updater
from batch_updater.control import Progress, RunControl, RunProgress


class Pass:
    """Anything with `interrupt()` can be watched: not only the Sender."""

    def __init__(self) -> None:
        self.interrupts = 0

    def interrupt(self) -> None:
        self.interrupts += 1


async def test_a_stop_button_interrupts_whatever_it_watches():
    control, before, during = RunControl(), Pass(), Pass()
    control.stop()  # pressed before the part started: it starts interrupted
    with control.watching(before):
        assert before.interrupts == 1
    with control.watching(during):
        control.stop()  # pressed again while it runs: a second interrupt cuts off the requests in flight
        await asyncio.sleep(0)  # stop() hands the interrupt to the loop's thread
    assert (during.interrupts, control.presses, control.stopped) == (2, 2, True)  # the earlier press, then this
    control.stop()
    assert during.interrupts == 2  # no longer watched


def test_the_hooks_are_public():
    assert batch_updater.RunProgress is RunProgress is Progress and batch_updater.RunControl is RunControl
