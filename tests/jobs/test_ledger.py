"""The comment ledger every job on the machine shares: reserve before sending, one holder per
comment, released only with proof nothing was posted; a job started over keeps its comments."""

from __future__ import annotations

import pytest

from batch_updater.jobs.journal import Journal
from batch_updater.jobs.ledger import Ledger, open_ledger
from batch_updater.jobs.resume import JobJournal, comment_key, nothing_posted
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


def test_a_rows_comment_is_reserved_before_its_mark_and_a_row_another_job_has_is_refused(tmp_path):
    theirs = ledger(tmp_path, "b", job="job-b", input="/data/b.csv")
    theirs.update([(comment_key(B), "2")])
    journal = Journal(tmp_path / "a.sqlite")
    keys = {0: "r0", 1: "r1", 2: "r2"}
    hooks = JobJournal(journal, keys, 1000, ledger(tmp_path, "a"), job="job-a")
    refused = hooks.write([(0, A), (1, B), (2, PLAIN)], [])
    assert list(refused) == [1] and "another run (b.csv" in refused[1]
    assert sorted(journal.entries()) == ["r0", "r2"]  # the refused row is not marked: it does not leave
    hooks.write([], [(0, A, Outcome(Result.FAILED, 404, 154004, attempts=1), None),
                     (1, B, Outcome(Result.SKIPPED, msg=refused[1]), None)])
    assert set(theirs.others([comment_key(A), comment_key(B)])) == set()  # A released (proof), B still theirs
    assert theirs.update([(comment_key(B), "2")]).new == set()


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
