"""Several `batch-updater run` processes at once against one sandbox (in this process, on a real
clock), each with its own input (its own tickets), sharing a state folder: what the shared rate
budget is checked with (tests/run/test_budget_e2e.py) and measured with (bench/bench_budget.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

FIRST = 7100000000000000001


def ticket_ids(process: int, n: int) -> list[str]:
    return [str(FIRST + (process * 100_000 + i) * 7919) for i in range(n)]


def write_input(path: Path, ids: list[str]) -> Path:
    return write_csv(path, [["ticket_id", "tag_names"], *[[tid, f"tag-{i}"] for i, tid in enumerate(ids)]])


def start(folder: Path, env: dict[str, str], name: str, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "batch_updater", "run", f"{name}.csv", "--report", f"{name}-report.csv", *args]
    return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def child_env(ts: ThreadSandbox, state: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEISHU_", "BATCH_UPDATER_"))}
    return {**env, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(state), **extra}


@dataclass
class Shares:
    """What the sandbox saw of several processes sending at once."""

    accepted: int  # updates the sandbox applied
    requests: int  # every PUT that reached it (throttled ones included)
    throttled: int
    rate: float  # accepted per second while every process was sending (n answers, n - 1 gaps)
    whole_rate: float  # accepted per second, from the first applied update to the last
    overlap_shares: list[float]  # each process's share of what was applied while all of them were sending
    overlap_s: float
    per_process: list[int]

    @property
    def throttled_share(self) -> float:
        return self.throttled / self.requests if self.requests else 0.0

    def line(self) -> str:
        shares = ", ".join(f"{s:.0%}" for s in self.overlap_shares)
        return (f"{self.accepted} accepted at {self.rate:.2f}/s combined while all sent ({self.whole_rate:.2f}/s "
                f"first to last), {self.throttled} of {self.requests} "
                f"throttled ({self.throttled_share:.1%}); shares while all sent ({self.overlap_s:.1f} s): {shares}")


def applied_times(ts: ThreadSandbox, ids: list[str]) -> list[float]:
    """When the sandbox applied each update to these tickets (seconds, its wall clock)."""
    wanted = set(ids)
    return ts.call(lambda sb: sorted(u.at_ms / 1000 for tid, t in sb.tickets.items() if tid in wanted
                                     for u in t.history))


def shares(ts: ThreadSandbox, groups: list[list[str]], since: float = float("-inf")) -> Shares:
    """The figures of processes that sent `groups` of tickets, counting from `since` (wall clock)."""
    times = [[t for t in applied_times(ts, ids) if t >= since] for ids in groups]
    stats: dict[str, Any] = ts.stats()
    every = sorted(t for group in times for t in group)
    span = every[-1] - every[0] if len(every) > 1 else 0.0
    start = max(group[0] for group in times if group)
    end = min(group[-1] for group in times if group)
    inside = [sum(1 for t in group if start <= t <= end) for group in times]
    total = sum(inside) or 1
    by_code = Counter(stats["by_code"])
    overlap = max(0.0, end - start)
    return Shares(len(every), stats["requests"], by_code.get("99991400", 0),
                  (total - 1) / overlap if overlap > 0 else 0.0, (len(every) - 1) / span if span > 0 else 0.0,
                  [n / total for n in inside], overlap, [len(group) for group in times])


def finish(procs: list[subprocess.Popen[str]], ts: ThreadSandbox, groups: list[list[str]], *, grace: float = 20.0,
           limit: float = 180.0) -> list[tuple[str, str]]:
    """Each process's (stdout, stderr) once all have ended. Fails, having killed them all, when one is
    still running `grace` seconds after the sandbox applied its last row (a run with Redis and
    `--rate auto` once hung there: the test must say so, not hang CI), or after `limit` seconds in all.
    `groups[i]`: the tickets of `procs[i]`."""
    results: list[tuple[str, str]] = [("", "")] * len(procs)

    def wait(i: int) -> None:
        results[i] = procs[i].communicate()

    threads = [threading.Thread(target=wait, args=(i,), daemon=True) for i in range(len(procs))]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    done_at: list[float | None] = [None] * len(procs)  # when the sandbox applied each one's last row
    failure = ""
    try:
        while not failure and any(thread.is_alive() for thread in threads):
            now = time.monotonic()
            for i, ids in enumerate(groups):
                if done_at[i] is None and len(applied_times(ts, ids)) >= len(ids):
                    done_at[i] = now
                last = done_at[i]
                if threads[i].is_alive() and last is not None and now - last > grace:
                    failure = (f"process {i} was still running {grace:.0f} s after the sandbox applied its last row "
                               "(a hang at its end)")
            if not failure and now - started > limit:
                applied = sum(len(applied_times(ts, ids)) for ids in groups)
                failure = (f"the processes had not ended after {limit:.0f} s ({applied} of "
                           f"{sum(len(ids) for ids in groups)} rows applied)")
            time.sleep(0.1)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for thread in threads:
            thread.join(10)
    if failure:
        raise AssertionError(failure + "; their stderr ends: " + " | ".join(err[-400:] for _, err in results))
    return results
