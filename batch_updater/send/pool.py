"""The worker pool: every valid row through the client, paced, retried, in order per ticket.

- at most `concurrency` requests in flight; rows for one ticket go one after
  another, in file order, never at the same time;
- a refused credential stops the job at once: rows in flight end, the rest are
  `not_attempted`; so do the other stop rules (send/stops.py: first answers all
  154003, an API that cannot be reached at the start or stops answering mid-run);
- an interrupt (Ctrl-C, SIGTERM) stops the same way, waiting a bounded time for
  the requests in flight.

The pool sees its pacing only through the `Limiter` protocol (limiter.py), and what an attempt
sends through an `Operation` (the row's update, or a read of its ticket). Its stop rules are
stops.py's `StopRules`, its counts and progress tally.py's `Tally`; session.py's `make_sender`
puts them together.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from batch_updater.control import RunProgress
from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.classify import Attempt, Step, Verdict, classify
from batch_updater.feishu.client import Answer, HelpdeskClient, Transport, encode_body
from batch_updater.i18n import N_, tr
from batch_updater.logs import event
from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.send.ahead import RowJournal, WriteAhead
from batch_updater.send.collector import fewer_collections
from batch_updater.send.limiter import Limiter
from batch_updater.send.retry import RetryPolicy, RowBudget
from batch_updater.send.stops import StopRules
from batch_updater.send.tally import SendStats, Tally

# A row's msg, and the warning's; said the same by every front end (a row's msg in an earlier run's
# journal is looked for by it), so it names no option.
MAYBE_TWICE = N_("its comment may now be on the ticket twice (comments were retried, as asked)")


@dataclass
class SendOptions:
    concurrency: int = 64  # at most; the pacer keeps in flight what the rate needs at the latency
    max_attempts: int = 5
    retry_comments: bool = False
    interrupt_grace: float = 30.0  # seconds to let requests in flight end after an interrupt
    # `on_progress` is called for the first row, the last, and at most once per this many seconds
    # between (0: every row): a display needs no more, and at thousands of rows a second each call costs.
    progress_every: float = 0.1


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


class Operation(Protocol):
    """What one attempt of a row sends, and (its label) what the run calls its rows."""

    reading: bool  # GETs of tickets, logged and shown as tickets read, not updates sent

    def __call__(self, spec: TicketUpdate, budget: RowBudget) -> Awaitable[Answer]: ...


class Update:
    """The row's update (PUT), its body encoded once and kept for a retry."""

    reading = False

    def __init__(self, client: HelpdeskClient) -> None:
        self.client = client

    def __call__(self, spec: TicketUpdate, budget: RowBudget) -> Awaitable[Answer]:
        budget.payload = budget.payload or encode_body(spec.body)
        return self.client.update(spec.ticket_id, budget.payload)


class Read:
    """The row's ticket (GET), its last answer kept by ticket id (`answers`)."""

    reading = True

    def __init__(self, client: HelpdeskClient) -> None:
        self.client = client
        self.answers: dict[str, Answer] = {}

    async def __call__(self, spec: TicketUpdate, budget: RowBudget) -> Answer:
        answer = self.answers[spec.ticket_id] = await self.client.get_ticket(spec.ticket_id)
        return answer


