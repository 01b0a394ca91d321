"""`--rate auto` against a far API: achieved rate vs the limit when every answer is late.

The sandbox runs in its own process with `--latency-ms` (it waits that long before it judges
and answers each request) and a per-second limit; `batch-updater run --rate auto` runs in
another, from a fresh state folder (no learned rate). The sandbox's `applied` count is polled
every 0.5 s for at most `--seconds`; the client is stopped (SIGINT) if it is still sending then,
so a slow client costs the same time as a fast one.

Reported per case: the limit, the latency, --concurrency, the rows applied, the achieved rate
over the whole time (applied / seconds, from the client's start: process start-up and slow
start included), over its second half, the start of the first 5 s window at 85% of the limit
or more ("-": never), and the requests the sandbox throttled.

Usage:
    .venv/bin/python bench/bench_latency.py [--at REV] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_send  # noqa: E402  (the sandbox process, the inputs, --at)
from bench_send import SandboxProcess, write_input  # noqa: E402

CASES = [  # (limit per second, latency ms, latency max ms or None, --concurrency or None: the default)
    (8, 800, None, 8),  # the case: eight workers, 0.8 s answers
    (8, 500, 800, None),
    (50, 700, None, None),  # the sandbox at 50/s and 0.7 s
]


def run_case(work: Path, limit: int, latency: float, latency_max: float | None, concurrency: int | None,
             seconds: float) -> dict[str, object]:
    rows = int(limit * seconds * 1.2)
    inp = write_input(work / f"lat-{limit}-{latency:g}.csv", rows)
    with SandboxProcess(inp, [f"{limit}/s"], latency, latency_max) as sb:
        state = Path(tempfile.mkdtemp(dir=work, prefix="state-"))
        env = {**bench_send.CHILD_ENV, **sb.credentials, "BATCH_UPDATER_STATE_DIR": str(state), "HOME": str(state)}
        cmd = [sys.executable, "-m", "batch_updater", "run", str(inp), "--rate", "auto",
               "--report", str(work / "report.csv")]
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        client = subprocess.Popen(cmd, env=env, cwd=bench_send.CHILD_CWD, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        start = time.monotonic()
        series: list[tuple[float, int]] = []
        while True:
            now = time.monotonic() - start
            series.append((now, sb.stats()["applied"]))
            if client.poll() is not None or now >= seconds:
                break
            time.sleep(0.5)
        sb_throttled = [sb.stats()["by_status"].get("429", 0)]
        if client.poll() is None:
            client.send_signal(signal.SIGINT)
            try:
                client.wait(30)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()
    end, applied = series[-1]
    throttled = sb_throttled[0]
    half = min(series, key=lambda p: abs(p[0] - end / 2))
    reached = next((u1 for (u1, m1) in series for (u2, m2) in series
                    if 4.9 <= u2 - u1 <= 5.6 and (m2 - m1) / (u2 - u1) >= 0.85 * limit), None)
    return {"limit": f"{limit}/s", "latency": f"{latency:g}" + (f"-{latency_max:g}" if latency_max else "") + " ms",
            "concurrency": concurrency or "default", "rows applied": f"{applied} of {rows}",
            "seconds": f"{end:.0f}", "achieved / limit": f"{applied / end / limit:.2f}",
            "second half / limit": f"{(applied - half[1]) / max(end - half[0], 1e-9) / limit:.2f}",
            "first 5 s at 85% (s)": "-" if reached is None else f"{reached:.1f}",
            "throttled requests": throttled}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="the longest a case sends")
    parser.add_argument("--at", metavar="REV", help="benchmark the package as committed at REV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bench_send.CHILD_CWD = work
        code = "working tree"
        if args.at:
            frozen = work / "code"
            frozen.mkdir()
            here = Path(__file__).resolve().parent.parent
            rev = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", args.at], check=True,
                                 capture_output=True, text=True).stdout.strip()
            archive = subprocess.run(["git", "-C", str(here), "archive", rev, "batch_updater"], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(frozen)], input=archive, check=True)
            bench_send.CHILD_ENV["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(frozen), bench_send.CHILD_ENV.get("PYTHONPATH")]))
            code = f"commit {rev}"
        print(f"batch_updater from the {code}; at most {args.seconds:g} s per case; {os.cpu_count()} CPUs")
        rows = [run_case(work, *case, args.seconds) for case in CASES]
        header = list(rows[0])
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(str(row[h]) for h in header) + " |")


if __name__ == "__main__":
    main()
