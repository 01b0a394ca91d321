"""What --write-back costs: openpyxl opening, editing and saving the user's workbook, against
the plain report, on a 100,000-row sheet (XLSX, and CSV for comparison).

Each case is the whole CLI in a fresh process (`batch-updater run big.<kind> --dry-run
--report report.<kind> [--write-back]`), run several times; the median wall time and the
peak RSS are printed, and, for the write-back runs, the time of its two steps measured
in-process (the check before sending: openpyxl opens the workbook; the write at the end:
open again, add the columns, save). Usage:
    .venv/bin/python bench/bench_write_back.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_dry_run import HEADER, one_run, write_inputs  # noqa: E402


def steps(path: Path) -> tuple[float, float]:
    """In a fresh process: seconds of the check before sending, and of the write at the end."""
    code = f"""
import time
from pathlib import Path
from batch_updater.model import Outcome, Result
from batch_updater.sheet.blocks import RESULTS, results_block
from batch_updater.sheet.read import load
from batch_updater.sheet.writeback import check_write_back, write_back
path = Path({str(path)!r})
sheet = load(path)
t0 = time.perf_counter()
back = check_write_back(path, sheet, RESULTS, None, None)
t1 = time.perf_counter()
outcomes = [Outcome(Result.OK, 200, 0, "success", "20261203085616000000000", 1, "2026-12-03T08:56:16+08:00")
            for _ in sheet.rows]
write_back(back, sheet.rows, results_block(outcomes), {{}}, None)
print(t1 - t0, time.perf_counter() - t1)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    check, write = map(float, done.stdout.split())
    return check, write


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        inputs = write_inputs(directory, args.rows)
        print(f"{args.rows:,} rows x {len(HEADER)} columns, median of {args.repeat} runs (whole CLI process, "
              "dry run)")
        print("| input | report only | with --write-back | check before sending | write at the end |")
        print("| --- | --- | --- | --- | --- |")
        for kind, path in inputs.items():
            cells = []
            for write_back in (False, True):
                flags = ["--write-back"] if write_back else []
                runs = [one_run(path, directory / f"report.{kind}", *flags) for _ in range(args.repeat)]
                cells.append(f"{statistics.median(w for w, _ in runs):.2f} s, {max(r for _, r in runs):.0f} MB")
            timed = [steps(path) for _ in range(args.repeat)]
            check = statistics.median(c for c, _ in timed)
            write = statistics.median(w for _, w in timed)
            print(f"| {kind} | {cells[0]} | {cells[1]} | {check:.2f} s | {write:.2f} s |")


if __name__ == "__main__":
    main()
