"""`/_sandbox/*`: stats, reset, faults and a ticket's history, outside /open-apis."""

from __future__ import annotations

import aiohttp

from batch_updater.sandbox import Sandbox
from tests.support.sandbox_http import put


async def test_stats_endpoint_equals_the_python_view(sandbox: Sandbox, session: aiohttp.ClientSession,
                                                     ticket_id: str) -> None:
    await put(session, sandbox, ticket_id, {"comment": "a"})
    await put(session, sandbox, ticket_id, {"comment": "a"})
    await put(session, sandbox, ticket_id, {"status": 99})
    async with session.get(f"{sandbox.base_url}/_sandbox/stats") as resp:
        stats = await resp.json()
    assert stats == sandbox.stats()
    assert stats["requests"] == 3  # /_sandbox calls are not counted
    assert stats["by_status"] == {"200": 2, "400": 1}
    assert stats["by_code"] == {"0": 2, "154000": 1}
    assert stats["accepted"] == 3 and stats["applied"] == 2
    assert stats["updates_per_ticket"] == {ticket_id: 2}
    assert stats["comments_per_ticket"] == {ticket_id: ["a", "a"]}
    assert stats["tickets_with_duplicate_comments"] == 1
    assert stats["max_accepted_1s"] == stats["max_accepted_60s"] == 3
    assert stats["in_flight"] == 0 and stats["max_in_flight"] == 1


async def test_reset_restores_the_start(sandbox: Sandbox, session: aiohttp.ClientSession,
                                        ticket_id: str) -> None:
    credentials = sandbox.credentials
    sandbox.set_faults(latency_ms=1)
    await put(session, sandbox, ticket_id, {"status": 51, "comment": "x"})
    async with session.post(f"{sandbox.base_url}/_sandbox/reset") as resp:
        assert resp.status == 200
    assert sandbox.stats()["requests"] == 0
    assert sandbox.tickets[ticket_id].status == 1 and sandbox.tickets[ticket_id].comments == []
    assert sandbox.credentials == credentials
    assert sandbox.faults.latency_ms == 1  # faults are kept
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 200
    sandbox.reset()
    assert sandbox.stats()["requests"] == 0


async def test_faults_endpoint(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    url = f"{sandbox.base_url}/_sandbox/faults"
    async with session.post(url, json={"error_rate": 1.0, "throttle_next": 1}) as resp:
        assert (await resp.json())["error_rate"] == 1.0
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 429
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 500
    async with session.post(url, json={"error_rate": 2}) as resp:
        assert resp.status == 400
    async with session.post(url, json={"no_such_fault": 1}) as resp:
        assert resp.status == 400
    async with session.get(url) as resp:
        assert (await resp.json())["error_rate"] == 1.0


async def test_ticket_history_endpoint(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    await put(session, sandbox, ticket_id, {"comment": "one", "status": 2})
    async with session.get(f"{sandbox.base_url}/_sandbox/tickets/{ticket_id}") as resp:
        ticket = await resp.json()
    assert [u["body"] for u in ticket["history"]] == [{"comment": "one", "status": 2}]
    assert [c["content"] for c in ticket["all_comments"]] == ["one"]
    async with session.get(f"{sandbox.base_url}/_sandbox/tickets/nope") as resp:
        assert resp.status == 404
