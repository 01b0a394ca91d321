"""Sending benchmark: batch-updater against the sandbox on loopback, five measures.

The sandbox runs in its own process (`batch-updater sandbox --port 0 ...`), and
every client run in a fresh process (`run_job`, report as CSV), so the client's
CPU time is its own. The learned-rate file lives in a fresh temporary directory
per run: `--rate auto` always starts from scratch.

1. fixed rate: server limiting at R/s, tool told R/s (R = 20, 100)
2. auto: servers limiting at 5/s, 50/s and 600/min
3. told 5 x R against a server limiting at R (R = 20)
4. no limit: 20,000 rows at concurrency 64, against a bare aiohttp loop in the same run (interleaved)
5. side by side, 50 ms latency, 500 rows: batch-updater vs a sequential lark-oapi loop

Definitions (see bench/README.md, "Sending"):
- achieved rate: requests the server let through (client's count of non-throttle
  answers) / the send phase's wall time (SendStats.finished - started);
- throttled share: throttle answers / all answers;
- settled (auto): the earliest time t (0.5 s steps) such that every 5 s window
  starting in [t, t + 20 s] holds an accepted count / 5 s within 10% of the limit
  (25 s of steady sending); achieved after settling = answers accepted from t to
  the last one / that time, later probe dips included.

Usage:
    .venv/bin/python bench/bench_send.py [--at HEAD] [--quick] [--repeat 3] [--only 1,2,3,4,5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
BIN = Path(sys.executable).parent
BATCH_UPDATER = str(BIN / "batch-updater")
CHILD_ENV = dict(os.environ)  # --at REV puts a frozen copy of the package first on PYTHONPATH
CHILD_CWD: Path | None = None  # not the repository: `python -c` would import ./batch_updater from it
FIRST_ID = 6945345902185807891
SETTLE_WINDOW = 5.0
SETTLE_TOLERANCE = 0.10
SETTLE_STEP = 0.5
SETTLE_HOLD = 20.0
UNLIMITED_RATE = "100000/s"  # measure 4: more than the tool's MAX_RATE (10,000/s), which it then holds


# --- inputs -------------------------------------------------------------------------------------


def ticket_id(i: int) -> str:
    return str(FIRST_ID + i * 7919)


def write_input(path: Path, n: int, seed: int = 1) -> Path:
    """n rows, one distinct ticket each: status, tags, and a comment on half of them."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fp:
        writer = csv.writer(fp)
        writer.writerow(["ticket_id", "status", "tag_names", "comment"])
        for i in range(n):
            writer.writerow([ticket_id(i), rnd.choice(["50", "51"]), rnd.choice(["bulk,migration", "vpn", "账号"]),
                             f"Migrated in batch {i // 1000}" if i % 2 else ""])
    return path


# --- the sandbox, in its own process ---------------------------------------------------------------


