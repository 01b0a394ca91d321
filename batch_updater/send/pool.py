"""The worker pool: every valid row through the client, paced, retried, in order per ticket.

- at most `concurrency` requests in flight; rows for one ticket go one after
  another, in file order, never at the same time;
- a refused credential stops the job at once: rows in flight end, the rest are
  `not_attempted`; so do the other stop rules (send/stops.py: first answers all
  154003, an API that cannot be reached at the start or stops answering mid-run);
- an interrupt (Ctrl-C, SIGTERM) stops the same way, waiting a bounded time for
  the requests in flight.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.classify import Step, Verdict, classify
from batch_updater.feishu.client import Answer, HelpdeskClient, Transport, encode_body
from batch_updater.logs import event
from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.send.ahead import RowJournal, WriteAhead
from batch_updater.send.collector import fewer_collections
from batch_updater.send.limiter import Pacer
from batch_updater.send.retry import RetryPolicy, RowBudget
from batch_updater.send.stops import StopRules

MAYBE_TWICE = "its comment may now be on the ticket twice (--retry-comments)"  # a row's msg, and the warning's


@dataclass(frozen=True, slots=True)
class Attempt:
    answer: Answer
    verdict: Verdict


@dataclass
class SendOptions:
    concurrency: int = 64  # at most; the pacer keeps in flight what the rate needs at the latency
    max_attempts: int = 5
    retry_comments: bool = False
    interrupt_grace: float = 30.0  # seconds to let requests in flight end after an interrupt
    # `on_progress` is called for the first row, the last, and at most once per this many seconds
    # between (0: every row): a display needs no more, and at thousands of rows a second each call costs.
    progress_every: float = 0.1


@dataclass
class Progress:
    done: int
    total: int
    counts: dict[str, int]
    rate: float
    paused: bool
    reading: bool = False  # reading tickets (plan, --skip-unchanged, --undo, reading back), not sending
    throttles: int = 0  # throttle answers so far
    pauses: int = 0  # pauses they caused


@dataclass
class SendStats:
    accepted_times: list[float] = field(default_factory=list)
    throttle_times: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


class FinishedAt:
    """`now_text()` (an outcome's `finished_at`, to the second), formatted once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def __call__(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._text = second, now_text()
        return self._text


def group_by_ticket(specs: Sequence[tuple[int, TicketUpdate]]) -> list[list[tuple[int, TicketUpdate]]]:
    groups: dict[str, list[tuple[int, TicketUpdate]]] = {}
    for index, spec in specs:
        groups.setdefault(spec.ticket_id, []).append((index, spec))
    return list(groups.values())


class Sender:
    def __init__(self, client: HelpdeskClient, pacer: Pacer, options: SendOptions, *,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, rng: random.Random | None = None,
                 on_progress: Callable[[Progress], None] | None = None,
                 journal: RowJournal | None = None,
                 operation: Callable[[TicketUpdate], Awaitable[Answer]] | None = None,
                 reading: bool = False) -> None:
        self.client = client
        self.reading = reading  # GETs of tickets (`operation`), not updates: logged as reads
        self.journal = journal
        self.ahead = WriteAhead(journal) if journal is not None else None  # the journal's writes, grouped
        # What one attempt sends: the update by default (its body encoded once, kept for a retry);
        # reading tickets passes client.get_ticket.
        self.operation = operation
        self.fetched: dict[int, Any] = {}  # reading: the answers' `data` of the rows that ended ok
        self.pacer = pacer
        pacer.max_in_flight = options.concurrency  # as many in flight as the latency needs, at most this
        self.options = options
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.policy = RetryPolicy(max_attempts=options.max_attempts, stopping=lambda: self.stopping, sleep=sleep,
                                  rng=self.rng)
        self.on_progress = on_progress
        self._shown = 0  # rows done when on_progress was last called
        self._next_progress = float("-inf")
        self.stop_reason: str | None = None  # set when the credentials were refused
        self.stop_error: BatchUpdaterError | None = None  # a token refresh refused for good
        self.interrupted = False
        self._cut_off = False
        self.stats = SendStats()
        self._counts: dict[str, int] = {}
        self._done = 0
        self._total = 0
        self.stops = StopRules(client.origin, reading=reading)
        self._active: dict[int, RowBudget] = {}
        self._leaving: set[int] = set()  # rows past their slot, not yet sent: their mark, a departure check
        self._finished_at = FinishedAt()
        self._maybe_applied: set[int] = set()  # comment rows retried after an answer that may hide their applying

    @property
    def stopping(self) -> bool:
        return self.stop_reason is not None or self.interrupted

    def interrupt(self) -> None:
        """Stop sending; requests in flight may end. A second call cuts them off."""
        self._cut_off = self.interrupted
        self.interrupted = True

    async def send_all(self, specs: Sequence[tuple[int, TicketUpdate]]) -> dict[int, Outcome]:
        """Outcomes by row index for every spec; rows never sent are `not_attempted`."""
        outcomes: dict[int, Outcome] = {}
        self._total = len(specs)
        self._specs = dict(specs)
        self.stats.started = self.pacer.now()
        groups: Iterator[list[tuple[int, TicketUpdate]]] = iter(group_by_ticket(specs))
        workers = [asyncio.create_task(self._worker(groups, outcomes))
                   for _ in range(max(1, min(self.options.concurrency, len(specs))))]
        try:
            with fewer_collections():
                await self._wait(workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            self.stats.finished = self.pacer.now()
            if self.ahead is not None:
                self.ahead.flush()
        cut_off = self._cut_off_outcomes()
        outcomes.update(cut_off)
        if self.ahead is not None:
            for index, outcome in cut_off.items():
                self.ahead.done(index, self._specs[index], outcome)
            for index in self._leaving:  # cut off before its first request left (a retry's last answer stands)
                if not self._active[index].attempts:
                    self.ahead.done(index, self._specs[index], Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
            if self.stops.forbidden:  # the operator's rights, not the tickets: send them again next time
                for index, _ in self.stops.first_answers:
                    if index in outcomes:
                        self.ahead.done(index, self._specs[index], outcomes[index], final=False)
            self.ahead.flush()
        if self._done > self._shown:
            self._show()
        why = ("interrupted before it was sent" if self.interrupted
               else "not sent: the run stopped early (see the summary)")
        for index, _ in specs:
            if index not in outcomes:
                outcomes[index] = Outcome(Result.NOT_ATTEMPTED, msg=why)
        return outcomes

    async def _wait(self, workers: list[asyncio.Task[None]]) -> None:
        pending, deadline = set(workers), None
        while pending:
            done, pending = await asyncio.wait(pending, timeout=0.05)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # a bug, not an answer: never hide it as rows not attempted
            if self.stopping and not self._leaving and not any(b.in_flight for b in self._active.values()):
                return  # the rest only wait (a throttle pause, a backoff, a slot): nothing to let end
            if self.interrupted:
                deadline = deadline or self.pacer.now() + self.options.interrupt_grace
                if self._cut_off or self.pacer.now() >= deadline:
                    return

    async def _worker(self, groups: Iterator[list[tuple[int, TicketUpdate]]],
                      outcomes: dict[int, Outcome]) -> None:
        for group in groups:
            for index, spec in group:
                if self.stopping:
                    return
                budget = self._active[index] = RowBudget()
                outcome = await self.send_row(spec, budget, index)
                del self._active[index]
                if outcome is None:
                    return  # stopped while waiting for its slot: nothing was sent
                if index in self._maybe_applied and outcome.result is Result.OK and budget.attempts > 1:
                    outcome = replace(outcome, msg=f"{outcome.msg}; sent again after an answer that left it unknown: "
                                                   f"{MAYBE_TWICE}")
                outcomes[index] = outcome
                if self.reading and outcome.result is Result.OK and budget.last is not None:
                    self.fetched[index] = budget.last.answer.data
                if self.ahead is not None:
                    self.ahead.done(index, spec, outcome)
                self._count(outcome, spec)

    async def send_row(self, spec: TicketUpdate, budget: RowBudget, index: int) -> Outcome | None:
        """One row, retried as the policy says; None if the run stopped before it was sent."""
        await self.policy.run(self._attempt, budget, spec, budget, index)
        return self._outcome(budget.last, budget) if budget.last is not None else None

    async def _attempt(self, spec: TicketUpdate, budget: RowBudget, index: int) -> Attempt | None:
        """One request of a row, in its slot; None when the run stopped before it left."""
        await self.pacer.acquire()
        try:
            return await self._leave(spec, budget, index)
        finally:
            self.pacer.release()

    async def _leave(self, spec: TicketUpdate, budget: RowBudget, index: int) -> Attempt | None:
        if self.stopping:
            return None
        self._leaving.add(index)  # kept if cut off here: send_all says it was not sent
        if self.ahead is not None and not budget.attempts:
            try:
                await self.ahead.sending(index, spec)  # committed before the request leaves
            except BatchUpdaterError as e:  # the journal cannot be written (a full disk): stop, as Ctrl-C does
                self._leaving.discard(index)
                if self.stop_reason is None:
                    self.stop_error, self.stop_reason = e, str(e)
                    event("stopped", f"stopping: {e}", level=logging.ERROR)
                return None
        sent_at = await self.pacer.depart()
        self._leaving.discard(index)
        if self.stopping:  # the run stopped meanwhile: it does not leave
            if self.ahead is not None and not budget.attempts:
                self.ahead.done(index, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
            return None
        if budget.attempts:
            event("retry", f"row {spec.row}: sending ticket {spec.ticket_id} again (attempt "
                  f"{budget.attempts + 1})", row=spec.row, ticket_id=spec.ticket_id, attempt=budget.attempts + 1)
        budget.in_flight = True
        try:
            if self.operation is not None:
                answer = await self.operation(spec)
            else:
                budget.payload = budget.payload or encode_body(spec.body)
                answer = await self.client.update(spec.ticket_id, budget.payload)
        except BatchUpdaterError as e:  # a token refresh refused for good: nothing was applied
            budget.in_flight = False
            self.stop_error = self.stop_error or e
            self.stop_reason = self.stop_reason or str(e)
            if self.ahead is not None and not budget.attempts:  # it never left: not done
                self.ahead.done(index, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
            return None
        budget.in_flight = False  # (left set when the request is cut off: it may have been applied)
        verdict = classify(answer, has_comment=spec.has_comment, retry_comments=self.options.retry_comments)
        if verdict.step is Step.RETRY and spec.has_comment and answer.transport is not Transport.NOT_CONNECTED:
            self._maybe_applied.add(index)  # sent again (--retry-comments) after an answer that proves nothing
        budget.record(verdict.step)
        self._observe(answer, verdict, sent_at, index)
        budget.last = Attempt(answer, verdict)
        return budget.last

    def _observe(self, answer: Answer, verdict: Verdict, sent_at: float, index: int) -> None:
        now = self.pacer.now()
        if verdict.step is Step.THROTTLED:
            self.stats.throttle_times.append(now)
            paused_until = self.pacer.controller.paused_until
            self.pacer.throttled(answer.reset_after, sent_at)
            if self.pacer.controller.paused_until > paused_until:
                event("throttle_pause", f"throttled: every worker pauses {self.pacer.controller.paused_until - now:.1f}"
                      f" s; rate now {self.pacer.controller.rate:.2f}/s", level=logging.WARNING,
                      pause_s=round(self.pacer.controller.paused_until - now, 3),
                      rate=round(self.pacer.controller.rate, 3), log_id=answer.log_id)
        elif answer.http_status is not None and answer.transport is None:
            self.stats.accepted_times.append(now)
            self.pacer.accepted(sent_at)
        reason = self.stops.observe(answer, verdict, index)
        if reason is not None and self.stop_reason is None:
            self.stop_reason = reason
            event("stopped", f"stopping: {reason}", level=logging.ERROR, code=answer.code)

    def _outcome(self, last: Attempt, budget: RowBudget) -> Outcome:
        answer, verdict = last.answer, last.verdict
        result, msg = verdict.result, (answer.describe() if answer.code != 0 else "success")
        if verdict.note:
            msg = f"{msg}; {verdict.note}" if msg else verdict.note
        if result is None and verdict.step is Step.THROTTLED and self.stopping and not budget.failures:
            result, msg = Result.NOT_ATTEMPTED, "not applied: throttled, then the run stopped"
        elif result is None:  # retries ran out, or the job stopped before the next one
            why = "the run stopped" if self.stopping else f"{budget.attempts} attempts"
            result, msg = Result.FAILED, f"gave up after {why}; last answer: {_answer_text(answer)}"
        failure = answer.msg if answer.transport is not None and answer.code is None else ""
        return Outcome(result, answer.http_status, answer.code, msg, answer.log_id, budget.attempts,
                       self._finished_at(), failure)

    def _cut_off_outcomes(self) -> dict[int, Outcome]:
        """Rows whose worker was stopped: in flight (it may have been applied), or waiting to be
        sent again (its last answer stands); a row never sent gets none here."""
        outcomes = {}
        for index, budget in self._active.items():
            if budget.in_flight:
                outcomes[index] = Outcome(Result.UNKNOWN, msg="interrupted while its request was in flight: it "
                                          "may have been applied", attempts=budget.attempts + 1,
                                          finished_at=now_text())
            elif budget.last is not None:
                outcomes[index] = self._outcome(budget.last, budget)
        return outcomes

    def _count(self, outcome: Outcome, spec: TicketUpdate) -> None:
        if outcome.result in (Result.FAILED, Result.UNKNOWN):
            what = (f"reading ticket {spec.ticket_id} (row {spec.row})" if self.reading
                    else f"row {spec.row} (ticket {spec.ticket_id})")
            event(("read_" if self.reading else "row_") + outcome.result.value,
                  f"{what} {outcome.result.value}: {outcome.msg}", level=logging.WARNING, row=spec.row,
                  ticket_id=spec.ticket_id,
                  http_status=outcome.http_status, code=outcome.code, log_id=outcome.log_id,
                  attempts=outcome.attempts)
        self._done += 1
        key = outcome.result.value
        self._counts[key] = self._counts.get(key, 0) + 1
        if self.on_progress is not None:
            now = self.pacer.now()
            if now >= self._next_progress or self._done == self._total:
                self._next_progress = now + self.options.progress_every
                self._show(now)

    def _show(self, now: float | None = None) -> None:
        if self.on_progress is not None:
            self._shown = self._done
            controller = self.pacer.controller
            self.on_progress(Progress(self._done, self._total, dict(self._counts), controller.rate,
                                      controller.paused_until > (self.pacer.now() if now is None else now),
                                      self.reading, controller.throttles, controller.pauses))


def _answer_text(answer: Answer) -> str:
    if answer.code is None:
        return answer.msg
    return f"HTTP {answer.http_status} {answer.code} {answer.describe()}".strip()
