"""Issue 18 item 20: a journal that can no longer be written (a full disk) breaks the write-ahead
for good: no row asking then or after leaves, and the marks held are dropped, never raised to a
worker that only records an outcome."""

import asyncio

import pytest

from batch_updater.errors import NoSpace
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.send import ahead
from batch_updater.send.ahead import WriteAhead

SPEC = TicketUpdate(2, "1", {"status": 2})
OK = Outcome(Result.OK, 200, 0, "success")


class FillsUp:
    def __init__(self, room: int) -> None:
        self.room, self.transactions = room, []

    def write(self, sending, done):
        if len(self.transactions) >= self.room:
            raise NoSpace("no space left on /state/jobs")
        self.transactions.append(([i for i, _ in sending], [i for i, *_ in done]))


async def test_rows_asking_when_the_journal_fills_up_do_not_leave_nor_do_those_after():
    writes = WriteAhead(FillsUp(room=1))
    await writes.sending(0, SPEC)
    with pytest.raises(NoSpace):
        await writes.sending(1, SPEC)
    with pytest.raises(NoSpace):  # at once, without trying the journal again
        await writes.sending(2, SPEC)
    writes.done(0, SPEC, OK)
    writes.flush()  # dropped: never raised to the sender's end


async def test_marks_lost_in_a_flush_a_done_mark_caused_fail_the_rows_waiting_for_them(monkeypatch):
    monkeypatch.setattr(ahead, "DONE_ROWS", 2)
    journal = FillsUp(room=1)
    writes = WriteAhead(journal)
    await asyncio.gather(writes.sending(0, SPEC), writes.sending(1, SPEC))  # two at once: the next waits MARK_GAP
    waiting = asyncio.ensure_future(writes.sending(2, SPEC))
    await asyncio.sleep(0)  # row 2's mark is held, its transaction a moment away
    writes.done(0, SPEC, OK)
    writes.done(1, SPEC, OK)  # DONE_ROWS reached: a flush, with row 2's mark in it, fails: not raised here
    with pytest.raises(NoSpace):
        await waiting  # row 2 never leaves without its mark
    assert journal.transactions == [([0, 1], [])]
