"""Results written back into a Base table or a sheet as the run goes (issue 20).

`Results` holds each row's values to write (a run's result columns, a check's, a plan's), and
writes those not written yet in batches: at most `target.limit` rows a call (1,000 records for a
Base, 5,000 rows for Sheets), one call at a time (one writer per base, serial per spreadsheet:
docs/api-facts.md §9.4, §9.7), each call made again with backoff while its answer says nothing
was written (feishu/docs.py). A batch is all or nothing: a batch that fails is not counted as
written and its rows wait for the next flush. While sending, `flushing` writes every
FLUSH_EVERY_S seconds on a task of its own (sending never waits for it: the documents' APIs have
their own limits); the run writes every row once more at the end (`finish`), and says so when
that still fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from batch_updater.logs import event
from batch_updater.model import Outcome
from batch_updater.sources.docsource import run_sync

if TYPE_CHECKING:  # aiohttp is loaded only when a link is run
    from batch_updater.feishu.client import Answer
    from batch_updater.feishu.docs import DocsApi

FLUSH_EVERY_S = 3.0  # while sending: the team watches the results arrive
Cell = str | int | None
Values = tuple[Cell, ...]


def counted(n: int, noun: str) -> str:
    """`1 record`, `2 records`."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


class Target(Protocol):
    """Where results go: a Base table's records, or a sheet's rows."""

    limit: int  # rows a call writes at most
    what: str  # for messages: "the Base table 'Tickets'"

    async def prepare(self, api: DocsApi, header: Sequence[str]) -> None:
        """Make the header's fields or columns ready (created, placed); raise a BatchUpdaterError
        that says what to grant when the API refuses."""

    async def write(self, api: DocsApi, rows: Sequence[tuple[int, Values]]) -> Answer:
        """One call writing `rows` (row index, values): its last answer (retried inside)."""

    def failed(self, answer: Answer, rows: int) -> str:
        """A write of `rows` rows that `answer` refused, in words that say what to grant."""


class Results:
    """One run's results for one target: the header written, the values by row index."""

    def __init__(self, target: Target, header: Sequence[str], open_api: Callable[[], Any],
                 values_of: Callable[[Outcome], Values] | None = None) -> None:
        self.target, self.header = target, tuple(header)
        self._open = open_api  # an async context manager giving a DocsApi
        self.values_of = values_of  # a sent row's outcome as the values written
        self.pending: dict[int, Values] = {}
        self.written: dict[int, Values] = {}
        self.calls = 0  # write calls that wrote (retries inside a call not counted)
        self.failed_calls = 0
        self.rows_written = 0
        self.problem: str | None = None  # the last write that failed for good, in words
        self.prepared = False

    # -- the values ------------------------------------------------------------------------
    def add(self, index: int, values: Values) -> None:
        if self.written.get(index) != values:
            self.pending[index] = values
        else:
            self.pending.pop(index, None)

    def add_outcome(self, index: int, outcome: Outcome) -> None:
        if self.values_of is not None:
            self.add(index, self.values_of(outcome))

    # -- writing ----------------------------------------------------------------------------
    async def prepare(self, api: DocsApi) -> None:
        if not self.prepared:
            await self.target.prepare(api, self.header)
            self.prepared = True

    async def flush(self, api: DocsApi) -> None:
        """Write what is pending, a batch at a time; a batch that fails goes back to pending."""
        await self.prepare(api)
        items = sorted(self.pending.items())
        self.pending.clear()
        limit = self.target.limit
        for start in range(0, len(items), limit):
            batch = items[start:start + limit]
            try:
                answer = await self.target.write(api, batch)
            except BaseException:
                for index, values in items[start:]:  # not written: pending again (newer values win)
                    self.pending.setdefault(index, values)
                raise
            if answer.code == 0:
                self.calls += 1
                self.rows_written += len(batch)
                self.written.update(batch)
                self.problem = None
                continue
            self.failed_calls += 1
            self.problem = self.target.failed(answer, len(batch))
            event("write_back_failed", self.problem, level=logging.WARNING)
            for index, values in items[start:]:
                self.pending.setdefault(index, values)  # newer values added meanwhile win
            return

    def start(self) -> None:
        """Before anything is sent: the fields or columns made ready (a refusal is an error, exit 2 or 3)."""
        async def go() -> None:
            async with self._open() as api:
                await self.prepare(api)

        run_sync(go())

    def finish(self, rows: Mapping[int, Values]) -> str | None:
        """At the end: every row's values, those not written yet written; what still failed, or None."""
        for index, values in rows.items():
            self.add(index, values)

        async def go() -> None:
            async with self._open() as api:
                await self.flush(api)

        try:
            run_sync(go())
        except Exception as e:  # noqa: BLE001 - a write-back that fails leaves the report and says why
            self.problem = f"writing the results to {self.target.what} failed: {e}"
        if self.pending and self.problem is None:
            self.problem = f"{counted(len(self.pending), 'result')} could not be written to {self.target.what}"
        return self.problem if self.pending else None


class Teed:
    """A sender's journal hooks that also hand each row's outcome to `results` (the run's hook)."""

    def __init__(self, journal: Any, results: Results) -> None:
        self.journal, self.results = journal, results
        if journal is not None and hasattr(journal, "write"):
            self.write = self._write

    def reserve(self, specs: Any) -> None:
        if self.journal is not None:
            self.journal.reserve(specs)

    def sending(self, index: int, spec: Any) -> None:
        if self.journal is not None:
            self.journal.sending(index, spec)

    def done(self, index: int, spec: Any, outcome: Outcome, final: bool | None = None) -> None:
        if self.journal is not None:
            self.journal.done(index, spec, outcome, final)
        self.results.add_outcome(index, outcome)

    def _write(self, sending: Sequence[Any], done: Sequence[tuple[int, Any, Outcome, bool | None]]) -> None:
        self.journal.write(sending, done)
        for index, _, outcome, _ in done:
            self.results.add_outcome(index, outcome)


@contextlib.asynccontextmanager
async def flushing(results: Results | None, every: float | None = None) -> AsyncIterator[None]:
    """While in this block (sending), write the results every `every` seconds on a task of its
    own; on leaving, let the write going on end (the run writes every row at the end)."""
    if results is None:
        yield
        return
    period = FLUSH_EVERY_S if every is None else every
    stop = asyncio.Event()

    async def loop() -> None:
        async with results._open() as api:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), period)
                if stop.is_set():
                    return
                try:
                    await results.flush(api)
                except Exception as e:  # noqa: BLE001 - never stops the sending; the end tries again
                    results.problem = f"writing the results to {results.target.what} failed: {e}"
                    event("write_back_failed", results.problem, level=logging.WARNING)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)
