"""A ticket's current values, read with GET ticket_v2, against an update body. Pure: no I/O.

The one place where the read shape meets the update shape (docs/api-facts.md §5):

    GET data.ticket (ticket_v2)             update body / TicketState
    status (1-5, 50, 51, 52)                status (52 cannot be set)
    solve                                   solved
    tags [{id, name}]                       tag_names [name, ...]
    ticket_type, channel                    ticket_type, channel
    customized_fields [{id, value, ...}]    customized_fields [{id, value, key_name?}]
    comments {content, created_at, ...}     comment (posted as the latest comment)

Choices (where the API is silent):
- Custom fields are matched by `id` only. `key_name` is a name the update body may carry
  beside the id, not a value: it is neither compared nor restored. A field with a null
  value reads as absent, and a field the ticket does not show counts as a change.
  Values compare as exact strings; a non-string value read back is shown as its JSON.
- `comments` is taken as the latest comment: the object of the get doc, or, if a list
  arrives (lark-oapi's list model), the one with the latest `created_at` (the last on a
  tie). Its `content` is assumed to be the text that was posted.
- Field names are the column names `batch-updater run` reads: `status`, `solved`,
  `tag_names`, `ticket_type`, `channel`, and `custom:<id>` for each custom field.
  A comment is never in `changes`: it has its own place in RowPlan and cannot be undone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from batch_updater.model import stored_comment

CLOSED_BY_AGENT = 51
CUSTOM_PREFIX = "custom:"
SCALARS = ("status", "tag_names", "ticket_type", "solved", "channel")  # the body's order (model.FIELDS)
STATUS_52_NOTE = ("status was 52 (closed by user), which the update API cannot set; "
                  "51 (closed by agent) restores it as closed")


@dataclass(frozen=True, slots=True)
class TicketState:
    """A ticket's current values in update-body terms (codes, never labels). None: not read."""

    status: int | None = None
    solved: int | None = None
    tag_names: tuple[str, ...] = ()
    ticket_type: int | None = None
    channel: int | None = None
    custom: Mapping[str, str] = field(default_factory=dict)  # field id -> value
    latest_comment: str | None = None
    latest_comment_at: int | None = None  # ms since the epoch, as the API gives `created_at`

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag_names", tuple(self.tag_names))
        object.__setattr__(self, "custom", MappingProxyType(dict(self.custom)))

    def value(self, name: str) -> Any:
        """A field's current value by its column name (`status`, `custom:<id>`, ...)."""
        if name.startswith(CUSTOM_PREFIX):
            return self.custom.get(name[len(CUSTOM_PREFIX):])
        return getattr(self, name)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, for the journal's pre-image; `from_json` reads it back."""
        return {"status": self.status, "solved": self.solved, "tag_names": list(self.tag_names),
                "ticket_type": self.ticket_type, "channel": self.channel, "custom": dict(self.custom),
                "latest_comment": self.latest_comment, "latest_comment_at": self.latest_comment_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TicketState:
        return cls(status=data.get("status"), solved=data.get("solved"),
                   tag_names=tuple(data.get("tag_names") or ()), ticket_type=data.get("ticket_type"),
                   channel=data.get("channel"), custom=data.get("custom") or {},
                   latest_comment=data.get("latest_comment"), latest_comment_at=data.get("latest_comment_at"))


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # a column name: status, solved, tag_names, ticket_type, channel, custom:<id>
    old: Any  # the current value (None: the ticket does not show it)
    new: Any  # the target value (tag_names as a tuple)


@dataclass(frozen=True, slots=True)
class RowPlan:
    kind: Literal["change", "no-op"]
    changes: tuple[FieldChange, ...]  # only the fields that differ, in the body's order
    same: tuple[str, ...]  # fields the row sets that already have the target value
    comment: str | None  # the comment the row would post (always a change)


# --- reading GET data.ticket --------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _tag_names(tags: Any) -> tuple[str, ...]:
    names: list[str] = []
    for tag in tags if isinstance(tags, list) else ():
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


def _custom(items: Any) -> dict[str, str]:
    custom: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, Mapping) or item.get("value") is None:
            continue
        fid = item.get("id")
        if isinstance(fid, int | str) and not isinstance(fid, bool) and str(fid):
            custom[str(fid)] = _text(item["value"])
    return custom


def _latest_comment(comments: Any) -> tuple[str | None, int | None]:
    """The latest comment's text and `created_at` (ms), each None when not shown."""
    if isinstance(comments, list):
        dated = [(_int(c.get("created_at")) or 0, i, c) for i, c in enumerate(comments) if isinstance(c, Mapping)]
        comments = max(dated, key=lambda t: t[:2])[2] if dated else None
    if isinstance(comments, Mapping):
        content = comments.get("content")
        return (content if isinstance(content, str) else None), _int(comments.get("created_at"))
    return None, None


def state_from_ticket(ticket: Mapping[str, Any]) -> TicketState:
    """The GET answer's `data.ticket` (ticket_v2) as a TicketState. Never raises on odd shapes."""
    solve = ticket.get("solve")
    comment, comment_at = _latest_comment(ticket.get("comments"))
    return TicketState(
        status=_int(ticket.get("status")),
        solved=_int(solve if solve is not None else ticket.get("solved")),
        tag_names=_tag_names(ticket.get("tags")),
        ticket_type=_int(ticket.get("ticket_type")),
        channel=_int(ticket.get("channel")),
        custom=_custom(ticket.get("customized_fields")),
        latest_comment=comment,
        latest_comment_at=comment_at,
    )