class SandboxProcess:
    """`batch-updater sandbox --port 0`: its base URL and credentials come from its first lines."""

    def __init__(self, tickets: Path, rates: list[str], latency_ms: float = 0.0,
                 latency_max_ms: float | None = None) -> None:
        args = [BATCH_UPDATER, "sandbox", "--port", "0", "--tickets", str(tickets), "--seed", "0"]
        for rate in rates:
            args += ["--rate", rate]
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        if latency_max_ms:
            args += ["--latency-max-ms", str(latency_max_ms)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=CHILD_ENV, cwd=CHILD_CWD)
        self.credentials: dict[str, str] = {}
        self.base_url = ""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"sandbox exited early ({self.proc.wait()})")
            m = re.match(r"# batch-updater sandbox on (\S+?):? ", line)
            if m:
                self.base_url = m.group(1)
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                self.credentials[name] = shlex.split(value)[0]
                if len(self.credentials) >= 7:
                    break
        if not self.base_url or "FEISHU_USER_ACCESS_TOKEN" not in self.credentials:
            self.stop()
            raise RuntimeError("sandbox did not print its base URL and credentials")

    def _call(self, path: str, method: str = "GET") -> dict[str, Any]:
        req = urllib.request.Request(self.base_url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def stats(self) -> dict[str, Any]:
        return self._call("/_sandbox/stats")

    def reset(self) -> None:
        self._call("/_sandbox/reset", "POST")

    def cpu_seconds(self) -> float:
        """user + system CPU of the sandbox process so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the client runs, each in a fresh process ------------------------------------------------------

CLIENT_CODE = r"""
import json, resource, sys, time
spec = json.loads(sys.argv[1])
try:  # one folder per stage (run/job.py, run/rows.py, jobs/options.py)
    import batch_updater.run.rows as live_mod
    from batch_updater.jobs.options import RunOptions
    from batch_updater.run.job import run_job
except ImportError:  # older commits: flat modules
    import batch_updater.run as live_mod
    from batch_updater.run import RunOptions, run_job
    if not hasattr(live_mod, "run_live"):
        import batch_updater.live as live_mod

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

send_cpu = {}
if hasattr(live_mod, "send"):  # older commits: a synchronous send()
    real_send = live_mod.send
    def timed_send(*args, **kwargs):
        before = cpu()
        try:
            return real_send(*args, **kwargs)
        finally:
            send_cpu["s"] = cpu() - before
    live_mod.send = timed_send
else:  # read, send and read back in one coroutine (run_live), as the sync half calls it
    real_live = live_mod.run_live
    async def timed_live(*args, **kwargs):
        before = cpu()
        try:
            return await real_live(*args, **kwargs)
        finally:
            send_cpu["s"] = cpu() - before
    live_mod.run_live = timed_live

job_cpu0, t0 = cpu(), time.perf_counter()
result = run_job(RunOptions(input=spec["input"], report=spec["report"], rate=spec["rate"],
                            concurrency=spec["concurrency"], base_url=spec["base_url"]), env=spec["env"])
wall = time.perf_counter() - t0
job_cpu = cpu() - job_cpu0
sent = result.sent
st = sent.stats
results = {}
for o in result.outcomes:
    results[o.result.value] = results.get(o.result.value, 0) + 1
print(json.dumps({
    "wall": wall, "job_cpu": job_cpu, "send_cpu": send_cpu.get("s"), "send_wall": st.finished - st.started,
    "accepted": [t - st.started for t in st.accepted_times], "throttled": [t - st.started for t in st.throttle_times],
    "rate_history": [(t - st.started, r) for t, r in sent.rate_history], "final_rate": sent.final_rate,
    "pauses": sent.pauses, "throttles": sent.throttles, "results": results, "exit_code": result.exit_code,
    "process_cpu": cpu(),
}))
"""


@dataclass
class ClientRun:
    wall: float  # run_job, in-process (no interpreter start, no imports)
    process_wall: float  # the whole client process
    job_cpu: float
    send_cpu: float
    process_cpu: float
    send_wall: float
    accepted: list[float]
    throttled: list[float]
    rate_history: list[tuple[float, float]]
    final_rate: float
    pauses: int
    results: dict[str, int]
    exit_code: int
    server: dict[str, Any] = field(default_factory=dict)
    server_cpu: float = 0.0

    @property
    def answers(self) -> int:
        return len(self.accepted) + len(self.throttled)

    @property
    def throttled_share(self) -> float:
        return len(self.throttled) / max(self.answers, 1)

    @property
    def achieved(self) -> float:
        return len(self.accepted) / max(self.send_wall, 1e-9)

    @property
    def all_ok(self) -> bool:
        return set(self.results) == {"ok"}


def run_client(sandbox: SandboxProcess, input_path: Path, work: Path, *, rate: str, concurrency: int) -> ClientRun:
    sandbox.reset()
    state = Path(tempfile.mkdtemp(dir=work, prefix="state-"))
    env = {**sandbox.credentials, "BATCH_UPDATER_STATE_DIR": str(state), "HOME": str(state)}
    spec = {"input": str(input_path), "report": str(work / "report.csv"), "rate": rate, "concurrency": concurrency,
            "base_url": sandbox.base_url, "env": env}
    cpu0 = sandbox.cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLIENT_CODE, json.dumps(spec)], capture_output=True, text=True,
                          env=CHILD_ENV, cwd=CHILD_CWD)
    process_wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"client failed ({done.returncode}):\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    server = sandbox.stats()
    for bulky in ("comments_per_ticket", "updates_per_ticket", "duplicate_comments"):
        server.pop(bulky, None)
    return ClientRun(wall=data["wall"], process_wall=process_wall, job_cpu=data["job_cpu"],
                     send_cpu=data["send_cpu"], process_cpu=data["process_cpu"], send_wall=data["send_wall"],
                     accepted=data["accepted"], throttled=data["throttled"],
                     rate_history=[tuple(p) for p in data["rate_history"]], final_rate=data["final_rate"],
                     pauses=data["pauses"], results=data["results"], exit_code=data["exit_code"], server=server,
                     server_cpu=sandbox.cpu_seconds() - cpu0)


SDK_CODE = r"""
import base64, csv, json, sys, time
spec = json.loads(sys.argv[1])
t0 = time.perf_counter()
import lark_oapi as lark
from lark_oapi.api.helpdesk.v1 import UpdateTicketRequest, UpdateTicketRequestBody
import_s = time.perf_counter() - t0
env = spec["env"]
HELPDESK_AUTH = base64.b64encode(f"{env['FEISHU_HELPDESK_ID']}:{env['FEISHU_HELPDESK_TOKEN']}".encode()).decode()
client = (lark.Client.builder().enable_set_token(True).domain(spec["base_url"]).timeout(10)
          .log_level(lark.LogLevel.ERROR).build())
opt = (lark.RequestOption.builder().user_access_token(env["FEISHU_USER_ACCESS_TOKEN"])
       .headers({"X-Lark-Helpdesk-Authorization": HELPDESK_AUTH}).build())
codes = {}
t1 = time.perf_counter()
with open(spec["input"], encoding="utf-8", newline="") as fp:
    for row in csv.DictReader(fp):
        body = UpdateTicketRequestBody.builder().status(int(row["status"])).tag_names(row["tag_names"].split(","))
        if row["comment"]:
            body = body.comment(row["comment"])
        req = UpdateTicketRequest.builder().ticket_id(row["ticket_id"]).request_body(body.build()).build()
        resp = client.helpdesk.v1.ticket.update(req, opt)
        codes[str(resp.code)] = codes.get(str(resp.code), 0) + 1
print(json.dumps({"import_s": import_s, "loop_s": time.perf_counter() - t1, "codes": codes}))
"""


BARE_CODE = r"""
import asyncio, base64, csv, json, os, resource, sys, time
import aiohttp
spec = json.loads(sys.argv[1])
env = spec["env"]

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

async def main():
    auth = base64.b64encode(f"{env['FEISHU_HELPDESK_ID']}:{env['FEISHU_HELPDESK_TOKEN']}".encode()).decode()
    headers = {"Authorization": f"Bearer {env['FEISHU_USER_ACCESS_TOKEN']}", "X-Lark-Helpdesk-Authorization": auth,
               "Content-Type": "application/json; charset=utf-8"}
    with open(spec["input"], encoding="utf-8", newline="") as fp:
        rows = iter(list(csv.DictReader(fp)))
    codes = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=spec["concurrency"])) as session:
        async def worker():
            for row in rows:
                body = {"status": int(row["status"]), "tag_names": row["tag_names"].split(",")}
                if row["comment"]:
                    body["comment"] = row["comment"]
                async with session.put(f"{spec['base_url']}/open-apis/helpdesk/v1/tickets/{row['ticket_id']}",
                                       data=json.dumps(body, ensure_ascii=False).encode(), headers=headers) as resp:
                    code = str((await resp.json())["code"])
                codes[code] = codes.get(code, 0) + 1
        cpu0, t0 = cpu(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(spec["concurrency"])))
        send_wall, send_cpu = time.perf_counter() - t0, cpu() - cpu0
    print(json.dumps({"send_wall": send_wall, "send_cpu": send_cpu, "codes": codes}))

