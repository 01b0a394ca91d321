"""The sandbox's Base, Sheets and Wiki APIs (sandbox/docs*.py) against docs/api-facts.md §9: paging
and the view/filter rule, cell shapes, fields, batch_update's cap, all-or-nothing, one writer per
base and its throttle answer; sheets query, values and their caps; get_node; tokens."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from batch_updater.sandbox import Sandbox
from batch_updater.sandbox.bitable import NUMBER, TEXT

BITABLE = "/open-apis/bitable/v1/apps/{}/tables/{}"
ID19 = "6945345902185807891"


def tenant(sandbox: Sandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.tenant_token()}"}


async def call(session: aiohttp.ClientSession, sandbox: Sandbox, method: str, path: str,
               body: Any = None, headers: dict[str, str] | None = None, **params: Any) -> tuple[int, dict[str, Any]]:
    async with session.request(method, sandbox.base_url + path, json=body, params=params or None,
                               headers=tenant(sandbox) if headers is None else headers) as resp:
        return resp.status, await resp.json()


def a_base(sandbox: Sandbox, n: int = 7):
    rows = [{"ticket_id": str(7400000000000000001 + i), "status": "closed" if i % 2 else "open", "n": i}
            for i in range(n)]
    return sandbox.core.docs.add_base("Tickets", [("ticket_id", TEXT), ("status", TEXT), ("n", NUMBER)], rows,
                                      [("Open", [("status", "is", ["open"])])])


async def test_search_pages_a_view_and_its_filter(sandbox, session):
    base, table = a_base(sandbox)
    path = BITABLE.format(base.app_token, table.table_id) + "/records/search"
    status, page = await call(session, sandbox, "POST", path, {}, page_size=3)
    assert status == 200 and page["code"] == 0 and page["data"]["total"] == 7 and page["data"]["has_more"]
    seen = [item["record_id"] for item in page["data"]["items"]]
    while page["data"]["has_more"]:
        _, page = await call(session, sandbox, "POST", path, {}, page_size=3, page_token=page["data"]["page_token"])
        seen += [item["record_id"] for item in page["data"]["items"]]
    assert seen == list(table.records)
    view = table.views[1].view_id
    _, open_only = await call(session, sandbox, "POST", path, {"view_id": view}, page_size=500)
    assert [item["fields"]["status"] for item in open_only["data"]["items"]] == [[{"type": "text", "text": "open"}]] * 4
    # a filter (or a sort) in the body: the view is ignored (§9.3)
    body = {"view_id": view, "filter": {"conjunction": "and", "conditions": [
        {"field_name": "status", "operator": "is", "value": ["closed"]}]}}
    _, closed = await call(session, sandbox, "POST", path, body)
    assert closed["data"]["total"] == 3


async def test_cells_are_segments_and_doubles(sandbox, session):
    base, table = sandbox.core.docs.add_base("T", [("ticket_id", NUMBER), ("note", TEXT)],
                                              [{"ticket_id": int(ID19), "note": "hi"}, {"note": ""}])
    path = BITABLE.format(base.app_token, table.table_id) + "/records/search"
    async with session.post(sandbox.base_url + path, json={}, headers=tenant(sandbox)) as resp:
        text = await resp.text()
    assert "6.945345902185808e+18" in text  # a JSON double: the id's last digits are gone
    _, page = await call(session, sandbox, "POST", path, {})
    first, second = (item["fields"] for item in page["data"]["items"])
    assert first["note"] == [{"type": "text", "text": "hi"}] and second == {}  # an empty cell is left out


async def test_fields_are_listed_and_created(sandbox, session):
    base, table = a_base(sandbox)
    path = BITABLE.format(base.app_token, table.table_id) + "/fields"
    _, listed = await call(session, sandbox, "GET", path, page_size=2)
    assert [f["field_name"] for f in listed["data"]["items"]] == ["ticket_id", "status"]
    assert listed["data"]["has_more"] and listed["data"]["items"][0]["is_primary"]
    _, made = await call(session, sandbox, "POST", path, {"field_name": "result", "type": TEXT})
    assert made["code"] == 0 and made["data"]["field"]["field_name"] == "result"
    assert table.field_named("result") is not None


async def test_batch_update_is_capped_and_all_or_nothing(sandbox, session):
    base, table = a_base(sandbox)
    path = BITABLE.format(base.app_token, table.table_id) + "/records/batch_update"
    ids = list(table.records)
    _, big = await call(session, sandbox, "POST", path, {"records": [
        {"record_id": ids[0], "fields": {"status": "x"}}] * 1001})
    assert big["code"] == 1254104
    _, wrong = await call(session, sandbox, "POST", path, {"records": [
        {"record_id": ids[0], "fields": {"status": "applied?"}}, {"record_id": ids[1], "fields": {"nope": "x"}}]})
    assert wrong["code"] == 1254045 and table.records[ids[0]]["status"] == "open"  # nothing applied
    _, done = await call(session, sandbox, "POST", path, {"records": [
        {"record_id": rid, "fields": {"status": "done", "n": 3}} for rid in ids]})
    assert done["code"] == 0 and {r["status"] for r in table.records.values()} == {"done"}
    assert sandbox.core.docs.stats.snapshot()["records_written"] == 7


async def test_batch_create_adds_records_capped_all_or_nothing_and_may_lose_its_answer(sandbox, session):
    base, table = a_base(sandbox)
    path = BITABLE.format(base.app_token, table.table_id) + "/records/batch_create"
    before = len(table.records)
    _, big = await call(session, sandbox, "POST", path, {"records": [{"fields": {"status": "x"}}] * 1001})
    _, wrong = await call(session, sandbox, "POST", path, {"records": [{"fields": {"status": "a"}},
                                                                       {"fields": {"nope": "x"}}]})
    assert big["code"] == 1254104 and wrong["code"] == 1254045 and len(table.records) == before  # none added
    _, done = await call(session, sandbox, "POST", path, {"records": [{"fields": {"ticket_id": "7", "status": "new"}}]})
    assert done["code"] == 0 and done["data"]["records"][0]["fields"]["status"] == [{"type": "text", "text": "new"}]
    sandbox.core.docs.fail_after_applying("batch_create", 1255040)
    status, lost = await call(session, sandbox, "POST", path, {"records": [{"fields": {"status": "again"}}]})
    assert (status, lost["code"]) == (504, 1255040) and len(table.records) == before + 2  # added all the same
    assert sandbox.core.docs.stats.snapshot()["records_created"] == 2


async def test_two_writes_to_one_base_at_once_conflict_and_are_counted(sandbox, session):
    base, table = a_base(sandbox)
    sandbox.core.docs.write_s = 0.2
    path = BITABLE.format(base.app_token, table.table_id) + "/records/batch_update"
    body = {"records": [{"record_id": next(iter(table.records)), "fields": {"status": "x"}}]}
    first, second = await asyncio.gather(call(session, sandbox, "POST", path, body),
                                         call(session, sandbox, "POST", path, body))
    assert sorted([first[1]["code"], second[1]["code"]]) == [0, 1254291]
    assert sandbox.core.docs.stats.overlapping_writes == 1


async def test_batch_update_past_its_rate_is_1254290_with_http_200(sandbox, session):
    base, table = a_base(sandbox)
    sandbox.core.docs.write_s = 0
    path = BITABLE.format(base.app_token, table.table_id) + "/records/batch_update"
    body = {"records": [{"record_id": next(iter(table.records)), "fields": {"status": "x"}}]}
    answers = [await call(session, sandbox, "POST", path, body) for _ in range(51)]  # 50/s, the clock stands still
    assert [a[1]["code"] for a in answers].count(0) == 50
    assert answers[-1] == (200, {"code": 1254290, "msg": "TooManyRequest"})


async def test_faults_queued_for_the_next_calls(sandbox, session):
    base, table = a_base(sandbox)
    sandbox.core.docs.fail_next("batch_update", 1254290, 1254291, 1254607)
    path = BITABLE.format(base.app_token, table.table_id) + "/records/batch_update"
    body = {"records": [{"record_id": next(iter(table.records)), "fields": {"status": "x"}}]}
    codes = [(await call(session, sandbox, "POST", path, body))[1]["code"] for _ in range(4)]
    assert codes == [1254290, 1254291, 1254607, 0]


@pytest.mark.parametrize("access, search_total, write_code", [("hidden", 0, 1254304), ("read_only", 7, 1254302)])
async def test_advanced_permissions(sandbox, session, access, search_total, write_code):
    base, table = a_base(sandbox)
    base.access = access
    prefix = BITABLE.format(base.app_token, table.table_id)
    _, found = await call(session, sandbox, "POST", prefix + "/records/search", {})
    assert found["code"] == 0 and found["data"]["total"] == search_total
    _, wrote = await call(session, sandbox, "POST", prefix + "/records/batch_update", {"records": [
        {"record_id": next(iter(table.records)), "fields": {"status": "x"}}]})
    assert wrote["code"] == write_code


async def test_tokens_tenant_or_user(sandbox, session):
    base, table = a_base(sandbox)
    path = BITABLE.format(base.app_token, table.table_id) + "/fields"
    user = {"Authorization": f"Bearer {sandbox.core.tokens.initial_user_token}"}
    assert (await call(session, sandbox, "GET", path, headers=user))[1]["code"] == 0
    assert (await call(session, sandbox, "GET", path, headers={}))[1]["code"] == 99991661
    assert (await call(session, sandbox, "GET", path, headers={"Authorization": "Bearer t-nope"}))[1]["code"] == 99991663


def a_book(sandbox: Sandbox):
    cells = [["title row"], [], ["ticket_id", "status"], [ID19, "closed"], [int(ID19), "open"]]
    return sandbox.core.docs.add_spreadsheet("Changes", [("First", cells), ("Second", [["a"]])])


async def test_sheets_query_and_values(sandbox, session):
    book = a_book(sandbox)
    _, query = await call(session, sandbox, "GET", f"/open-apis/sheets/v3/spreadsheets/{book.token}/sheets/query")
    assert [s["title"] for s in query["data"]["sheets"]] == ["First", "Second"]
    sid = query["data"]["sheets"][0]["sheet_id"]
    _, whole = await call(session, sandbox, "GET",
                          f"/open-apis/sheets/v2/spreadsheets/{book.token}/values/{quote(sid)}")
    assert whole["data"]["valueRange"]["values"][3] == [ID19, "closed"]
    assert whole["data"]["valueRange"]["values"][4][0] == 6.945345902185808e18  # a number cell: a double
    _, part = await call(session, sandbox, "GET",
                         f"/open-apis/sheets/v2/spreadsheets/{book.token}/values/{quote(sid + '!B4:B5')}")
    assert part["data"]["valueRange"]["values"] == [["closed"], ["open"]]
    sandbox.core.docs.max_answer_bytes = 50
    _, big = await call(session, sandbox, "GET", f"/open-apis/sheets/v2/spreadsheets/{book.token}/values/{sid}")
    assert big["code"] == 90221


async def test_values_batch_update_caps_and_writes(sandbox, session):
    book = a_book(sandbox)
    sid = book.sheets[0].sheet_id
    path = f"/open-apis/sheets/v2/spreadsheets/{book.token}/values_batch_update"
    _, big = await call(session, sandbox, "POST", path, {"valueRanges": [
        {"range": f"{sid}!C1:C5001", "values": [["x"]] * 5001}]})
    assert big["code"] == 90227
    _, done = await call(session, sandbox, "POST", path, {"valueRanges": [
        {"range": f"{sid}!C3:D4", "values": [["result", "msg"], ["ok", "success"]]}]})
    assert done["code"] == 0 and book.sheets[0].cells[3][2:4] == ["ok", "success"]
    sandbox.core.docs.fail_next("values_batch_update", 90217)
    assert (await call(session, sandbox, "POST", path, {"valueRanges": [
        {"range": f"{sid}!C3", "values": [["x"]]}]}))[1]["code"] == 90217


async def test_writes_to_one_spreadsheet_are_serial(sandbox, session):
    book = a_book(sandbox)
    sandbox.core.docs.write_s = 0.2
    path = f"/open-apis/sheets/v2/spreadsheets/{book.token}/values_batch_update"
    body = {"valueRanges": [{"range": f"{book.sheets[0].sheet_id}!C1", "values": [["x"]]}]}
    answers = await asyncio.gather(call(session, sandbox, "POST", path, body), call(session, sandbox, "POST", path, body))
    assert sorted(a[1]["code"] for a in answers) == [0, 90235]
    assert sandbox.core.docs.stats.overlapping_writes == 1


async def test_sheets_without_permission(sandbox, session):
    book = a_book(sandbox)
    book.access = "none"
    _, query = await call(session, sandbox, "GET", f"/open-apis/sheets/v3/spreadsheets/{book.token}/sheets/query")
    assert query["code"] == 90213


async def test_get_node_names_the_object(sandbox, session):
    base, _ = a_base(sandbox)
    node = sandbox.core.docs.add_wiki_node("bitable", base.app_token, "A base")
    _, found = await call(session, sandbox, "GET", "/open-apis/wiki/v2/spaces/get_node", token=node.node_token)
    assert (found["data"]["node"]["obj_type"], found["data"]["node"]["obj_token"]) == ("bitable", base.app_token)
    status, missing = await call(session, sandbox, "GET", "/open-apis/wiki/v2/spaces/get_node", token="wikcnNope")
    assert status == 404 and missing["code"] != 0


async def test_the_demo_base_and_sheet_hold_the_sample_rows(sandbox):
    from batch_updater.sandbox.cli import demo_links

    links = demo_links(sandbox)
    assert set(links) == {"base", "base view", "sheet", "wiki (base)", "wiki (sheet)"}
    (base,) = sandbox.docs.bases.values()
    (table,) = base.tables.values()
    (book,) = sandbox.docs.books.values()
    assert len(table.records) == len(book.sheets[0].cells) - 1 > 40
    assert f"/base/{base.app_token}?table={table.table_id}&view=" in links["base"]
    assert all(rec["ticket_id"] in sandbox.tickets for rec in table.records.values() if rec.get("ticket_id", "").isdigit()
               and len(rec["ticket_id"]) == 19)