# --- comparing and applying ---------------------------------------------------------


def _body_custom(body: Mapping[str, Any]) -> dict[str, str]:
    """A body's customized_fields by id, in body order; a repeated id: the last wins (as applied)."""
    return {str(item["id"]): str(item["value"]) for item in body.get("customized_fields") or ()}


def plan_row(state: TicketState, body: Mapping[str, Any]) -> RowPlan:
    """One body against one state: what would change, what is already so."""
    changes: list[FieldChange] = []
    same: list[str] = []
    wanted: list[tuple[str, Any, Any, bool]] = []
    for name in SCALARS:
        if name not in body:
            continue
        if name == "tag_names":
            new = tuple(dict.fromkeys(body[name]))
            wanted.append((name, state.tag_names, new, set(new) == set(state.tag_names)))
        else:
            old = getattr(state, name)
            wanted.append((name, old, body[name], old == body[name]))
    for fid, value in _body_custom(body).items():
        old = state.custom.get(fid)
        wanted.append((CUSTOM_PREFIX + fid, old, value, old == value))
    for name, old, new, equal in wanted:
        if equal:
            same.append(name)
        else:
            changes.append(FieldChange(name, old, new))
    comment = body.get("comment")
    kind: Literal["change", "no-op"] = "change" if changes or comment is not None else "no-op"
    return RowPlan(kind, tuple(changes), tuple(same), comment)


def apply(state: TicketState, body: Mapping[str, Any]) -> TicketState:
    """The state after the update: as the sandbox applies it (tags deduplicated in order,
    customized_fields merged by id, the comment becomes the latest)."""
    changed: dict[str, Any] = {name: body[name] for name in ("status", "solved", "ticket_type", "channel")
                               if name in body}
    if "tag_names" in body:
        changed["tag_names"] = tuple(dict.fromkeys(body["tag_names"]))
    if body.get("customized_fields"):
        changed["custom"] = {**state.custom, **_body_custom(body)}
    if "comment" in body:
        changed["latest_comment"], changed["latest_comment_at"] = body["comment"], None  # posted: when, unknown
    return replace(state, **changed) if changed else state


# Comparing a comment's `created_at` (the API's clock) with when a row was sent (this machine's):
CLOCK_MARGIN_MS = 2_000  # beyond the offset's bounds: the clock stamping comments may not be the
# one answering with Date (a gateway in front of the helpdesk), each within NTP's reach of the other
UNKNOWN_SKEW_MS = 300_000  # no answer said the API's time: a clock off by up to 5 minutes is plausible


def read_back(after: TicketState, body: Mapping[str, Any], before: TicketState | None, since_ms: int,
              offset_ms: tuple[int, int] | None = None) -> tuple[Literal["applied", "not applied", "cannot tell"],
                                                                   str]:
    """Was a comment row whose answer never came applied? `after`: its ticket read back (no other
    row of the job touches it after this one); `before`: the ticket before the job, if read;
    `since_ms`: when the job first sent the row, by this machine's clock; `offset_ms`: bounds of
    the API's clock minus this one's (feishu/clock.py), None when unknown. Comments compare as the
    API may store them (model.stored_comment). Each verdict needs evidence:

    - the latest comment has the row's words: never "not applied" (sending again could post it
      twice). Applied when every other field the row sets has its value and the comment may have
      been posted since the row was sent, whatever the skew; an older comment cannot tell;
    - not applied: the ticket has no comment, or its latest comment is another one, posted before
      the row was sent even if the API's clock is as far behind ours as it can be (or, with no
      time shown, still the one read before);
    - anything else cannot tell: another comment posted since may hide the row's."""
    comment = stored_comment(body["comment"])
    at = after.latest_comment_at
    if after.latest_comment is None:
        return "not applied", "the ticket has no comment"
    low = offset_ms[0] if offset_ms is not None else -UNKNOWN_SKEW_MS
    sent_by_their_clock = since_ms + low - CLOCK_MARGIN_MS  # the earliest the API's clock can have read then
    unchanged = before is not None and before.latest_comment == after.latest_comment and (
        before.latest_comment_at == at)
    if stored_comment(after.latest_comment) != comment:
        if at is not None and at < sent_by_their_clock:
            return "not applied", "no comment was posted on the ticket since this row was sent"
        if at is None and unchanged:
            return "not applied", "its latest comment is still the one it had before the run"
        if at is None:
            return "cannot tell", "another comment is the latest, and the API shows no time to tell when it was posted"
        return "cannot tell", "another comment was posted on the ticket after this row was sent"
    if at is not None and at < sent_by_their_clock:
        return "cannot tell", ("its latest comment has this row's words but is older than the row (an earlier "
                               "comment): not sent again, as it might post them twice")
    if unchanged or (at is None and before is None):
        return "cannot tell", ("its latest comment has this row's words, but it cannot tell whether it was "
                               "posted by this row or before it: not sent again")
    differ = [change.field for change in plan_row(after, body).changes]
    if differ:
        return "cannot tell", f"its latest comment is this row's, but {', '.join(differ)} do not have the row's values"
    return "applied", "its latest comment is this row's, posted after it was sent, and every field has its value"


# --- report cells -------------------------------------------------------------------


def display(value: Any) -> str:
    """A value as a report cell: codes as numbers, tags joined with ", ", None as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return ", ".join(display(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items())
    return str(value)
