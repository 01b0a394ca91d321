"""Dry-run benchmark: load + validate + report for a 100,000-row sheet, CSV and XLSX.

Each case runs in a fresh process (so peak RSS is its own) several times; the
median wall time and peak RSS are printed. Usage:
    .venv/bin/python bench/bench_dry_run.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["ticket_id", "status", "tag_names", "comment", "solved", "custom:6948728206392295444"]


def make_rows(n: int) -> list[list[str]]:
    rnd = random.Random(1)
    statuses = ["51", "closed", "处理中", "2", "已关闭"]
    return [[str(6945345902185807891 + i), rnd.choice(statuses), rnd.choice(["vpn, network", "账号;权限", "[]"]),
             f"Migrated in batch {i // 1000}", rnd.choice(["2", "resolved", ""]), rnd.choice(["P1", "P2", ""])]
            for i in range(n)]


def write_inputs(directory: Path, n: int) -> dict[str, Path]:
    import csv

    import xlsxwriter

    rows = make_rows(n)
    csv_path = directory / "big.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp)
        writer.writerow(HEADER)
        writer.writerows(rows)
    xlsx_path = directory / "big.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Tickets")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return {"csv": csv_path, "xlsx": xlsx_path}


def one_run(path: Path, report: Path, *flags: str) -> tuple[float, float]:
    """Wall seconds of the whole CLI (process start to exit) and its peak RSS in MB."""
    argv = ["batch-updater", "run", str(path), "--dry-run", "--report", str(report), *flags]
    code = (
        f"import resource, sys; from batch_updater.cli import main; sys.argv = {argv!r};\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    return wall, float(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        inputs = write_inputs(directory, args.rows)
        print(f"{args.rows:,} rows x {len(HEADER)} columns, median of {args.repeat} runs (whole CLI process)")
        for kind, path in inputs.items():
            runs = [one_run(path, directory / f"report.{kind}") for _ in range(args.repeat)]
            walls = [w for w, _ in runs]
            print(f"  {kind:>4}: {statistics.median(walls):6.2f} s  (min {min(walls):.2f}, max {max(walls):.2f}), "
                  f"peak RSS {max(r for _, r in runs):.0f} MB")


if __name__ == "__main__":
    main()
