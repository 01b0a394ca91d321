"""`batch-updater export` of 25,000 tickets against the sandbox throttling the ticket list at its
documented limits (1000/min and 50/s), on the real clock: the time it takes against the physical
limit, the pages needed at 50 a second (25,000 tickets are 125 pages of 200). The sandbox runs in a
process of its own, as Feishu would. A query reaches
10,000 tickets at most, so the export splits the range of creation times; the probes that costs
are counted apart. `--to base` or `--to sheet` exports into the sandbox's empty Base table or
sheet instead of a file (`export -o LINK`: written at the documents' own documented rates, then
read back). Usage:
    .venv/bin/python bench/bench_export.py [--tickets 25000] [--repeat 3] [--latency-ms 0] [--to file|base|sheet]
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch_updater.helpdesk.export import ExportOptions, export_tickets  # noqa: E402
from batch_updater.helpdesk.listing import PAGE_SIZE  # noqa: E402
from batch_updater.sandbox.state import generated_ids  # noqa: E402


def _sandbox(folder: Path, tickets: int, latency_ms: float) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`batch-updater sandbox` in a process of its own (the client gets its own CPU), knowing
    `tickets` generated tickets; its FEISHU_* variables, read from the lines it prints."""
    ids = folder / "ids.csv"
    ids.write_text("ticket_id\n" + "".join(f"{tid}\n" for tid in generated_ids(0, tickets)))
    command = [sys.executable, "-m", "batch_updater", "sandbox", "--port", "0", "--tickets", str(ids),
               "--latency-ms", str(latency_ms)] + [a for r in ("1000/min", "50/s") for a in ("--list-rate", r)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    env: dict[str, str] = {}
    assert server.stdout is not None
    while "export sheet" not in env:  # its last line: the empty sheet's link
        line = server.stdout.readline()
        if not line:
            raise SystemExit("the sandbox did not start")
        if line.startswith("export "):
            name, _, value = line[len("export "):].strip().partition("=")
            env[name] = shlex.split(value)[0]
        elif line.startswith("# demo export "):
            name, _, link = line[len("# demo "):].strip().partition(": ")
            env[name] = link
    return server, env


def one(tickets: int, latency_ms: float, to: str = "file") -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        server, env = _sandbox(Path(folder), tickets, latency_ms)
        output = Path(folder) / "all.csv" if to == "file" else env.pop(f"export {to}")
        env.pop("export base", None), env.pop("export sheet", None)
        try:
            start = time.monotonic()
            result = export_tickets(ExportOptions(output), env={**env, "BATCH_UPDATER_STATE_DIR": folder})
            wall = time.monotonic() - start
            with urllib.request.urlopen(env["FEISHU_BASE_URL"] + "/_sandbox/stats") as answer:
                stats = json.load(answer)
        finally:
            server.terminate()
            server.wait(10)
    assert result.exit_code == 0 and result.tickets == tickets, (result.exit_code, result.tickets, result.link)
    writes = result.link.calls if result.link is not None else 0
    return {"wall": wall, "writes": writes, "reading": result.elapsed, "requests": result.selected.requests,
            "windows": result.selected.windows, "throttled": stats["by_code"].get("99991400", 0),
            "max_1s": stats["list"]["max_accepted_1s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--to", choices=("file", "base", "sheet"), default="file")
    args = parser.parse_args()
    runs = [one(args.tickets, args.latency_ms, args.to) for _ in range(args.repeat)]
    pages = math.ceil(args.tickets / PAGE_SIZE)
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"export of {args.tickets:,} tickets to a {args.to}, list API at 1000/min & 50/s, latency "
          f"{args.latency_ms:g} ms, median of {args.repeat}; {median['writes']:.0f} write calls")
    print("| tickets | pages needed | requests made | physical limit (pages / 50/s) | requests / 50/s | reading | "
          "whole export | throttle answers | most in 1 s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {args.tickets:,} | {pages} | {median['requests']:.0f} ({median['windows']:.0f} windows) | "
          f"{pages / 50:.2f} s | {median['requests'] / 50:.2f} s | {median['reading']:.2f} s | {median['wall']:.2f} s | "
          f"{median['throttled']:.0f} | {median['max_1s']:.0f} |")


if __name__ == "__main__":
    main()
