"""Comments never posted twice by reading back or resuming, in the sequences a fresh review found:
a reply after the row, a later row done earlier, a row held back then failing, a comment that only
may have been posted, two rows with the same comment on one ticket. End to end on the sandbox."""
from __future__ import annotations

import os
import sqlite3

from batch_updater.paths import state_dir
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import Faults, SandboxConfig
from tests.run.test_trust_e2e import IDS, UNLIMITED, agent_posts, comments, run
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv


def test_a_reply_after_a_lost_answer_does_not_make_the_comment_posted_twice(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "we fixed it"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(drop_after_apply_rate=1.0))) as ts:
        first = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # applied, answer lost
        ts.call(lambda sb: sb.set_faults(drop_after_apply_rate=0.0))
        agent_posts(ts, IDS[0], "customer: thanks!")  # the customer answers before the resume
        run(tmp_path / "in.csv", ts)
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert posted[IDS[0]].count("we fixed it") == 1, posted[IDS[0]]


def test_a_later_row_done_earlier_keeps_the_first_rows_comment_from_being_posted_twice(tmp_path):
    a = [IDS[1], "first note"]
    b = [IDS[1], "second note"]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(drop_after_apply_rate=1.0))) as ts:
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], a])
        first = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # A applied, answer lost
        ts.call(lambda sb: sb.set_faults(drop_after_apply_rate=0.0))
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], a, b])  # the user adds a row
        second = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # B ok
        run(tmp_path / "in.csv", ts)  # reading back cannot tell A's comment under B's: A is left for a person
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert [o.result.value for o in second.outcomes] == ["unknown", "ok"]
    assert posted[IDS[1]].count("first note") == 1, posted[IDS[1]]


def test_a_row_sent_without_its_comment_that_failed_is_sent_again_still_without_it(tmp_path):
    rows = [["ticket_id", "status", "comment"], [IDS[0], "2", "hello"]]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        write_csv(tmp_path / "a.csv", rows)
        assert run(tmp_path / "a.csv", ts).exit_code == 0          # posts "hello"
        write_csv(tmp_path / "b.csv", [rows[0], [IDS[0], "3", "hello"]])  # a copy, status edited
        ts.call(lambda sb: sb.set_faults(error_rate=1.0))            # 500s: nothing applied
        first = run(tmp_path / "b.csv", ts, max_attempts=1)          # sent without comment, failed
        ts.call(lambda sb: sb.set_faults(error_rate=0.0))
        run(tmp_path / "b.csv", ts)                                  # resume: still without the comment
        posted = comments(ts)
    assert first.outcomes[0].result.value == "failed", first.outcomes
    assert posted[IDS[0]] == ["hello"], posted[IDS[0]]


def test_an_edited_row_whose_comment_only_may_have_been_posted_stays_unknown(tmp_path):
    rows = [["ticket_id", "status", "comment"], [IDS[1], "2", "lost words"]]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(drop_before_apply_rate=1.0))) as ts:
        write_csv(tmp_path / "in.csv", rows)
        first = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # never applied: unknown
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=0.0))
        rows[1][1] = "3"
        write_csv(tmp_path / "in.csv", rows)
        second = run(tmp_path / "in.csv", ts)
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert second.outcomes[0].result.value == "unknown" and "may have posted" in second.outcomes[0].msg
    assert "lost words" not in posted.get(IDS[1], [])  # held, not sent: a person checks the ticket


def test_a_lost_second_row_with_the_same_comment_is_not_confirmed_by_the_first(tmp_path):
    tid = IDS[3]
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "comment"], [tid, "2", "reminder"], [tid, "", "reminder"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        def after_first(progress):
            if progress.done == 1 and not progress.reading:
                ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=1.0, ))

        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv",
                                    concurrency=1, max_attempts=1), env=ts.env(), on_progress=after_first)
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=0.0))
        posted = comments(ts)
    assert not (posted[tid] == ["reminder"] and result.exit_code == 0)


