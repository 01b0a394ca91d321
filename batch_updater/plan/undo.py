"""Undo: for every ticket a run changed, the cells that put back the fields it changed, as they
were before the run's first change; and the comments posted, which the API cannot take back.
Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from batch_updater.model import CLOSED_BY_USER, Outcome, Result, TicketUpdate
from batch_updater.plan.state import (
    CLOSED_BY_AGENT,
    CUSTOM_PREFIX,
    SCALARS,
    STATUS_52_NOTE,
    FieldChange,
    TicketState,
    apply,
    plan_row,
)


def _custom_cell_safe(value: str) -> bool:
    """Whether a `custom:<id>` cell carries the value unchanged (the validator trims it and
    skips an empty cell)."""
    return bool(value) and value == value.strip()


def undo_fields(before: TicketState, changes: Iterable[FieldChange]) -> dict[str, str]:
    """The text cells that restore the fields a run changed on one ticket (pass the union of
    its rows' changes) to their values in `before`, the state before its first change.

    Columns as `batch-updater run` reads them: `status`, `solved`, `ticket_type`, `channel`
    (codes), `tag_names` (a JSON array, `[]` for none, so a tag with a comma survives) and
    `custom:<id>`. No `ticket_id` and no comment: the caller adds the id, and comments
    cannot be taken back.
    - Status 52 (closed by user) cannot be set by the update API: the cell is 51 and the
      `note` cell says so.
    - A custom field the ticket did not show (or showed as null) is restored as an empty
      string: the API has no way to remove a field's value, and "" is the nearest. An
      empty value, or one with spaces at either end, goes into the `customized_fields`
      column as JSON (a `custom:<id>` cell is trimmed, and an empty one is skipped).
    - A field whose value was not read (None) cannot be restored: it is left out and
      named in `note`.
    """
    names = list(dict.fromkeys(change.field for change in changes))
    cells: dict[str, str] = {}
    notes: list[str] = []
    json_custom: list[dict[str, str]] = []
    for name in (*[n for n in SCALARS if n in names], *[n for n in names if n.startswith(CUSTOM_PREFIX)]):
        value = before.value(name)
        if name.startswith(CUSTOM_PREFIX):
            fid = name[len(CUSTOM_PREFIX):]
            text = "" if value is None else value
            if _custom_cell_safe(text):
                cells[name] = text
            else:
                json_custom.append({"id": fid, "value": text})
        elif name == "tag_names":
            cells[name] = json.dumps(list(value), ensure_ascii=False)
        elif value is None:
            notes.append(f"{name} was not read before the change and cannot be restored")
        elif name == "status" and value == CLOSED_BY_USER:
            cells[name] = str(CLOSED_BY_AGENT)
            notes.append(STATUS_52_NOTE)
        else:
            cells[name] = str(value)
    if json_custom:
        cells["customized_fields"] = json.dumps(json_custom, ensure_ascii=False)
    if notes:
        cells["note"] = "; ".join(notes)
    return cells


@dataclass
class Undo:
    rows: list[dict[str, str]]  # run-readable cells, ticket_id first
    comments: list[tuple[str, str]]  # (ticket_id, text) posted: the API cannot take them back


def undo_sheet(specs: Sequence[tuple[int, TicketUpdate]], before: Mapping[str, TicketState],
               outcomes: Mapping[int, Outcome]) -> Undo:
    """For every ticket the run changed, its values before the first change, for exactly the
    fields changed by rows that were (or may have been) applied; and the comments posted.

    `before` holds each ticket's state before the run (the journal's pre-image): the rows are
    planned again from it in file order, so a resumed run gives the same sheet."""
    current = dict(before)
    changed: dict[str, list[FieldChange]] = {}
    comments = []
    for index, spec in specs:
        state = current.get(spec.ticket_id)
        if state is None:
            continue
        plan = plan_row(state, spec.body)
        current[spec.ticket_id] = apply(state, spec.body)
        outcome = outcomes.get(index)
        if outcome is None or outcome.result not in (Result.OK, Result.UNKNOWN):
            continue  # an unknown row may have been applied: restoring its fields is harmless
        changed.setdefault(spec.ticket_id, []).extend(plan.changes)
        if plan.comment is not None:
            comments.append((spec.ticket_id, plan.comment))
    rows = [{"ticket_id": tid, **undo_fields(before[tid], changes)} for tid, changes in changed.items() if changes]
    return Undo(rows, comments)
