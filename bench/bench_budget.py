"""Several jobs on one app (issue 22): three `batch-updater run` processes at once against one
sandbox, with the shared budget (Redis, the state folder) and without (`--limiter none`); and the
cost per request of the Redis slot on loopback.

    .venv/bin/python bench/bench_budget.py [--rows 200] [--repeat 3] [--only 1,2,3]

1. fixed: three processes told 20/s against a sandbox limiting at 20/s (each `--rows` rows)
2. auto: three processes `--rate auto` against an unpublished 30/s (each 2 x `--rows` rows)
3. the Redis slot: a take + a departure (what one request at a fixed rate asks of Redis), and a
   take alone, from one process, timed one by one (p50, p90, p99), against redis-server on
   127.0.0.1; the state folder's the same way.

Figures (bench/README.md): the sandbox's view: updates applied per second while all three sent
(n - 1 gaps), throttle answers / all requests, each process's share of the applied while all sent;
for auto, also the last 10 s the three sent together ("held") and the rate each process says it
ended at (its summary's "rate at the end": what the three settled at, one shared rate).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from batch_updater.sandbox import SandboxConfig  # noqa: E402
from tests.support.budget_runs import (  # noqa: E402
    applied_times,
    child_env,
    finish,
    shares,
    start,
    ticket_ids,
    write_input,
)
from tests.support.redis_server import redis_server  # noqa: E402
from tests.support.send_harness import ThreadSandbox  # noqa: E402


def three(limit: int, rows: int, *args: str, limiter: str | None = None) -> tuple[object, object, list[float]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-budget-"))
    groups = [ticket_ids(p, rows) for p in range(3)]
    for p, ids in enumerate(groups):
        write_input(folder / f"job{p}.csv", ids)
    with ThreadSandbox(SandboxConfig(ticket_ids=[t for g in groups for t in g], rates=[(limit, 1.0)])) as ts:
        extra = {"BATCH_UPDATER_LIMITER": limiter} if limiter else {}
        env = child_env(ts, folder / "state", **extra)
        procs = [start(folder, env, f"job{p}", *args) for p in range(3)]
        outputs = finish(procs, ts, groups, limit=3600)
        whole = shares(ts, groups)
        ends = [applied_times(ts, ids)[-1] for ids in groups]
        held = shares(ts, groups, since=min(ends) - 10.0)
    # auto: the rate each process says it ended at ("... rate at the end 29.1/s ...")
    settled = [float(m.group(1)) for out, _ in outputs if (m := re.search(r"rate at the end ([\d.]+)/s", out))]
    print(f"  ({' '.join(args)}, {limiter or 'state folder'}: {whole.line()}; last 10 s: {held.rate:.2f}/s; "
          f"at the end: {settled})", file=sys.stderr, flush=True)
    return whole, held, settled


def row(name: str, runs: list[tuple[object, object, list[float]]], auto: bool) -> str:
    rate = statistics.median(w.rate for w, _, _ in runs)
    throttled = statistics.median(w.throttled_share for w, _, _ in runs)
    low = min(min(w.overlap_shares) for w, _, _ in runs)
    high = max(max(w.overlap_shares) for w, _, _ in runs)
    text = (f"| {name} | {rate:.2f}/s ({min(w.rate for w, _, _ in runs):.2f}-{max(w.rate for w, _, _ in runs):.2f}) "
            f"| {throttled:.1%} | {low:.0%}-{high:.0%} |")
    if auto:
        held = [h.rate for _, h, _ in runs]
        ended = [r for _, _, rates in runs for r in rates]
        text += f" {statistics.median(held):.2f}/s ({min(held):.2f}-{max(held):.2f}) |"
        text += f" {min(ended):.2f}-{max(ended):.2f}/s |" if ended else " - |"
    return text


async def slot_cost(store, n: int, depart: bool) -> list[float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        await store.take(1, 1e-6)
        if depart:
            await store.depart(20, 1e-6)  # 20/s: the last 20 departures kept
        times.append(time.perf_counter() - t)
    return times


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


async def costs(n: int) -> list[str]:
    from batch_updater.send.redis_limiter import RedisSlots, redis_client
    from batch_updater.send.slots import FileSlots

    lines = []
    with redis_server() as url:
        client = redis_client(url)
        store = RedisSlots(client, "bench:slot", url)
        await slot_cost(store, 200, True)  # scripts loaded, connection warm
        for depart in (False, True):
            t = await slot_cost(store, n, depart)
            lines.append(f"| Redis, take{' + departure' if depart else ''} | {pct(t, .5):.3f} ms | "
                         f"{pct(t, .9):.3f} ms | {pct(t, .99):.3f} ms |")
        await client.aclose()
    store = FileSlots(Path(tempfile.mkdtemp()), "bench")
    await slot_cost(store, 200, True)
    for depart in (False, True):
        t = await slot_cost(store, n, depart)
        lines.append(f"| state folder, take{' + departure' if depart else ''} | {pct(t, .5):.3f} ms | "
                     f"{pct(t, .9):.3f} ms | {pct(t, .99):.3f} ms |")
    await store.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200, help="rows per process for the fixed rate (auto: twice)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="1,2,3")
    parser.add_argument("--requests", type=int, default=5000, help="measure 3: timed requests")
    args = parser.parse_args()
    only = {int(x) for x in args.only.split(",")}
    if 1 in only:
        print("| three jobs, told 20/s, API 20/s | combined while all sent | throttled | each one's share |")
        print("| --- | --- | --- | --- |")
        with redis_server() as url:
            for name, limiter in (("Redis", url), ("state folder (default)", None), ("none", "none")):
                runs = [three(20, args.rows, "--rate", "20/s", limiter=limiter) for _ in range(args.repeat)]
                print(row(name, runs, False), flush=True)
    if 2 in only:
        print("| three jobs, auto, API 30/s | combined while all sent | throttled | each one's share "
              "| held (last 10 s) | rate at the end (each) |")
        print("| --- | --- | --- | --- | --- | --- |")
        with redis_server() as url:
            for name, limiter in (("Redis", url), ("state folder (default)", None), ("none", "none")):
                runs = [three(30, 2 * args.rows, "--rate", "auto", limiter=limiter) for _ in range(args.repeat)]
                print(row(name, runs, True), flush=True)
    if 3 in only:
        print("| one request's slot, one by one | p50 | p90 | p99 |")
        print("| --- | --- | --- | --- |")
        for line in asyncio.run(costs(args.requests)):
            print(line, flush=True)


if __name__ == "__main__":
    main()
