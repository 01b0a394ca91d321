import json
import random

import aiohttp
import pytest
from aioresponses import aioresponses

from batch_updater.feishu.client import HelpdeskClient
from batch_updater.feishu.credentials import Credentials
from batch_updater.model import Result, TicketUpdate
from batch_updater.send.limiter import Pacer
from batch_updater.send.pacing import PaceController
from batch_updater.send.pool import Sender, SendOptions, group_by_ticket
from batch_updater.send.stops import FORBIDDEN_PROBE
from tests.support.fakehttp import stub

BASE = "http://127.0.0.1:9"
OK = {"status": 200, "payload": {"code": 0, "msg": "success", "data": {}}}


def url(ticket):
    return f"{BASE}/open-apis/helpdesk/v1/tickets/{ticket}"


def specs(*rows):
    """(ticket, body) pairs -> (index, TicketUpdate) in file order."""
    return [(i, TicketUpdate(i + 2, ticket, body)) for i, (ticket, body) in enumerate(rows)]


async def send_all(rows, answers, concurrency=4, retry_comments=False):
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)

    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, BASE, Credentials("u-token", "1", "t"), timeout=5)
        sender = Sender(client, Pacer(PaceController(1000.0, fixed=True)),
                        SendOptions(concurrency=concurrency, retry_comments=retry_comments),
                        sleep=sleep, rng=random.Random(0))
        with aioresponses() as m:
            for ticket, stubs in answers.items():
                for answer in stubs:
                    stub(m, "PUT", url(ticket), **answer)
            outcomes = await sender.send_all(rows)
            requests = {str(u): [json.loads(c.kwargs["data"]) for c in calls] for (_, u), calls in m.requests.items()}
    return [outcomes[i] for i, _ in rows], sender, requests, sleeps


def test_group_by_ticket_keeps_file_order():
    rows = specs(("1", {"status": 1}), ("2", {"status": 2}), ("1", {"status": 3}))
    assert [[i for i, _ in g] for g in group_by_ticket(rows)] == [[0, 2], [1]]


async def test_rows_of_one_ticket_go_in_file_order():
    rows = specs(*[("7", {"status": s}) for s in (1, 2, 3, 4, 5)], ("8", {"status": 51}))
    outcomes, _, requests, _ = await send_all(rows, {"7": [OK] * 5, "8": [OK]}, concurrency=6)
    assert [o.result for o in outcomes] == [Result.OK] * 6
    assert [b["status"] for b in requests[url("7")]] == [1, 2, 3, 4, 5]


async def test_a_throttled_row_is_sent_again_and_succeeds():
    throttled = {"status": 429, "payload": {"code": 99991400, "msg": "request trigger frequency limit"},
                 "headers": {"x-ogw-ratelimit-reset": "0"}}
    outcomes, sender, _, sleeps = await send_all(specs(("1", {"comment": "hi"})), {"1": [throttled, OK]})
    assert (outcomes[0].result, outcomes[0].attempts, outcomes[0].code) == (Result.OK, 2, 0)
    assert sender.pacer.controller.throttles == 1 and sleeps == [0.0]


@pytest.mark.usefixtures("cli_words")
async def test_a_5xx_is_retried_without_a_comment_and_unknown_with_one():
    err = {"status": 500, "payload": {"code": 155000, "msg": "Internal error"}}
    rows = specs(("1", {"status": 2}), ("2", {"status": 2, "comment": "once only"}))
    outcomes, _, requests, _ = await send_all(rows, {"1": [err, err, OK], "2": [err, OK]})
    assert (outcomes[0].result, outcomes[0].attempts) == (Result.OK, 3)
    assert (outcomes[1].result, outcomes[1].attempts, outcomes[1].code) == (Result.UNKNOWN, 1, 155000)
    assert "--retry-comments" in outcomes[1].msg and len(requests[url("2")]) == 1


