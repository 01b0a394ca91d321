"""The Pacer on a virtual clock (the loop skips idle waits): slots by due time, no burst at the
start, a fixed rate held where requests leave, and a throttle pause as long as the API says."""

from __future__ import annotations

import asyncio

from batch_updater.send.limiter import DEPARTURE_MARGIN, Pacer, departure_window
from batch_updater.send.pacing import FIXED_HEADROOM, PaceController, parse_rate
from tests.support.virtual_time import run_virtual


def fixed(rate: str) -> PaceController:
    return PaceController.for_setting(parse_rate(rate))


def test_the_first_slots_of_a_run_do_not_burst():
    async def main():
        pacer = Pacer(fixed("20/s"))
        times = []
        for _ in range(41):
            await pacer.acquire()
            times.append(pacer.now())
        return times

    times = run_virtual(main())
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) > 0.045  # 1 / (20 x 0.985) = 50.8 ms, less a late wake-up made up
    assert times[20] - times[0] >= 20 / (20 * FIXED_HEADROOM) - 1e-4  # 21 slots: 20 full gaps, none made up


def test_a_fixed_rate_holds_its_window_where_requests_leave():
    """Departures brought together (a slow journal commit delays one, the next is on time) wait:
    never K + 1 of them within the figure's window plus the margin."""
    async def main():
        pacer = Pacer(fixed("20/s"))
        return [await pacer.depart() for _ in range(61)]

    times = run_virtual(main())
    assert times[19] - times[0] < 0.01  # the check only holds back; pacing is acquire's
    spans = [times[k + 20] - times[k] for k in range(len(times) - 20)]
    assert min(spans) >= 1.0 + DEPARTURE_MARGIN - 1e-6


def test_departure_windows():
    assert departure_window(fixed("20/s")) == (20, 1.0 + DEPARTURE_MARGIN)
    count, seconds = departure_window(fixed("2.5/s"))
    assert count == 2 and abs(seconds - (0.8 + DEPARTURE_MARGIN)) < 1e-9  # two per 0.8 s: the rate itself
    count, seconds = departure_window(fixed("30/min"))
    assert count == 1 and abs(seconds - (2.0 + DEPARTURE_MARGIN)) < 1e-9
    assert departure_window(PaceController()) is None  # auto: none


def test_auto_departures_are_not_held():
    async def main():
        pacer = Pacer(PaceController(5.0))
        return [await pacer.depart() for _ in range(30)]

    times = run_virtual(main())
    assert times[-1] - times[0] < 0.01


def test_a_throttle_at_a_fixed_rate_pauses_exactly_as_long_as_the_reset_says():
    async def main():
        pacer = Pacer(fixed("20/s"), jitter=lambda: 0.05)
        now = pacer.now()
        pacer.throttled(1.0)
        fixed_pause = pacer.controller.paused_until - now
        auto = Pacer(PaceController(5.0), jitter=lambda: 0.05)
        now = auto.now()
        auto.throttled(1.0)
        return fixed_pause, auto.controller.paused_until - now

    fixed_pause, auto_pause = run_virtual(main())
    assert 1.0 <= fixed_pause < 1.001
    assert 1.05 <= auto_pause < 1.051  # auto keeps its jitter, as before


def test_a_slot_after_a_pause_waits_for_it():
    async def main():
        pacer = Pacer(fixed("20/s"))
        await pacer.acquire()
        start = pacer.now()
        pacer.throttled(2.0)
        await pacer.acquire()
        await asyncio.sleep(0)
        return pacer.now() - start

    assert run_virtual(main()) >= 2.0


def test_a_slot_waits_for_room_in_flight():
    """With --concurrency 3, the fourth slot waits until a request in flight ends."""
    async def main():
        pacer = Pacer(fixed("1000/s"))
        pacer.max_in_flight = 3
        granted = []

        async def one(i):
            await pacer.acquire()
            granted.append(i)

        tasks = [asyncio.create_task(one(i)) for i in range(5)]
        await asyncio.sleep(1.0)
        first = list(granted)
        pacer.release()
        await asyncio.sleep(1.0)
        second = list(granted)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return first, second, pacer.in_flight

    first, second, in_flight = run_virtual(main())
    assert (first, second, in_flight) == ([0, 1, 2], [0, 1, 2, 3], 3)
