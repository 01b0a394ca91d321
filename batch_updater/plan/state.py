"""A ticket's current values, read with GET ticket_v2, against an update body. Pure: no I/O.

Where the read shape meets the update shape (docs/api-facts.md §5). Each scalar field is read,
compared and applied as its registry entry says (schema/fields.py: `reads`, `kind`); the custom
fields and the latest comment are read here:

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
- Field names are the column names `batch-updater run` reads: the registry's scalar fields
  (`status`, `solved`, `tag_names`, `ticket_type`, `channel`), and `custom:<id>` for each
  custom field.
  A comment is never in `changes`: it has its own place in RowPlan and cannot be undone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from batch_updater.i18n import tr
from batch_updater.model import stored_comment
from batch_updater.schema.fields import REGISTRY, Registry, as_int

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True, init=False, repr=False)
class TicketState:
    """A ticket's current values in update-body terms (codes, never labels). None: not read.

    One value per scalar field of its registry (schema/fields.py), read as attributes
    (`state.status`, `state.tag_names`) and given as keywords: TicketState(status=2, ...)."""

    values: Mapping[str, Any]  # every scalar field of `registry`: name -> value (tags as a tuple)
    custom: Mapping[str, str]  # field id -> value
    latest_comment: str | None
    latest_comment_at: int | None  # ms since the epoch, as the API gives `created_at`
    registry: Registry  # the fields it holds (not compared: the values say it)

    def __init__(self, values: Mapping[str, Any] | None = None, *, custom: Mapping[str, str] | None = None,
                 latest_comment: str | None = None, latest_comment_at: int | None = None,
                 registry: Registry = REGISTRY, **fields: Any) -> None:
        given = {**(values or {}), **fields}
        unknown = sorted(set(given) - {f.name for f in registry.scalars})
        if unknown:
            raise TypeError(f"TicketState has no field {unknown[0]!r}: its fields are "  # i18n: en (a caller's bug)
                            + ", ".join(f.name for f in registry.scalars))
        held = {f.name: f.state_value(given.get(f.name)) for f in registry.scalars}
        object.__setattr__(self, "values", MappingProxyType(held))
        object.__setattr__(self, "custom", MappingProxyType(dict(custom or {})))
        object.__setattr__(self, "latest_comment", latest_comment)
        object.__setattr__(self, "latest_comment_at", latest_comment_at)
        object.__setattr__(self, "registry", registry)

    def __getattr__(self, name: str) -> Any:
        """A scalar field's value: `state.status`."""
        if name != "values":
            try:
                return self.values[name]
            except KeyError:
                pass
        raise AttributeError(f"TicketState has no field {name!r}")  # i18n: en (a caller's bug)

    def __repr__(self) -> str:
        shown = [f"{k}={v!r}" for k, v in self.values.items()]
        shown += [f"custom={dict(self.custom)!r}", f"latest_comment={self.latest_comment!r}",
                  f"latest_comment_at={self.latest_comment_at!r}"]
        return f"TicketState({', '.join(shown)})"

    def value(self, name: str) -> Any:
        """A field's current value by its column name (`status`, `custom:<id>`, ...)."""
        if name.startswith(CUSTOM_PREFIX):
            return self.custom.get(name[len(CUSTOM_PREFIX):])
        return self.values[name]

    def changed(self, values: Mapping[str, Any] | None = None, **others: Any) -> TicketState:
        """A copy with some values (`values`: scalar fields) and others (custom, latest_comment...) replaced."""
        mine = {"custom": self.custom, "latest_comment": self.latest_comment,
                "latest_comment_at": self.latest_comment_at}
        return TicketState({**self.values, **(values or {})}, registry=self.registry, **{**mine, **others})

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, for the journal's pre-image; `from_json` reads it back."""
        scalars = {f.name: f.to_json(self.values[f.name]) for f in self.registry.scalars}
        return {**scalars, "custom": dict(self.custom), "latest_comment": self.latest_comment,
                "latest_comment_at": self.latest_comment_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], registry: Registry = REGISTRY) -> TicketState:
        """A pre-image as `as_json` wrote it; a field it does not hold (written before the field
        was known) reads as not read."""
        return cls({f.name: data.get(f.name) for f in registry.scalars}, custom=data.get("custom") or {},
                   latest_comment=data.get("latest_comment"), latest_comment_at=data.get("latest_comment_at"),
                   registry=registry)


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


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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
        dated = [(as_int(c.get("created_at")) or 0, i, c) for i, c in enumerate(comments) if isinstance(c, Mapping)]
        comments = max(dated, key=lambda t: t[:2])[2] if dated else None
    if isinstance(comments, Mapping):
        content = comments.get("content")
        return (content if isinstance(content, str) else None), as_int(comments.get("created_at"))
    return None, None


def state_from_ticket(ticket: Mapping[str, Any], registry: Registry = REGISTRY) -> TicketState:
    """The GET answer's `data.ticket` (ticket_v2) as a TicketState: each scalar field as its
    registry entry reads it, the custom fields and the latest comment. Never raises on odd shapes."""
    custom, comments = registry.of_kind("custom"), registry.of_kind("comment")
    comment, comment_at = _latest_comment(comments.raw(ticket) if comments is not None else None)
    return TicketState(
        {f.name: f.read(ticket) for f in registry.scalars},
        custom=_custom(custom.raw(ticket)) if custom is not None else {},
        latest_comment=comment,
        latest_comment_at=comment_at,
        registry=registry,
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
    for f in state.registry.scalars:
        if f.name not in body:
            continue
        old, new = state.values[f.name], f.target(body[f.name])
        wanted.append((f.name, old, new, f.same(old, new)))
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
    values = {f.name: f.target(body[f.name]) for f in state.registry.scalars if f.name in body}
    others: dict[str, Any] = {}
    if body.get("customized_fields"):
        others["custom"] = {**state.custom, **_body_custom(body)}
    if "comment" in body:
        others["latest_comment"], others["latest_comment_at"] = body["comment"], None  # posted: when, unknown
    return state.changed(values, **others) if values or others else state


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
        return "not applied", tr("the ticket has no comment")
    low = offset_ms[0] if offset_ms is not None else -UNKNOWN_SKEW_MS
    sent_by_their_clock = since_ms + low - CLOCK_MARGIN_MS  # the earliest the API's clock can have read then
    unchanged = before is not None and before.latest_comment == after.latest_comment and (
        before.latest_comment_at == at)
    if stored_comment(after.latest_comment) != comment:
        if at is not None and at < sent_by_their_clock:
            return "not applied", tr("no comment was posted on the ticket since this row was sent")
        if at is None and unchanged:
            return "not applied", tr("its latest comment is still the one it had before the run")
        if at is None:
            return "cannot tell", tr("another comment is the latest, and the API shows no time to tell when it was "
                                     "posted")
        return "cannot tell", tr("another comment was posted on the ticket after this row was sent")
    if at is not None and at < sent_by_their_clock:
        return "cannot tell", tr("its latest comment has this row's words but is older than the row (an earlier "
                                 "comment): not sent again, as it might post them twice")
    if unchanged or (at is None and before is None):
        return "cannot tell", tr("its latest comment has this row's words, but it cannot tell whether it was "
                                 "posted by this row or before it: not sent again")
    differ = [change.field for change in plan_row(after, body).changes]
    if differ:
        return "cannot tell", tr("its latest comment is this row's, but {fields} do not have the row's values",
                                 fields=", ".join(differ))
    return "applied", tr("its latest comment is this row's, posted after it was sent, and every field has its value")


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
