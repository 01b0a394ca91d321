"""The retry policy for one row, built with tenacity.

- throttle answers are retried after the shared pause and do not count against
  the row (up to MAX_THROTTLED of them, so a stuck throttle cannot spin forever);
- connection failures, timeouts, 5xx and 155000 are retried with exponential
  backoff and jitter, up to `max_attempts` attempts that were not throttled;
- nothing is retried once the job is stopping;
- when retries run out, the last answer stands.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_result

from batch_updater.feishu.classify import Step

MAX_THROTTLED = 50
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0


@dataclass
class RowBudget:
    """What one row has used so far."""

    attempts: int = 0
    failures: int = 0  # retryable answers that were not throttles
    throttles: int = 0
    in_flight: bool = False  # a request of this row is on the wire now
    last: Any = None  # the last attempt's Attempt, for a row cut off while it waits to retry

    def record(self, step: Step) -> None:
        self.attempts += 1
        if step is Step.THROTTLED:
            self.throttles += 1
        elif step is Step.RETRY:
            self.failures += 1


class Backoff:
    """Exponential backoff with jitter over the row's failures; no wait after a throttle."""

    def __init__(self, budget: RowBudget, rng: random.Random) -> None:
        self.budget = budget
        self.rng = rng

    def __call__(self, state: RetryCallState) -> float:
        if _step(state) is Step.THROTTLED:
            return 0.0  # the Pacer's shared pause is the wait
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (self.budget.failures - 1))
        return self.rng.uniform(ceiling / 2, ceiling)


def _step(state: RetryCallState) -> Step | None:
    attempt = state.outcome.result() if state.outcome else None
    return attempt.verdict.step if attempt is not None else None


def row_retrying(budget: RowBudget, *, max_attempts: int, stopping: Callable[[], bool],
                 sleep: Callable[[float], Awaitable[Any]], rng: random.Random) -> AsyncRetrying:
    def stop(state: RetryCallState) -> bool:
        return (stopping() or budget.failures >= max_attempts or budget.throttles >= MAX_THROTTLED)

    return AsyncRetrying(
        retry=retry_if_result(lambda a: a is not None and a.verdict.step in (Step.RETRY, Step.THROTTLED)),
        stop=stop,
        wait=Backoff(budget, rng),
        sleep=sleep,
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