class Sender:
    """The workers of one pass over rows, through `limiter`; `operation` is what each attempt sends
    (the row's update by default). Its stop rules are `stops`, its counts `tally`."""

    def __init__(self, client: HelpdeskClient, pacer: Limiter, options: SendOptions, *,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, rng: random.Random | None = None,
                 on_progress: Callable[[RunProgress], None] | None = None,
                 journal: RowJournal | None = None, operation: Operation | None = None) -> None:
        self.operation: Operation = operation or Update(client)
        self.pacer = pacer  # any Limiter
        self.options = options
        self.stops = StopRules(client.origin, reading=self.operation.reading)
        self.policy = RetryPolicy(max_attempts=options.max_attempts, stopping=lambda: self.stops.stopping,
                                  sleep=sleep, rng=rng or random.Random())
        self.tally = Tally(pacer, on_progress, options.progress_every, reading=self.operation.reading)
        self.ahead = WriteAhead(journal) if journal is not None else None  # the journal's writes, grouped
        self._active: dict[int, RowBudget] = {}
        self._leaving: set[int] = set()  # rows past their slot, not yet sent: their mark, a departure check
        self._finished_at = FinishedAt()

    @property
    def stopping(self) -> bool:
        return self.stops.stopping

    @property
    def stop_reason(self) -> str | None:
        return self.stops.stop_reason

    @property
    def stop_error(self) -> BatchUpdaterError | None:
        return self.stops.stop_error

    @property
    def interrupted(self) -> bool:
        return self.stops.interrupted

    @property
    def stats(self) -> SendStats:
        return self.tally.stats

    def interrupt(self) -> None:
        """Stop sending; requests in flight may end. A second call cuts them off."""
        self.stops.interrupt()

    async def send_all(self, specs: Sequence[tuple[int, TicketUpdate]]) -> dict[int, Outcome]:
        """Outcomes by row index for every spec; rows never sent are `not_attempted`."""
        outcomes: dict[int, Outcome] = {}
        self.tally.start(len(specs))
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
            self.tally.finished()
            if self.ahead is not None:
                self.ahead.flush()
        cut_off = self._cut_off_outcomes()
        outcomes.update(cut_off)
        if self.ahead is not None:
            self._write_last(self.ahead, dict(specs), outcomes, cut_off)
        self.tally.show_last()
        why = (tr("interrupted before it was sent") if self.stops.interrupted
               else tr("not sent: the run stopped early (see the summary)"))
        for index, _ in specs:
            if index not in outcomes:
                outcomes[index] = Outcome(Result.NOT_ATTEMPTED, msg=why)
        return outcomes

    def _write_last(self, ahead: WriteAhead, specs: Mapping[int, TicketUpdate], outcomes: Mapping[int, Outcome],
                    cut_off: Mapping[int, Outcome]) -> None:
        """The journal's last marks: the rows cut off, and those never sent."""
        for index, outcome in cut_off.items():
            ahead.done(index, specs[index], outcome)
        for index in self._leaving:  # cut off before its first request left (a retry's last answer stands)
            if not self._active[index].attempts:
                ahead.done(index, specs[index], Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
        if self.stops.forbidden:  # the operator's rights, not the tickets: send them again next time
            for index, _ in self.stops.first_answers:
                if index in outcomes:
                    ahead.done(index, specs[index], outcomes[index], final=False)
        ahead.flush()

    async def _wait(self, workers: list[asyncio.Task[None]]) -> None:
        pending, deadline = set(workers), None
        stops = self.stops
        while pending:
            done, pending = await asyncio.wait(pending, timeout=0.05)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # a bug, not an answer: never hide it as rows not attempted
            if stops.stopping and not self._leaving and not any(b.in_flight for b in self._active.values()):
                return  # the rest only wait (a throttle pause, a backoff, a slot): nothing to let end
            if stops.interrupted:
                deadline = deadline or self.pacer.now() + self.options.interrupt_grace
                if stops.cut_off or self.pacer.now() >= deadline:
                    return

    async def _worker(self, groups: Iterator[list[tuple[int, TicketUpdate]]],
                      outcomes: dict[int, Outcome]) -> None:
        for group in groups:
            for index, spec in group:
                if self.stops.stopping:
                    return
                budget = self._active[index] = RowBudget()
                outcome = await self.send_row(spec, budget, index)
                del self._active[index]
                if outcome is None:
                    return  # stopped while waiting for its slot: nothing was sent
                if budget.maybe_applied and outcome.result is Result.OK and budget.attempts > 1:
                    outcome = replace(outcome, msg=tr("{msg}; sent again after an answer that left it unknown: "
                                                      "{twice}", msg=outcome.msg, twice=tr(MAYBE_TWICE)))
                outcomes[index] = outcome
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
        stops = self.stops
        if stops.stopping:
            return None
        self._leaving.add(index)  # kept if cut off here: send_all says it was not sent
        if self.ahead is not None and not budget.attempts:
            try:
                await self.ahead.sending(index, spec)  # committed before the request leaves
            except BatchUpdaterError as e:  # the journal cannot be written (a full disk): stop, as Ctrl-C does
                self._leaving.discard(index)
                if stops.stop_reason is None:
                    stops.stop(str(e), e)
                    event("stopped", f"stopping: {e}", level=logging.ERROR)
                return None
        sent_at = await self.pacer.depart()
        self._leaving.discard(index)
        if stops.stopping:  # the run stopped meanwhile: it does not leave
            if self.ahead is not None and not budget.attempts:
                self.ahead.done(index, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
            return None
        if budget.attempts:
            event("retry", f"row {spec.row}: sending ticket {spec.ticket_id} again (attempt "
                  f"{budget.attempts + 1})", row=spec.row, ticket_id=spec.ticket_id, attempt=budget.attempts + 1)
        budget.in_flight = True
        try:
            answer = await self.operation(spec, budget)
        except BatchUpdaterError as e:  # a token refresh refused for good: nothing was applied
            budget.in_flight = False
            stops.stop(str(e), e)
            if self.ahead is not None and not budget.attempts:  # it never left: not done
                self.ahead.done(index, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
            return None
        budget.in_flight = False  # (left set when the request is cut off: it may have been applied)
        verdict = classify(answer, has_comment=spec.has_comment, retry_comments=self.options.retry_comments)
        if verdict.step is Step.RETRY and spec.has_comment and answer.transport is not Transport.NOT_CONNECTED:
            budget.maybe_applied = True  # sent again (--retry-comments) after an answer that proves nothing
        budget.record(verdict.step)
        self._observe(answer, verdict, sent_at, index)
        budget.last = Attempt(answer, verdict)
        return budget.last

    def _observe(self, answer: Answer, verdict: Verdict, sent_at: float, index: int) -> None:
        if verdict.step is Step.THROTTLED:
            self.tally.throttled(self.pacer.now())
            pause = self.pacer.answered(sent_at, throttled=True, reset_after=answer.reset_after)
            if pause > 0:
                rate = self.pacer.snapshot().rate  # i18n: en (the operator's log, below)
                event("throttle_pause", f"throttled: every worker pauses {pause:.1f} s; rate now {rate:.2f}/s",
                      level=logging.WARNING, pause_s=round(pause, 3), rate=round(rate, 3), log_id=answer.log_id)
        elif answer.http_status is not None and answer.transport is None:
            self.tally.accepted(self.pacer.now())
            self.pacer.answered(sent_at)
        reason = self.stops.observe(answer, verdict, index)
        if reason is not None and self.stops.stop(reason):
            event("stopped", f"stopping: {reason}", level=logging.ERROR, code=answer.code)

    def _outcome(self, last: Attempt, budget: RowBudget) -> Outcome:
        answer, verdict = last.answer, last.verdict
        result, msg = verdict.result, (answer.describe() if answer.code != 0 else "success")
        if verdict.note:
            msg = f"{msg}; {verdict.note}" if msg else verdict.note
        stopping = self.stops.stopping
        if result is None and verdict.step is Step.THROTTLED and stopping and not budget.failures:
            result, msg = Result.NOT_ATTEMPTED, tr("not applied: throttled, then the run stopped")
        elif result is None:  # retries ran out, or the job stopped before the next one
            last = _answer_text(answer)
            msg = (tr("gave up after the run stopped; last answer: {answer}", answer=last) if stopping else
                   tr("gave up after {n} attempts; last answer: {answer}", n=budget.attempts, answer=last))
            result = Result.FAILED
            if budget.maybe_applied:  # a comment row --retry-comments sent after an answer that proves nothing
                result, msg = Result.UNKNOWN, tr("{msg}; an earlier attempt may have been applied: {twice}", msg=msg,
                                                 twice=tr(MAYBE_TWICE))
        failure = answer.msg if answer.transport is not None and answer.code is None else ""
        return Outcome(result, answer.http_status, answer.code, msg, answer.log_id, budget.attempts,
                       self._finished_at(), failure)

    def _cut_off_outcomes(self) -> dict[int, Outcome]:
        """Rows whose worker was stopped: in flight (it may have been applied), or waiting to be
        sent again (its last answer stands); a row never sent gets none here."""
        outcomes = {}
        for index, budget in self._active.items():
            if budget.in_flight:
                outcomes[index] = Outcome(Result.UNKNOWN, msg=tr("interrupted while its request was in flight: it "
                                                                 "may have been applied"), attempts=budget.attempts + 1,
                                          finished_at=now_text())
            elif budget.last is not None:
                outcomes[index] = self._outcome(budget.last, budget)
        return outcomes

    def _count(self, outcome: Outcome, spec: TicketUpdate) -> None:
        if outcome.result in (Result.FAILED, Result.UNKNOWN):
            reading = self.operation.reading
            what = (f"reading ticket {spec.ticket_id} (row {spec.row})" if reading
                    else f"row {spec.row} (ticket {spec.ticket_id})")
            event(("read_" if reading else "row_") + outcome.result.value,
                  f"{what} {outcome.result.value}: {outcome.msg}", level=logging.WARNING, row=spec.row,
                  ticket_id=spec.ticket_id,
                  http_status=outcome.http_status, code=outcome.code, log_id=outcome.log_id,
                  attempts=outcome.attempts)
        self.tally.count(outcome.result)


def _answer_text(answer: Answer) -> str:
    if answer.code is None:
        return answer.msg
    return f"HTTP {answer.http_status} {answer.code} {answer.describe()}".strip()
