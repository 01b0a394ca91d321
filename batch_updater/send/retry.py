"""The retry policy for every row, built once with tenacity.

- throttle answers are retried after the shared pause and do not count against
  the row (up to MAX_THROTTLED of them, so a stuck throttle cannot spin forever);
- connection failures, timeouts, 5xx and 155000 are retried with exponential
  backoff and jitter, up to `max_attempts` attempts that were not throttled;
- nothing is retried once the job is stopping;
- when retries run out, the last answer stands.

One tenacity `Retrying`, built once, decides for every row: each row's own state
is its `RetryCallState`, whose `args` hold the row's `RowBudget`, and
`Retrying.iter` decides its next step (attempt, sleep how long, or give the
result); `RetryPolicy.run` awaits what it decides, as `AsyncRetrying.__call__`
does. `iter` never yields to the event loop, so the rows (tasks of one thread)
never see each other's step in tenacity's thread-local scratch state.
CPU per row (bench/README.md): a new `AsyncRetrying` per row 25 µs; one
`AsyncRetrying` reused 16 µs (its async front end wraps each step in a coroutine
after an `inspect` check); this 7 µs.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenacity import DoAttempt, DoSleep, RetryCallState, Retrying, retry_if_result
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from batch_updater.feishu.classify import Attempt, Step

MAX_THROTTLED = 50
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
_AGAIN = (Step.RETRY, Step.THROTTLED)


@dataclass(slots=True)
class RowBudget:
    """What one row has used so far."""

    attempts: int = 0
    failures: int = 0  # retryable answers that were not throttles
    throttles: int = 0
    in_flight: bool = False  # a request of this row is on the wire now
    last: Attempt | None = None  # the last attempt, for a row cut off while it waits to retry
    payload: bytes | None = None  # the body as sent, encoded once for every attempt
    maybe_applied: bool = False  # a comment row sent again after an answer that may hide its applying

    def record(self, step: Step) -> None:
        self.attempts += 1
        if step is Step.THROTTLED:
            self.throttles += 1
        elif step is Step.RETRY:
            self.failures += 1


def _budget(state: RetryCallState) -> RowBudget:
    budget: RowBudget = state.args[0]
    return budget


def _step(state: RetryCallState) -> Step | None:
    attempt = state.outcome.result() if state.outcome else None
    return attempt.verdict.step if attempt is not None else None


def _again(attempt: Attempt | None) -> bool:
    return attempt is not None and attempt.verdict.step in _AGAIN


def _last_answer(state: RetryCallState) -> Any:
    return state.outcome.result() if state.outcome else None


class stop_when(stop_base):
    """Stop once `stopping()` says so: nothing is retried once the job is stopping."""

    def __init__(self, stopping: Callable[[], bool]) -> None:
        self.stopping = stopping

    def __call__(self, state: RetryCallState) -> bool:
        return self.stopping()


class stop_after_failures(stop_base):
    """Stop after `max_attempts` retryable answers that were not throttles."""

    def __init__(self, max_attempts: int) -> None:
        self.max_attempts = max_attempts

    def __call__(self, state: RetryCallState) -> bool:
        return _budget(state).failures >= self.max_attempts


class stop_after_throttles(stop_base):
    """Stop after MAX_THROTTLED throttle answers: a stuck throttle cannot spin forever."""

    def __call__(self, state: RetryCallState) -> bool:
        return _budget(state).throttles >= MAX_THROTTLED


class Backoff(wait_base):
    """Exponential backoff with equal jitter over the row's failures; no wait after a throttle."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, state: RetryCallState) -> float:
        if _step(state) is Step.THROTTLED:
            return 0.0  # the Pacer's shared pause is the wait
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (_budget(state).failures - 1))
        return self.rng.uniform(ceiling / 2, ceiling)


class RetryPolicy:
    """When to send a row again, and after how long: tenacity decides, built once for every row."""

    def __init__(self, *, max_attempts: int, stopping: Callable[[], bool],
                 sleep: Callable[[float], Awaitable[Any]], rng: random.Random) -> None:
        self.sleep = sleep
        self.retrying = Retrying(
            retry=retry_if_result(_again),
            stop=stop_when(stopping) | stop_after_failures(max_attempts) | stop_after_throttles(),
            wait=Backoff(rng), retry_error_callback=_last_answer,
            before=None)  # type: ignore[arg-type]  # no `before` step at all: one call less per attempt
        self.retrying.begin()  # its statistics (shared by the rows, never read) must exist

    async def run(self, attempt: Callable[..., Awaitable[Any]], budget: RowBudget, *args: Any) -> Any:
        """`attempt(*args)` until the policy says stop; the last attempt's result (None: none was made).

        `Retrying.iter` decides each step for this row's state; an exception from `attempt` is
        not retried: it propagates."""
        retrying = self.retrying
        state = RetryCallState(retrying, None, (budget,), {})
        while True:
            do = retrying.iter(state)
            if isinstance(do, DoAttempt):
                state.set_result(await attempt(*args))
            elif isinstance(do, DoSleep):
                state.prepare_for_next_attempt()
                await self.sleep(do)
            else:
                return do
