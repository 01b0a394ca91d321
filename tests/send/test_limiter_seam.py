"""The Sender sees its limiter only through send/limiter.py's `Limiter` protocol: a limiter written
here, with no Pacer and no PaceController behind it, paces a whole pass (the seam a limiter
shared between processes will use)."""

from __future__ import annotations

import logging
import random

import aiohttp
import pytest
from aioresponses import aioresponses

from batch_updater.control import RunProgress
from batch_updater.feishu.client import HelpdeskClient
from batch_updater.feishu.credentials import Credentials
from batch_updater.model import Result, TicketUpdate
from batch_updater.send.limiter import LimiterState
from batch_updater.send.pool import Sender, SendOptions
from tests.support.fakehttp import stub

BASE = "http://127.0.0.1:9"
OK = {"status": 200, "payload": {"code": 0, "msg": "success", "data": {}}}
THROTTLED = {"status": 429, "payload": {"code": 99991400, "msg": "request trigger frequency limit"},
             "headers": {"x-ogw-ratelimit-reset": "3"}}


class LedgerLimiter:
    """No pacing at all, a clock that moves one second per request, and a record of every call."""

    def __init__(self) -> None:
        self.clock = 100.0
        self.in_flight = self.most_in_flight = self.departed = 0
        self.answers: list[tuple[float, bool, float | None]] = []

    def now(self) -> float:
        return self.clock

    async def acquire(self) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def release(self) -> None:
        self.in_flight -= 1

    async def depart(self) -> float:
        self.departed += 1
        self.clock += 1.0
        return self.clock

    def answered(self, sent_at: float, *, throttled: bool = False, reset_after: float | None = None) -> float:
        self.answers.append((sent_at, throttled, reset_after))
        return 2.5 if throttled else 0.0  # a pause of every request, as a shared limiter might say

    def snapshot(self) -> LimiterState:
        throttles = sum(1 for _, throttled, _ in self.answers if throttled)
        return LimiterState(rate=42.0, paused=False, throttles=throttles, pauses=throttles, found=False)


def url(ticket: str) -> str:
    return f"{BASE}/open-apis/helpdesk/v1/tickets/{ticket}"


async def test_a_limiter_of_its_own_paces_the_sender(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="batch_updater")
    limiter = LedgerLimiter()
    progress: list[RunProgress] = []
    rows = [(0, TicketUpdate(2, "1", {"status": 50})), (1, TicketUpdate(3, "2", {"status": 51})),
            (2, TicketUpdate(4, "1", {"comment": "hi"}))]

    async def no_sleep(seconds: float) -> None:
        return None

    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, BASE, Credentials("u-token", "1", "t"), timeout=5)
        sender = Sender(client, limiter, SendOptions(concurrency=2, progress_every=0.0), sleep=no_sleep,
                        rng=random.Random(0), on_progress=progress.append)
        with aioresponses() as m:
            for ticket, answers in {"1": [THROTTLED, OK, OK], "2": [OK]}.items():
                for answer in answers:
                    stub(m, "PUT", url(ticket), **answer)
            outcomes = await sender.send_all(rows)

    assert [outcomes[i].result for i in range(3)] == [Result.OK] * 3
    assert outcomes[0].attempts == 2  # throttled, then sent again
    assert limiter.departed == 4 and limiter.in_flight == 0 and limiter.most_in_flight <= 2
    # Each answer reached the limiter, the throttle with the API's reset, timed by the limiter's clock.
    assert sorted(throttled for _, throttled, _ in limiter.answers) == [False, False, False, True]
    assert [reset for _, throttled, reset in limiter.answers if throttled] == [3.0]
    assert {sent_at for sent_at, _, _ in limiter.answers} == {101.0, 102.0, 103.0, 104.0}
    assert len(sender.stats.throttle_times) == 1 and len(sender.stats.accepted_times) == 3
    assert sender.stats.started == 100.0 and sender.stats.finished == 104.0
    # What the run shows and logs of the pace is the limiter's word.
    assert (progress[-1].done, progress[-1].rate, progress[-1].throttles, progress[-1].pauses) == (3, 42.0, 1, 1)
    pauses = [r for r in caplog.records if getattr(r, "event", "") == "throttle_pause"]
    assert [(r.pause_s, r.rate) for r in pauses] == [(2.5, 42.0)]
