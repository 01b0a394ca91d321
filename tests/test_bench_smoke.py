"""The benchmarks still run against the current layout: each on a tiny size (their numbers are
measured by hand, see bench/README.md; here only that they run and every row ends ok)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench"


@pytest.mark.parametrize("script, args, expect", [
    ("bench_dry_run.py", ["--rows", "200", "--repeat", "1"], "200 rows"),
    ("bench_skip_unchanged.py", ["--rows", "20"], "--skip-unchanged"),
    ("bench_write_back.py", ["--rows", "200", "--repeat", "1"], "| xlsx |"),
    ("bench_send.py", ["--only", "4", "--quick", "--repeat", "1", "--rows", "300"], "| yes"),
    ("bench_latency.py", ["--seconds", "2"], "| 50/s | 700 ms |"),
    ("bench_links.py", ["--rows", "200", "--rate", "1000/s"], "| base | 200 |"),
    ("bench_export.py", ["--tickets", "600", "--repeat", "1"], "| 600 | 3 |"),
    ("bench_budget.py", ["--only", "3", "--requests", "100"], "| Redis, take + departure |"),
    ("bench_gcra_choice.py", ["--calls", "50", "--requests", "5"], "| Lua script (ours): take | 1.00 |"),
    ("bench_console.py", ["--rows", "200", "--run-rows", "40", "--rate", "100/s", "--repeat", "1"], "median page"),
])
def test_a_benchmark_runs(script, args, expect):
    if script == "bench_console.py" and not (os.environ.get("CHROMIUM") or shutil.which("chromium")):
        pytest.skip("no Chromium: apt-get install chromium (Debian), or set CHROMIUM")
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and expect in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
