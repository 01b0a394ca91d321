"""The comment ledger every job on the machine shares: reserve before sending, one holder per
comment, released only with proof nothing was posted; a job started over keeps its comments."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from batch_updater.jobs.journal import Journal
from batch_updater.jobs.ledger import Holder, Ledger, open_ledger
from batch_updater.jobs.resume import Plan, comment_key, hold_reserved, nothing_posted
from batch_updater.model import Outcome, Result, TicketUpdate

A = TicketUpdate(2, "1", {"comment": "hello"})
B = TicketUpdate(3, "2", {"comment": "there", "status": 2})
PLAIN = TicketUpdate(4, "3", {"status": 2})


def ledger(tmp_path, holder, job="job-a", input="/data/a.csv", helpdesk="h1"):
    return Ledger(tmp_path / "ledger" / "comments.sqlite", api="http://127.0.0.1:1", helpdesk=helpdesk,
                  holder=holder, job=job, input=input)


def test_one_holder_per_comment_until_it_is_released(tmp_path):
    mine, theirs = ledger(tmp_path, "a"), ledger(tmp_path, "b", job="job-b", input="/data/b (1).csv")
    assert mine.update([("k1", "1"), ("k2", "2")]).new == {"k1", "k2"}
    claimed = theirs.update([("k1", "1"), ("k3", "3")])
    assert claimed.new == {"k3"} and set(claimed.others) == {"k1"}
    assert claimed.others["k1"].name("job-b").startswith("another run (a.csv, since ")
    assert mine.update([("k1", "1")]).new == set()  # already mine: nothing to do, nobody else's
    assert set(theirs.others(["k1", "k2", "k3", "k9"])) == {"k1", "k2"}
    theirs.update((), ["k1"])  # not theirs to release
    mine.update((), ["k2"])
    assert set(theirs.others(["k1", "k2"])) == {"k1"} and theirs.update([("k2", "2")]).new == {"k2"}
    assert set(ledger(tmp_path, "c", helpdesk="h2").others(["k1", "k2", "k3"])) == set()  # another helpdesk
    taken = ledger(tmp_path, "d", job="job-d").update([("k1", "1")], take_over=True)
    assert set(taken.taken_over) == {"k1"} and set(mine.others(["k1"])) == {"k1"}


@pytest.mark.usefixtures("cli_words")
def test_rows_whose_comment_another_holder_has_are_sent_without_it_or_skipped():
    other = Holder("b", "job-b", "/data/b.csv", "2026-12-07T10:00:00+08:00")
    before_fresh = Holder("a-old", "job-a", "/data/a.csv", "2026-12-06T10:00:00+08:00")
    plan = Plan([(0, A), (1, B), (2, PLAIN), (3, TicketUpdate(5, "4", {"comment": "mine"}))])
    held = hold_reserved(plan, {comment_key(A): other, comment_key(B): before_fresh}, "job-a", False)
    assert held == {0: other, 1: before_fresh}
    assert [(i, spec.body) for i, spec in plan.to_send] == [(1, {"status": 2}), (2, PLAIN.body),
                                                            (3, {"comment": "mine"})]
    assert plan.held[0].result is Result.SKIPPED and "another run (b.csv, since 2026-12-07" in plan.held[0].msg
    assert "this job, before it was started over (--fresh)" in plan.notes[1]
    forced = Plan([(0, A), (1, B)])
    hold_reserved(forced, {comment_key(A): other}, "job-a", True)  # --retry-comments: sent, and said so
    assert [spec for _, spec in forced.to_send] == [A, B] and list(forced.retried) == [0]


@pytest.mark.parametrize("outcome, retry_comments, released", [
    (Outcome(Result.OK, 200, 0), False, False),
    (Outcome(Result.UNKNOWN, msg="timeout"), False, False),
    (Outcome(Result.FAILED, 400, 154000, attempts=1), False, True),
    (Outcome(Result.FAILED, msg="gave up after 5 attempts; last answer: connection refused", attempts=5), False, True),
    (Outcome(Result.FAILED, msg="gave up after 5 attempts; last answer: no answer", attempts=5), True, False),
    (Outcome(Result.NOT_ATTEMPTED, msg="not sent"), True, True),
])
def test_only_proof_that_nothing_was_posted_releases_a_comment(outcome, retry_comments, released):
    assert nothing_posted(outcome, retry_comments) is released


def test_a_journal_brings_the_ledger_in_line_and_a_new_journal_is_another_holder(tmp_path):
    path = tmp_path / "ledger" / "comments.sqlite"
    meta = {"api": "http://127.0.0.1:1", "helpdesk": "h1", "input": "/data/a.csv"}
    journal = Journal(tmp_path / "a.sqlite")  # as an earlier version left it: no ledger at all
    journal.sending("r0", 2, "1", comment_key(A), 1000)
    journal.done("r0", Outcome(Result.OK, 200, 0), True)
    journal.sending("r1", 3, "2", comment_key(B), 1000)
    journal.done("r1", Outcome(Result.FAILED, 404, 154004), True)
    first = open_ledger(journal, path, meta, "job-a")
    holder = journal.get_meta("holder")
    first.update([("stale", "9")])  # reserved, then the run was killed before its row was marked
    first.close()
    again = open_ledger(journal, path, meta, "job-a")
    assert journal.get_meta("holder") == holder and again.others([comment_key(A)]) == {}
    fresh = Journal(tmp_path / "a-fresh.sqlite")  # --fresh: a new journal of the same job
    started_over = open_ledger(fresh, path, meta, "job-a")
    seen = started_over.others([comment_key(A), comment_key(B), "stale"])
    assert list(seen) == [comment_key(A)] and seen[comment_key(A)].name("job-a").startswith("this job, before")


def test_a_damaged_ledger_is_a_clear_error_before_anything_is_sent(tmp_path):
    from batch_updater.errors import UsageError
    from batch_updater.jobs.resume import job_files, open_job

    files = job_files({"v": 3, "input": "a.csv"}, {"BATCH_UPDATER_STATE_DIR": str(tmp_path)})
    files.ledger.parent.mkdir(parents=True)
    files.ledger.write_bytes(b"not a database" * 100)
    with pytest.raises(UsageError, match="comment ledger .* cannot be used"), \
            open_job(files, fresh=False, meta={"api": "x", "helpdesk": "h", "input": "a.csv"}):
        pass


def _open_new_ledger(path: str, holder: str, start) -> str:
    start.wait()
    try:
        Ledger(Path(path), api="http://127.0.0.1:1", helpdesk="h1", holder=holder, job=holder, input="x").close()
        return "ok"
    except Exception as e:  # noqa: BLE001 - the test reports what the other process met
        return repr(e)


def test_two_processes_creating_the_ledger_at_once_both_open_it(tmp_path):
    """Two runs started together each create the ledger: SQLite refused the second one's WAL switch
    at once ("database is locked", 35 of 40 pairs) until its set-up was serialised."""
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager, context.Pool(2) as pool:
        for attempt in range(10):
            path = tmp_path / str(attempt) / "comments.sqlite"
            path.parent.mkdir()
            start = manager.Barrier(2)
            assert pool.starmap(_open_new_ledger, [(str(path), "a", start), (str(path), "b", start)]) == ["ok", "ok"]
