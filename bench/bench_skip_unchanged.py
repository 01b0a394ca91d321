"""Re-running a 2,000-row migration where 90% of the rows are already applied, with and
without --skip-unchanged, against the sandbox limiting the update API at a realistic rate
(the special limit is unpublished: 5/s, the lowest per-second tier, and 100/min, the lowest
per-minute one) and reading at the documented 10/s.

Runs the real client and the sandbox in one process on an event loop whose clock skips idle
waits (tests/support/virtual_time.py), so minutes under a throttle take seconds; the time reported is
that clock's: the wall time the run would take against such limits. Usage:
    .venv/bin/python bench/bench_skip_unchanged.py [--rows 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch_updater.jobs.options import RunOptions  # noqa: E402
from batch_updater.model import Result  # noqa: E402
from batch_updater.run.live import Sending, run_live  # noqa: E402
from batch_updater.run.prepare import prepare  # noqa: E402
from batch_updater.sandbox import Sandbox, SandboxConfig  # noqa: E402
from tests.support.virtual_time import run_virtual  # noqa: E402


async def one(rows: int, put_rate: tuple[int, float], skip: bool) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    ids = [str(7200000000000000001 + i * 7919) for i in range(rows)]
    config = SandboxConfig(ticket_ids=ids, rates=[put_rate], get_rates=[(10, 1.0)], clock=loop.time)
    async with Sandbox(config) as sb:
        # The earlier run applied 90% of the rows: those tickets already have the new values.
        for i, tid in enumerate(ids):
            if i % 10:
                sb.tickets[tid].status, sb.tickets[tid].tags = 51, ["migrated"]
        folder = Path(tempfile.mkdtemp(prefix="bench-skip-"))
        (folder / "changes.csv").write_text("ticket_id,status,tag_names\n" + "".join(f"{tid},51,migrated\n"
                                                                                   for tid in ids))
        options = RunOptions(input=folder / "changes.csv", report=folder / "report.csv", rate="auto", concurrency=8,
                             skip_unchanged=skip)
        job = prepare(options, env=sb.credentials, on_warning=None, now=lambda: datetime.now().astimezone())
        start = loop.time()
        live = await run_live(job, Sending(job.specs, since={i: 0 for i, _ in job.specs}))
        wall = loop.time() - start
        stats = sb.stats()
    results = [o.result for o in live.outcomes.values()]
    return {"wall": wall, "puts": stats["accepted"], "gets": stats["get"]["accepted"],
            "ok": results.count(Result.OK), "skipped": results.count(Result.SKIPPED),
            "throttled": stats["by_status"].get("429", 0)}


def main() -> None:
    # Token files and learned rates of this benchmark stay out of the user's state folder.
    os.environ["BATCH_UPDATER_STATE_DIR"] = tempfile.mkdtemp(prefix="bench-state-")
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    print(f"{args.rows:,} rows, 90% already applied; GET at 10/s; client on --rate auto, concurrency 8")
    print(f"{'update limit':>13} {'mode':>16} {'PUTs':>6} {'GETs':>6} {'429s':>5} {'ok':>6} {'skipped':>8} {'time':>9}")
    for label, rate in (("5/s", (5, 1.0)), ("100/min", (100, 60.0))):
        for skip in (False, True):
            r = run_virtual(one(args.rows, rate, skip))
            mode = "--skip-unchanged" if skip else "plain run"
            print(f"{label:>13} {mode:>16} {r['puts']:>6} {r['gets']:>6} {r['throttled']:>5} {r['ok']:>6} "
                  f"{r['skipped']:>8} {r['wall']:>8.0f}s")


if __name__ == "__main__":
    main()
