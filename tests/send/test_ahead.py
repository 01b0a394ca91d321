"""The sender's grouped journal writes: a mark is committed before `sending` returns, the rows
asking in one turn share a transaction, `done` marks ride along or follow within DONE_LAG."""

import asyncio

import pytest

from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.send import ahead
from batch_updater.send.ahead import WriteAhead

SPEC = TicketUpdate(2, "1", {"status": 2})
OK = Outcome(Result.OK, 200, 0, "success")


class Recording:
    """A journal that writes many rows at once; each write is one 'transaction'."""

    def __init__(self, fail: bool = False) -> None:
        self.transactions: list[tuple[list[int], list[int]]] = []
        self.fail = fail

    def sending(self, index, spec):
        raise AssertionError("written row by row")

    def done(self, index, spec, outcome, final=None):
        raise AssertionError("written row by row")

    def write(self, sending, done):
        if self.fail:
            raise OSError("disk full")
        self.transactions.append(([i for i, _ in sending], [i for i, *_ in done]))


async def test_rows_asking_in_one_turn_share_a_transaction_committed_before_they_go_on():
    journal = Recording()
    writes = WriteAhead(journal)
    went_on = []

    async def row(index):
        await writes.sending(index, SPEC)
        went_on.append((index, len(journal.transactions)))

    await asyncio.gather(*(row(i) for i in range(5)))
    assert journal.transactions == [([0, 1, 2, 3, 4], [])]
    assert sorted(went_on) == [(i, 1) for i in range(5)]  # each went on once its mark was written
    await row(5)
    assert journal.transactions[1] == ([5], []) and writes.transactions == 2


async def test_done_marks_ride_with_the_next_transaction():
    journal = Recording()
    writes = WriteAhead(journal)
    writes.done(0, SPEC, OK)
    writes.done(1, SPEC, OK)
    assert journal.transactions == []  # held: they may lag
    await writes.sending(2, SPEC)
    assert journal.transactions == [([2], [0, 1])]


async def test_done_marks_are_written_within_the_lag_when_no_row_asks(monkeypatch):
    monkeypatch.setattr(ahead, "DONE_LAG", 0.0)  # the timer fires on the loop's next turns
    journal = Recording()
    writes = WriteAhead(journal)
    writes.done(0, SPEC, OK)
    for _ in range(3):
        await asyncio.sleep(0)
    assert journal.transactions == [([], [0])]


async def test_many_done_marks_are_written_at_once(monkeypatch):
    monkeypatch.setattr(ahead, "DONE_ROWS", 3)
    journal = Recording()
    writes = WriteAhead(journal)
    for i in range(3):
        writes.done(i, SPEC, OK)
    assert journal.transactions == [([], [0, 1, 2])]
    writes.flush()
    assert len(journal.transactions) == 1  # nothing left to write


async def test_a_failed_write_is_raised_to_every_row_waiting_for_it():
    writes = WriteAhead(Recording(fail=True))
    results = await asyncio.gather(*(writes.sending(i, SPEC) for i in range(3)), return_exceptions=True)
    assert [type(r) for r in results] == [OSError] * 3


async def test_a_failed_lagging_write_is_raised_by_the_next_row_that_asks(monkeypatch):
    monkeypatch.setattr(ahead, "DONE_LAG", 0.0)
    writes = WriteAhead(Recording(fail=True))
    writes.done(0, SPEC, OK)
    for _ in range(3):
        await asyncio.sleep(0)
    with pytest.raises(OSError, match="disk full"):
        await writes.sending(1, SPEC)


async def test_a_journal_without_write_is_written_row_by_row_in_order():
    calls = []

    class RowByRow:
        def sending(self, index, spec):
            calls.append(("sending", index))

        def done(self, index, spec, outcome, final=None):
            calls.append(("done", index, final))

    writes = WriteAhead(RowByRow())
    writes.done(0, SPEC, OK, False)
    await asyncio.gather(writes.sending(1, SPEC), writes.sending(2, SPEC))
    assert calls == [("sending", 1), ("sending", 2), ("done", 0, False)]


async def test_rows_asking_soon_after_a_transaction_wait_for_the_gap_and_share_the_next():
    journal = Recording()
    writes = WriteAhead(journal)
    loop = asyncio.get_running_loop()
    written_at = []
    real_write = journal.write

    def write(sending, done):
        written_at.append(loop.time())
        real_write(sending, done)

    journal.write = write
    went_on = []

    async def row(index):
        await writes.sending(index, SPEC)
        went_on.append(index)

    await asyncio.gather(row(0), row(1))  # rows asking together: the first transaction, at once
    first = asyncio.ensure_future(row(2))
    await asyncio.sleep(0)  # row 2 asked within the gap: it waits for it...
    second = asyncio.ensure_future(row(3))  # ...and row 3, asking meanwhile, shares its transaction
    await asyncio.gather(first, second)
    assert journal.transactions == [([0, 1], []), ([2, 3], [])] and sorted(went_on) == [0, 1, 2, 3]
    assert written_at[1] - written_at[0] >= ahead.MARK_GAP - 1e-6


async def test_rows_sent_one_at_a_time_never_wait_for_the_gap(monkeypatch):
    monkeypatch.setattr(ahead, "MARK_GAP", 3600.0)  # a row that waited for it would never go on
    journal = Recording()
    writes = WriteAhead(journal)
    for index in range(3):
        if index:
            writes.done(index - 1, SPEC, OK)
        await asyncio.wait_for(writes.sending(index, SPEC), timeout=5)
    assert journal.transactions == [([0], []), ([1], [0]), ([2], [1])]
