"""Resume planning: which rows an earlier run did, which to read back, which to send, and
comments never posted twice by an edited row or another job."""

import hashlib
import json
from collections import Counter

from batch_updater.jobs.journal import Entry
from batch_updater.jobs.resume import Elsewhere, comment_key, comment_keys, plan_resume, row_keys
from batch_updater.model import Outcome, Result, TicketUpdate


def entry(key, spec, state, final, outcome, after=None):
    return Entry(key, spec.row, spec.ticket_id, comment_key(spec), state, final, outcome, after)


def test_plan_resume_skips_done_rows_and_reads_back_comment_rows_that_may_be_posted():
    specs = [(0, TicketUpdate(2, "1", {"status": 2})), (1, TicketUpdate(3, "2", {"comment": "c"})),
             (2, TicketUpdate(4, "3", {"comment": "d"})), (3, TicketUpdate(5, "4", {"status": 2})),
             (4, TicketUpdate(6, "5", {"comment": "e"}))]
    keys = {i: f"k{i}" for i, _ in specs}
    entries = {
        "k0": entry("k0", specs[0][1], "done", True, Outcome(Result.OK)),
        "k1": entry("k1", specs[1][1], "sending", False, None, 1000),
        "k2": entry("k2", specs[2][1], "done", True, Outcome(Result.UNKNOWN, msg="timeout")),
        "k3": entry("k3", specs[3][1], "done", False, Outcome(Result.FAILED, 500, 155000)),
    }
    plan = plan_resume(specs, keys, entries, retry_comments=False)
    assert list(plan.earlier) == [0] and sorted(plan.crashed) == [1, 2]  # 2: unknown, read back again
    assert plan.crashed[2].msg == "timeout"
    assert [i for i, _ in plan.to_send] == [3, 4] and plan.sent_after == {1: 1000}
    accepted = plan_resume(specs, keys, entries, retry_comments=True)  # the user accepts the risk
    assert list(accepted.earlier) == [0] and [i for i, _ in accepted.to_send] == [1, 2, 3, 4]


def test_an_edited_row_whose_comment_was_posted_is_sent_without_it():
    before = [(0, TicketUpdate(2, "1", {"status": 2, "comment": "hello"})),
              (1, TicketUpdate(3, "2", {"comment": "only a comment"}))]
    old_keys = row_keys(before)
    entries = {old_keys[i]: entry(old_keys[i], spec, "done", True, Outcome(Result.OK)) for i, spec in before}
    edited = [(0, TicketUpdate(2, "1", {"status": 4, "comment": "hello"})),  # the status cell changed
              (1, TicketUpdate(3, "2", {"comment": "only a comment", "status": 51}))]
    plan = plan_resume(edited, row_keys(edited), entries, retry_comments=False)
    assert [(i, spec.body) for i, spec in plan.to_send] == [(0, {"status": 4}), (1, {"status": 51})]
    assert "already posted it on this ticket" in plan.notes[0] and "from a row since edited" in plan.notes[0]
    forced = plan_resume(edited, row_keys(edited), entries, retry_comments=True)
    assert [spec.body for _, spec in forced.to_send] == [spec.body for _, spec in edited]


def test_a_comment_another_job_posted_is_not_posted_again_and_a_comment_only_row_is_skipped():
    specs = [(0, TicketUpdate(2, "1", {"comment": "hello"})), (1, TicketUpdate(3, "1", {"comment": "hello"})),
             (2, TicketUpdate(4, "2", {"comment": "hello", "tag_names": ["x"]}))]
    others = Elsewhere(posted=Counter({comment_key(specs[0][1]): 1, comment_key(specs[2][1]): 1}))
    plan = plan_resume(specs, row_keys(specs), {}, retry_comments=False, elsewhere=others)
    assert list(plan.held) == [0] and plan.held[0].result is Result.SKIPPED
    assert "another run" in plan.held[0].msg
    # the second "hello" on ticket 1 is one more than was posted: it is sent
    assert [(i, spec.body) for i, spec in plan.to_send] == [(1, {"comment": "hello"}), (2, {"tag_names": ["x"]})]


def test_a_failed_row_does_not_hide_a_comment_an_edited_row_posted():
    """Only rows whose comment was (or may have been) posted count as posted."""
    failed = TicketUpdate(2, "1", {"comment": "c", "status": 9})
    posted = TicketUpdate(3, "1", {"comment": "c", "tag_names": ["a"]})
    old = row_keys([(0, failed), (1, posted)])
    entries = {old[0]: entry(old[0], failed, "done", True, Outcome(Result.FAILED, 400, 154000)),
               old[1]: entry(old[1], posted, "done", True, Outcome(Result.OK))}
    now = [(0, failed), (1, TicketUpdate(3, "1", {"comment": "c", "tag_names": ["b"]}))]
    plan = plan_resume(now, row_keys(now), entries, retry_comments=False)
    assert [spec.body for _, spec in plan.to_send] == [{"tag_names": ["b"]}]  # the failed row: final, not sent


