"""The shared budget's stores (send/slots.py's FileSlots, send/redis_limiter.py's RedisSlots against a
real redis-server) hold one GCRA schedule, the pause and the rate decisions; and the parts of
send/shared.py that are not timing."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from batch_updater.errors import UsageError
from batch_updater.send.pacing import PaceController, parse_rate
from batch_updater.send.shared import Budget, LimiterSpec, SharedPacer, budget_key, parse_limiter
from batch_updater.send.slots import FileSlots
from batch_updater.sources.links import APIS
from tests.support.redis_server import redis_server


@contextlib.asynccontextmanager
async def _store(kind, tmp_path, name="k"):
    if kind == "file":
        store = FileSlots(tmp_path / "budget", name)
        try:
            yield store
        finally:
            await store.close()
        return
    from batch_updater.send.redis_limiter import RedisSlots, redis_client

    with redis_server() as url:
        client = redis_client(url)
        try:
            yield RedisSlots(client, f"test:{name}", url)
        finally:
            await client.aclose()


KINDS = ["file", "redis"]


@pytest.mark.parametrize("kind", KINDS)
async def test_slots_are_reserved_one_after_another_whoever_takes_them(kind, tmp_path):
    async with _store(kind, tmp_path) as store:
        grants = [await store.take(1, 0.05) for _ in range(4)]
        chunk = await store.take(10, 0.05)
    dues = [g.due for g in grants]
    assert [round(b - a, 6) for a, b in zip(dues, dues[1:])] == [0.05, 0.05, 0.05]
    assert dues[0] <= grants[0].now  # the first is due at once
    assert round(chunk.due - dues[-1], 6) == 0.05 and grants[0].version == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_a_throttle_pauses_everyone_once_and_old_news_changes_nothing(kind, tmp_path):
    async with _store(kind, tmp_path) as store:
        first = await store.take(1, 0.01)
        sent = first.now
        assert await store.pause("a", sent, first.now + 2.0, {"rate": 9.5})
        # b's request was sent before a's pause began: its throttle answer is the same event
        assert not await store.pause("b", sent, first.now + 3.0, {"rate": 1.0})
        shared = await store.shared()
        after = await store.take(1, 0.01)
    assert shared.writer == "a" and shared.decision == {"rate": 9.5} and shared.version == 1
    assert abs(shared.paused_until - (first.now + 2.0)) < 1e-3
    assert after.due >= shared.paused_until - 1e-6  # nobody's slot comes before the pause ends


@pytest.mark.parametrize("kind", KINDS)
async def test_decisions_counts_and_departures_are_shared(kind, tmp_path):
    async with _store(kind, tmp_path) as store:
        v1 = await store.decide("a", {"rate": 12.0})
        v2 = await store.decide("b", {"rate": 24.0})
        shared = await store.shared()
        bucket = int((await store.take(1, 0.01)).now / 0.1)
        await store.count({bucket: 3})
        counts = await store.count({bucket: 2, bucket - 1_000_000: 5})  # far too old: dropped
        waits = [await store.depart(2, 1.0) for _ in range(3)]
    assert (v1, v2, shared.writer, shared.decision) == (1, 2, "b", {"rate": 24.0})
    assert counts == {bucket: 5}
    assert waits[:2] == [0.0, 0.0] and 0.9 < waits[2] <= 1.0


@pytest.mark.parametrize("kind", KINDS)
async def test_the_store_knows_who_else_shares_it_and_a_late_slot_pushes_the_schedule(kind, tmp_path):
    async with _store(kind, tmp_path) as store:
        alone = await store.take(1, 0.05, "a")
        crowded = await store.take(1, 0.05, "b")
        await store.leave("a")
        left = await store.take(1, 0.05, "b")
        await store.push(left.due + 1.0)  # a slot used 1 s late: the next is due no earlier
        pushed = await store.take(1, 0.05, "b")
    assert (alone.others, crowded.others, left.others) == (0, 1, 0)
    assert pushed.due >= left.due + 1.0 - 1e-6


async def test_two_pacers_take_turns_on_one_schedule(tmp_path):
    """Two processes' pacers (here two in one loop) on one store: at 50/s together, never each at 50/s."""
    loop = asyncio.get_running_loop()
    pacers = [SharedPacer(PaceController(50.0, fixed=True, now=loop.time()), FileSlots(tmp_path, "k"),
                          writer=f"w{i}", max_in_flight=4) for i in range(2)]
    times: list[tuple[float, int]] = []

    async def worker(i):
        for _ in range(10):
            await pacers[i].acquire()
            times.append((await pacers[i].depart(), i))
            pacers[i].release()

    await asyncio.gather(worker(0), worker(1))
    for p in pacers:
        await p.close()
        await p.store.close()
    times.sort()
    span = times[-1][0] - times[0][0]
    assert span >= 19 / 50 * 0.95  # 20 requests at 50/s together, not 10 at 50/s each
    assert {i for _, i in times[:4]} == {0, 1}  # turns, not one after the other


