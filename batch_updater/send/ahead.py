"""The sender's journal writes, grouped into few transactions and still written ahead.

- A row's `sending` mark is committed before its request leaves. The rows whose
  workers ask meanwhile share one transaction, written at the start of the
  next turn of the event loop; when the last marks were written for several
  rows at once (rows are asking concurrently), not before MARK_GAP after the
  previous transaction. Each waits for it before sending. At tens of rows a
  second a row seldom waits, and rows sent one at a time never; at thousands,
  20-30 rows share a transaction (4 without the gap), for up to 2 ms more on
  each row's way out.
- A row's `done` mark may lag: it is held until the next transaction, at most
  DONE_LAG seconds or DONE_ROWS rows. A crash in between leaves the row
  `sending`, which a resumed job treats as a row cut off in flight: sent again
  if it has no comment, read back if it has one (resume.py, the comment rule).

One commit per request cost about 35 µs of CPU each, two per row (bench/README.md).
A journal that cannot write many rows at once (no `write`) is written row by
row, in the same order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from batch_updater.model import Outcome, TicketUpdate

DONE_LAG = 0.01  # seconds a `done` mark may wait for the next transaction
DONE_ROWS = 256  # `done` marks held at most
MARK_GAP = 0.002  # seconds from one transaction to marks that may wait for more rows to join them

Sending = tuple[int, TicketUpdate]
Done = tuple[int, TicketUpdate, Outcome, "bool | None"]


class RowJournal(Protocol):
    """Where the sender writes ahead (jobs/resume.py): before a row's first request, and its outcome."""

    def sending(self, index: int, spec: TicketUpdate) -> None: ...

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None: ...


class BatchJournal(RowJournal, Protocol):
    def write(self, sending: Sequence[Sending], done: Sequence[Done]) -> None:
        """Both lists in one transaction, `sending` first (a row cut off before it left is marked,
        then said not sent), committed when this returns."""


class WriteAhead:
    """Groups a journal's writes; `await sending(...)` returns once the mark is committed."""

    def __init__(self, journal: RowJournal) -> None:
        self.journal = journal
        self._sending: list[Sending] = []
        self._done: list[Done] = []
        self._waiting: list[asyncio.Future[None]] = []  # one per row asking this turn (a row cut off
        # cancels its own wait only); resolved once their marks are committed
        self._timer: asyncio.TimerHandle | None = None
        self._error: Exception | None = None  # a write that failed where nobody waited for it
        self._last_write = float("-inf")  # the loop's time of the last transaction
        self._last_marks = 0  # rows whose marks the last transaction of marks wrote
        self.transactions = 0

    async def sending(self, index: int, spec: TicketUpdate) -> None:
        """Mark the row `sending`; returns once that is committed (raises what the journal raised)."""
        if self._error is not None:
            raise self._error
        loop = asyncio.get_running_loop()
        committed = loop.create_future()
        if not self._waiting:
            wait = self._last_write + MARK_GAP - loop.time()
            if wait > 0 and self._last_marks > 1:  # others are asking too: let them join
                loop.call_later(wait, self._flush_marks)
            else:
                loop.call_soon(self._flush_marks)
        self._sending.append((index, spec))
        self._waiting.append(committed)
        await committed

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None:
        """Record the row's outcome: with the next transaction, within DONE_LAG seconds."""
        self._done.append((index, spec, outcome, final))
        if len(self._done) >= DONE_ROWS:
            self.flush()
        elif self._timer is None and not self._waiting:
            self._timer = asyncio.get_running_loop().call_later(DONE_LAG, self._flush_later)

    def _flush_later(self) -> None:
        self._timer = None
        try:
            self.flush()
        except Exception as e:  # raised to the next row that asks, or by the last flush
            self._error = e

    def _flush_marks(self) -> None:
        waiting, self._waiting = self._waiting, []
        self._last_marks = len(waiting)
        try:
            self.flush()
        except Exception as e:  # each waiting row raises it: its request must not leave
            for committed in waiting:
                if not committed.done():
                    committed.set_exception(e)
            return
        for committed in waiting:
            if not committed.done():
                committed.set_result(None)

    def flush(self) -> None:
        """Write everything held, in one transaction."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        sending, done = self._sending, self._done
        if not sending and not done:
            return
        self._sending, self._done = [], []
        write = getattr(self.journal, "write", None)
        if write is not None:
            write(sending, done)
        else:
            for index, spec in sending:
                self.journal.sending(index, spec)
            for index, spec, outcome, final in done:
                self.journal.done(index, spec, outcome, final)
        self.transactions += 1
        self._last_write = asyncio.get_running_loop().time()
