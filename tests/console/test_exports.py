"""The console's Export step over HTTP, against the sandbox: the page's filters parsed as
`batch-updater export`'s are (helpdesk/filters.py) and the tickets exported by the same library
function; the workbook downloaded (never cached or sniffed) or taken as the sheet in use, its
custom-field columns recognised by their display names; a bad filter said, nothing left behind.
And the mapping's targets: the helpdesk's custom fields by display name (Console.more_targets)."""

from __future__ import annotations

from batch_updater.console.targets import helpdesk_fields
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.sheet.read import load
from tests.console.test_web import login, make_client  # noqa: F401 - make_client: a fixture

IDS = [str(7100000000000000001 + i * 7919) for i in range(40)]

CUSTOM = {"紧急程度": "custom:6948728206392295444", "产品线": "custom:6948728206392295445"}


async def test_the_page_s_filters_export_the_tickets_they_select_as_a_workbook_to_download_or_use(make_client, tmp_path):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS)) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        every = await (await client.post("/api/exports", json={"filters": {}})).json()
        assert every["tickets"] == len(IDS) and every["selected"] == "" and every["complete"]
        whole = tmp_path / "every.xlsx"
        whole.write_bytes(await (await client.get(f"/api/exports/{every['id']}/file")).read())
        columns = load(whole).columns.header
        billing = [r for r in load(whole).rows if "billing" in [t.strip() for t in r.cells[columns.index("tag_names")].split(",")]]
        answer = await client.post("/api/exports", json={"filters": {
            "status": ["1"], "tag": "billing, ", "created_since": "2000-01-01", "agent": "", "solved": ""}})
        found = await answer.json()
        assert answer.status == 200, found
        assert found["selected"].startswith("status=1 tag=billing created-since=2000-01-01")
        assert 0 < found["tickets"] == len(billing) < every["tickets"] and found["name"].startswith("tickets-")

        download = await client.get(f"/api/exports/{found['id']}/file")
        assert download.status == 200 and found["name"] in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff" and download.headers["Cache-Control"] == "no-store"
        saved = tmp_path / found["name"]
        saved.write_bytes(await download.read())
        sheet = load(saved)
        tags = sheet.columns.header.index("tag_names")
        assert len(sheet.rows) == found["tickets"] and all("billing" in r.cells[tags] for r in sheet.rows)

        used = await (await client.post(f"/api/exports/{found['id']}/use")).json()
        assert used["name"] == found["name"] and used["counts"] == {"valid": found["tickets"]}
        roles = {c["header"]: c["role"] for c in used["columns"]}
        assert {h: roles[h] for h in CUSTOM} == CUSTOM  # a custom field's display name is that field
        assert (await client.get("/api/uploads")).status == 200
        assert found["name"] in [s["name"] for s in await (await client.get("/api/uploads")).json()]


async def test_a_bad_filter_is_said_in_the_filter_s_words_and_leaves_nothing(make_client, tmp_path):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS)) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        for filters, said in (({"channel": "web"}, "channel 'web'"), ({"colour": "red"}, "not a filter: colour"),
                              ({"created_before": "yesterday"}, "not a date"), ({"ids": "x"}, "not a filter: ids")):
            answer = await client.post("/api/exports", json={"filters": filters})
            assert answer.status == 400 and said in (await answer.json())["error"], filters
        assert not any((tmp_path / "work" / "exports").glob("*/*.xlsx"))
        for wrong in ("nope", "..%2F..%2Fsheets", "20261207-101010-abcdef"):
            assert (await client.get(f"/api/exports/{wrong}/file")).status == 404


async def test_without_the_app_s_credentials_the_export_says_what_it_needs(make_client):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS)) as sb:
        env = {k: v for k, v in sb.credentials.items() if k != "FEISHU_APP_SECRET"}
        client, _ = await make_client(env=env)
        await login(client)
        answer = await client.post("/api/exports", json={"filters": {}})
        message = (await answer.json())["error"]
        assert answer.status == 400 and "FEISHU_APP_SECRET" in message and "Traceback" not in message


async def test_the_mapping_offers_the_helpdesk_s_custom_fields_by_display_name(make_client):  # noqa: F811
    async with Sandbox(SandboxConfig(ticket_ids=IDS)) as sb:
        client, console = await make_client(env=sb.credentials)
        console.more_targets = helpdesk_fields(sb.credentials)  # as `serve` sets it
        await login(client)
        targets = {t["name"]: t for t in await (await client.get("/api/targets")).json()}
        urgency = targets[CUSTOM["紧急程度"]]
        assert urgency["zh"] == "紧急程度" and urgency["kind"] == "custom-field"
        assert [c["code"] for c in urgency["codes"]] == ["高", "中", "低"]  # a value map offers its options
        assert "硬件 / 打印机 / 卡纸" in [c["code"] for c in targets[CUSTOM["产品线"]]["codes"]]  # a nested one's paths
        assert "custom:" in targets  # a field by its id, still
        without = helpdesk_fields({k: v for k, v in sb.credentials.items() if k != "FEISHU_APP_ID"})
        assert without() == []  # no app credentials: no field list read, the by-id entry only
