"""Injected faults, as a real aiohttp client sees them."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from batch_updater.sandbox import Faults, Sandbox
from batch_updater.sandbox.faults import FaultDice
from tests.support.sandbox_http import put


async def put_once(sb: Sandbox, ticket_id: str, body: dict[str, Any], timeout: float = 5.0,
                   resend: bool = False) -> int:
    """One PUT on a fresh connection. aiohttp 3.14 re-sends a PUT once on its own
    when the server disconnects (ClientSession._retry_connection, no public switch;
    its own TestClient turns it off the same way): `resend=False` turns it off."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        session._retry_connection = resend
        async with session.put(sb.ticket_url(ticket_id), json=body, headers=sb.user_headers()) as resp:
            return resp.status


@pytest.mark.parametrize(("fault", "applied"), [("drop_before_apply_rate", False),
                                                ("drop_after_apply_rate", True)])
async def test_dropped_connection(sandbox: Sandbox, ticket_id: str, fault: str, applied: bool) -> None:
    sandbox.set_faults(**{fault: 1.0})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await put_once(sandbox, ticket_id, {"comment": "maybe"})
    assert len(sandbox.tickets[ticket_id].comments) == int(applied)
    stats = sandbox.stats()
    assert stats["by_status"] == {"dropped": 1}
    assert stats["dropped_before_apply" if not applied else "dropped_after_apply"] == 1


async def test_aiohttp_resends_a_dropped_put_by_itself(sandbox: Sandbox, ticket_id: str) -> None:
    """docs/measured.md's trap, made visible: one PUT sent by the caller, the comment posted twice,
    and the caller still sees ServerDisconnectedError (even on a fresh connection)."""
    sandbox.set_faults(drop_after_apply_rate=1.0)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await put_once(sandbox, ticket_id, {"comment": "once"}, resend=True)
    stats = sandbox.stats()
    assert stats["comments_per_ticket"][ticket_id] == ["once", "once"]
    assert stats["duplicate_comments"] == {ticket_id: ["once"]}
    assert stats["tickets_with_duplicate_comments"] == 1


async def test_bad_gateway_is_html_and_not_applied(sandbox: Sandbox, session: aiohttp.ClientSession,
                                                   ticket_id: str) -> None:
    sandbox.set_faults(bad_gateway_rate=1.0)
    async with session.put(sandbox.ticket_url(ticket_id), json={"comment": "x"},
                           headers=sandbox.user_headers()) as resp:
        assert resp.status == 502 and resp.content_type == "text/html"
        assert resp.headers["X-Tt-Logid"]
        assert "502 Bad Gateway" in await resp.text()
    assert sandbox.tickets[ticket_id].comments == []


async def test_slow_answer_after_applying(sandbox: Sandbox, ticket_id: str) -> None:
    sandbox.set_faults(slow_rate=1.0, slow_s=30.0)  # the sandbox's close cuts the wait short
    with pytest.raises(asyncio.TimeoutError):
        await put_once(sandbox, ticket_id, {"comment": "late"}, timeout=0.2)
    assert [c.content for c in sandbox.tickets[ticket_id].comments] == ["late"]
    assert sandbox.stats()["slow_answers"] == 1


async def test_latency_is_added(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    sandbox.set_faults(latency_ms=60)
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 200
    assert loop.time() - start >= 0.055


def test_faults_are_seeded() -> None:
    faults = Faults(latency_ms=5, latency_max_ms=50, error_rate=0.3)

    def draws(seed: int) -> list[tuple[float, bool]]:
        dice = FaultDice(seed)
        return [(dice.latency_s(faults), dice.hit(faults.error_rate)) for _ in range(50)]

    assert draws(3) == draws(3) != draws(4)
    assert all(0.005 <= latency <= 0.05 for latency, _ in draws(3))
    assert 5 < sum(hit for _, hit in draws(3)) < 30


async def test_error_rate_share_is_reproducible(make_sandbox: Any, session: aiohttp.ClientSession) -> None:
    async def run(seed: int) -> list[int]:
        sb = await make_sandbox(seed=seed, rates=[(1000, 1.0)], faults=Faults(error_rate=0.5))
        tid = next(iter(sb.tickets))
        return [(await put(session, sb, tid, {"status": 2}))[0] for _ in range(40)]

    first, again = await run(5), await run(5)
    assert first == again and set(first) == {200, 500}


@pytest.mark.parametrize("bad", [{"error_rate": 1.5}, {"latency_ms": -1}, {"latency_ms": 9, "latency_max_ms": 5}])
def test_bad_faults_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Faults(**bad)