async def test_reads_have_a_budget_of_their_own(tmp_path):
    """GET (10/s) and PUT are limited apart: a second of updates reserved does not hold up a read."""
    budget = Budget(LimiterSpec("state"), "k", {"BATCH_UPDATER_STATE_DIR": str(tmp_path)})
    try:
        await budget.store("put").take(20, 0.05, "a")
        read = await budget.store("get").take(1, 0.1, "a")
        update = await budget.store("put").take(1, 0.05, "a")
    finally:
        await budget.close()
    assert read.due <= read.now + 1e-6 and update.due >= update.now + 0.9


def test_the_limiter_setting_is_checked_without_echoing_a_password():
    assert parse_limiter(None) == LimiterSpec("state") == parse_limiter("state")
    assert parse_limiter("NONE") == LimiterSpec("none")
    spec = parse_limiter("redis://:s3cret@127.0.0.1:6380/2")
    assert spec.kind == "redis" and spec.secure and "s3cret" not in spec.label()
    assert parse_limiter("rediss://cache.example:6380/0").secure and not parse_limiter("redis://h:1/0").secure
    with pytest.raises(UsageError) as e:
        parse_limiter("memcached://:s3cret@host")
    assert "s3cret" not in str(e.value) and e.value.option == "limiter"


def test_one_budget_per_app_api_and_helpdesk():
    env = {"FEISHU_APP_ID": "cli_a"}
    key = budget_key(APIS[False], "123", env)
    assert key == budget_key("https://OPEN.feishu.cn/", "123", env)
    assert key != budget_key(APIS[True], "123", env)
    assert key != budget_key(APIS[False], "124", env)
    assert key != budget_key(APIS[False], "123", {"FEISHU_APP_ID": "cli_b"})
    token = {"FEISHU_USER_ACCESS_TOKEN": "u-secret"}
    assert budget_key(APIS[False], "123", token) != key and "u-secret" not in budget_key(
        APIS[False], "123", token)


async def test_a_redis_that_cannot_be_reached_stops_the_run_before_sending(tmp_path):
    from tests.support.redis_server import free_port

    with pytest.raises(UsageError) as e:
        await Budget.open(parse_limiter(f"redis://:pw@127.0.0.1:{free_port()}/0"), "k", {})
    assert "cannot use the limiter redis://127.0.0.1:" in str(e.value) and "pw@" not in str(e.value)
    assert e.value.exit_code == 2


def test_one_process_throttle_answer_pauses_the_others_until_the_reset(tmp_path):
    """Process a meets the throttle (reset 3 s): b, which never did, waits it out too; a's rate
    decision (auto) is b's as well."""
    from tests.support.virtual_time import run_virtual

    async def main():
        loop = asyncio.get_running_loop()
        a, b = (SharedPacer(PaceController(20.0, now=loop.time()), FileSlots(tmp_path, "k"), writer=w,
                            max_in_flight=4) for w in ("a", "b"))
        for pacer in (a, b):
            await pacer.acquire()
            sent = await pacer.depart()
            pacer.release()
        for _ in range(25):
            a.controller.on_accepted(loop.time(), sent)  # something accepted before: an estimate to make
        pause = a.answered(sent, throttled=True, reset_after=3.0)
        await asyncio.sleep(0)  # a publishes its pause
        await asyncio.gather(*a._tasks)
        began = loop.time()
        await b.acquire()
        waited = loop.time() - began
        b.release()
        for pacer in (a, b):
            await pacer.close()
        return pause, waited, a.controller.rate, b.controller.rate, b.controller.pauses

    pause, waited, rate_a, rate_b, b_pauses = run_virtual(main())
    assert pause >= 3.0 and waited >= 2.9 and b_pauses == 0
    assert rate_b == rate_a < 20.0


