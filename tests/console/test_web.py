"""The console's HTTP layer without a browser: the access token, Host and Origin checks, the
upload limit, bad files, no secret in any answer, and a run started, watched and stopped."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from batch_updater.console.security import COOKIE, allowed_hosts
from batch_updater.console.serve import server_info
from batch_updater.console.web import make_app
from batch_updater.console.work import Console
from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.support.sheets import csv_bytes

TOKEN = "t0ken-for-tests-only"
IDS = [str(7100000000000000001 + i * 7919) for i in range(6)]
SECRETS = ("u-very-secret-user-token", "ht-very-secret-helpdesk", "app-very-secret", "ur-very-secret-refresh")


def secret_env(**more):
    return {"FEISHU_USER_ACCESS_TOKEN": SECRETS[0], "FEISHU_HELPDESK_ID": "1", "FEISHU_HELPDESK_TOKEN": SECRETS[1],
            "FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": SECRETS[2], "FEISHU_REFRESH_TOKEN": SECRETS[3], **more}


@pytest.fixture
def make_client(aiohttp_client, tmp_path):
    async def make(env=None, max_upload=1 << 20):
        env = env or secret_env()
        console = Console(tmp_path / "work", env)
        hosts: set[str] = set()  # filled once the port is known, as serve does
        app = make_app(console, token=TOKEN, hosts=hosts, max_upload=max_upload, info=server_info(env, False))
        client = await aiohttp_client(app)
        hosts.update(allowed_hosts(client.server.host, client.server.port))
        client.session.headers.update({"Origin": f"http://{client.server.host}:{client.server.port}"})
        return client, console
    return make


async def login(client):
    response = await client.get(f"/?token={TOKEN}", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/"
    assert COOKIE in response.cookies and response.cookies[COOKIE]["httponly"]


async def upload(client, name, data):
    body = aiohttp.FormData()
    body.add_field("file", data, filename=name)
    return await client.post("/api/uploads", data=body)


async def test_without_the_token_every_request_is_refused(make_client):
    client, _ = await make_client()
    for path in ("/", "/api/status", "/api/runs", "/static/app.js"):
        response = await client.get(path)
        assert response.status == 403, path
    assert (await client.get("/?token=wrong")).status == 403
    await login(client)
    assert (await client.get("/")).status == 200
    assert (await client.get("/api/status")).status == 200


async def test_a_foreign_host_or_origin_is_refused(make_client):
    client, _ = await make_client()
    await login(client)
    rebinding = await client.get("/api/status", headers={"Host": "evil.example:80"})
    assert rebinding.status == 403 and "Host" in (await rebinding.json())["error"]
    cross_site = await client.post("/api/uploads", headers={"Origin": "http://evil.example"}, data=b"x")
    assert cross_site.status == 403 and "Origin" in (await cross_site.json())["error"]
    no_origin = await client.post("/api/uploads", headers={"Origin": ""}, data=b"x")
    assert no_origin.status == 403


async def test_an_upload_over_the_limit_gets_a_clear_message(make_client):
    client, console = await make_client(max_upload=4096)
    await login(client)
    big = csv_bytes([["ticket_id", "comment"], *[[IDS[0], "x" * 100] for _ in range(100)]])
    response = await upload(client, "big.csv", big)
    assert response.status == 400 and "larger than this console takes (0 MB)" in (await response.json())["error"]
    assert not list((console.workdir / "uploads").glob("*/*"))  # nothing kept


@pytest.mark.parametrize("name, data, message", [
    ("notes.pdf", b"%PDF-1.4", "not a spreadsheet the tool reads"),
    ("empty.csv", b"", "empty"),
    ("noid.csv", b"name,status\r\nx,1\r\n", "no ticket id column"),
    ("bytes.csv", b"ticket_id,comment\r\n1,\x80\xff\x80\r\n", "--encoding"),
    ("fake.xlsx", b"this is not a workbook at all", "not an Excel workbook"),
])
async def test_bad_uploads_get_a_message_never_a_500(make_client, name, data, message):
    client, console = await make_client()
    await login(client)
    response = await upload(client, name, data)
    body = await response.json()
    assert response.status == 400 and message in body["error"], body
    assert console.uploads == {}


async def test_no_secret_in_any_answer(make_client):
    client, _ = await make_client()
    await login(client)
    answers = [await (await client.get(path)).text() for path in ("/", "/api/status", "/static/app.js", "/api/runs")]
    checked = await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], [IDS[0], "closed"], ["x", "2"]]))
    answers.append(await checked.text())
    upload_id = (await checked.json())["id"]
    answers.append(await (await client.get(f"/api/uploads/{upload_id}/rows")).text())
    status = json.loads(answers[1])
    assert status["credentials"] == {"user_token": True, "helpdesk": True, "app": True, "refresh": True,
                                     "can_run": True, "can_plan": True}
    for text in answers:
        assert not any(secret in text for secret in SECRETS)


async def test_the_check_pages_and_filters_rows(make_client):
    client, _ = await make_client()
    await login(client)
    rows = [["ticket_id", "status", "comment"]] + [[IDS[i % 6], "closed" if i % 3 else "bogus", f"c{i}"]
                                                   for i in range(120)]
    u = await (await upload(client, "in.csv", csv_bytes(rows))).json()
    assert u["counts"] == {"valid": 80, "invalid": 40} and u["tickets"] == 4 and u["comments"] == 80
    page = await (await client.get(f"/api/uploads/{u['id']}/rows?filter=invalid&size=25&page=2")).json()
    assert page["matching"] == 40 and page["pages"] == 2 and len(page["rows"]) == 15
    assert all(r["result"] == "invalid" and "status 'bogus'" in r["msg"] for r in page["rows"])
    valid = await (await client.get(f"/api/uploads/{u['id']}/rows?filter=valid&size=25")).json()
    assert json.loads(valid["rows"][0]["msg"]) == {"status": 51, "comment": "c1"}


async def test_renames_and_the_sheet_are_checked_again(make_client):
    client, _ = await make_client()
    await login(client)
    u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "New State"], [IDS[0], "closed"]]))).json()
    assert u["unknown"] == ["New State"] and u["counts"] == {"invalid": 1}
    again = await client.post(f"/api/uploads/{u['id']}/check", json={"renames": {"New State": "status"}})
    assert (await again.json())["counts"] == {"valid": 1}


async def test_a_run_is_started_watched_and_a_second_one_refused(make_client, tmp_path):
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)], get_rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], *[[i, "2"] for i in IDS]]))).json()
        started = await client.post(f"/api/uploads/{u['id']}/runs", json={"rate": "3/s"})
        record = await started.json()
        assert started.status == 202 and record["kind"] == "run"
        second = await client.post(f"/api/uploads/{u['id']}/runs", json={"rate": "3/s"})
        assert second.status == 409 and "running already" in (await second.json())["error"]
        events = await client.get(f"/api/runs/{record['id']}/events")
        assert events.headers["Content-Type"] == "text/event-stream"
        seen = []
        async for line in events.content:
            if line.startswith(b"data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["done"] >= 2 and not seen[-1]["stop_pressed"]:
                    await client.post(f"/api/runs/{record['id']}/stop")
        final = seen[-1]
        assert not final["running"] and final["exit_code"] == 130 and final["counts"]["not_attempted"] >= 1
        assert final["files"] and "report" in final["files"]
        report = await client.get(f"/api/runs/{record['id']}/files/report")
        assert report.status == 200 and b"not_attempted" in await report.read()
        rows = await (await client.get(f"/api/runs/{record['id']}/rows")).json()
        assert rows["total"] == len(IDS)
        assert (await client.get(f"/api/runs/{record['id']}/files/../../etc")).status in (403, 404)
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)


async def test_a_workbooks_sheets_are_offered_and_another_one_checked(make_client, tmp_path):
    from tests.support.sheets import write_xlsx

    client, _ = await make_client()
    await login(client)
    book = write_xlsx(tmp_path / "book.xlsx", {"Tickets": [["ticket_id", "status"], [IDS[0], "closed"]],
                                               "More": [["ticket_id", "status"], [IDS[1], "2"], [IDS[2], "bogus"]]})
    u = await (await upload(client, "book.xlsx", book.read_bytes())).json()
    assert u["sheets"] == ["Tickets", "More"] and u["sheet"] == "Tickets" and u["counts"] == {"valid": 1}
    other = await (await client.post(f"/api/uploads/{u['id']}/check", json={"sheet": "More"})).json()
    assert other["sheet"] == "More" and other["counts"] == {"valid": 1, "invalid": 1}
