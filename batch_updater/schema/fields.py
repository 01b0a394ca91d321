"""The ticket fields: one `Field` each, and everything the tool knows of it. Pure.

Everything else derives from this table: the update body's fields and their order
(`Registry.body_names`), the header names a column may have (schema/columns.py), how a cell
parses (rows/validate.py, by `kind`), which fields a job file may default, which columns take an
Excel number as the number (sheet/excel.py), a ticket's state as read with GET ticket_v2 and how
it is compared and restored (plan/state.py, plan/undo.py), and the console's field list and
code names (console/web.py, console/tables.py).

To add a field: one `Field(...)` in `REGISTRY` below, and the sandbox's own list
(sandbox/body.py: it plays the API and does not read this table); tests/schema/test_fields.py
checks that the two agree. A registry is a value: pass a copy (`REGISTRY.adding(...)`) to
resolve_columns, parse_defaults, state_from_ticket or TicketState, and the field goes the
whole way from a column to an undo cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from batch_updater.i18n import N_, tr

# What a field's value is, which decides how a cell parses (rows/validate.py), how the value is
# read from a ticket, compared and written back to a cell:
#   id       the ticket's id: which ticket, never sent in the body
#   code     a whole number from `labels`, or one of their words (status, solved, ticket_type)
#   int      a whole number from 0 to 2**31 - 1 (channel)
#   text     the cell's text as it is
#   tags     a list of names (a, b / ["a", "b"]); compared as a set, restored as a JSON array
#   custom   customized_fields: a JSON list of {id, value, key_name?} (custom:<id> columns too)
#   comment  text posted as the ticket's latest comment: never compared, never taken back
Kind = Literal["id", "code", "int", "text", "tags", "custom", "comment"]
SCALAR_KINDS: frozenset[Kind] = frozenset({"code", "int", "text", "tags"})  # set, read, compared, restored
NUMBER_KINDS: frozenset[Kind] = frozenset({"code", "int"})  # an Excel number cell there means the number

Labels = Mapping[int, tuple[str, ...]]  # code -> the words a cell may use for it (Chinese first, then English)

# Status codes the update API accepts, with the API doc's own Chinese words and
# English labels. A plain "closed" means 51: a bulk update is run by a person.
STATUS_LABELS: dict[int, tuple[str, ...]] = {
    1: ("待响应", "awaiting response", "new", "created"),  # i18n: en (words read from a sheet)
    2: ("处理中", "in progress", "processing"),
    3: ("排队中", "queued", "queuing"),
    4: ("待定", "pending", "on hold"),
    5: ("待用户响应", "waiting for user", "awaiting user"),  # i18n: en
    50: ("机器人关闭工单", "closed by bot", "bot closed"),  # i18n: en
    51: ("人工关闭工单", "closed by agent", "agent closed", "closed", "已关闭", "关闭"),  # i18n: en
}
CLOSED_BY_AGENT = 51
# Status 52 (closed by the user): shown by the API, never set through it.
CLOSED_BY_USER = 52
CLOSED_BY_USER_LABELS = ("用户关闭工单", "closed by user", "user closed", "用户关闭")  # i18n: en
STATUS_52_NOTE = N_("status was 52 (closed by user), which the update API cannot set; "
                     "51 (closed by agent) restores it as closed")

SOLVED_LABELS: dict[int, tuple[str, ...]] = {
    1: ("未解决", "unresolved", "unsolved", "否", "no", "false"),
    2: ("已解决", "resolved", "solved", "是", "yes", "true"),
}

TICKET_TYPES = {1: "bot", 2: "human"}  # the API's ticket_type (api/FACTS.md): nothing else is taken


def fold(name: str) -> str:
    """A header as compared: spaces at either end and case do not matter, inner runs are one space."""
    return " ".join(name.strip().split()).lower()


@dataclass(frozen=True, slots=True)
class ShownOnly:
    """A code the API shows for a field but the update body cannot set (status 52)."""

    code: int
    labels: tuple[str, ...]  # its words: a cell using one is refused with `refusal`, not "not a status"
    refusal: str
    restore: int  # the code an undo cell writes instead
    note: str  # the undo sheet's note when it does


@dataclass(frozen=True, slots=True)
class Field:
    """One ticket field, as a column, a body value and a value read back."""

    name: str  # the update body's name (the API doc's), also the column's own name
    kind: Kind
    aliases: tuple[str, ...] = ()  # other header names, Chinese and English (compared folded)
    labels: Labels = field(default_factory=lambda: MappingProxyType({}))  # kind code: the codes it takes
    wrong: str = ""  # kind code: what a cell that is none of `labels` is told
    shown_only: tuple[ShownOnly, ...] = ()  # kind code: codes read back that cannot be sent
    defaultable: bool = False  # a job file's `defaults` may give it
    # The GET ticket_v2 keys its value is read from, the first one not null wins; None: its own
    # name. A scalar's value is converted by its kind (`read`); the custom fields' list and the
    # latest comment are taken from their keys by plan/state.py.
    reads: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind == "code" and not (self.labels and self.wrong):
            raise ValueError(  # i18n: en (the registry's author's mistake)
                f"{self.name}: a code field needs its codes (labels) and what a wrong cell is told")

    @property
    def in_body(self) -> bool:
        """Whether the update body carries it (the ticket id is in the URL)."""
        return self.kind != "id"

    @property
    def scalar(self) -> bool:
        """Set by the body, read back, compared and restored by an undo sheet as one value."""
        return self.kind in SCALAR_KINDS

    @property
    def number_cell(self) -> bool:
        """A code column: an Excel number cell there means the number, whatever its format (2.00 is 2)."""
        return self.kind in NUMBER_KINDS

    @property
    def read_keys(self) -> tuple[str, ...]:
        return self.reads if self.reads is not None else (self.name,)

    @property
    def named_codes(self) -> Labels:
        """Every code the API shows for it, with its words (the console names them in Chinese and
        English); empty when no code has words."""
        named = {**self.labels, **{s.code: s.labels for s in self.shown_only}}
        return named if any(named.values()) else {}

    # --- the value in a ticket's state (plan/state.py) -----------------------------------

    @property
    def empty(self) -> Any:
        """The state's value when the ticket does not show it: None (not read), () for tags."""
        return () if self.kind == "tags" else None

    def raw(self, ticket: Mapping[str, Any]) -> Any:
        """Its value in a GET ticket_v2 `data.ticket` as the API shows it (None: not shown)."""
        return next((ticket[k] for k in self.read_keys if ticket.get(k) is not None), None)

    def read(self, ticket: Mapping[str, Any]) -> Any:
        """Its value in a GET ticket_v2 `data.ticket`, in update-body terms (a code as an int, tags
        as a tuple of names). Never raises: an odd or missing value is `empty`."""
        raw = self.raw(ticket)
        if self.kind in NUMBER_KINDS:
            return as_int(raw)
        if self.kind == "tags":
            return tag_names(raw)
        return raw if isinstance(raw, str) else None

    def state_value(self, value: Any) -> Any:
        """A value as a state keeps it (tags as a tuple, in order)."""
        if value is None:
            return self.empty
        return tuple(value) if self.kind == "tags" else value

    def target(self, value: Any) -> Any:
        """A body's value as the ticket will have it (tags without repeats, in order)."""
        return tuple(dict.fromkeys(value)) if self.kind == "tags" else value

    def same(self, old: Any, new: Any) -> bool:
        """Whether the ticket already has the value (tags: the same names, in any order)."""
        return set(old) == set(new) if self.kind == "tags" else bool(old == new)

    def to_json(self, value: Any) -> Any:
        return list(value) if self.kind == "tags" else value

    def cell(self, value: Any) -> tuple[str, str | None]:
        """A state's value as a cell `batch-updater run` reads back as that value, and a note when
        it is not quite that value (52 is written as 51: the API cannot set it). Tags as a JSON
        array (`[]` for none), so that a tag with a comma survives; codes as their numbers."""
        if self.kind == "tags":
            return json.dumps(list(value), ensure_ascii=False), None
        for shown in self.shown_only:
            if value == shown.code:
                return str(shown.restore), tr(shown.note)
        return str(value), None


