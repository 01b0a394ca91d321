"""`batch-updater export` of 25,000 tickets against the sandbox throttling the ticket list at its
documented limits (1000/min and 50/s), on the real clock: the time it takes against the physical
limit, the pages needed at 50 a second (25,000 tickets are 125 pages of 200). A query reaches
10,000 tickets at most, so the export splits the range of creation times; the probes that costs
are counted apart. Usage:
    .venv/bin/python bench/bench_export.py [--tickets 25000] [--repeat 3] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch_updater.helpdesk.export import ExportOptions, export_tickets  # noqa: E402
from batch_updater.helpdesk.listing import LIST_RATES, PAGE_SIZE  # noqa: E402
from batch_updater.sandbox import Faults, SandboxConfig  # noqa: E402
from tests.support.send_harness import ThreadSandbox  # noqa: E402


def one(tickets: int, latency_ms: float) -> dict[str, float]:
    config = SandboxConfig(n_tickets=tickets, list_rates=LIST_RATES, fields_rates=[(1000, 1.0)],
                           faults=Faults(latency_ms=latency_ms))
    with ThreadSandbox(config) as ts, tempfile.TemporaryDirectory() as folder:
        start = time.monotonic()
        result = export_tickets(ExportOptions(Path(folder) / "all.csv"), env=ts.env())
        wall = time.monotonic() - start
        stats = ts.stats()
        every = ts.call(lambda sb: len(sb.tickets))
    assert result.exit_code == 0 and result.tickets == every == tickets, (result.exit_code, result.tickets)
    return {"wall": wall, "reading": result.elapsed, "requests": result.selected.requests,
            "windows": result.selected.windows, "throttled": stats["by_code"].get("99991400", 0),
            "max_1s": stats["list"]["max_accepted_1s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    runs = [one(args.tickets, args.latency_ms) for _ in range(args.repeat)]
    pages = math.ceil(args.tickets / PAGE_SIZE)
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"export of {args.tickets:,} tickets, list API at 1000/min & 50/s, latency {args.latency_ms:g} ms, "
          f"median of {args.repeat}")
    print("| tickets | pages needed | requests made | physical limit (pages / 50/s) | requests / 50/s | reading | "
          "whole export | throttle answers | most in 1 s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {args.tickets:,} | {pages} | {median['requests']:.0f} ({median['windows']:.0f} windows) | "
          f"{pages / 50:.2f} s | {median['requests'] / 50:.2f} s | {median['reading']:.2f} s | {median['wall']:.2f} s | "
          f"{median['throttled']:.0f} | {median['max_1s']:.0f} |")


if __name__ == "__main__":
    main()
