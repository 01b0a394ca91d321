"""Comments never posted twice by reading back or resuming, in the sequences a fresh review found:
a reply after the row, a later row done earlier, a row held back then failing, a comment that only
may have been posted, two rows with the same comment on one ticket. End to end on the sandbox."""
from __future__ import annotations

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