def as_int(value: Any) -> int | None:
    """A whole number as the API may show it (7, 7.0, "7"); None for anything else (True too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def tag_names(tags: Any) -> tuple[str, ...]:
    """`tags` as read ([{id, name}], or plain names) as the body's tag_names."""
    names: list[str] = []
    for tag in tags if isinstance(tags, list) else ():
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


@dataclass(frozen=True, eq=False)
class Registry:
    """The fields a run knows, the update body's in the API doc's order. A value: the module's
    `REGISTRY` is the default everywhere, and a copy with one more field can be passed instead."""

    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for f in self.fields:
            for name in (f.name, *f.aliases):
                key = fold(name)
                if key in seen:
                    raise ValueError(f"header name {name!r} is taken twice: by {seen[key]} and by {f.name}")  # i18n: en
                seen[key] = f.name
        kinds = [f.kind for f in self.fields]
        if [f.name for f in self.fields if f.kind == "id"] != ["ticket_id"]:
            raise ValueError("a registry has one field of kind id: ticket_id")  # i18n: en
        if kinds.count("custom") > 1 or kinds.count("comment") > 1:
            raise ValueError("a registry has at most one custom field and one comment field")  # i18n: en

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def get(self, name: str) -> Field | None:
        return self.by_name.get(name)

    def adding(self, new: Field) -> Registry:
        """A copy with one more field, last."""
        return Registry((*self.fields, new))

    @cached_property
    def by_name(self) -> Mapping[str, Field]:
        return MappingProxyType({f.name: f for f in self.fields})

    @cached_property
    def headers(self) -> Mapping[str, str]:
        """Folded header name -> field name: each field's own name and its aliases."""
        return MappingProxyType({fold(n): f.name for f in self.fields for n in (f.name, *f.aliases)})

    def of_kind(self, kind: Kind) -> Field | None:
        """The field of a kind there is at most one of (id, custom, comment)."""
        return next((f for f in self.fields if f.kind == kind), None)

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def body_names(self) -> tuple[str, ...]:
        """The update body's fields, in the body's order."""
        return tuple(f.name for f in self.fields if f.in_body)

    @cached_property
    def scalars(self) -> tuple[Field, ...]:
        """The fields a ticket's state holds one value of, in the body's order."""
        return tuple(f for f in self.fields if f.scalar)

    @cached_property
    def defaultable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.defaultable)


