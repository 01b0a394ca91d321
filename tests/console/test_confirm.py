"""The confirmation before Run says what the run will really do, computed on the server from the
job's journal: after a stop, the rows left; comments another file already posted, held back;
invalid rows; the time it should take at the rate in use."""

from __future__ import annotations

import asyncio
import math
import re

from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.console.test_web import IDS, follow, login, make_client, upload  # noqa: F401 - make_client: a fixture
from tests.support.sheets import csv_bytes

ROWS = [["ticket_id", "status", "comment"], *[[IDS[i % 6], "2", f"note {i}"] for i in range(40)], ["x", "2", "bad"]]


async def test_the_confirmation_counts_what_resume_and_held_comments_leave(make_client):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)], get_rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        first = await (await upload(client, "seq.csv", csv_bytes(ROWS))).json()
        fresh = await (await client.post(f"/api/uploads/{first['id']}/confirm", json={"rate": "10/s"})).json()
        assert fresh["to_send"] == 40 and fresh["comments"] == 40 and fresh["done_earlier"] == 0
        assert fresh["invalid"] == 1 and fresh["seconds"] == math.ceil(40 / (10 * 0.985))
        assert fresh["rate_source"] == "fixed" and fresh["sending"] is None

        run = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "5/s"})).json()
        await follow(client, run["id"], lambda s: s["live_counts"].get("ok", 0) >= 3)
        busy = await (await client.post(f"/api/uploads/{first['id']}/confirm", json={})).json()
        assert busy["sending"]["name"] == "seq.csv"  # the page says which run is sending
        await client.post(f"/api/runs/{run['id']}/stop")
        stopped = await follow(client, run["id"], lambda s: False)
        done = stopped["counts"]["ok"]
        assert 3 <= done < 40

        left = await (await client.post(f"/api/uploads/{first['id']}/confirm",
                                        json={"rate": "auto", "undo": True})).json()
        assert left["done_earlier"] == done and left["to_send"] == 40 - done and left["comments"] == 40 - done
        assert left["read_first"] and left["tickets_to_read"] == len({r[0] for r in ROWS[1:41][done:]})
        assert left["rate_source"] in ("learned", "start") and left["seconds"] > 0

        copy = await (await upload(client, "seq (1).csv", csv_bytes(ROWS))).json()
        other = await (await client.post(f"/api/uploads/{copy['id']}/confirm", json={})).json()
        assert other["done_earlier"] == 0 and other["without_comment"] == done  # posted by seq.csv's run
        assert other["to_send"] == 40 and other["comments"] == 40 - done
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)


async def test_the_confirmation_while_another_run_sends_counts_the_comments_that_run_has(make_client):  # noqa: F811
    """Trial F7.2: the counts ignored the running job's reservations (all were held when sent)."""
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)], get_rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        first = await (await upload(client, "seq.csv", csv_bytes(ROWS))).json()
        run = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "2/s"})).json()
        await follow(client, run["id"], lambda s: s["live_counts"].get("ok", 0) >= 1)
        copy = await (await upload(client, "seq (1).csv", csv_bytes(ROWS))).json()
        told = await (await client.post(f"/api/uploads/{copy['id']}/confirm", json={})).json()
        assert told["sending"]["name"] == "seq.csv"
        assert told["to_send"] == 40 and told["comments"] == 0  # was: 40 comments, all held when sent
        assert told["without_comment"] == 40
        refused = await client.post(f"/api/uploads/{copy['id']}/runs", json={})
        error = (await refused.json())["error"]
        assert refused.status == 409 and re.search(r"\(started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)", error), error
        await client.post(f"/api/runs/{run['id']}/stop")
        await follow(client, run["id"], lambda s: False)
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)
