"""Results (sources/results.py): a batch whose write raises is not counted as written and waits
for the next flush, so the end says it was not written (it was lost, and the end said nothing)."""

from __future__ import annotations

import contextlib

from batch_updater.feishu.client import Answer
from batch_updater.sources.results import Results


class Flaky:
    limit, what = 2, "the test's table"

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    async def prepare(self, api, header) -> None:
        return None

    async def write(self, api, rows):
        self.calls.append([i for i, _ in rows])
        if len(self.calls) == 2:
            raise RuntimeError("the connection broke oddly")
        return Answer(200, 0, "success")

    def failed(self, answer, rows) -> str:
        return "refused"


@contextlib.asynccontextmanager
async def no_api():
    yield None


def test_a_write_that_raises_leaves_its_rows_pending_and_the_end_says_so():
    target = Flaky()
    results = Results(target, ("result",), no_api)
    problem = results.finish({i: (f"r{i}",) for i in range(5)})
    assert target.calls == [[0, 1], [2, 3]] and results.rows_written == 2
    assert sorted(results.pending) == [2, 3, 4]
    assert problem == "writing the results to the test's table failed: the connection broke oddly"
    results.finish({})  # the next flush writes them
    assert target.calls[2:] == [[2, 3], [4]] and not results.pending
