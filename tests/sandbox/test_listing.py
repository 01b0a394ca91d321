"""The ticket list (filters, paging, the 10,000 cap, its throttle) and the custom-field list."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.sandbox.fields import DEMO_FIELDS
from tests.support.sandbox_http import put


async def listing(session: aiohttp.ClientSession, sb: Sandbox, params: Any, path: str = "tickets",
                  token: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token or sb.tenant_token()}", "X-Lark-Helpdesk-Authorization": sb.helpdesk_header}
    async with session.get(f"{sb.base_url}/open-apis/helpdesk/v1/{path}", params=params, headers=headers) as resp:
        return resp.status, await resp.json()


async def test_pages_newest_first_with_the_total(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    status, body = await listing(session, sandbox, {"page": 1, "page_size": 4})
    assert (status, body["code"], body["data"]["total"]) == (200, 0, 10)
    first = body["data"]["tickets"]
    _, body = await listing(session, sandbox, [("page", "3"), ("page_size", "4")])
    last = body["data"]["tickets"]
    assert len(first) == 4 and len(last) == 2
    created = [t["created_at"] for t in first + last]
    assert created == sorted(created, reverse=True)
    assert all("customized_fields" in t and "tags" in t for t in first)


async def test_filters(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    ids = list(sandbox.tickets)
    await put(session, sandbox, ids[0], {"status": 5, "tag_names": ["billing", "vip"]})
    await put(session, sandbox, ids[1], {"status": 2, "tag_names": ["billing"]})
    _, body = await listing(session, sandbox, [("status_list", "5"), ("status_list", "2"), ("page_size", "50")])
    assert {t["ticket_id"] for t in body["data"]["tickets"]} == {ids[0], ids[1]}
    _, body = await listing(session, sandbox, [("tags", "vip"), ("status_list", "5")])
    assert [t["ticket_id"] for t in body["data"]["tickets"]] == [ids[0]]
    stamp = sandbox.tickets[ids[2]].created_at
    _, body = await listing(session, sandbox, {"create_time_start": stamp, "create_time_end": stamp})
    assert ids[2] in [t["ticket_id"] for t in body["data"]["tickets"]]
    _, body = await listing(session, sandbox, {"update_time_start": 1})
    assert body["data"]["total"] == 2  # never updated: no update time
    _, body = await listing(session, sandbox, {"ticket_id": ids[3]})
    assert [t["ticket_id"] for t in body["data"]["tickets"]] == [ids[3]]


async def test_a_bad_query_and_a_user_token_are_refused(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    assert (await listing(session, sandbox, {"page_size": 201}))[1]["code"] == 154000
    assert (await listing(session, sandbox, {"channel": "x"}))[1]["code"] == 154000
    status, body = await listing(session, sandbox, {}, token=sandbox.credentials["FEISHU_USER_ACCESS_TOKEN"])
    assert (status, body["code"]) == (400, 99991663)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(n_tickets=30, list_cap=10)], indirect=True)
async def test_past_the_cap_a_page_is_empty_but_the_total_counts_all(sandbox: Sandbox,
                                                                     session: aiohttp.ClientSession) -> None:
    _, body = await listing(session, sandbox, {"page": 2, "page_size": 8})
    assert (body["data"]["total"], len(body["data"]["tickets"])) == (30, 2)
    _, body = await listing(session, sandbox, {"page": 3, "page_size": 8})
    assert body["data"]["tickets"] == []


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(n_tickets=5, list_rates=[(3, 1.0)])], indirect=True)
async def test_its_own_throttle(sandbox: Sandbox, session: aiohttp.ClientSession, sandbox_clock) -> None:
    answers = [(await listing(session, sandbox, {}))[1]["code"] for _ in range(4)]
    assert answers == [0, 0, 0, 99991400]
    sandbox_clock.advance(1.0)
    assert (await listing(session, sandbox, {}))[1]["code"] == 0
    assert sandbox.stats()["list"]["accepted"] == 4


async def test_the_field_list_pages(sandbox: Sandbox, session: aiohttp.ClientSession, sandbox_clock) -> None:
    seen, token = [], ""
    while True:
        _, body = await listing(session, sandbox, {"page_size": 4, "page_token": token}, path="ticket_customized_fields")
        sandbox_clock.advance(1.0)
        seen += body["data"]["items"]
        token = body["data"]["next_page_token"]
        if not body["data"]["has_more"]:
            break
    assert [f["display_name"] for f in seen] == [f.display_name for f in DEMO_FIELDS]
    nested = next(f for f in seen if f["field_type"] == "dropdown_nested")
    assert nested["dropdown_options"]["children"][0]["children"][0]["children"][0]["display_name"] == "卡纸"
    assert next(f for f in seen if f["key_name"] == "regions")["dropdown_allow_multiple"] is True


async def test_tickets_hold_labelled_values(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    options = {o.display_name for o in DEMO_FIELDS[0].options}
    values = [f["value"] for t in sandbox.tickets.values() for f in [t.customized_fields.get(DEMO_FIELDS[0].id)] if f]
    assert values and set(values) <= options


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(n_tickets=2, dropdown_write="tag")], indirect=True)
async def test_a_dropdown_written_by_tag(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    field = DEMO_FIELDS[0]
    sandbox.tickets[ticket_id].customized_fields[field.id] = {"value": "低", "key_name": field.key_name}
    await put(session, sandbox, ticket_id, {"customized_fields": [{"id": field.id, "value": "高"}]})
    assert sandbox.tickets[ticket_id].customized_fields[field.id]["value"] == "低"  # taken, changes nothing
    await put(session, sandbox, ticket_id, {"customized_fields": [{"id": field.id, "value": "high"}]})
    assert sandbox.tickets[ticket_id].customized_fields[field.id]["value"] == "高"
