"""`GET /open-apis/helpdesk/v1/tickets/:id`: tenant token, ticket_v2 shape, updates reflected."""

from __future__ import annotations

import aiohttp
import pytest

from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.support.sandbox_http import get, put

V2_FIELDS = {
    "ticket_id", "helpdesk_id", "guest", "ticket_type", "status", "score", "created_at", "updated_at",
    "closed_at", "dissatisfaction_reason", "agents", "channel", "solve", "collaborators",
    "customized_fields", "agent_service_duration", "agent_first_response_duration",
    "bot_service_duration", "agent_resolution_time", "actual_processing_time", "agent_entry_time",
    "agent_first_response_time", "agent_last_response_time", "agent_owner", "tags",
}


async def test_fresh_ticket_shape(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    status, body, resp = await get(session, sandbox, ticket_id)
    assert (status, body["code"], body["msg"]) == (200, 0, "success")
    assert resp.headers["X-Tt-Logid"]
    ticket = body["data"]["ticket"]
    assert set(ticket) == V2_FIELDS  # no comments yet: the key is absent
    assert (ticket["ticket_id"], ticket["status"], ticket["solve"], ticket["updated_at"]) == (
        ticket_id, 1, 1, -1)
    assert ticket["helpdesk_id"] == sandbox.credentials["FEISHU_HELPDESK_ID"]
    assert all(set(tag) == {"id", "name"} for tag in ticket["tags"])
    assert all(set(field) == {"id", "value", "key_name", "display_name", "position", "required",
                              "editable"} for field in ticket["customized_fields"])


async def test_get_reflects_updates(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    await put(session, sandbox, ticket_id, {"status": 51, "solved": 2, "tag_names": ["bulk"],
                                            "comment": "first", "channel": 14,
                                            "customized_fields": [{"id": "42", "value": "v", "key_name": "k"}]})
    await put(session, sandbox, ticket_id, {"comment": "second"})
    ticket = (await get(session, sandbox, ticket_id))[1]["data"]["ticket"]
    assert (ticket["status"], ticket["solve"], ticket["channel"]) == (51, 2, 14)
    assert [tag["name"] for tag in ticket["tags"]] == ["bulk"]
    assert ticket["updated_at"] > 0 and ticket["closed_at"] > 0
    comment = ticket["comments"]  # one object: the latest comment
    assert isinstance(comment, dict) and comment["content"] == "second"
    assert set(comment) == {"content", "created_at", "id", "user_avatar_url", "user_name", "user_id"}
    field = next(f for f in ticket["customized_fields"] if f["id"] == "42")
    assert (field["value"], field["key_name"]) == ("v", "k")


async def test_user_token_is_refused(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    status, body, _ = await get(session, sandbox, ticket_id, sandbox.credentials["FEISHU_USER_ACCESS_TOKEN"])
    assert (status, body["code"]) == (400, 99991663)


async def test_unknown_ticket_and_wrong_helpdesk(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    status, body, _ = await get(session, sandbox, "1")
    assert (status, body["code"]) == (404, 154004)
    headers = {"Authorization": f"Bearer {sandbox.tenant_token()}"}
    async with session.get(sandbox.ticket_url(next(iter(sandbox.tickets))), headers=headers) as resp:
        assert (resp.status, (await resp.json())["code"]) == (401, 154001)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(ticket_ids=["11", "12"],
                                                          closed_by_user=frozenset({"12"}))], indirect=True)
async def test_a_ticket_closed_by_the_user_reads_52(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    assert (await get(session, sandbox, "11"))[1]["data"]["ticket"]["status"] == 1
    ticket = (await get(session, sandbox, "12"))[1]["data"]["ticket"]
    assert ticket["status"] == 52 and ticket["closed_by"]["id"] == ticket["guest"]["id"]


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(n_tickets=3, seed=1, clock_offset_s=-10.0)], indirect=True)
async def test_a_clock_offset_shifts_created_at_and_the_date_header(sandbox: Sandbox, session: aiohttp.ClientSession,
                                                                     ticket_id: str) -> None:
    import time
    from email.utils import parsedate_to_datetime

    before = time.time()
    status, _, put_answer = await put(session, sandbox, ticket_id, {"comment": "hello"})
    _, body, get_answer = await get(session, sandbox, ticket_id)
    after = time.time()
    created = body["data"]["ticket"]["comments"]["created_at"] / 1000
    assert status == 200 and before - 10.001 <= created <= after - 10  # created_at is in whole ms
    for answer in (put_answer, get_answer):
        date = parsedate_to_datetime(answer.headers["Date"]).timestamp()
        assert int(before - 10) <= date <= after - 10
