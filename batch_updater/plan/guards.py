"""Guards against a changed ticket: a row is applied only when its ticket, read just before the
run sends, still has the values the row expects. Pure.

Two kinds, checked the same way (one GET per ticket, as --skip-unchanged reads):
- an `if:<field>` column: the row applies only when the ticket's field has that value now
  (`if:status` = 5: only tickets still waiting for the user);
- `run --plan PLAN_FILE`: each row expects the values its plan showed as "now"; a ticket whose
  values differ was changed since the plan was made, and none of its rows is applied.

A ticket's later rows are checked against the state its earlier rows leave (as the plan
computed it). A row whose ticket could not be read is not sent: its condition cannot be checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.plan.state import TicketState, apply, display
from batch_updater.schema.fields import REGISTRY, Registry


@dataclass(frozen=True, slots=True)
class Expect:
    """A field's value a row expects its ticket to have now: a value (an `if:` column's, parsed as
    the field's cells are), or its text as a plan file shows it (`shown`)."""

    field: str  # a column name: status, tag_names, custom:<id>
    value: object
    how: Literal["value", "shown"] = "value"
    source: Literal["if", "plan"] = "if"


Guard = tuple[Expect, ...]
CHANGED = "changed since plan"


def _holds(expect: Expect, state: TicketState, registry: Registry) -> bool:
    now = state.value(expect.field)
    if expect.how == "shown":
        if expect.field == "tag_names":
            return sorted(t.strip() for t in str(expect.value).split(",") if t.strip()) == sorted(now or ())
        return display(now) == expect.value
    field = registry.get(expect.field)
    return field.same(now, expect.value) if field is not None else bool(now == expect.value)


def _shown(expect: Expect, state: TicketState) -> str:
    return repr(display(state.value(expect.field)))


def _said(expect: Expect) -> str:
    return repr(expect.value if expect.how == "shown" else display(expect.value))


def guard_outcomes(rows: Sequence[tuple[int, TicketUpdate]], states: Mapping[str, TicketState],
                   guards: Mapping[int, Guard], registry: Registry = REGISTRY) -> dict[int, Outcome]:
    """The rows (in file order) not to send, each with its outcome: `skipped` (a condition not met,
    or its ticket changed since the plan), `failed` (its ticket could not be read)."""
    current = dict(states)
    changed: set[str] = set()
    found: dict[int, Outcome] = {}
    for index, spec in rows:
        guard = guards.get(index, ())
        tid = spec.ticket_id
        if tid in changed:
            found[index] = Outcome(Result.SKIPPED, msg=f"{CHANGED}: an earlier row of this ticket found it changed; "
                                   "not sent", finished_at=now_text())
            continue
        state = current.get(tid)
        if not guard:
            if state is not None:
                current[tid] = apply(state, spec.body)
            continue
        if state is None:
            found[index] = Outcome(Result.FAILED, msg="its ticket could not be read, so its condition could not be "
                                   "checked: not sent", finished_at=now_text())
            continue
        wrong = [e for e in guard if not _holds(e, state, registry)]
        if not wrong:
            current[tid] = apply(state, spec.body)
            continue
        planned = [e for e in wrong if e.source == "plan"]
        if planned:
            changed.add(tid)
            why = "; ".join(f"{e.field} is now {_shown(e, state)}, the plan saw {_said(e)}" for e in planned)
            found[index] = Outcome(Result.SKIPPED, msg=f"{CHANGED}: {why}; not sent", finished_at=now_text())
        else:
            why = "; ".join(f"if:{e.field} {_said(e)}: the ticket's is {_shown(e, state)}" for e in wrong)
            found[index] = Outcome(Result.SKIPPED, msg=f"condition not met ({why}); not sent", finished_at=now_text())
    return found