asyncio.run(main())
"""


def run_loop(sandbox: SandboxProcess, name: str, code: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A reference loop in a fresh process (`code`, given `spec` and the sandbox's URL and
    credentials): the JSON it prints last, its process wall time, the sandbox's CPU meanwhile."""
    sandbox.reset()
    spec = {**spec, "base_url": sandbox.base_url, "env": sandbox.credentials}
    cpu0 = sandbox.cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True,
                          env=CHILD_ENV, cwd=CHILD_CWD)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["process_wall"] = time.perf_counter() - start
    data["server_cpu"] = sandbox.cpu_seconds() - cpu0
    return data


def run_bare(sandbox: SandboxProcess, input_path: Path, concurrency: int) -> dict[str, Any]:
    """The least a client can do: one aiohttp session, `concurrency` tasks, one PUT per row (the
    body built from the CSV as batch-updater builds it), the JSON answer read; no pacing,
    retries, journal or report. Its send phase: from the first request to the last answer."""
    return run_loop(sandbox, "bare loop", BARE_CODE, {"input": str(input_path), "concurrency": concurrency})


def run_sdk(sandbox: SandboxProcess, input_path: Path) -> dict[str, Any]:
    return run_loop(sandbox, "sdk loop", SDK_CODE, {"input": str(input_path)})


