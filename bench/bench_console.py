"""Web console benchmark, in a real headless Chromium (Debian's chromium, driven by Playwright).

1. A large upload: from choosing the file to the dry run's counts and the first page of rows on
   screen (ROWS rows, default 100,000), and the server's peak RSS.
2. The event stream's cost: the same run (fixed rate, no server limit) from the command line
   and from the page, watched live, against one sandbox process; the page's achieved rate over
   the command line's (the aim: at least 0.95), median of --repeat.

Usage:
    .venv/bin/python bench/bench_console.py [--rows 100000] [--run-rows 3000] [--rate 500/s] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_send import BATCH_UPDATER, SandboxProcess, write_input  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class Console:
    """`batch-updater serve --port 0` in its own process, with `env`; its URL from its first line."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([BATCH_UPDATER, "serve", "--port", "0", "--workdir", str(workdir),
                                      "--max-rows", "10000000"],  # the large upload is over the page's budget
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"(http://\S+)", line)
        if not found:
            raise RuntimeError(f"the console did not start: {line!r}")
        self.url = found.group(1)

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def big_upload(browser, work: Path, rows: int, env: dict[str, str]) -> tuple[float, float, float]:
    sheet = write_input(work / "big-upload.csv", rows)
    console = Console(work / "console-upload", env)
    try:
        page = browser.new_page()
        page.goto(console.url)
        page.wait_for_selector("body[data-ready=yes]")
        start = time.perf_counter()
        page.set_input_files("#file", str(sheet))
        page.wait_for_selector("#check-counts:not(:empty)", timeout=600_000)
        counts = time.perf_counter() - start
        page.wait_for_selector("#check-table tbody tr", timeout=600_000)
        table = time.perf_counter() - start
        page.close()
        return counts, table, console.peak_rss_mb()
    finally:
        console.stop()


def achieved_from_cli(output: str) -> float:
    found = re.search(r"achieved ([\d.]+)/(s|min)", output)
    if not found:
        raise RuntimeError(f"no achieved rate in: {output[-500:]}")
    value = float(found.group(1))
    return value / 60 if found.group(2) == "min" else value


def run_from_page(browser, console: Console, sheet: Path, rate: str) -> float:
    page = browser.new_page()
    page.goto(console.url)
    page.wait_for_selector("body[data-ready=yes]")
    page.set_input_files("#file", str(sheet))
    page.wait_for_selector("#check-table tbody tr", timeout=600_000)
    page.uncheck("#opt-undo")
    page.check("input[name=rate-kind][value=fixed]")
    page.fill("#rate-value", rate)
    page.click("#run-start")
    page.click("#confirm-go")
    page.wait_for_selector("#run-result:not([hidden])", timeout=600_000)
    runs = page.context.request.get(console.url.split("/?")[0] + "/api/runs").json()
    page.close()
    return runs[0]["achieved"]


def event_stream_cost(browser, work: Path, rows: int, rate: str, repeat: int) -> list[tuple[float, float]]:
    sheet = write_input(work / "run.csv", rows)
    pairs = []
    with SandboxProcess(sheet, ["1000000/s"]) as sandbox:
        for i in range(repeat):  # interleaved, so the machine's noise hits both alike
            env = {**os.environ, **sandbox.credentials, "BATCH_UPDATER_STATE_DIR": str(work / f"state-cli-{i}")}
            done = subprocess.run([BATCH_UPDATER, "run", str(sheet), "--rate", rate, "--report",
                                   str(work / f"cli-{i}.csv")], capture_output=True, text=True, env=env)
            cli = achieved_from_cli(done.stdout)
            env["BATCH_UPDATER_STATE_DIR"] = str(work / f"state-page-{i}")
            console = Console(work / f"console-{i}", env)
            try:
                page = run_from_page(browser, console, sheet, rate)
            finally:
                console.stop()
            pairs.append((cli, page))
            print(f"  round {i + 1}: command line {cli:.1f}/s, page {page:.1f}/s, ratio {page / cli:.3f}", flush=True)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large upload")
    parser.add_argument("--run-rows", type=int, default=3000, help="rows of the watched run")
    parser.add_argument("--rate", default="500/s", help="the fixed rate of the watched run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("no Chromium: apt-get install chromium (Debian), or set CHROMIUM")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        work = Path(tmp)
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        env = {**os.environ, "BATCH_UPDATER_STATE_DIR": str(work / "state")}
        counts, table, rss = big_upload(browser, work, args.rows, env)
        print(f"1. upload of {args.rows:,} rows: dry-run counts on screen after {counts:.1f} s, first page of rows "
              f"after {table:.1f} s; server peak RSS {rss:.0f} MB", flush=True)
        print(f"2. the same run ({args.run_rows:,} rows at {args.rate}) from the command line and from the page:",
              flush=True)
        pairs = event_stream_cost(browser, work, args.run_rows, args.rate, args.repeat)
        ratio = statistics.median(page / cli for cli, page in pairs)
        print(f"   median page / command line: {ratio:.3f} (aim: at least 0.95)")
        browser.close()


if __name__ == "__main__":
    main()
