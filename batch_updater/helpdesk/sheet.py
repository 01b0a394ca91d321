"""Tickets as a sheet in the input's own columns, ready to edit and run: `ticket_id` (text),
`status` and `solved` by their labels, `tag_names`, `ticket_type`, `channel`, each custom field
under its display name (a dropdown by its option's display name), then context the tool does
not send (headers ending in `(not sent)`: the guest, the agents, the times, the last comment)
and `as exported (not sent)`: the row's cells as they were exported, so that a run sends only
the cells edited since (rows/exported.py). Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from batch_updater.plan.state import TicketState, state_from_ticket
from batch_updater.rows.exported import AS_EXPORTED
from batch_updater.schema.custom import CustomFields
from batch_updater.schema.fields import CLOSED_BY_USER, CLOSED_BY_USER_LABELS, REGISTRY, SOLVED_LABELS, STATUS_LABELS
from batch_updater.schema.labels import NOT_SENT, is_context

TICKET_COLUMNS = ("ticket_id", "status", "tag_names", "solved", "ticket_type", "channel")
CONTEXT = tuple(f"{name} {NOT_SENT}" for name in ("guest", "agents", "created_at", "updated_at", "last comment"))
_TAG_SEPARATORS = re.compile(r"[,，;；、]")
_SPECIAL = re.compile(r"^\s*(custom|自定义|if)\s*[:：]", re.IGNORECASE)


def custom_headers(fields: CustomFields | None, states: Iterable[TicketState]) -> list[tuple[str, str]]:
    """(field id, header) for each custom field: the field list's in its order, then any other a
    ticket (its state) shows. A display name is the header unless it would read as something else (a ticket
    field's name, another field's, a `custom:` or `if:` column, context): then `custom:<id>`."""
    taken = set(REGISTRY.headers) | {" ".join(h.split()).lower() for h in CONTEXT}
    found: list[tuple[str, str]] = []
    for f in fields or ():
        key = " ".join(f.name.split()).lower()
        plain = (key and key not in taken and fields is not None and not fields.ambiguous(f.name)
                 and not _SPECIAL.match(f.name) and not is_context(f.name))
        found.append((f.id, f.name.strip() if plain else f"custom:{f.id}"))
        taken.add(key)
    listed = {fid for fid, _ in found}
    for state in states:
        for fid in state.custom:
            if fid not in listed:
                listed.add(fid)
                found.append((fid, f"custom:{fid}"))
    return found


def _label(code: Any, labels: Mapping[int, Sequence[str]]) -> str:
    if code is None:
        return ""
    if code == CLOSED_BY_USER and labels is STATUS_LABELS:
        return CLOSED_BY_USER_LABELS[0]
    names = labels.get(code)
    return names[0] if names else str(code)


def _tags(tags: Sequence[str]) -> str:
    if any(_TAG_SEPARATORS.search(t) for t in tags):
        return json.dumps(list(tags), ensure_ascii=False)
    return ", ".join(tags)


def _time(ms: Any) -> str:
    if not isinstance(ms, int) or isinstance(ms, bool) or ms <= 0:
        return ""
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _people(value: Any) -> str:
    people = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    return ", ".join(str(p.get("name") or p.get("id") or "") for p in people if isinstance(p, Mapping))


def export_table(tickets: Sequence[Mapping[str, Any]],
                 fields: CustomFields | None) -> tuple[list[str], list[list[str]]]:
    """The header and one row per ticket."""
    states = [state_from_ticket(t) for t in tickets]
    customs = custom_headers(fields, states)
    editable = [*TICKET_COLUMNS, *(h for _, h in customs)]
    header = [*editable, *CONTEXT, AS_EXPORTED]
    rows = []
    for ticket, state in zip(tickets, states):
        cells = [str(ticket.get("ticket_id", "")), _label(state.status, STATUS_LABELS), _tags(state.tag_names),
                 _label(state.solved, SOLVED_LABELS), "" if state.ticket_type is None else str(state.ticket_type),
                 "" if state.channel is None else str(state.channel)]
        cells += [state.custom.get(fid, "") for fid, _ in customs]
        snapshot = {h: c for h, c in zip(editable[1:], cells[1:]) if c}
        cells += [_people(ticket.get("guest")), _people(ticket.get("agents")), _time(ticket.get("created_at")),
                  _time(ticket.get("updated_at")), state.latest_comment or "",
                  json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))]
        rows.append(cells)
    return header, rows
