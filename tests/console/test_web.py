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
    async def make(env=None, max_upload=1 << 20, **console_options):
        env = env or secret_env()
        console = Console(tmp_path / "work", env, **console_options)
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
    name = f"{COOKIE}_{client.server.port}"  # one per port: two consoles do not log each other out
    assert name in response.cookies and response.cookies[name]["httponly"]


async def upload(client, name, data):
    body = aiohttp.FormData(quote_fields=False)  # the name as a browser sends it
    body.add_field("file", data, filename=name)
    return await client.post("/api/uploads", data=body)


async def test_without_the_token_every_request_is_refused(make_client):
    client, _ = await make_client()
    for path in ("/", "/api/status", "/api/runs", "/static/main.js"):
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
    ("fake.xlsx", b"this is not a workbook at all", "not an Excel workbook"),
])
async def test_bad_uploads_get_a_message_never_a_500(make_client, name, data, message):
    client, console = await make_client()
    await login(client)
    response = await upload(client, name, data)
    body = await response.json()
    assert response.status == 400 and message in body["error"], body
    assert not [p for p in console.uploads.folder.rglob("*") if p.is_file()]  # nothing kept


@pytest.mark.parametrize("name, data, problem, fix", [
    ("noid.csv", b"Number,State\r\n7100000000000000001,closed\r\n", "no ticket id column",
     {"renames": {"Number": "ticket_id", "State": "status"}}),
    ("big5.csv", "ticket_id,comment\r\n7100000000000000001,客戶反饋登錄失敗，已重置密碼並通知用戶\r\n".encode("big5"),
     "choose its encoding in the list above", {"encoding": "big5"}),
])
async def test_a_sheet_a_choice_can_fix_is_kept_with_its_problem(make_client, name, data, problem, fix):
    """No ticket id column: choose which column holds it; an encoding that cannot be told: choose it."""
    client, _ = await make_client()
    await login(client)
    response = await upload(client, name, data)
    kept = await response.json()
    assert response.status == 200 and problem in kept["problem"] and kept["counts"] == {}
    assert "--" not in kept["problem"]  # no command-line option named on the page
    assert (await client.post(f"/api/uploads/{kept['id']}/runs", json={})).status == 400  # nothing to run yet
    fixed = await (await client.post(f"/api/uploads/{kept['id']}/check", json=fix)).json()
    assert fixed["problem"] == "" and fixed["counts"].get("valid") == 1, fixed


async def test_no_secret_in_any_answer(make_client):
    client, _ = await make_client()
    await login(client)
    answers = [await (await client.get(path)).text() for path in ("/", "/api/status", "/static/main.js", "/api/runs")]
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


async def follow(client, run_id, until):
    """The run's event stream, until a snapshot meets `until` (the last one, when the run ends)."""
    events = await client.get(f"/api/runs/{run_id}/events")
    async for line in events.content:
        if line.startswith(b"data: "):
            snapshot = json.loads(line[6:])
            if until(snapshot) or not snapshot["running"]:
                events.close()
                return snapshot
    raise AssertionError("the event stream ended without a last snapshot")


async def test_the_same_file_name_is_the_same_sheet_and_is_not_replaced_while_it_runs(make_client):
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        rows = [["ticket_id", "status"], *[[i, "2"] for i in IDS]]
        first = await (await upload(client, "tickets.csv", csv_bytes(rows))).json()
        started = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "3/s"})).json()
        again = await upload(client, "tickets.csv", csv_bytes(rows))
        assert again.status == 409 and "tickets.csv is going" in (await again.json())["error"]
        await follow(client, started["id"], lambda s: s["done"] >= 2)
        await client.post(f"/api/runs/{started['id']}/stop")
        stopped = await follow(client, started["id"], lambda s: False)
        assert stopped["state"] == "stopped" and 2 <= stopped["counts"].get("ok", 0) < len(IDS)
        replaced = await (await upload(client, "tickets.csv", csv_bytes(rows))).json()
        assert replaced["id"] == first["id"]  # the same sheet: the same job, resumed
        resumed = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "1000/s"})).json()
        done = await follow(client, resumed["id"], lambda s: False)
        assert done["resumed"] == stopped["counts"]["ok"] and done["counts"] == {"ok": len(IDS)}
        assert sb.stats()["applied"] == len(IDS)  # nothing sent twice


async def test_a_person_without_the_token_gets_a_page_that_says_what_to_do(make_client):
    client, _ = await make_client()
    response = await client.get("/", headers={"Accept": "text/html"})
    assert response.status == 403 and response.content_type == "text/html"
    text = await response.text()
    assert "batch-updater serve printed" in text and "访问令牌" in text


async def test_odd_requests_are_answered_plainly(make_client):
    client, _ = await make_client()
    await login(client)
    assert (await client.get("/favicon.ico")).status == 204
    u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], [IDS[0], "closed"]]))).json()
    bad = await client.post(f"/api/uploads/{u['id']}/check", json={"renames": [1, 2]})
    assert bad.status == 400 and "renames" in (await bad.json())["error"]
    check = await client.get(f"/api/uploads/{u['id']}/check.csv")
    assert check.status == 200 and b"valid" in await check.read()


async def test_a_gbk_sheet_shows_how_its_text_reads_with_the_page_s_advice_not_the_command_line_s(make_client):
    client, _ = await make_client()
    await login(client)
    data = "工单ID,状态,评论\r\n7100000000000000001,处理中,已重置密码\r\n".encode("gbk")
    kept = await (await upload(client, "gbk.csv", data)).json()
    assert "the first text reads '处理中'" in kept["source"]
    assert "choose its encoding in the list above" in kept["source"] and "--encoding" not in kept["source"]


async def test_one_run_at_a_time_sends_to_the_helpdesk_whatever_its_sheet(make_client):
    """Two copies of a sheet (seq.csv, seq (1).csv) run at once would post each comment twice:
    while one run sends, a run of any other sheet is refused, naming it; a plan (reads only) is not."""
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)], get_rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        rows = [["ticket_id", "comment"], *[[i, f"note {i}"] for i in IDS]]
        first = await (await upload(client, "seq.csv", csv_bytes(rows))).json()
        copy = await (await upload(client, "seq (1).csv", csv_bytes(rows))).json()
        running = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "3/s"})).json()
        refused = await client.post(f"/api/uploads/{copy['id']}/runs", json={"rate": "3/s"})
        message = (await refused.json())["error"]
        assert refused.status == 409 and "a run of seq.csv is sending to this helpdesk" in message
        planned = await client.post(f"/api/uploads/{copy['id']}/plan", json={})
        assert planned.status == 202
        await follow(client, (await planned.json())["id"], lambda s: False)
        await client.post(f"/api/runs/{running['id']}/stop")
        await follow(client, running["id"], lambda s: False)
        after = await client.post(f"/api/uploads/{copy['id']}/runs", json={"rate": "1000/s"})
        assert after.status == 202
        await follow(client, (await after.json())["id"], lambda s: False)
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)