def test_a_run_alone_holds_its_figure_as_before_and_makes_room_only_while_others_share_it():
    controller = PaceController.for_setting(parse_rate("20/s"))
    assert round(controller.rate, 3) == 19.7  # 98.5%, as a run alone always held it
    controller.crowd(1.0, True)
    assert round(controller.rate, 3) == 19.4  # 97% while others share the budget
    controller.crowd(2.0, False)
    assert round(controller.rate, 3) == 19.7
    auto = PaceController(28.5)
    auto.estimate, auto.headroom = 30.0, 0.985
    auto.crowd(1.0, True)
    assert round(auto.headroom, 3) == 0.97 and auto.rate <= 0.97 * 30 + 1e-9
    assert auto.decision().headroom == 0.985  # what it tells the others: its headroom without the crowd's


async def test_closing_an_auto_pacer_ends_even_when_the_store_swallows_the_cancellation(tmp_path):
    """redis-py's asyncio client may swallow a cancellation that lands inside a command: the
    exchange with the others (auto, every 0.1 s) must stop anyway, or the run never ends (it hung
    after its last row, found by bench_budget.py with Redis and --rate auto)."""

    class Swallowing(FileSlots):
        async def count(self, deltas):
            try:
                await asyncio.sleep(1.0)
            except asyncio.CancelledError:
                pass  # as the Redis client may
            return await super().count(deltas)

    loop = asyncio.get_running_loop()
    pacer = SharedPacer(PaceController(20.0, now=loop.time()), Swallowing(tmp_path, "k"), writer="w",
                        max_in_flight=4)
    await pacer.acquire()  # starts the exchange
    pacer.release()
    await asyncio.sleep(0.3)  # the exchange is inside count now
    await asyncio.wait_for(pacer.close(), timeout=5)
    assert pacer._touch is not None and pacer._touch.done()
    await pacer.store.close()


def test_two_jobs_on_one_budget_each_show_their_own_rate_and_the_shared_budget(tmp_path):
    """Two jobs on one 10/s budget: each one's progress says about 5/s of its own, the budget's
    rate, and that one other job shares it (not 9.9/s each: 19.8/s going out in all)."""
    from batch_updater.control import rate_in_words
    from batch_updater.i18n import speaking
    from batch_updater.model import Result
    from batch_updater.send.tally import Tally
    from tests.support.virtual_time import run_virtual

    async def main():
        loop = asyncio.get_running_loop()
        pacers = [SharedPacer(PaceController(10.0, fixed=True, now=loop.time()), FileSlots(tmp_path, "k"),
                              writer=f"w{i}", max_in_flight=4) for i in range(2)]
        shown: list[list] = [[], []]
        tallies = [Tally(p, shown[i].append, 0.0) for i, p in enumerate(pacers)]

        async def job(i):
            tallies[i].start(60)
            for _ in range(60):
                await pacers[i].acquire()
                sent = await pacers[i].depart()
                await asyncio.sleep(0.05)  # the answer
                pacers[i].answered(sent)
                tallies[i].accepted(pacers[i].now())
                pacers[i].release()
                tallies[i].count(Result.OK)

        await asyncio.gather(job(0), job(1))
        for p in pacers:
            await p.close()
            await p.store.close()
        return shown

    shown = run_virtual(main())
    for updates in shown:
        last = updates[-1]
        assert 9.0 < last.rate < 10.0  # the budget's rate, all jobs' together
        assert last.shared_with == 1
        assert 3.5 < last.own_rate < 6.5  # about half of it: this job's own
        own, budget = f"{last.own_rate:.1f}/s", f"{last.rate:.1f}/s"
        assert rate_in_words(last.rate, last.own_rate, last.shared_with, "en") == \
            f"{own} (budget {budget} shared with 1 other job)"
        with speaking("zh"):
            assert rate_in_words(last.rate, last.own_rate, last.shared_with) == f"{own}（与另外 1 个任务共享限额 {budget}）"
    assert rate_in_words(9.7, 9.6, 0, "en") == "9.7/s"  # a job alone: the rate as before
