"""Plan before you send: every row against its ticket's current state; the undo sheet. Pure.

The tickets come from `GET /open-apis/helpdesk/v1/tickets/:id` (send/session.read_on); the
mapping of the read shape onto the update body is state.py's, field by field from the registry
(schema/fields.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from batch_updater.feishu.codes import NO_RIGHTS
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate
from batch_updater.plan.state import CUSTOM_PREFIX, RowPlan, TicketState, apply, plan_row
from batch_updater.schema.fields import REGISTRY, Registry

NOT_FOUND = 154004


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One input row's plan: `change`, `no-op`, `skipped` (a condition of its own not met: `run`
    would not send it), `missing`, `forbidden`, `invalid`, `failed` or `not_attempted` (its ticket
    was not read: the plan was interrupted or stopped)."""

    kind: str
    plan: RowPlan | None = None
    before: TicketState | None = None  # the ticket as the earlier rows leave it
    msg: str = ""


@dataclass
class PlanSummary:
    rows: int
    by_kind: dict[str, int]
    tickets_changing: dict[str, int] = field(default_factory=dict)  # field -> tickets it would change on
    comments: int = 0
    missing_tickets: int = 0


def targets(body: Mapping[str, Any], registry: Registry = REGISTRY) -> dict[str, Any]:
    """A body's new values by column name (`status`, ..., `custom:<id>`)."""
    values = {f.name: body[f.name] for f in registry.scalars if f.name in body}
    for item in body.get("customized_fields") or ():
        values[CUSTOM_PREFIX + str(item["id"])] = item["value"]
    return values


def field_columns(checked: Sequence[TicketUpdate | list[FieldError]], registry: Registry = REGISTRY) -> list[str]:
    """The fields any valid row sets, in the body's order, custom fields as first met."""
    seen: dict[str, None] = {}
    for item in checked:
        if isinstance(item, TicketUpdate):
            seen.update(dict.fromkeys(targets(item.body, registry)))
    return [f.name for f in registry.scalars if f.name in seen] + [n for n in seen if n.startswith(CUSTOM_PREFIX)]


def plan_sheet(checked: Sequence[TicketUpdate | list[FieldError]], states: Mapping[str, TicketState],
               reads: Mapping[str, Outcome], *, unchanged: Mapping[int, str] | None = None,
               guarded: Mapping[int, str] | None = None) -> list[PlannedRow]:
    """Each row in file order; a ticket's later rows against the state its earlier rows leave.
    Rows `run` would not send leave their ticket as it is: `unchanged` (an export's rows as
    exported) are a `no-op` saying why, `guarded` (a condition not met: plan/guards.py) are
    `skipped` saying why, with their ticket's values now."""
    current = dict(states)
    planned = []
    for index, item in enumerate(checked):
        if isinstance(item, list):
            planned.append(PlannedRow("invalid", msg="; ".join(str(e) for e in item)))
            continue
        if unchanged and index in unchanged:
            planned.append(PlannedRow("no-op", msg=unchanged[index]))
            continue
        if guarded and index in guarded:
            planned.append(PlannedRow("skipped", before=current.get(item.ticket_id), msg=guarded[index]))
            continue
        state = current.get(item.ticket_id)
        if state is None:
            read = reads.get(item.ticket_id) or Outcome(Result.NOT_ATTEMPTED, msg="not read")
            kind = ("not_attempted" if read.result is Result.NOT_ATTEMPTED else
                    {NOT_FOUND: "missing", NO_RIGHTS: "forbidden"}.get(read.code or -1, "failed"))
            planned.append(PlannedRow(kind, msg=read.msg))
            continue
        plan = plan_row(state, item.body)
        planned.append(PlannedRow(plan.kind, plan, state))
        current[item.ticket_id] = apply(state, item.body)
    return planned


def summarize_plan(checked: Sequence[TicketUpdate | list[FieldError]], planned: Sequence[PlannedRow]) -> PlanSummary:
    changing: dict[str, set[str]] = {}
    missing: set[str] = set()
    comments = 0
    for item, row in zip(checked, planned):
        if not isinstance(item, TicketUpdate):
            continue
        if row.kind == "missing":
            missing.add(item.ticket_id)
        if row.plan is not None:
            comments += row.plan.comment is not None
            for change in row.plan.changes:
                changing.setdefault(change.field, set()).add(item.ticket_id)
    return PlanSummary(len(planned), dict(Counter(r.kind for r in planned)),
                       {f: len(t) for f, t in changing.items()}, comments, len(missing))
