"""Undo: for every ticket a job changed, the cells that put back the fields it changed, as they
were before the job's first change; and the comments posted, which the API cannot take back.
A job may take several runs (stopped, fixed, run again), each changing other fields: the undo
sheet of the latest covers them all, from what the journal recorded of the earlier ones
(`Changes`). Pure."""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from batch_updater.i18n import tr
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.plan.state import CUSTOM_PREFIX, FieldChange, TicketState, apply, plan_row
from batch_updater.schema.fields import REGISTRY, Registry


def _custom_cell_safe(value: str) -> bool:
    """Whether a `custom:<id>` cell carries the value unchanged (the validator trims it and
    skips an empty cell)."""
    return bool(value) and value == value.strip()


def undo_fields(before: TicketState, changes: Iterable[FieldChange | str]) -> dict[str, str]:
    """The text cells that restore the fields a run changed on one ticket (pass the union of
    its rows' changes) to their values in `before`, the state before its first change.

    Columns as `batch-updater run` reads them, each scalar field's cell as its registry entry
    writes it (schema/fields.Field.cell): `status`, `solved`, `ticket_type`, `channel` (codes),
    `tag_names` (a JSON array, `[]` for none, so a tag with a comma survives); and `custom:<id>`.
    No `ticket_id` and no comment: the caller adds the id, and comments cannot be taken back.
    - Status 52 (closed by user) cannot be set by the update API: the cell is 51 and the
      `note` cell says so.
    - A custom field the ticket did not show (or showed as null) is restored as an empty
      string: the API has no way to remove a field's value, and "" is the nearest. An
      empty value, or one with spaces at either end, goes into the `customized_fields`
      column as JSON (a `custom:<id>` cell is trimmed, and an empty one is skipped).
    - A field whose value was not read (None) cannot be restored: it is left out and
      named in `note`.
    """
    names = list(dict.fromkeys(c if isinstance(c, str) else c.field for c in changes))
    cells: dict[str, str] = {}
    notes: list[str] = []
    json_custom: list[dict[str, str]] = []
    for f in before.registry.scalars:  # the body's order
        if f.name not in names:
            continue
        value = before.values[f.name]
        if value is None:
            notes.append(tr("{field} was not read before the change and cannot be restored", field=f.name))
            continue
        cells[f.name], note = f.cell(value)
        if note:
            notes.append(note)
    for name in names:
        if not name.startswith(CUSTOM_PREFIX):
            continue
        text = before.custom.get(name[len(CUSTOM_PREFIX):]) or ""
        if _custom_cell_safe(text):
            cells[name] = text
        else:
            json_custom.append({"id": name[len(CUSTOM_PREFIX):], "value": text})
    if json_custom:
        cells["customized_fields"] = json.dumps(json_custom, ensure_ascii=False)
    if notes:
        cells["note"] = "; ".join(notes)
    return cells


@dataclass
class Changes:
    """What a job's runs changed, as its journal keeps it: each ticket's fields (names), and the
    comments posted (ticket, text), in the order they were."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    comments: list[tuple[str, str]] = field(default_factory=list)

    def add(self, ticket_id: str, names: Iterable[str]) -> None:
        known = self.fields.setdefault(ticket_id, [])
        known.extend(name for name in names if name not in known)

    def merged(self, other: Changes) -> Changes:
        both = Changes({tid: list(names) for tid, names in self.fields.items()}, list(self.comments))
        for tid, names in other.fields.items():
            both.add(tid, names)
        both.comments.extend(c for c in other.comments if c not in both.comments)
        return both


@dataclass
class Undo:
    rows: list[dict[str, str]]  # run-readable cells, ticket_id first
    comments: list[tuple[str, str]]  # (ticket_id, text) posted: the API cannot take them back
    changes: Changes = field(default_factory=Changes)  # what this run changed (for the journal)


def _applied(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.result in (Result.OK, Result.UNKNOWN)  # unknown: may have been


def undo_sheet(specs: Sequence[tuple[int, TicketUpdate]], before: Mapping[str, TicketState],
               outcomes: Mapping[int, Outcome], earlier: Changes | None = None) -> Undo:
    """For every ticket the job changed, its values before the first change, for exactly the
    fields changed by rows that were (or may have been) applied, by this run or (`earlier`, from
    the journal) by an earlier run of the job; and the comments posted.

    `before` holds each ticket's state before the job (the journal's pre-image): the rows are
    planned again from it in file order, so a resumed run gives the same sheet. An unknown row
    may have been applied: restoring its fields is harmless."""
    current = dict(before)
    made = Changes()
    for index, spec in specs:
        state = current.get(spec.ticket_id)
        if state is None:
            continue
        plan = plan_row(state, spec.body)
        current[spec.ticket_id] = apply(state, spec.body)
        if not _applied(outcomes.get(index)):
            continue
        made.add(spec.ticket_id, [change.field for change in plan.changes])
        if plan.comment is not None:
            made.comments.append((spec.ticket_id, plan.comment))
    every = (earlier or Changes()).merged(made)
    rows = [{"ticket_id": tid, **undo_fields(before[tid], names)}
            for tid, names in every.fields.items() if names and tid in before]
    return Undo(rows, every.comments, made)


def fields_set(specs: Sequence[tuple[int, TicketUpdate]], outcomes: Mapping[int, Outcome],
               known: Container[str], registry: Registry = REGISTRY) -> Changes:
    """A run that did not read the tickets: the fields each row that was (or may have been)
    applied set, on the tickets whose state before the job is `known` (an undo sheet can restore
    only those), and the comments posted."""
    made = Changes()
    for index, spec in specs:
        if _applied(outcomes.get(index)):
            if spec.ticket_id in known:
                made.add(spec.ticket_id, _field_names(spec.body, registry))
            if spec.has_comment:
                made.comments.append((spec.ticket_id, spec.body["comment"]))
    return made


def _field_names(body: Mapping[str, object], registry: Registry) -> list[str]:
    """A body's fields as the undo sheet's columns name them (a custom field: `custom:<id>`)."""
    names = [name for name in body if (known := registry.get(name)) is None or known.scalar]
    custom = body.get("customized_fields")
    if isinstance(custom, list):
        names += [CUSTOM_PREFIX + str(item["id"]) for item in custom if isinstance(item, dict) and "id" in item]
    return names
