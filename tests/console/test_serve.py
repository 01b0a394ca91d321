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


class Page:
    """What the page does, over HTTP, against a `serve` process at `url`."""

    def __init__(self, url: str) -> None:
        self.url, self.origin = url, url.split("/?")[0]

    async def __aenter__(self) -> Page:
        self.session = aiohttp.ClientSession(headers={"Origin": self.origin}, cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with self.session.get(self.url) as first:  # the token becomes a cookie
            assert first.status == 200
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    async def get(self, path: str):
        async with self.session.get(self.origin + path) as answer:
            return await answer.json()

    async def post(self, path: str, **kwargs):
        async with self.session.post(self.origin + path, **kwargs) as answer:
            return await answer.json()

    async def follow(self, run_id: str, until) -> dict:
        async with self.session.get(f"{self.origin}/api/runs/{run_id}/events") as events:
            async for line in events.content:
                if line.startswith(b"data: "):
                    snapshot = json.loads(line[6:])
                    if until(snapshot) or not snapshot["running"]:
                        return snapshot
        raise AssertionError("no last snapshot")


def serve_process(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
    server = subprocess.Popen([sys.executable, "-m", "batch_updater", "serve", "--sandbox", "--port", "0",
                               "--workdir", str(tmp_path / "work")], stdout=subprocess.PIPE, text=True, env=env)
    return server, re.search(r"(http://\S+)", server.stdout.readline()).group(1)


def test_a_run_the_server_died_in_is_listed_as_interrupted_and_resumes_in_the_restarted_sandbox(tmp_path):
    """Killed (SIGKILL: no chance to write anything), the server's run is listed after a restart as
    interrupted with what its journal knows; the sandbox's new port is the same API for the job,
    so Run sends only the rows not done."""

    async def start_and_get_killed(url: str, server: subprocess.Popen) -> tuple[str, str]:
        async with Page(url) as page:
            form = aiohttp.FormData()
            form.add_field("file", csv_bytes([["ticket_id", "status"], *[[i, "2"] for i in IDS]]), filename="t.csv")
            upload = await page.post("/api/uploads", data=form)
            run = await page.post(f"/api/uploads/{upload['id']}/runs", json={"rate": "4/s"})
            await page.follow(run["id"], lambda s: s["live_counts"].get("ok", 0) >= 3)
            server.kill()
            return upload["id"], run["id"]

    async def after_the_restart(url: str, upload_id: str, run_id: str) -> tuple[dict, dict]:
        async with Page(url) as page:
            (listed,) = await page.get("/api/runs")
            again = await page.post(f"/api/uploads/{upload_id}/runs", json={"rate": "1000/s"})
            return listed, await page.follow(again["id"], lambda s: False)

    server, url = serve_process(tmp_path)
    try:
        upload_id, run_id = asyncio.run(start_and_get_killed(url, server))
        server.wait(30)
    finally:
        server.kill()
        server.stdout.close()
    server, url = serve_process(tmp_path)
    try:
        listed, resumed = asyncio.run(after_the_restart(url, upload_id, run_id))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        server.stdout.close()
    assert listed["id"] == run_id and listed["state"] == "interrupted" and not listed["running"]
    done_before = listed["counts"].get("ok", 0)
    assert done_before >= 3 and sum(listed["counts"].values()) < len(IDS)
    assert "the server stopped while it was going" in listed["message"] and f"{done_before} ok" in listed["message"]
    assert resumed["counts"] == {"ok": len(IDS)}
    assert resumed["resumed"] >= done_before  # not sent again (rows being sent at the kill: sent again, no comment)