async def test_retry_comments_retries_the_comment_row_and_says_it_may_be_there_twice():
    err = {"status": 500, "payload": {"code": 155000, "msg": "Internal error"}}
    outcomes, *_ = await send_all(specs(("2", {"comment": "x"}), ("3", {"status": 2})), {"2": [err, OK], "3": [err, OK]},
                                  retry_comments=True)
    assert (outcomes[0].result, outcomes[0].attempts) == (Result.OK, 2)
    assert outcomes[0].msg.startswith("success; sent again after an answer that left it unknown") and (
        "may now be on the ticket twice" in outcomes[0].msg)  # was: "success" (issue 18 item 24)
    assert (outcomes[1].result, outcomes[1].attempts, outcomes[1].msg) == (Result.OK, 2, "success")  # no comment


async def test_final_failures_keep_the_apis_code_and_msg():
    missing = {"status": 404, "payload": {"code": 154004, "msg": "Resource not found"}, "headers": {"X-Tt-Logid": "L9"}}
    outcomes, *_ = await send_all(specs(("1", {"status": 2})), {"1": [missing]})
    o = outcomes[0]
    assert (o.result, o.http_status, o.code, o.msg, o.log_id, o.attempts) == (
        Result.FAILED, 404, 154004, "Resource not found", "L9", 1)
    assert o.finished_at


async def test_gives_up_after_max_attempts_with_the_last_answer():
    bad = {"status": 502, "body": "<html>Bad Gateway</html>", "content_type": "text/html"}
    outcomes, _, requests, _ = await send_all(specs(("1", {"status": 2})), {"1": [bad] * 5})
    assert outcomes[0].result is Result.FAILED and outcomes[0].attempts == 5
    assert outcomes[0].msg.startswith("gave up after 5 attempts; last answer: HTTP 502 with a non-API answer")


async def test_refused_credentials_stop_the_run_at_once():
    refused = {"status": 400, "payload": {"code": 99991668, "msg": "Invalid access token for authorization."}}
    rows = specs(*[(str(t), {"status": 2}) for t in range(100)])
    answers = {str(t): [refused] for t in range(100)}
    outcomes, sender, requests, _ = await send_all(rows, answers, concurrency=1)
    assert sender.stop_reason and "99991668" in sender.stop_reason
    assert sum(len(v) for v in requests.values()) == 1
    assert outcomes[0].result is Result.FAILED
    assert {o.result for o in outcomes[1:]} == {Result.NOT_ATTEMPTED}


async def test_all_first_answers_forbidden_stops_the_run():
    forbidden = {"status": 403, "payload": {"code": 154003, "msg": "Please check you have the correct access"}}
    rows = specs(*[(str(t), {"status": 2}) for t in range(60)])
    outcomes, sender, requests, _ = await send_all(rows, {str(t): [forbidden] for t in range(60)}, concurrency=1)
    assert "not an agent" in sender.stop_reason
    assert sum(len(v) for v in requests.values()) == FORBIDDEN_PROBE
    assert [o.result for o in outcomes].count(Result.NOT_ATTEMPTED) == 60 - FORBIDDEN_PROBE


async def test_some_forbidden_tickets_do_not_stop_the_run():
    forbidden = {"status": 403, "payload": {"code": 154003, "msg": "no"}}
    rows = specs(*[(str(t), {"status": 2}) for t in range(30)])
    answers = {str(t): [OK if t == 5 else forbidden] for t in range(30)}
    outcomes, sender, *_ = await send_all(rows, answers, concurrency=1)
    assert sender.stop_reason is None
    assert [o.result for o in outcomes].count(Result.FAILED) == 29


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_every_row_gets_exactly_one_outcome(concurrency):
    rows = specs(*[(str(t % 4), {"status": 2}) for t in range(12)])
    outcomes, *_ = await send_all(rows, {str(t): [OK] * 3 for t in range(4)}, concurrency=concurrency)
    assert len(outcomes) == 12 and all(o.result is Result.OK for o in outcomes)


async def test_a_bug_in_a_worker_is_raised_not_hidden_as_rows_not_attempted(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("batch_updater.send.pool.classify", boom)
    with pytest.raises(RuntimeError, match="bug"):
        await send_all(specs(("1", {"status": 2})), {"1": [OK]})
