"""WindowLimiter: several sliding windows at once, on virtual time (no test sleeps)."""

from __future__ import annotations

from batch_updater.send.fetch import WindowLimiter
from tests.support.virtual_time import run_virtual


async def _grants(limiter: WindowLimiter, n: int) -> list[float]:
    times = []
    for _ in range(n):
        await limiter.acquire()
        times.append(limiter.windows[0][2][-1])  # the grant's time, as the limiter recorded it
        limiter.release()
    return times


def test_spaced_at_the_shortest_window_until_the_minute_is_full():
    async def main() -> list[float]:
        limiter = WindowLimiter([(1000, 60.0), (50, 1.0)])
        return await _grants(limiter, 1100)

    times = run_virtual(main())
    start = times[0]
    first_second = sum(1 for t in times if t < start + 1.0)
    assert 48 <= first_second <= 50  # 50/s less the headroom, not 1000/60 a second
    in_a_minute = max(sum(1 for t in times if s <= t < s + 60.0) for s in times[:200])
    assert in_a_minute <= 985  # the minute's figure less the headroom
    assert times[-1] - start >= 60.0  # the 986th waited for the minute to free up


def test_a_throttle_answer_pauses_every_request_for_its_reset():
    async def main() -> tuple[float, float]:
        limiter = WindowLimiter([(50, 1.0)])
        await limiter.acquire()
        limiter.release()
        paused = limiter.answered(limiter.now(), throttled=True, reset_after=3.0)
        before = limiter.now()
        await limiter.acquire()
        return paused, limiter.now() - before

    paused, waited = run_virtual(main())
    assert paused == 3.0 and waited >= 3.0
