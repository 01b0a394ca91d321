"""Issue 18 item 1: a comment row whose answer was lost is read back against a sandbox whose clock
is off from this machine's; no comment is ever posted twice. End to end on 127.0.0.1."""

from __future__ import annotations

import pytest

from batch_updater.sandbox import Faults, SandboxConfig
from tests.run.test_trust_e2e import IDS, UNLIMITED, agent_posts, comments, run
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv


def skewed(offset: float, **faults: float) -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, get_rates=UNLIMITED, clock_offset_s=offset,
                                       faults=Faults(**faults)))


@pytest.mark.parametrize("offset", [-10.0, -0.5, 10.0])
def test_dropped_comment_rows_end_with_each_comment_once_whatever_the_api_clock(tmp_path, offset):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *[[tid, f"note for {tid}"] for tid in IDS]])
    with skewed(offset, drop_after_apply_rate=1.0) as ts:  # every update applied, its answer lost
        result = run(tmp_path / "in.csv", ts)
        posted = comments(ts)
    assert {tid: posted[tid] for tid in IDS} == {tid: [f"note for {tid}"] for tid in IDS}  # was: 6 of 6 twice at -10 s
    assert [o.result.value for o in result.outcomes] == ["ok"] * len(IDS)
    assert all(o.msg.startswith("confirmed by reading the ticket back") and o.attempts == 1 for o in result.outcomes)


def test_a_reply_posted_after_the_row_by_a_slow_api_clock_is_not_taken_for_an_older_comment(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "we fixed it"]])
    with skewed(-10.0, drop_after_apply_rate=1.0) as ts:
        first = run(tmp_path / "in.csv", ts, env=ts.env(FEISHU_APP_SECRET=""))  # no read back: unknown
        ts.call(lambda sb: sb.set_faults(drop_after_apply_rate=0.0))
        agent_posts(ts, IDS[0], "customer: thanks!")  # stamped 10 s behind: "before" the row by our clock
        second = run(tmp_path / "in.csv", ts)  # resumes: reads the ticket back
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert posted[IDS[0]] == ["we fixed it", "customer: thanks!"]  # was: sent again, posted twice
    assert second.outcomes[0].result.value == "unknown" and "cannot tell" in second.outcomes[0].msg


def test_a_comment_lost_before_it_was_applied_is_sent_again_the_api_clock_estimated_from_its_answers(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[1], "first words"]])
    with skewed(-10.0) as ts:
        agent_posts(ts, IDS[1], "an older comment", ago_ms=120_000)  # 2 minutes before: the answers' Date tells
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=1.0))
        first = run(tmp_path / "in.csv", ts, max_attempts=1, env=ts.env(FEISHU_APP_SECRET=""))
        ts.call(lambda sb: sb.set_faults(drop_before_apply_rate=0.0))
        second = run(tmp_path / "in.csv", ts)
        posted = comments(ts)
    assert first.outcomes[0].result.value == "unknown"
    assert second.outcomes[0].result.value == "ok" and second.outcomes[0].msg.startswith("sent again")
    assert posted[IDS[1]] == ["an older comment", "first words"]
