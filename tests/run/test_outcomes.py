"""Each row's one outcome, merged in one place (run/outcomes.py): which source wins, in the
order its docstring writes down, and the notes each adds to msg, without editing any in place."""

from __future__ import annotations

from batch_updater.jobs.resume import Plan
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate
from batch_updater.run.outcomes import MAYBE_TWICE, NOT_READ, ReadBack, maybe_twice, merge_outcomes

SPECS = [(i, TicketUpdate(i + 2, f"t{i}", {"comment": f"c{i}"})) for i in range(6)]
INVALID = [FieldError("ticket_id", "x", "not a ticket id")]
CHECKED: list = [spec for _, spec in SPECS] + [INVALID]


def out(result: Result, msg: str) -> Outcome:
    return Outcome(result, msg=msg)


def test_the_first_source_that_has_a_row_gives_its_outcome():
    plan = Plan([], earlier={i: out(Result.OK, "earlier") for i in range(5)},
                held={i: out(Result.UNKNOWN, "held") for i in range(4)},
                crashed={i: out(Result.UNKNOWN, "crashed") for i in range(3)})
    sent = {i: out(Result.UNKNOWN, "sent") for i in range(2)}
    read_back = ReadBack(settled={0: out(Result.OK, "confirmed")})
    merged = merge_outcomes(CHECKED, plan, sent, read_back)
    assert [o.msg for o in merged] == ["confirmed", "sent", "crashed", "held", "earlier", NOT_READ,
                                       "ticket_id 'x': not a ticket id"]
    assert [o.result for o in merged][5:] == [Result.NOT_ATTEMPTED, Result.INVALID]


def test_notes_are_added_in_order_and_nothing_is_edited_in_place():
    crashed = out(Result.UNKNOWN, "in flight")
    sent = {1: out(Result.OK, "success"), 2: out(Result.UNKNOWN, "timeout"), 3: out(Result.FAILED, "refused"),
            4: out(Result.OK, f"success; sent again after an answer that left it unknown: {MAYBE_TWICE}")}
    plan = Plan([], crashed={0: crashed}, notes={0: "sent without its comment", 5: "not sent, so no note"},
                retried={1: "another job posted it", 2: "x", 3: "y", 4: "z"})
    read_back = ReadBack(notes={0: "reading the ticket back failed (timeout)"})
    merged = merge_outcomes(CHECKED, plan, sent, read_back)
    assert merged[0].msg == "in flight; reading the ticket back failed (timeout); sent without its comment"
    assert merged[1].msg == f"success; sent with its comment though another job posted it: {MAYBE_TWICE}"
    assert merged[2].msg == f"timeout; sent with its comment though x: {MAYBE_TWICE}"
    assert merged[3].msg == "refused"  # failed: nothing posted, nothing to say
    assert merged[4].msg.count(MAYBE_TWICE) == 1  # said once
    assert merged[5].msg == NOT_READ
    assert crashed.msg == "in flight" and sent[1].msg == "success"  # the sources are left as they were
    assert maybe_twice(merged, SPECS) == ["t1", "t2", "t4"]
