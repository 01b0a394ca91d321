"""Issue 18 item 3 in the console: a long file name is uploaded, run, and its files downloaded."""
from __future__ import annotations

import aiohttp

from batch_updater.paths import NAME_MAX, name_size
from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.console.test_web import IDS, follow, login, make_client  # noqa: F401 - make_client: a fixture
from tests.support.sheets import csv_bytes


async def upload(client, name, data):
    """As a browser sends it: the file's name as UTF-8 in the form, not percent-encoded."""
    body = aiohttp.FormData(quote_fields=False)
    body.add_field("file", data, filename=name)
    return await client.post("/api/uploads", data=body)


async def test_an_84_character_name_uploads_runs_and_its_files_download(make_client):  # noqa: F811
    name = "二〇二四年第三季度客服工单批量更新" * 5 + "（第二批）.csv"  # 90 characters: 270 bytes
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        answer = await upload(client, name, csv_bytes([["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "bogus"]]))
        assert answer.status == 200, await answer.text()  # was: 500, the staging file's name too long
        u = await answer.json()
        assert name_size(u["name"]) <= NAME_MAX and u["name"].startswith(name[:60]) and u["name"].endswith(".csv")
        assert u["counts"] == {"valid": 1, "invalid": 1}
        check = await client.get(f"/api/uploads/{u['id']}/check.csv")
        assert check.status == 200
        started = await (await client.post(f"/api/uploads/{u['id']}/runs", json={"rate": "1000/s"})).json()
        done = await follow(client, started["id"], lambda s: False)
        assert done["exit_code"] == 1 and done["counts"] == {"ok": 1, "invalid": 1}, done
        assert set(done["files"]) == {"report", "retry"}
        for kind in done["files"]:
            got = await client.get(f"/api/runs/{started['id']}/files/{kind}")
            assert got.status == 200, kind  # not a link that 404s
            assert IDS[1].encode() in await got.read()