REGISTRY = Registry((
    Field("ticket_id", "id", aliases=("ticket id", "ticketid", "工单id", "工单编号", "工单号")),
    Field("status", "code", aliases=("状态", "工单状态"), labels=MappingProxyType(STATUS_LABELS),
          wrong=N_("not a status: use 1-5, 50, 51 or a label such as 处理中 / in progress / closed"),
          shown_only=(ShownOnly(CLOSED_BY_USER, CLOSED_BY_USER_LABELS,
                                N_("52 (closed by user) cannot be set through the update API; "
                                   "use 51 (closed by agent)"),
                                CLOSED_BY_AGENT, STATUS_52_NOTE),),
          defaultable=True),
    Field("tag_names", "tags", aliases=("tags", "tag", "标签"), defaultable=True, reads=("tags",)),
    # not 备注: a note for the team, not a comment the customer sees
    Field("comment", "comment", aliases=("评论",), defaultable=True, reads=("comments",)),
    Field("customized_fields", "custom", aliases=("自定义字段",)),
    Field("ticket_type", "code", aliases=("工单类型",), labels=MappingProxyType({code: () for code in TICKET_TYPES}),
          wrong=N_("not a ticket type: use 1 (bot) or 2 (human)"), defaultable=True),
    Field("solved", "code", aliases=("是否解决", "解决状态"), labels=MappingProxyType(SOLVED_LABELS),
          wrong=N_("not a solved value: use 1 / unresolved / 未解决 or 2 / resolved / 已解决"),
          defaultable=True, reads=("solve", "solved")),  # the read shape says solve; the update name is taken too
    Field("channel", "int", aliases=("渠道", "来源渠道"), defaultable=True),
))

FIELDS = REGISTRY.body_names  # the update body's fields, in the API doc's order