# --- analysis -----------------------------------------------------------------------------------


def settle(run: ClientRun, limit: float) -> tuple[float | None, float | None, float]:
    """(settle time, achieved/limit after it, throttled share after it); None when it never settled.

    Settled at t: every 5 s window starting in [t, t + 20 s] (0.5 s steps) holds an accepted
    count / 5 s within 10% of the limit. Achieved after settling counts every answer accepted
    from t to the end, later probe dips included.
    """
    import bisect

    acc = sorted(run.accepted)
    if len(acc) < 2:
        return None, None, 0.0
    end = acc[-1]
    starts = [i * SETTLE_STEP for i in range(int((end - SETTLE_WINDOW) / SETTLE_STEP) + 1)]
    good = [abs((bisect.bisect_left(acc, a + SETTLE_WINDOW) - bisect.bisect_left(acc, a))
                / SETTLE_WINDOW / limit - 1) <= SETTLE_TOLERANCE for a in starts]
    need = int(SETTLE_HOLD / SETTLE_STEP) + 1
    t = next((starts[i] for i in range(len(good) - need + 1) if all(good[i:i + need])), None)
    if t is None:
        return None, None, 0.0
    after = [x for x in acc if x >= t]
    throttled_after = sum(1 for x in run.throttled if x >= t)
    achieved = (len(after) - 1) / max(after[-1] - after[0], 1e-9) if len(after) > 1 else 0.0
    return t, achieved / limit, throttled_after / max(len(after) + throttled_after, 1)


def last_cut(run: ClientRun) -> float | None:
    cuts = [t for (t, r), (_, prev) in zip(run.rate_history[1:], run.rate_history) if r < prev]
    return cuts[-1] if cuts else None


def med(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], fmt: str) -> str:
    text = format(med(values), fmt)
    return text if len(values) < 2 else f"{text} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def pct(x: float) -> str:
    return f"{100 * x:.2f}%"


class Table:
    def __init__(self, title: str, header: list[str]) -> None:
        self.title, self.header, self.rows = title, header, []

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])
        print("  " + " | ".join(self.rows[-1]), flush=True)

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.header) + " |",
                 "| " + " | ".join("---" for _ in self.header) + " |"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


# --- the measures ------------------------------------------------------------------------------------


def fixed_rate(work: Path, repeat: int, quick: bool, latency: float, concurrency: int) -> Table:
    table = Table(f"1. Server limiting at R/s, tool told R/s (latency {latency:g} ms, concurrency {concurrency})",
                  ["R", "rows", "achieved / R", "throttled share", "server max in 1 s", "all ok"])
    print(table.title, flush=True)
    for r in (20, 100):
        n = r * (10 if quick else 20)
        inp = write_input(work / f"fixed{r}.csv", n)
        with SandboxProcess(inp, [f"{r}/s"], latency) as sb:
            runs = [run_client(sb, inp, work, rate=f"{r}/s", concurrency=concurrency) for _ in range(repeat)]
        table.add(f"{r}/s", n, spread([x.achieved / r for x in runs], ".3f"),
                  spread([x.throttled_share for x in runs], ".2%"),
                  "/".join(str(x.server.get("max_accepted_1s")) for x in runs),
                  "yes" if all(x.all_ok for x in runs) else "NO " + str([x.results for x in runs]))
    return table


