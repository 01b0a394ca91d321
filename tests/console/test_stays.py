"""Never locked out and results that stay (issue 23): the access cookie outlives the browser's
session (a proof of the token, never the token; `--session-days` limits it); the 403 page takes the
token or the printed address; a finished run's rows open again after the server restarts; the
confirmation names the file and the options; the API's answers are never cached nor sniffed."""

from __future__ import annotations

import asyncio
import time

from batch_updater.console.security import COOKIE, session_cookie
from batch_updater.console.serve import server_info
from batch_updater.console.web import make_app
from batch_updater.console.work import Console
from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.console.test_web import IDS, TOKEN, follow, login, make_client, upload  # noqa: F401 - a fixture
from tests.support.sheets import csv_bytes


async def test_the_cookie_outlives_the_session_and_holds_no_token(make_client):  # noqa: F811
    client, _ = await make_client()
    response = await client.get(f"/?token={TOKEN}", allow_redirects=False)
    cookie = response.cookies[f"{COOKIE}_{client.server.port}"]
    assert int(cookie["max-age"]) >= 300 * 86400 and TOKEN not in cookie.value  # not a session cookie
    assert (await client.get("/api/status")).status == 200


async def test_session_days_end_the_cookie(aiohttp_client, tmp_path):
    env = {"FEISHU_USER_ACCESS_TOKEN": "u", "FEISHU_HELPDESK_ID": "1", "FEISHU_HELPDESK_TOKEN": "h"}
    hosts: set[str] = set()
    app = make_app(Console(tmp_path / "w", env), token=TOKEN, hosts=hosts, max_upload=1 << 20,
                   info=server_info(env, False), session_days=2)
    client = await aiohttp_client(app)
    hosts.add(f"{client.server.host}:{client.server.port}")
    name = f"{COOKIE}_{client.server.port}"
    given = await client.get(f"/?token={TOKEN}", allow_redirects=False)
    assert int(given.cookies[name]["max-age"]) == 2 * 86400
    fresh, old = session_cookie(TOKEN, int(time.time()) - 86400), session_cookie(TOKEN, int(time.time()) - 3 * 86400)
    client.session.cookie_jar.clear()
    assert (await client.get("/api/status", headers={"Cookie": f"{name}={fresh}"})).status == 200
    assert (await client.get("/api/status", headers={"Cookie": f"{name}={old}"})).status == 403
    forged = f"{int(time.time())}.{'0' * 64}"
    assert (await client.get("/api/status", headers={"Cookie": f"{name}={forged}"})).status == 403


async def test_the_403_page_has_a_box_that_takes_the_token_or_the_printed_address(make_client):  # noqa: F811
    client, _ = await make_client()
    page = await client.get("/", headers={"Accept": "text/html", "Accept-Language": "zh-CN"})
    text = await page.text()
    assert page.status == 403 and '<input id="token-zh" name="token"' in text and 'action="/"' in text
    assert text.index('lang="zh"') < text.index('lang="en"')  # the browser's language first
    printed = f"http://127.0.0.1:{client.server.port}/?token={TOKEN}"
    pasted = await client.get("/", params={"token": printed}, allow_redirects=False)  # the form sends the box
    assert pasted.status == 303 and f"{COOKIE}_{client.server.port}" in pasted.cookies
    client.session.cookie_jar.clear()
    wrong = await client.get("/", params={"token": "nope"}, headers={"Accept": "text/html"})
    assert wrong.status == 403 and "not this server's token" in await wrong.text()


async def test_answers_are_never_cached_nor_sniffed(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    u = await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], [IDS[0], "2"]]))
    upload_id = (await u.json())["id"]
    for response in [u, await client.get("/api/status"), await client.get(f"/api/uploads/{upload_id}/check.csv"),
                     await client.get("/api/runs/none"), await client.get(f"/api/uploads/{upload_id}/job.toml")]:
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.url
        assert response.headers["Cache-Control"] == "no-store", response.url


async def test_a_finished_run_s_rows_open_again_after_a_restart_and_a_failed_one_says_why(make_client, tmp_path):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], *[[i, "2"] for i in IDS]]))).json()
        told = await (await client.post(f"/api/uploads/{u['id']}/confirm", json={"rate": "50/s", "undo": True})).json()
        assert told["name"] == "in.csv" and told["options"]["rate"] == "50/s" and told["options"]["undo"]
        run = await (await client.post(f"/api/uploads/{u['id']}/runs", json={"rate": "500/s"})).json()
        done = await follow(client, run["id"], lambda s: False)
        assert done["counts"] == {"ok": len(IDS)} and done["has_rows"]
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)

    again = Console(tmp_path / "work", sb.credentials)  # the server restarted: its runs' rows are on disk
    record = again.runs.records[run["id"]]
    assert record.table is None and record.snapshot()["has_rows"]
    assert [r["result"] for r in again.runs.table(run["id"])] == ["ok"] * len(IDS)


async def test_a_run_that_failed_says_why_in_the_list(make_client):  # noqa: F811
    client, _ = await make_client(env={"FEISHU_USER_ACCESS_TOKEN": "u"})  # no helpdesk credentials
    await login(client)
    u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], [IDS[0], "2"]]))).json()
    run = await (await client.post(f"/api/uploads/{u['id']}/runs", json={})).json()
    done = await follow(client, run["id"], lambda s: False)
    listed = next(r for r in await (await client.get("/api/runs")).json() if r["id"] == run["id"])
    assert listed["state"] == "refused" and listed["message"] == done["message"] and "FEISHU_HELPDESK" in listed["message"]
    assert not listed["has_rows"]


async def test_serve_s_session_days_reach_the_cookie(tmp_path):
    import aiohttp

    from batch_updater.console.serve import ServeOptions, console_server

    async with console_server(ServeOptions(port=0, workdir=tmp_path / "w", session_days=0.5), {},
                              say=lambda line: None) as (url, console):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(url, allow_redirects=False) as first:
                assert first.status == 303
                assert next(iter(first.cookies.values()))["max-age"] == str(12 * 3600)
