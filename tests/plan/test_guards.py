"""Guards, pure: a ticket's later rows against the state its earlier rows leave; a ticket changed
since the plan skips all its rows; a ticket that could not be read is not sent."""

from __future__ import annotations

from batch_updater.model import Result, TicketUpdate
from batch_updater.plan.guards import Expect, guard_outcomes
from batch_updater.plan.state import TicketState

A, B = "6945345902185807891", "6945345902185807892"


def test_a_later_row_is_checked_against_the_state_the_earlier_rows_leave():
    rows = [(0, TicketUpdate(2, A, {"status": 2})), (1, TicketUpdate(3, A, {"status": 51}))]
    found = guard_outcomes(rows, {A: TicketState(status=5)}, {0: (Expect("status", 5),), 1: (Expect("status", 2),)})
    assert found == {}


def test_a_ticket_changed_since_the_plan_skips_all_its_rows_and_an_unread_one_fails():
    rows = [(0, TicketUpdate(2, A, {"status": 51})), (1, TicketUpdate(3, A, {"tag_names": ["x"]})),
            (2, TicketUpdate(4, B, {"status": 51}))]
    guards = {0: (Expect("status", "5", "shown", "plan"),), 2: (Expect("custom:9", "高", "shown", "plan"),)}
    found = guard_outcomes(rows, {A: TicketState(status=3, tag_names=("a",))}, guards)
    assert found[0].result is Result.SKIPPED and "status is now '3', the plan saw '5'" in found[0].msg
    assert found[1].result is Result.SKIPPED and "an earlier row of this ticket found it changed" in found[1].msg
    assert found[2].result is Result.FAILED


def test_tags_and_custom_fields_as_a_plan_shows_them():
    state = TicketState(tag_names=("b", "a"), custom={"9": "高"})
    guards = {0: (Expect("tag_names", "a, b", "shown", "plan"), Expect("custom:9", "高", "shown", "plan"))}
    assert guard_outcomes([(0, TicketUpdate(2, A, {"status": 2}))], {A: state}, guards) == {}