def auto_rate(work: Path, repeat: int, quick: bool, latency: float, concurrency: int) -> Table:
    table = Table(f"2. --rate auto (latency {latency:g} ms, concurrency {concurrency}); settled = 25 s in which every "
                  "5 s window is within 10% of the limit",
                  ["server limit", "rows", "settled at (s)", "last rate cut (s)", "achieved / limit after settling",
                   "throttled share (whole run)", "throttled after settling", "final rate", "all ok"])
    print(table.title, flush=True)
    # (server rate, limit per second, rows full, rows quick, runs in full mode)
    cases = [("5/s", 5.0, 250, 150, repeat), ("50/s", 50.0, 2000, 1000, repeat),
             ("600/min", 10.0, 2400, 1200, 1)]
    for server_rate, limit, n_full, n_quick, runs_wanted in cases:
        n = n_quick if quick else n_full
        inp = write_input(work / f"auto{limit:g}.csv", n)
        with SandboxProcess(inp, [server_rate], latency) as sb:
            runs = [run_client(sb, inp, work, rate="auto", concurrency=concurrency)
                    for _ in range(1 if quick else runs_wanted)]
        settled = [settle(x, limit) for x in runs]
        times = [s[0] for s in settled if s[0] is not None]
        ratios = [s[1] for s in settled if s[1] is not None]
        after = [s[2] for s in settled if s[0] is not None]
        cuts = [c for c in (last_cut(x) for x in runs) if c is not None]
        never = sum(1 for s in settled if s[0] is None)
        table.add(server_rate, n, (spread(times, ".1f") if times else "-") + (f" ({never} never)" if never else ""),
                  spread(cuts, ".1f") if cuts else "-", spread(ratios, ".3f") if ratios else "-",
                  spread([x.throttled_share for x in runs], ".2%"), spread(after, ".2%") if after else "-",
                  "/".join(f"{x.final_rate:.2f}/s" for x in runs),
                  "yes" if all(x.all_ok for x in runs) else "NO " + str([x.results for x in runs]))
        for i, x in enumerate(runs):
            Path(work / f"auto-{limit:g}-{i}.json").write_text(json.dumps(x.__dict__))
    return table


def overdriven(work: Path, repeat: int, quick: bool, latency: float, concurrency: int) -> Table:
    table = Table(f"3. Told 5 x R against a server limiting at R (latency {latency:g} ms, concurrency {concurrency})",
                  ["server", "told", "rows", "all ok", "throttled share", "achieved / R", "pauses"])
    print(table.title, flush=True)
    r = 20
    n = r * (10 if quick else 20)
    inp = write_input(work / "over.csv", n)
    with SandboxProcess(inp, [f"{r}/s"], latency) as sb:
        runs = [run_client(sb, inp, work, rate=f"{5 * r}/s", concurrency=concurrency) for _ in range(repeat)]
    table.add(f"{r}/s", f"{5 * r}/s", n, "yes" if all(x.all_ok for x in runs) else "NO " + str([x.results for x in runs]),
              spread([x.throttled_share for x in runs], ".2%"), spread([x.achieved / r for x in runs], ".3f"),
              "/".join(str(x.pauses) for x in runs))
    return table


def unlimited(work: Path, repeat: int, quick: bool, rows: int | None = None) -> Table:
    """The tool against a bare aiohttp loop on the same sandbox, interleaved (bare, tool, bare, ...),
    so the machine's noise hits both alike; ratios are taken run by run, then the median."""
    n = rows or (5000 if quick else 20000)
    table = Table(f"4. No limit: {n:,} rows, concurrency 64, no latency (client and sandbox share the 2 cores); "
                  "ratios to the bare aiohttp loop of the same round",
                  ["client", "rows/s (whole process)", "rows/s (send phase)", "client CPU / request (send)",
                   "whole process / bare", "send phase / bare", "CPU / bare", "sandbox CPU / request", "all ok"])
    print(table.title, flush=True)
    inp = write_input(work / "big.csv", n)
    with SandboxProcess(inp, ["1000000/s"]) as sb:
        bare, tool = [], []
        for _ in range(repeat):
            bare.append(run_bare(sb, inp, concurrency=64))
            tool.append(run_client(sb, inp, work, rate=UNLIMITED_RATE, concurrency=64))
        auto = run_client(sb, inp, work, rate="auto", concurrency=64)
    table.add("bare aiohttp loop (same headers and body, reads the JSON answer)",
              spread([n / b["process_wall"] for b in bare], ",.0f"), spread([n / b["send_wall"] for b in bare], ",.0f"),
              spread([1000 * b["send_cpu"] / n for b in bare], ".3f") + " ms", "1", "1", "1",
              spread([1000 * b["server_cpu"] / n for b in bare], ".3f") + " ms",
              "yes" if all(b["codes"] == {"0": n} for b in bare) else "NO " + str([b["codes"] for b in bare]))
    for name, runs in ((f"batch-updater --rate {UNLIMITED_RATE}", tool), ("batch-updater --rate auto (1 run)", [auto])):
        pairs = list(zip(bare, runs))
        table.add(name, spread([n / x.process_wall for x in runs], ",.0f"), spread([n / x.send_wall for x in runs], ",.0f"),
                  spread([1000 * x.send_cpu / x.answers for x in runs], ".3f") + " ms",
                  spread([b["process_wall"] / x.process_wall for b, x in pairs], ".2f"),
                  spread([b["send_wall"] / x.send_wall for b, x in pairs], ".2f"),
                  spread([(x.send_cpu / x.answers) / (b["send_cpu"] / n) for b, x in pairs], ".2f"),
                  spread([1000 * x.server_cpu / x.answers for x in runs], ".3f") + " ms",
                  "yes" if all(x.all_ok for x in runs) else "NO " + str([x.results for x in runs]))
    return table


