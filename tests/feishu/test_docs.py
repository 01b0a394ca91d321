"""feishu/docs.py: which answers say nothing was done (made again), how long to wait, and one
API held to its documented rate."""

from __future__ import annotations

import random

import pytest

from batch_updater.feishu.client import Answer, Transport
from batch_updater.feishu.docs import BACKOFF_S, MAX_BACKOFF_S, RATES, DocsApi, again, backoff


@pytest.mark.parametrize("answer, made_again", [
    (Answer(200, 1254290, "TooManyRequest"), True),  # a Base's throttle comes with HTTP 200
    (Answer(200, 1254291, "Write conflict"), True),
    (Answer(200, 1254607, "Data not ready"), True),
    (Answer(200, 90217, "TooManyRequest"), True),
    (Answer(200, 90235, "retry later"), True),
    (Answer(200, 90242, "still loading"), True),
    (Answer(429, 99991400, "request trigger frequency limit"), True),
    (Answer(504, 1255040, "timeout"), True),
    (Answer(msg="no answer within 30 s", transport=Transport.TIMEOUT), True),
    (Answer(200, 0, "success"), False),
    (Answer(200, 1254302, "permission denied"), False),
    (Answer(200, 1254045, "FieldNameNotFound"), False),
    (Answer(200, 90213, "no permission"), False),
    (Answer(400, 99991672, "Access denied"), False),
    (Answer(413, None, "Maximum request body size exceeded", transport=Transport.BAD_ANSWER), False),  # never
])
def test_what_is_made_again(answer, made_again):
    assert again(answer) is made_again


def test_backoff_waits():
    rng = random.Random(1)
    assert backoff(Answer(429, 99991400, reset_after=3.0), 1, rng) == pytest.approx(3.0, abs=0.25)
    assert BACKOFF_S <= backoff(Answer(200, 1254291), 5, rng) <= 2 * BACKOFF_S  # a conflict: 0.5-1 s
    waits = [backoff(Answer(200, 1254290), n, rng) for n in range(1, 9)]
    assert waits[0] < waits[1] < waits[2] and max(waits) <= MAX_BACKOFF_S * 1.25


async def test_an_api_is_held_to_its_rate():
    slept: list[float] = []
    now = [0.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    api = DocsApi(None, "http://127.0.0.1:1", lambda: None, sleep=sleep, clock=lambda: now[0])  # type: ignore[arg-type]
    for _ in range(5):
        await api._turn("search")
    assert now[0] == pytest.approx(4 / RATES["search"])  # 20/s: the fifth call 0.2 s after the first
    await api._turn("values_get")  # another API: its own turn
    assert now[0] == pytest.approx(4 / RATES["search"])