def _as_if_killed_while_sending(ticket_id: str) -> None:
    """The job's journal as a kill leaves it when the row's request had left and its answer was not
    yet written down: the row is `sending` (every job of this test's state folder is searched)."""
    for path in (state_dir(os.environ) / "jobs").glob("*.sqlite"):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE rows SET state = 'sending', final = 0, result = NULL WHERE ticket_id = ?",
                       (ticket_id,))


HEADER = ["ticket_id", "tag_names", "comment"]


def test_a_comment_row_a_kill_cut_off_is_read_back_before_its_tickets_later_rows_confirmed(tmp_path):
    """A later row of the same ticket would hide the row's comment from a read-back at the end (it
    used to stay unknown); read back before that row is sent, the ticket tells."""
    a, b = [IDS[2], "", "first note"], [IDS[2], "urgent", ""]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED)) as ts:
        write_csv(tmp_path / "in.csv", [HEADER, a])
        assert run(tmp_path / "in.csv", ts).exit_code == 0  # applied...
        _as_if_killed_while_sending(IDS[2])  # ...and killed before its answer was written down
        write_csv(tmp_path / "in.csv", [HEADER, a, b])
        second = run(tmp_path / "in.csv", ts)
        posted = comments(ts)
        tags = ts.call(lambda sb: list(sb.tickets[IDS[2]].tags))
    assert [o.result.value for o in second.outcomes] == ["ok", "ok"], second.outcomes
    assert "confirmed by reading the ticket back" in second.outcomes[0].msg
    assert posted[IDS[2]] == ["first note"] and tags == ["urgent"]


def test_a_comment_row_a_kill_cut_off_before_it_was_applied_is_sent_again_before_its_tickets_later_rows(tmp_path):
    a, b = [IDS[3], "", "first note"], [IDS[3], "urgent", "second note"]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(drop_before_apply_rate=1.0))) as ts:
        write_csv(tmp_path / "in.csv", [HEADER, a])
        run(tmp_path / "in.csv", ts, max_attempts=1)  # never applied...
        _as_if_killed_while_sending(IDS[3])  # ...and killed while it was in flight
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=0.0))
        write_csv(tmp_path / "in.csv", [HEADER, a, b])
        second = run(tmp_path / "in.csv", ts)
        posted = comments(ts)
    assert [o.result.value for o in second.outcomes] == ["ok", "ok"], second.outcomes
    assert "sent again after reading the ticket back" in second.outcomes[0].msg
    assert posted[IDS[3]] == ["first note", "second note"]  # once each, in the file's order


def test_a_row_confirmed_by_reading_back_counts_the_attempts_of_every_run(tmp_path):
    """The report's attempts are every run's (a fresh review found a row confirmed by reading it
    back showing this run's only); and a comment row whose --retry-comments attempts ran out
    after an answer that hid its applying is unknown, never failed (a later plain run posted it
    again)."""
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[4], "hello"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED,
                                     faults=Faults(error_rate=1.0))) as ts:
        first = run(tmp_path / "in.csv", ts, max_attempts=1)  # a server error: it may have been applied
        ts.call(lambda sb: sb.set_faults(error_rate=0.0, drop_after_apply_rate=1.0))
        second = run(tmp_path / "in.csv", ts, max_attempts=1, retry_comments=True)  # applied, answer lost
        third = run(tmp_path / "in.csv", ts)  # read back: confirmed
        posted = comments(ts)
    # run 1: a 500, read back (not applied), sent again: another 500; run 2: one more request
    assert (first.outcomes[0].result.value, first.outcomes[0].attempts) == ("unknown", 2)
    assert second.outcomes[0].attempts == 3
    assert third.outcomes[0].result.value == "ok" and "confirmed by reading the ticket back" in third.outcomes[0].msg
    assert third.outcomes[0].attempts == 3  # nothing sent in run 3: the journal's count, every run's
    # run 2's lost answer hid its applying: the row was unknown, not failed, so run 3 (without
    # --retry-comments) read it back instead of posting it again
    assert posted[IDS[4]] == ["hello"]
