"""Which GCRA for the shared budget in Redis (issue 22): the project's own Lua script
(send/redis_limiter.py, `take`: a reservation with its due time) or throttled-py's GCRA (a yes/no
with retry_after, asked again after waiting). Against redis-server on 127.0.0.1 (started here).

    pip install throttled-py   # not a dependency of batch-updater: only this comparison needs it
    .venv/bin/python bench/bench_gcra_choice.py [--rate 50] [--requests 100] [--clients 3]

1. one call's cost, one by one, uncontended (p50, p90, p99);
2. `--clients` clients (each its own connection) wanting `--requests` slots each, at `--rate`/s
   together: Redis calls per request granted, the rate achieved, the most grants in any sliding
   second (a sliding window of `--rate` would refuse any above it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.redis_server import redis_server  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


class Ours:
    """send/redis_limiter.py's take, used as SharedPacer uses it (one slot per call below 50/s)."""

    name = "Lua script (ours): take"

    def __init__(self, url: str, rate: float, key: str) -> None:
        from batch_updater.send.redis_limiter import RedisSlots, redis_client

        self.client = redis_client(url)
        self.store = RedisSlots(self.client, f"bench:{key}", url)
        self.interval = 1.0 / rate
        self.calls = 0

    async def slot(self, loop: asyncio.AbstractEventLoop) -> None:
        asked = loop.time()
        grant = await self.store.take(1, self.interval, "w")
        self.calls += 1
        offset = grant.now - (asked + loop.time()) / 2
        wait = grant.due - offset - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def close(self) -> None:
        await self.client.aclose()


class Theirs:
    """throttled-py's GCRA (asyncio), burst 1, waiting (timeout) as its docs show."""

    name = "throttled-py 3.5 GCRA: limit(timeout)"

    def __init__(self, url: str, rate: float, key: str) -> None:
        from throttled.asyncio import RateLimiterType, Throttled, rate_limiter, store

        self.throttle = Throttled(key=f"bench:{key}", using=RateLimiterType.GCRA.value,
                                  quota=rate_limiter.per_sec(int(rate), burst=1),
                                  store=store.RedisStore(server=url), timeout=10)
        self.calls = 0
        limiter = self.throttle.limiter
        original = limiter.limit

        async def counted(*args, **kwargs):
            self.calls += 1
            return await original(*args, **kwargs)

        limiter.limit = counted  # count the round trips its waiting makes

    async def slot(self, loop: asyncio.AbstractEventLoop) -> None:
        result = await self.throttle.limit()
        assert not result.limited

    async def close(self) -> None:
        pass


class TheirsPolled(Theirs):
    """throttled-py's GCRA asked without waiting (timeout -1); a refused caller sleeps retry_after
    itself and asks again (its own wait sleeps at least 0.2 s a time)."""

    name = "throttled-py 3.5 GCRA: limit(), sleep retry_after"

    def __init__(self, url: str, rate: float, key: str) -> None:
        super().__init__(url, rate, key)
        self.throttle.timeout = -1

    async def slot(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            result = await self.throttle.limit(timeout=-1)
            if not result.limited:
                return
            await asyncio.sleep(result.state.retry_after)


async def one_by_one(kind: type, url: str, n: int) -> list[float]:
    limiter = kind(url, 1e6, f"cost-{kind.__name__}")
    loop = asyncio.get_running_loop()
    for _ in range(200):
        await limiter.slot(loop)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        await limiter.slot(loop)
        times.append(time.perf_counter() - t)
    await limiter.close()
    return times


async def contended(kind: type, url: str, rate: float, clients: int, requests: int) -> str:
    limiters = [kind(url, rate, f"shared-{kind.__name__}") for _ in range(clients)]
    loop = asyncio.get_running_loop()
    granted: list[float] = []

    async def client(limiter) -> None:
        for _ in range(requests):
            await limiter.slot(loop)
            granted.append(loop.time())

    await asyncio.gather(*(client(limiter) for limiter in limiters))
    calls = sum(limiter.calls for limiter in limiters)
    for limiter in limiters:
        await limiter.close()
    granted.sort()
    achieved = (len(granted) - 1) / (granted[-1] - granted[0])
    return (f"| {kind.name} | {calls / len(granted):.2f} | {achieved:.2f}/s | "
            f"{most_in_a_second(granted)} |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--calls", type=int, default=3000, help="measure 1: timed calls")
    args = parser.parse_args()
    kinds: list[type] = [Ours]
    try:
        import throttled  # noqa: F401

        kinds += [Theirs, TheirsPolled]
    except ImportError:
        print("(throttled-py is not installed: pip install throttled-py to compare it)")
    with redis_server() as url:
        print("| one call, uncontended | p50 | p90 | p99 |")
        print("| --- | --- | --- | --- |")
        for kind in kinds:
            t = await one_by_one(kind, url, args.calls)
            print(f"| {kind.name} | {pct(t, .5):.3f} ms | {pct(t, .9):.3f} ms | {pct(t, .99):.3f} ms |", flush=True)
        print()
        print(f"| {args.clients} clients, {args.requests} slots each, {args.rate:g}/s together | Redis calls per "
              f"slot | achieved | most in any second |")
        print("| --- | --- | --- | --- |")
        for kind in kinds:
            print(await contended(kind, url, args.rate, args.clients, args.requests), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