def side_by_side(work: Path, repeat: int, quick: bool) -> Table:
    n = 500
    table = Table(f"5. Side by side: {n} rows, 50 ms server latency, no limit",
                  ["client", "wall (s)", "rows/s", "SDK wall / this", "all ok"])
    print(table.title, flush=True)
    inp = write_input(work / "side.csv", n)
    with SandboxProcess(inp, ["1000000/s"], 50) as sb:
        rounds = 1 if quick else repeat
        sdk, fixed, auto = [], [], []
        for _ in range(rounds):  # interleaved, so the machine's noise hits all three alike
            sdk.append(run_sdk(sb, inp))
            fixed.append(run_client(sb, inp, work, rate="2000/s", concurrency=64))
            auto.append(run_client(sb, inp, work, rate="auto", concurrency=64))
    sdk_wall = [s["loop_s"] for s in sdk]
    sdk_ok = all(s["codes"] == {"0": n} for s in sdk)
    table.add("lark-oapi 1.7.5, sequential loop (import excluded: "
              f"{med([s['import_s'] for s in sdk]):.1f} s)", spread(sdk_wall, ".2f"),
              spread([n / w for w in sdk_wall], ".1f"), "1", "yes" if sdk_ok else f"NO {[s['codes'] for s in sdk]}")
    for name, runs in (("batch-updater --rate 2000/s --concurrency 64 (run_job)", fixed),
                       ("batch-updater --rate auto --concurrency 64 (run_job)", auto)):
        walls = [x.wall for x in runs]
        ratios = [s / x for s, x in zip(sdk_wall, walls)]
        table.add(name, spread(walls, ".2f"), spread([n / w for w in walls], ".1f"), spread(ratios, ".1f") + "x",
                  "yes" if all(x.all_ok for x in runs) else "NO " + str([x.results for x in runs]))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows, one run per case (about 4 minutes)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median shown)")
    parser.add_argument("--rows", type=int, help="rows for measure 4 (a smoke test: a few hundred)")
    parser.add_argument("--only", default="1,2,3,4,5", help="which measures, e.g. 1,4")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="sandbox latency for measures 1-3")
    parser.add_argument("--concurrency", type=int, default=8, help="client concurrency for measures 1-3")
    parser.add_argument("--markdown", type=Path, help="also write the tables as markdown here")
    parser.add_argument("--keep", type=Path, help="keep the work directory (inputs, per-run JSON) here")
    parser.add_argument("--at", metavar="REV", help="benchmark the package as committed at REV (git archive), "
                        "not the working tree, which may change while this runs")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    only = {int(x) for x in args.only.split(",")}
    started = time.perf_counter()
    tables = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        global CHILD_CWD
        CHILD_CWD = work
        code = "working tree"
        if args.at:
            frozen = work / "code"
            frozen.mkdir(exist_ok=True)
            rev = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", args.at], check=True,
                                 capture_output=True, text=True).stdout.strip()
            archive = subprocess.run(["git", "-C", str(HERE.parent.parent), "archive", rev, "batch_updater",
                                      "sample_data"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(frozen)], input=archive, check=True)
            CHILD_ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(frozen), CHILD_ENV.get("PYTHONPATH")]))
            code = f"commit {rev}"
        print(f"batch_updater from the {code}; median of {repeat} run(s) per case, ranges in brackets; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)
        if 1 in only:
            tables.append(fixed_rate(work, repeat, args.quick, args.latency_ms, args.concurrency))
        if 2 in only:
            tables.append(auto_rate(work, repeat, args.quick, args.latency_ms, args.concurrency))
        if 3 in only:
            tables.append(overdriven(work, repeat, args.quick, args.latency_ms, args.concurrency))
        if 4 in only:
            tables.append(unlimited(work, repeat, args.quick, args.rows))
        if 5 in only:
            tables.append(side_by_side(work, repeat, args.quick))
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.markdown:
        args.markdown.write_text("\n\n".join(t.markdown() for t in tables) + "\n")


if __name__ == "__main__":
    main()
