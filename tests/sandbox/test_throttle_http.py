"""429s on the wire: body, headers, honest reset, independent GET window, and a
burst of concurrent clients that never gets more through than the windows allow."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import aiohttp

from batch_updater.feishu.codes import CODES
from batch_updater.sandbox import Faults, ManualClock, Sandbox
from tests.support.sandbox_http import get, put

THROTTLE_BODY = {"code": 99991400, "msg": "request trigger frequency limit"}


async def test_429_body_headers_and_reset(make_sandbox: Any, session: aiohttp.ClientSession,
                                          sandbox_clock: ManualClock) -> None:
    sb = await make_sandbox(rates=[(2, 1.0), (4, 60.0)])
    tid = next(iter(sb.tickets))
    start = sandbox_clock.now
    assert [(await put(session, sb, tid, {"status": 2}))[0] for _ in range(2)] == [200, 200]
    sandbox_clock.advance(0.3)
    status, body, resp = await put(session, sb, tid, {"comment": "throttled"})
    assert (status, body) == (429, THROTTLE_BODY)
    assert status == CODES[99991400].http_status
    assert resp.headers["x-ogw-ratelimit-limit"] == "2"
    assert resp.headers["x-ogw-ratelimit-reset"] == "1"  # 0.7 s, rounded up
    assert sb.tickets[tid].comments == []

    sandbox_clock.now = start + 1.0
    assert (await put(session, sb, tid, {"status": 2}))[0] == 200
    assert (await put(session, sb, tid, {"status": 2}))[0] == 200  # 4th of the minute
    sandbox_clock.now = start + 2.5
    status, _, resp = await put(session, sb, tid, {"status": 2})
    assert status == 429
    assert resp.headers["x-ogw-ratelimit-limit"] == "4"
    assert resp.headers["x-ogw-ratelimit-reset"] == "58"  # the first left at start + 60: 57.5 s
    sandbox_clock.now = start + 2.5 + 57
    assert (await put(session, sb, tid, {"status": 2}))[0] == 429
    sandbox_clock.now = start + 2.5 + 58  # waiting exactly the reset is enough
    assert (await put(session, sb, tid, {"status": 2}))[0] == 200
    stats = sb.stats()
    assert stats["accepted"] == 5
    assert stats["by_status"] == {"200": 5, "429": 3}
    assert stats["by_code"] == {"0": 5, "99991400": 3}


async def test_throttle_comes_before_auth_and_counts_refused_requests(
        make_sandbox: Any, session: aiohttp.ClientSession) -> None:
    sb = await make_sandbox(rates=[(1, 1.0)])
    tid = next(iter(sb.tickets))
    status, body, _ = await put(session, sb, tid, {"status": 2}, headers={})
    assert body["code"] == 99991661  # a bad request still took the window's only slot
    status, body, _ = await put(session, sb, tid, {"status": 2})
    assert (status, body) == (429, THROTTLE_BODY)


async def test_get_has_its_own_window(make_sandbox: Any, session: aiohttp.ClientSession) -> None:
    sb = await make_sandbox(rates=[(1, 1.0)], get_rates=[(2, 1.0)])
    tid = next(iter(sb.tickets))
    assert (await put(session, sb, tid, {"status": 2}))[0] == 200
    assert (await put(session, sb, tid, {"status": 2}))[0] == 429
    assert [(await get(session, sb, tid))[0] for _ in range(3)] == [200, 200, 429]
    _, body, resp = await get(session, sb, tid)
    assert body == THROTTLE_BODY and resp.headers["x-ogw-ratelimit-limit"] == "2"
    assert sb.stats()["get"]["accepted"] == 2


async def test_default_is_10_per_second(sandbox: Sandbox, session: aiohttp.ClientSession,
                                        ticket_id: str) -> None:
    statuses = [(await put(session, sandbox, ticket_id, {"status": 2}))[0] for _ in range(11)]
    assert statuses == [200] * 10 + [429]


async def test_burst_of_429s(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    sandbox.throttle_next(3)
    statuses = [(await put(session, sandbox, ticket_id, {"status": 2}))[0] for _ in range(4)]
    assert statuses == [429, 429, 429, 200]
    assert sandbox.stats()["accepted"] == 1


async def test_200_concurrent_clients_real_clock(make_sandbox: Any) -> None:
    sb = await make_sandbox(rates=[(20, 1.0)], clock=time.monotonic, n_tickets=200,
                            faults=Faults(latency_ms=20))
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        results = await asyncio.gather(*(put(session, sb, tid, {"status": 2}) for tid in sb.tickets))
    statuses = [status for status, _, _ in results]
    stats = sb.stats()
    assert stats["max_accepted_1s"] == 20  # full, never over (the burst may last > 1 s here)
    assert statuses.count(200) == stats["accepted"] >= 20
    assert statuses.count(200) + statuses.count(429) == 200
    assert stats["max_in_flight"] > 20


class TickingClock:
    """Time moves a little on every reading, so a burst of clients spreads over many
    seconds of sandbox time without anyone sleeping."""

    def __init__(self, step: float) -> None:
        self._ticks = itertools.count()
        self.step = step

    def __call__(self) -> float:
        return next(self._ticks) * self.step


async def test_concurrent_clients_retrying_never_exceed_any_window(make_sandbox: Any) -> None:
    sb = await make_sandbox(rates=[(20, 1.0), (45, 60.0)], clock=TickingClock(0.004), n_tickets=200)
    connector = aiohttp.TCPConnector(limit=0)

    async def client(session: aiohttp.ClientSession, tid: str) -> None:
        while sb.stats()["accepted"] < 45:
            status, _, _ = await put(session, sb, tid, {"status": 2})
            if status == 200:
                return

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session, tid) for tid in sb.tickets))
    stats = sb.stats()
    assert stats["accepted"] == 45
    assert stats["max_accepted_1s"] == 20  # reached, never exceeded
    assert stats["max_accepted_60s"] == 45
    assert stats["by_status"]["429"] > 100
