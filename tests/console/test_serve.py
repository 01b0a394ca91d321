"""`batch-updater serve` as a process: it prints its address, and when it is told to stop (SIGTERM,
as a service manager or a closed terminal does) every run stops as with Ctrl-C and writes its
report before the server ends."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.support.sheets import csv_bytes

IDS = [str(7100000000000000001 + i * 7919) for i in range(30)]
ROOT = Path(__file__).parent.parent.parent


async def start_a_run(url: str) -> None:
    origin = url.split("/?")[0]
    async with aiohttp.ClientSession(headers={"Origin": origin}, cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(url) as first:  # the token becomes a cookie
            assert first.status == 200
        form = aiohttp.FormData()
        form.add_field("file", csv_bytes([["ticket_id", "status"], *[[i, "2"] for i in IDS]]), filename="t.csv")
        async with session.post(origin + "/api/uploads", data=form) as answer:
            upload = await answer.json()
        async with session.post(f"{origin}/api/uploads/{upload['id']}/runs", json={"rate": "4/s"}) as answer:
            run = await answer.json()
        async with session.get(f"{origin}/api/runs/{run['id']}/events") as events:
            async for line in events.content:
                if line.startswith(b"data: ") and json.loads(line[6:])["done"] >= 2:
                    return


def test_sigterm_stops_the_runs_and_keeps_their_reports(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
    server = subprocess.Popen([sys.executable, "-m", "batch_updater", "serve", "--sandbox", "--port", "0",
                               "--workdir", str(tmp_path / "work")], stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = re.search(r"(http://\S+)", server.stdout.readline()).group(1)
        asyncio.run(start_a_run(url))
        server.send_signal(signal.SIGTERM)
        assert server.wait(60) == 0
    finally:
        server.kill()
        server.stdout.close()
    (kept,) = json.loads((tmp_path / "work" / "runs" / "runs.json").read_text())
    assert kept["state"] == "stopped" and kept["counts"]["ok"] >= 2 and kept["counts"]["not_attempted"] >= 1
    assert Path(kept["files"]["report"]).is_file()
