"""End to end: the real Sender, Pacer and HelpdeskClient over aiohttp against the sandbox on
127.0.0.1. Pacing tests that need minutes of throttle windows run on a virtual clock
(tests/virtual_time.py: the loop skips idle waits; client and sandbox read the same clock)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from batch_updater.feishu.credentials import Credentials
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.send.pacing import FIXED_HEADROOM
from tests.support.send_harness import SendRun, applied_bodies, assert_each_row_accounted, send_rows, updates
from tests.support.virtual_time import run_virtual

UNLIMITED = [(1_000_000, 1.0)]


def throttled_requests(sb: Sandbox) -> int:
    return sb.stats()["by_status"].get("429", 0)


# -- rate held -------------------------------------------------------------------------


async def test_a_fixed_rate_equal_to_the_limit_is_held_without_throttles():
    """Real time: 60 rows at 20/s against a sandbox allowing 20 in any sliding second (~3 s)."""
    async with Sandbox(SandboxConfig(rates=[(20, 1.0)], n_tickets=20, clock=time.monotonic)) as sb:
        specs = updates(sb, 60)
        run = await send_rows(sb, specs, rate="20/s")
        assert run.results() == {"ok": 60}
        assert_each_row_accounted(run, specs, sb)
        assert throttled_requests(sb) <= 1
        achieved = sb.stats()["accepted"] / run.wall
        # never over; slots are scheduled by due time, so late wake-ups do not add up:
        # bench/ measures the ratio, this only bounds it on a busy machine
        assert 0.8 * 20 <= achieved <= 20.5
        assert 20 * 0.9 <= run.controller.rate <= 20 * FIXED_HEADROOM  # a fixed rate never rises
        assert [p.done for p in run.progress] == list(range(1, 61)) and run.progress[-1].counts == {"ok": 60}


def test_a_fixed_per_minute_rate_is_held_without_throttles():
    """60/min against a 60-per-sliding-minute sandbox: 90 rows, ~90 s of virtual time."""
    async def main():
        async with Sandbox(SandboxConfig(rates=[(60, 60.0)], n_tickets=20,
                                         clock=asyncio.get_running_loop().time)) as sb:
            run = await send_rows(sb, updates(sb, 90), rate="60/min")
            assert run.results() == {"ok": 90}
            assert throttled_requests(sb) <= 1
            assert sb.stats()["max_accepted_1s"] <= 2  # paced one a second, no burst
            assert 0.95 <= 90 / run.wall <= 1.03

    run_virtual(main())


def test_told_three_times_the_limit_every_row_still_ends_ok():
    async def main():
        async with Sandbox(SandboxConfig(rates=[(20, 1.0)], n_tickets=20,
                                         clock=asyncio.get_running_loop().time)) as sb:
            specs = updates(sb, 200, comment=True)
            run = await send_rows(sb, specs, rate="60/s")
            assert run.results() == {"ok": 200}
            assert_each_row_accounted(run, specs, sb)
            stats = sb.stats()
            assert stats["applied"] == 200 and stats["duplicate_comments"] == {}
            # every throttle answer paused everyone until the reset: few of them
            assert 0 < throttled_requests(sb) < 0.2 * 200
            assert all(o.attempts >= 1 for o in run.outcomes.values())

    run_virtual(main())


def _achieved_after(run: SendRun, settle: float) -> float:
    """Accepted answers per second from `settle` s after the first throttle to the end."""
    stats = run.sender.stats
    start = stats.throttle_times[0] + settle
    after = [t for t in stats.accepted_times if t > start]
    return len(after) / (stats.finished - start)


AUTO_CASES = {
    # name: (sandbox windows, rows, the limit per second, per-minute window, start rate or None)
    "1/s, under the safe start": ([(1, 1.0)], 40, 1.0, False, None),
    "40/s, far over the start": ([(40, 1.0)], 600, 40.0, False, None),
    "30/min, under the safe start": ([(30, 60.0)], 60, 0.5, True, None),
    "600/min, over the start": ([(600, 60.0)], 900, 10.0, True, None),
    "10/s from a learned 40/s": ([(10, 1.0)], 200, 10.0, False, 40.0),
    "50/s and 600/min: the minute binds": ([(50, 1.0), (600, 60.0)], 900, 10.0, True, None),
}


@pytest.mark.parametrize("case", AUTO_CASES.values(), ids=AUTO_CASES.keys())
def test_auto_finds_the_limit_and_settles_just_under_it(case):
    rates, rows, limit, per_minute, start = case

    async def main():
        async with Sandbox(SandboxConfig(rates=rates, n_tickets=30,
                                         clock=asyncio.get_running_loop().time)) as sb:
            specs = updates(sb, rows)
            run = await send_rows(sb, specs, rate="auto", start=start)
            assert run.results() == {"ok": rows}
            assert_each_row_accounted(run, specs, sb)
            controller = run.controller
            assert controller.estimate == pytest.approx(limit, rel=0.1)
            assert controller.long_window is per_minute
            assert 0.85 * limit <= controller.rate <= 1.03 * limit  # at most a probe step over
            assert 1 <= controller.throttles <= 6
            assert throttled_requests(sb) == controller.throttles
            assert _achieved_after(run, 60.0 if per_minute else 2.0) >= 0.85 * limit

    run_virtual(main())


def test_auto_does_not_run_away_when_the_workers_hold_the_run_back():
    """2 workers and 200 ms answers make at most 10/s against a 100/s limit: the rate stays near."""
    async def main():
        async with Sandbox(SandboxConfig(rates=[(100, 1.0)], n_tickets=30, faults=_faults(latency_ms=200),
                                         clock=asyncio.get_running_loop().time)) as sb:
            run = await send_rows(sb, updates(sb, 300), rate="auto", concurrency=2)
            assert run.results() == {"ok": 300}
            assert throttled_requests(sb) == 0 and sb.stats()["max_in_flight"] == 2
            assert run.controller.rate <= 3 * 10

    run_virtual(main())


FAR = {
    # name: (limit per second, rows, --concurrency, most seconds for the rows; before the fix)
    "50/s, 64 in flight at most": (50, 1500, 64, 45.0),  # 1.5/s: 1000 s
    "8/s, eight workers": (8, 240, 8, 45.0),  # 1.5/s: 160 s
}


@pytest.mark.parametrize("case", FAR.values(), ids=FAR.keys())
def test_auto_drives_a_far_api_to_its_limit(case):
    """Every answer 0.7 s late (the sandbox's latency, virtual time): the climb does not wait for a
    second's requests to be answered, and the run keeps as many in flight as the latency needs
    (within --concurrency), so it reaches the limit within seconds."""
    limit, rows, concurrency, most = case

    async def main():
        async with Sandbox(SandboxConfig(rates=[(limit, 1.0)], n_tickets=60, faults=_faults(latency_ms=700),
                                         clock=asyncio.get_running_loop().time)) as sb:
            specs = updates(sb, rows)
            run = await send_rows(sb, specs, rate="auto", concurrency=concurrency)
            assert run.results() == {"ok": rows}
            assert_each_row_accounted(run, specs, sb)
            assert run.wall <= most
            assert run.controller.found and run.controller.estimate == pytest.approx(limit, rel=0.1)
            assert _achieved_after(run, 2.0) >= 0.85 * limit
            assert run.controller.pauses <= 4
            assert sb.stats()["max_in_flight"] <= concurrency

    run_virtual(main())


# -- retries under faults ----------------------------------------------------------------

FAULTS = {
    "500 / 155000": {"error_rate": 0.3},
    "HTML 502": {"bad_gateway_rate": 0.3},
    "dropped before applying": {"drop_before_apply_rate": 0.3},
    "dropped after applying": {"drop_after_apply_rate": 0.3},
}


@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
async def test_rows_without_a_comment_are_retried_through_faults(make_sandbox, faults):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20, **{"faults": _faults(**faults)})
    specs = updates(sb, 100)
    run = await send_rows(sb, specs, max_attempts=10)
    assert run.results() == {"ok": 100}
    assert_each_row_accounted(run, specs, sb)
    assert sum(o.attempts for o in run.outcomes.values()) == sb.stats()["requests"] > 100
    assert all(o.log_id for o in run.outcomes.values())
    retried = [o for o in run.outcomes.values() if o.attempts > 1]
    assert retried and len(run.backoffs) == sum(o.attempts - 1 for o in retried)
    assert all(0 < wait <= 30 for wait in run.backoffs)


async def test_a_row_that_keeps_failing_gives_up_after_max_attempts(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, faults=_faults(error_rate=1.0))
    specs = updates(sb, 3)
    run = await send_rows(sb, specs, max_attempts=4)
    assert run.results() == {"failed": 3}
    for outcome in run.outcomes.values():
        assert (outcome.attempts, outcome.http_status, outcome.code) == (4, 500, 155000)
        assert outcome.msg.startswith("gave up after 4 attempts; last answer: HTTP 500 155000")
    assert sb.stats()["requests"] == 12 and sb.stats()["applied"] == 0
    assert len(run.backoffs) == 9 and all(wait > 0 for wait in run.backoffs)


async def test_slow_answers_beyond_the_timeout_are_retried_and_applied_once_per_ok(make_sandbox):
    """Real time: answers 2 s late against a 0.3 s client timeout (about a second in all)."""
    sb = await make_sandbox(rates=UNLIMITED, faults=_faults(slow_rate=0.25, slow_s=2.0))
    specs = updates(sb, 40)
    run = await send_rows(sb, specs, timeout=0.3, concurrency=8, max_attempts=10)
    assert run.results() == {"ok": 40}
    assert_each_row_accounted(run, specs, sb)
    timed_out = sb.stats()["slow_answers"]
    assert timed_out > 0 and sb.stats()["requests"] == 40 + timed_out


def _faults(**changes):
    from batch_updater.sandbox import Faults

    return Faults(**changes)


# -- comments: never twice ---------------------------------------------------------------

AMBIGUOUS = {
    "dropped after applying": ({"drop_after_apply_rate": 0.3}, True),
    "dropped before applying": ({"drop_before_apply_rate": 0.3}, False),
    "500 / 155000": ({"error_rate": 0.3}, False),
    "HTML 502": ({"bad_gateway_rate": 0.3}, False),
}


@pytest.mark.usefixtures("cli_words")
@pytest.mark.parametrize("faults, applied", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
async def test_a_comment_row_after_an_ambiguous_failure_is_unknown_and_never_sent_twice(
        make_sandbox, faults, applied):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20, faults=_faults(**faults))
    specs = updates(sb, 100, comment=True)
    run = await send_rows(sb, specs)
    stats = sb.stats()
    assert stats["duplicate_comments"] == {} and stats["tickets_with_duplicate_comments"] == 0
    assert stats["requests"] == 100  # no comment row was sent a second time, by us or by aiohttp
    results = run.results()
    assert set(results) == {"ok", "unknown"} and results["unknown"] >= 10
    assert_each_row_accounted(run, specs, sb)
    for index, spec in specs:
        outcome = run.outcomes[index]
        comments = stats["comments_per_ticket"].get(spec.ticket_id, [])
        if outcome.result == "ok":
            assert comments.count(spec.body["comment"]) == 1
        else:
            assert outcome.attempts == 1
            assert "not retried" in outcome.msg and "--retry-comments" in outcome.msg
            assert comments.count(spec.body["comment"]) == (1 if applied else 0)


async def test_dropped_connections_on_a_reused_keep_alive_connection_post_no_comment_twice(make_sandbox):
    """aiohttp re-sends a PUT by itself when a kept-alive connection drops: the client turns that off."""
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=5)
    specs = updates(sb, 40, comment=True)
    # warm the connection pool first, then drop every answer after applying
    warm = await send_rows(sb, updates(sb, 8), concurrency=1)
    assert warm.results() == {"ok": 8}
    sb.set_faults(drop_after_apply_rate=1.0)
    run = await send_rows(sb, specs, concurrency=1)
    assert run.results() == {"unknown": 40}
    assert sb.stats()["duplicate_comments"] == {}
    assert sb.stats()["requests"] == 48


async def test_retry_comments_retries_them_and_accepts_the_risk(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20, faults=_faults(drop_before_apply_rate=0.3))
    specs = updates(sb, 60, comment=True)
    run = await send_rows(sb, specs, retry_comments=True, max_attempts=10)
    assert run.results() == {"ok": 60}
    assert_each_row_accounted(run, specs, sb)
    assert sb.stats()["duplicate_comments"] == {}  # dropped before applying: nothing to duplicate
    assert sb.stats()["requests"] > 60

    sb.reset()
    sb.set_faults(drop_before_apply_rate=0.0, drop_after_apply_rate=0.3)
    run = await send_rows(sb, specs, retry_comments=True, max_attempts=10)
    assert run.results() == {"ok": 60}
    assert sb.stats()["tickets_with_duplicate_comments"] > 0  # the risk the user accepted


def test_a_throttled_comment_row_is_retried_without_a_duplicate():
    """Throttle answers prove nothing was applied: such a row waits out the reset and goes again."""
    async def main():
        loop = asyncio.get_running_loop()
        async with Sandbox(SandboxConfig(rates=UNLIMITED, n_tickets=4, clock=loop.time)) as sb:
            sb.throttle_next(3)
            specs = updates(sb, 4, comment=True)
            started = loop.time()
            run = await send_rows(sb, specs, concurrency=1)
            assert run.results() == {"ok": 4}
            assert sb.stats()["duplicate_comments"] == {} and sb.stats()["applied"] == 4
            assert run.outcomes[0].attempts == 4 and run.backoffs == [0.0, 0.0, 0.0]
            assert run.sender.stats.throttle_times and loop.time() - started >= 3.0  # three 1 s resets

    run_virtual(main())


# -- per-ticket order --------------------------------------------------------------------


@pytest.mark.parametrize("faults", [{}, {"drop_before_apply_rate": 0.2, "error_rate": 0.2}],
                         ids=["clean", "with retries"])
async def test_rows_for_one_ticket_are_applied_in_file_order(make_sandbox, faults):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=6,
                            faults=_faults(latency_ms=0, latency_max_ms=15, **faults))
    ids = list(sb.tickets)
    # 6 rows for each ticket, interleaved: the file order per ticket is row-0, row-6, ...
    specs = updates(sb, 36, tickets=ids)
    run = await send_rows(sb, specs, concurrency=8, max_attempts=20)
    assert run.results() == {"ok": 36}
    for tid in ids:
        expected = [spec.body for _, spec in specs if spec.ticket_id == tid]
        bodies = applied_bodies(sb, tid)
        assert [b for i, b in enumerate(bodies) if b not in bodies[:i]] == expected
    assert sb.tickets[ids[0]].tags == ["row-30"]  # the last row for the ticket wins
    assert sb.stats()["max_in_flight"] <= 8  # never more than --concurrency requests at once


# -- early stop on refused credentials -------------------------------------------------------


def _wrong(name, value):
    return {"env": {name: value}}


STOPS = {
    "wrong user token": (_wrong("FEISHU_USER_ACCESS_TOKEN", "u-wrong"), {}, 99991668, "FEISHU_USER_ACCESS_TOKEN"),
    "tenant token": (_wrong("FEISHU_USER_ACCESS_TOKEN", "t-tenant"), {}, 99991663, "FEISHU_USER_ACCESS_TOKEN"),
    "missing token": ({"credentials": "no token"}, {}, 99991661, "no user access token"),
    "wrong helpdesk token": (_wrong("FEISHU_HELPDESK_TOKEN", "ht-wrong"), {}, 154001, "FEISHU_HELPDESK_TOKEN"),
    "wrong helpdesk id": (_wrong("FEISHU_HELPDESK_ID", "123"), {}, 154001, "FEISHU_HELPDESK_ID"),
    "scope missing": ({}, {"faults": {"scope_missing": True}}, 99991672, "the missing scope: helpdesk:all"),
    "expired token": ({}, {"user_token_max_requests": 5}, 99991677, "FEISHU_USER_ACCESS_TOKEN"),
}


@pytest.mark.parametrize("client, server, code, hint", STOPS.values(), ids=STOPS.keys())
async def test_a_refused_credential_stops_the_run_after_a_few_requests(make_sandbox, client, server, code, hint):
    faults = server.pop("faults", {})
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=50, faults=_faults(**faults), **server)
    if client.get("credentials") == "no token":
        env = sb.credentials
        client = {"credentials": Credentials("", env["FEISHU_HELPDESK_ID"], env["FEISHU_HELPDESK_TOKEN"])}
    specs = updates(sb, 500)
    run = await send_rows(sb, specs, concurrency=8, **client)
    reason = run.sender.stop_reason
    assert reason is not None and str(code) in reason and hint in reason
    results = run.results()
    sent = sb.stats()["requests"]
    assert sent <= 5 + 2 * 8  # a bad token must not cost thousands of requests
    assert results["not_attempted"] >= 500 - sent
    assert results.get("failed", 0) + results.get("ok", 0) + results["not_attempted"] == 500
    failed = [o for o in run.outcomes.values() if o.result == "failed"]
    assert failed and all(o.code == code and o.attempts == 1 for o in failed)
    assert results.get("ok", 0) == sb.stats()["applied"]
    unsent = [o for o in run.outcomes.values() if o.result == "not_attempted"]
    assert all(o.msg == "not sent: the run stopped early (see the summary)" and o.attempts == 0 for o in unsent)


async def test_the_monthly_quota_stops_the_run_where_it_runs_out(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=50, faults=_faults(monthly_quota=30))
    specs = updates(sb, 300)
    run = await send_rows(sb, specs)
    assert "99991403" in run.sender.stop_reason and "quota" in run.sender.stop_reason
    results = run.results()
    assert results["ok"] == 30 == sb.stats()["applied"]
    assert 1 <= results["failed"] <= 8 and sb.stats()["requests"] == 30 + results["failed"]
    assert results["not_attempted"] == 300 - 30 - results["failed"]


async def test_forbidden_on_the_first_20_tickets_stops_the_run(make_sandbox):
    sb0 = await make_sandbox(n_tickets=60)
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=60, forbidden=frozenset(sb0.tickets))
    specs = updates(sb, 300)
    run = await send_rows(sb, specs)
    assert "first 20 tickets all answered 154003" in run.sender.stop_reason
    results = run.results()
    assert 20 <= results["failed"] <= 20 + 8 and results["failed"] == sb.stats()["requests"]
    assert results["not_attempted"] == 300 - results["failed"]
    assert all(o.code == 154003 for o in run.outcomes.values() if o.result == "failed")


async def test_some_forbidden_tickets_fail_alone_and_the_run_goes_on(make_sandbox):
    sb0 = await make_sandbox(n_tickets=30)
    ids = list(sb0.tickets)
    forbidden = frozenset(ids) - {ids[0], ids[10]}  # 18 of the first 20 answers are 154003
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=30, forbidden=forbidden)
    specs = updates(sb, 60)
    run = await send_rows(sb, specs)
    assert run.sender.stop_reason is None
    assert run.results() == {"failed": 56, "ok": 4}


async def test_progress_is_reported_for_the_first_row_the_last_and_now_and_then_between(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20)
    run = await send_rows(sb, updates(sb, 50), concurrency=4, progress_every=3600.0)
    assert [(p.done, p.total, p.counts) for p in run.progress] == [(1, 50, {"ok": 1}), (50, 50, {"ok": 50})]


async def test_a_run_that_stops_early_reports_its_last_progress(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20)

    def interrupt_at_the_first(sender, progress):
        sender.interrupt()

    run = await send_rows(sb, updates(sb, 50), concurrency=4, progress_every=3600.0,
                          on_progress=interrupt_at_the_first)
    finished = run.results()["ok"]
    assert finished < 50  # the rows in flight at the interrupt ended, no other
    assert [p.done for p in run.progress] == sorted({1, finished})


# -- interrupt -------------------------------------------------------------------------------


async def test_an_interrupt_lets_requests_in_flight_end_and_leaves_the_rest_not_attempted(make_sandbox):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20, faults=_faults(latency_ms=20))
    specs = updates(sb, 200, comment=True)

    def interrupt_after_10(sender, progress):
        if progress.done == 10:
            sender.interrupt()

    run = await send_rows(sb, specs, concurrency=4, on_progress=interrupt_after_10)
    assert run.sender.interrupted and run.sender.stop_reason is None
    results = run.results()
    assert set(results) == {"ok", "not_attempted"}
    assert 10 <= results["ok"] <= 10 + 4 and results["ok"] == sb.stats()["applied"] == sb.stats()["requests"]
    assert_each_row_accounted(run, specs, sb)
    unsent = [o for o in run.outcomes.values() if o.result == "not_attempted"]
    assert all(o.msg == "interrupted before it was sent" for o in unsent)


@pytest.mark.parametrize("twice", [True, False], ids=["second interrupt", "grace over"])
async def test_requests_in_flight_are_cut_off_after_a_second_interrupt_or_the_grace(make_sandbox, twice):
    """Real time: answers would take 30 s; the run ends in well under a second."""
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20, faults=_faults(latency_ms=30_000))
    specs = updates(sb, 50, comment=True)
    holder = {}

    async def interrupt_when_all_in_flight():
        while sb.stats()["in_flight"] < 4:
            await asyncio.sleep(0.01)
        holder["sender"].interrupt()
        if twice:
            holder["sender"].interrupt()

    def no_row_finishes(sender, progress):
        raise AssertionError("a row finished")

    task = asyncio.create_task(interrupt_when_all_in_flight())
    started = time.monotonic()
    run = await send_rows(sb, specs, concurrency=4, on_progress=no_row_finishes, interrupt_grace=0.3,
                          on_start=lambda sender: holder.setdefault("sender", sender))
    await task
    assert time.monotonic() - started < 3
    assert Counter(o.result.value for o in run.outcomes.values()) == {"unknown": 4, "not_attempted": 46}
    for outcome in run.outcomes.values():
        if outcome.result == "unknown":
            assert outcome.msg.startswith("interrupted while its request was in flight") and outcome.attempts == 1


async def _interrupt_when(sender_box, condition):
    while not ("sender" in sender_box and condition(sender_box["sender"])):
        await asyncio.sleep(0.01)
    sender_box["sender"].interrupt()


async def test_an_interrupt_during_a_long_throttle_pause_ends_the_run_at_once():
    """Real time: a per-minute window is full and everyone pauses ~60 s; Ctrl-C must not wait it out."""
    async with Sandbox(SandboxConfig(rates=[(3, 60.0)], n_tickets=10, clock=time.monotonic)) as sb:
        box = {}
        task = asyncio.create_task(_interrupt_when(box, lambda s: s.stats.throttle_times))
        started = time.monotonic()
        run = await send_rows(sb, updates(sb, 20), rate="100/s", concurrency=2, on_start=lambda s: box.setdefault(
            "sender", s))
        await task
        assert time.monotonic() - started < 3
    assert run.results() == {"ok": 3, "not_attempted": 17}
    throttled = [o for o in run.outcomes.values() if o.code == 99991400]
    assert throttled and all(o.msg == "not applied: throttled, then the run stopped" for o in throttled)


async def test_an_interrupt_during_a_backoff_ends_the_run_at_once_with_the_last_answer(make_sandbox):
    """Real time: every answer is a 500, rows back off (0.25-30 s); Ctrl-C ends the waits."""
    sb = await make_sandbox(rates=UNLIMITED, faults=_faults(error_rate=1.0))
    box = {}
    task = asyncio.create_task(_interrupt_when(box, lambda s: sb.stats()["requests"] >= 8))
    started = time.monotonic()
    run = await send_rows(sb, updates(sb, 20), concurrency=4, backoff=True, max_attempts=10,
                          on_start=lambda s: box.setdefault("sender", s))
    await task
    assert time.monotonic() - started < 3
    results = run.results()
    assert results == {"failed": 4, "not_attempted": 16}
    for outcome in run.outcomes.values():
        if outcome.result == "failed":
            assert outcome.msg.startswith("gave up after the run stopped; last answer: HTTP 500 155000")
            assert outcome.attempts >= 2