def test_a_row_sent_without_its_comment_stays_without_it_when_it_is_sent_again():
    """Its comment was held back (posted elsewhere); the row failed for a transient reason: the
    next run sends it again, still without the comment."""
    spec = TicketUpdate(2, "1", {"comment": "hello", "status": 2})
    keys = row_keys([(0, spec)])
    bare = Entry(keys[0], 2, "1", None, "done", False, Outcome(Result.FAILED, 500, 155000))  # sent bare, not final
    plan = plan_resume([(0, spec)], keys, {keys[0]: bare}, retry_comments=False)
    assert [s.body for _, s in plan.to_send] == [{"status": 2}] and "held it back" in plan.notes[0]


def test_a_comment_that_only_may_have_been_posted_holds_the_edited_row_unknown():
    old = TicketUpdate(2, "1", {"comment": "hello", "status": 2})
    new = TicketUpdate(2, "1", {"comment": "hello", "status": 4})
    old_key = row_keys([(0, old)])[0]
    entries = {old_key: entry(old_key, old, "done", True, Outcome(Result.UNKNOWN, msg="timeout"))}
    plan = plan_resume([(0, new)], row_keys([(0, new)]), entries, retry_comments=False)
    assert plan.to_send == [] and plan.held[0].result is Result.UNKNOWN and "may have posted" in plan.held[0].msg
    accepted = plan_resume([(0, new)], row_keys([(0, new)]), entries, retry_comments=True)
    assert [s.body for _, s in accepted.to_send] == [new.body]


def test_row_keys_stay_those_of_earlier_versions():
    """A journal written by an earlier version is resumed: the key is the sha256 of the same JSON."""
    spec = TicketUpdate(2, "6945345902185807891", {"status": 51, "comment": "已关闭", "tag_names": ["a"]})
    text = json.dumps([spec.ticket_id, spec.body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert row_keys([(0, spec), (1, spec)]) == {0: hashlib.sha256(text.encode()).hexdigest()[:32] + ".0",
                                                1: hashlib.sha256(text.encode()).hexdigest()[:32] + ".1"}


def test_a_comment_differing_only_by_spaces_around_it_is_the_same_comment():
    posted = TicketUpdate(2, "1", {"comment": "hello"})
    assert comment_key(posted) == comment_key(TicketUpdate(3, "1", {"comment": " hello\n", "status": 2}))
    assert comment_key(posted) != comment_key(TicketUpdate(3, "2", {"comment": "hello"}))  # another ticket
    entries = {"k": entry("k", posted, "done", True, Outcome(Result.OK))}
    copy = [(0, TicketUpdate(2, "1", {"comment": "hello "}))]  # a copied row with a trailing space
    plan = plan_resume(copy, {0: "k2"}, entries, retry_comments=False)
    assert not plan.to_send and plan.held[0].result is Result.SKIPPED


def test_an_earlier_versions_key_of_a_comment_with_spaces_around_it_is_still_recognised():
    spec = TicketUpdate(2, "1", {"comment": " hello "})
    exact = hashlib.sha256(json.dumps(["1", " hello "], sort_keys=True, ensure_ascii=False,
                                      separators=(",", ":")).encode()).hexdigest()[:32]  # as earlier versions wrote it
    assert comment_keys(spec) == (comment_key(spec), exact)
    old = Entry("k", 2, "1", exact, "done", True, Outcome(Result.OK))
    edited = [(0, TicketUpdate(2, "1", {"comment": " hello ", "status": 3}))]
    plan = plan_resume(edited, {0: "k2"}, {"k": old}, retry_comments=False)
    assert [spec.body for _, spec in plan.to_send] == [{"status": 3}] and "already posted" in plan.notes[0]


def test_a_comment_row_an_earlier_run_sent_that_this_run_did_not_send_stays_maybe_posted(tmp_path):
    """A fresh review: a --retry-comments run stopped before it sent again a row that may have
    been posted wrote it `not_attempted`, so the next plain run (or another job taking over the
    ledger's reservation) posted it again. It stays `sending`: maybe posted, read back."""
    from batch_updater.jobs.journal import Journal, posted
    from batch_updater.jobs.ledger import Holder
    from batch_updater.jobs.resume import JobJournal
    from batch_updater.jobs.stale import Reservations

    spec = TicketUpdate(2, "6945345902185807891", {"comment": "hello"})
    journal = Journal(tmp_path / "job.sqlite")
    journal.set_meta("holder", "h1")
    keys = {0: "row-0"}
    JobJournal(journal, keys, 1).sending(0, spec)  # run 1: killed while it was in flight
    again = JobJournal(journal, keys, 2, attempts_before={0: 1})  # run 2 (--retry-comments)
    again.sending(0, spec)
    again.write([], [(0, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"), None)])  # stopped: not sent
    again.done(0, spec, Outcome(Result.NOT_ATTEMPTED, msg="not sent"))
    entry = journal.entries()["row-0"]
    assert (entry.state, posted(entry)) == ("sending", None)
    journal.close()
    holder = Holder("h1", "job", "/data/a.csv", "now")
    assert not Reservations(tmp_path, "another-job").stale(comment_key(spec), holder)
