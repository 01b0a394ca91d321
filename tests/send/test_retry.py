import asyncio
import random

import pytest

from batch_updater.feishu.classify import Step, Verdict
from batch_updater.feishu.client import Answer
from batch_updater.model import Result
from batch_updater.send.pool import Attempt
from batch_updater.send.retry import MAX_THROTTLED, RetryPolicy, RowBudget


def attempts_from(steps):
    """An attempt function that answers the given steps in order, recording each in the budget."""
    verdicts = {"ok": Verdict(Step.DONE, Result.OK), "retry": Verdict(Step.RETRY),
                "throttled": Verdict(Step.THROTTLED), "failed": Verdict(Step.DONE, Result.FAILED)}
    queue = list(steps)

    async def attempt(budget):
        step = queue.pop(0)
        budget.record(verdicts[step].step)
        return Attempt(Answer(msg=step), verdicts[step])
    return attempt


async def run(steps, max_attempts=5, stopping=lambda: False):
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)

    budget = RowBudget()
    policy = RetryPolicy(max_attempts=max_attempts, stopping=stopping, sleep=sleep, rng=random.Random(1))
    last = await policy.run(attempts_from(steps), budget, budget)
    return last.answer.msg, budget, sleeps


async def test_success_needs_no_retry():
    assert await run(["ok"]) == ("ok", RowBudget(1, 0, 0), [])


async def test_retryable_failures_back_off_exponentially_with_jitter():
    last, budget, sleeps = await run(["retry", "retry", "retry", "ok"])
    assert last == "ok" and budget.attempts == 4
    assert [0.25 <= sleeps[0] <= 0.5, 0.5 <= sleeps[1] <= 1.0, 1.0 <= sleeps[2] <= 2.0] == [True] * 3


async def test_gives_up_after_max_attempts():
    last, budget, sleeps = await run(["retry"] * 10, max_attempts=3)
    assert last == "retry" and budget.attempts == 3 and len(sleeps) == 2


async def test_throttled_attempts_do_not_count_and_do_not_back_off():
    last, budget, sleeps = await run(["throttled"] * 6 + ["retry", "retry", "ok"], max_attempts=3)
    assert last == "ok" and (budget.attempts, budget.throttles, budget.failures) == (9, 6, 2)
    assert sleeps[:6] == [0.0] * 6  # the shared pause is the wait


async def test_a_stuck_throttle_cannot_spin_forever():
    last, budget, _ = await run(["throttled"] * (MAX_THROTTLED + 5))
    assert last == "throttled" and budget.throttles == MAX_THROTTLED


async def test_final_answers_are_not_retried():
    assert (await run(["failed", "ok"]))[0] == "failed"


async def test_nothing_is_retried_once_the_job_is_stopping():
    last, budget, _ = await run(["retry", "ok"], stopping=lambda: True)
    assert last == "retry" and budget.attempts == 1


@pytest.mark.parametrize("n", [1, 2])
def test_budget_counts(n):
    budget = RowBudget()
    for _ in range(n):
        budget.record(Step.RETRY)
    budget.record(Step.THROTTLED)
    assert (budget.attempts, budget.failures, budget.throttles) == (n + 1, n, 1)


async def test_one_policy_decides_for_many_rows_at_once_each_on_its_own_answers():
    """The policy is built once per run: rows retrying at the same time never share a count."""
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)
        await asyncio.sleep(0)  # another row's step runs here

    policy = RetryPolicy(max_attempts=3, stopping=lambda: False, sleep=sleep, rng=random.Random(1))
    scripts = {"a": ["retry", "retry", "ok"], "b": ["throttled"] * 4 + ["ok"], "c": ["retry"] * 5, "d": ["failed"]}

    async def row(steps):
        budget = RowBudget()
        attempt = attempts_from(steps)

        async def interleaved(budget):
            await asyncio.sleep(0)
            return await attempt(budget)

        last = await policy.run(interleaved, budget, budget)
        return last.answer.msg, (budget.attempts, budget.failures, budget.throttles)

    results = await asyncio.gather(*(row(steps) for steps in scripts.values()))
    assert dict(zip(scripts, results)) == {"a": ("ok", (3, 2, 0)), "b": ("ok", (5, 0, 4)),
                                           "c": ("retry", (3, 3, 0)), "d": ("failed", (1, 0, 0))}
    assert sleeps.count(0.0) == 4  # b's throttles only: the failures backed off


def test_tenacity_still_has_the_shape_the_policy_drives():
    """RetryPolicy.run drives `Retrying.iter` itself (send/retry.py: 7 µs a row, not 25): one
    `RetryCallState(retrying, fn, args, kwargs)` per row, `iter(state)` answering DoAttempt, a
    DoSleep (seconds, a float) or the result, `set_result` and `prepare_for_next_attempt`
    between. Two rows stepped in turn must not see each other's step (tenacity keeps its scratch
    state per thread, and `iter` never yields). If this fails, tenacity changed that shape:
    keep pyproject.toml's pin below the version that did, or run the rows with `AsyncRetrying`."""
    from tenacity import DoAttempt, DoSleep, RetryCallState

    policy = RetryPolicy(max_attempts=2, stopping=lambda: False, sleep=None, rng=random.Random(1))
    retry, done = Attempt(Answer(msg="retry"), Verdict(Step.RETRY)), Attempt(Answer(msg="ok"), Verdict(Step.DONE))
    rows = [RowBudget(), RowBudget()]
    states = [RetryCallState(policy.retrying, None, (budget,), {}) for budget in rows]
    assert [type(policy.retrying.iter(s)) for s in states] == [DoAttempt, DoAttempt]
    for state, budget, attempt in zip(states, rows, (retry, done)):
        budget.record(attempt.verdict.step)
        state.set_result(attempt)
    first, second = policy.retrying.iter(states[0]), policy.retrying.iter(states[1])
    assert isinstance(first, DoSleep) and isinstance(first, float) and 0.25 <= first <= 0.5
    assert second is done  # the second row's own step, decided between the first's
    states[0].prepare_for_next_attempt()
    assert isinstance(policy.retrying.iter(states[0]), DoAttempt)
    rows[0].record(Step.RETRY)
    states[0].set_result(retry)
    assert policy.retrying.iter(states[0]) is retry  # out of attempts: the last answer stands
