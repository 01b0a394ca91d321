"""Written ahead with grouped transactions: the real Sender and a real SQLite journal against the
sandbox. No request leaves before its row's `sending` mark is committed (another connection to
the journal file sees it), and a row marked but stopped before it left is not left `sending`."""

from __future__ import annotations

import json
import sqlite3

import pytest

from batch_updater.feishu.client import HelpdeskClient
from batch_updater.jobs.journal import Journal
from batch_updater.jobs.resume import JobJournal, row_keys
from tests.support.send_harness import send_rows, updates

UNLIMITED = [(1_000_000, 1.0)]


def _body(body):
    return json.dumps(json.loads(body) if isinstance(body, bytes) else body, sort_keys=True)


async def test_no_request_leaves_before_its_rows_sending_mark_is_committed(make_sandbox, tmp_path, monkeypatch):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=64)
    specs = updates(sb, 300, comment=True)
    keys = row_keys(specs)
    key_of = {(spec.ticket_id, _body(spec.body)): keys[index] for index, spec in specs}
    journal = Journal(tmp_path / "job.sqlite")
    observer = sqlite3.connect(tmp_path / "job.sqlite")  # sees only what is committed
    seen_when_sent = []
    real_update = HelpdeskClient.update

    async def update(self, ticket_id, body):
        key = key_of[(ticket_id, _body(body))]
        row = observer.execute("SELECT state FROM rows WHERE key = ?", (key,)).fetchone()
        seen_when_sent.append(row[0] if row else None)
        return await real_update(self, ticket_id, body)

    monkeypatch.setattr(HelpdeskClient, "update", update)
    run = await send_rows(sb, specs, concurrency=32, journal=JobJournal(journal, keys, 1000))
    observer.close()
    entries = journal.entries()
    journal.close()
    assert run.results() == {"ok": 300}
    assert seen_when_sent == ["sending"] * 300  # every request: its mark was already committed
    assert run.sender.ahead.transactions < 300  # rows shared transactions
    assert {(e.state, e.final, e.outcome.result.value) for e in entries.values()} == {("done", True, "ok")}


@pytest.mark.parametrize("cut_off", [False, True], ids=["interrupt", "second interrupt"])
async def test_rows_marked_when_the_run_stops_do_not_leave_and_are_not_left_sending(make_sandbox, tmp_path, cut_off):
    sb = await make_sandbox(rates=UNLIMITED, n_tickets=20)
    specs = updates(sb, 40, comment=True)
    keys = row_keys(specs)
    journal = Journal(tmp_path / "job.sqlite")
    holder = {}

    class InterruptedWhileWriting(JobJournal):
        def write(self, sending, done):
            super().write(sending, done)
            if sending:
                holder["sender"].interrupt()  # Ctrl-C while the first marks were written
                if cut_off:
                    holder["sender"].interrupt()

    run = await send_rows(sb, specs, concurrency=8, journal=InterruptedWhileWriting(journal, keys, 1000),
                          on_start=lambda sender: holder.setdefault("sender", sender))
    entries = journal.entries()
    journal.close()
    assert sb.stats()["requests"] == 0 and run.results() == {"not_attempted": 40}
    assert entries  # some rows were marked before the interrupt
    # each marked row says it was not sent, and is sent when the job is run again
    assert {(e.state, e.final, e.outcome.result.value) for e in entries.values()} == {
        ("done", False, "not_attempted")}
