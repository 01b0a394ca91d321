"""Feishu Base (多维表格, Bitable) as the sandbox keeps it: bases, tables, fields, views and records,
and the rules of reading and writing them (docs/api-facts.md §9.3-9.6). No HTTP here
(docs_routes.py answers); no client belief either: the sandbox never imports `schema`.

- A record's cells are stored as written and answered in the read shape of §9.5: a Text cell as
  a list of segments, a Number as a JSON double (a 19-digit id has lost its last digits), a
  MultiSelect as a list of strings, an empty cell left out of `fields`.
- A view has a filter (conditions joined by `and`/`or`) and an order; `records/search` with a
  `view_id` honours them, unless the body has its own `filter` or `sort` (then the view is ignored).
- `access` says what advanced permissions (高级权限) leave the caller: "full"; "read_only" (writes
  refused, 1254302); "hidden" (a search answers no records; writes refused, 1254304).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TEXT, NUMBER, SINGLE_SELECT, MULTI_SELECT, DATETIME, CHECKBOX = 1, 2, 3, 4, 5, 7
UI_TYPES = {TEXT: "Text", NUMBER: "Number", SINGLE_SELECT: "SingleSelect", MULTI_SELECT: "MultiSelect",
            DATETIME: "DateTime", CHECKBOX: "Checkbox"}

# Answer codes (docs/api-facts.md §9.6).
THROTTLED = 1254290  # with HTTP 200
WRITE_CONFLICT = 1254291
NOT_READY = 1254607
TOO_MANY_RECORDS = 1254104
FIELD_NOT_FOUND = 1254045
WRONG_TYPE = 1254060
APP_NOT_FOUND, TABLE_NOT_FOUND, VIEW_NOT_FOUND, RECORD_NOT_FOUND = 1254040, 1254041, 1254042, 1254043
READ_ONLY, HIDDEN = 1254302, 1254304
FAIL = 1254002
TIMEOUT = 1255040  # with HTTP 504
MSGS = {TIMEOUT: "timeout", THROTTLED: "TooManyRequest", WRITE_CONFLICT: "Write conflict", NOT_READY: "Data not ready",
        TOO_MANY_RECORDS: "batch too big: at most 1000 records a request", FIELD_NOT_FOUND: "FieldNameNotFound",
        WRONG_TYPE: "the value does not fit the field's type", APP_NOT_FOUND: "app_token not found",
        TABLE_NOT_FOUND: "table not found", VIEW_NOT_FOUND: "view not found",
        RECORD_NOT_FOUND: "record not found", READ_ONLY: "permission denied (advanced permissions)",
        HIDDEN: "permission denied (advanced permissions)", FAIL: "Fail"}

MAX_PAGE, MAX_FIELD_PAGE, MAX_BATCH = 500, 100, 1000


class Refused(Exception):
    """A request the Base refuses, with its code."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail or MSGS.get(code, str(code)))
        self.code = code


@dataclass
class Field:
    field_id: str
    field_name: str
    type: int
    is_primary: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"field_id": self.field_id, "field_name": self.field_name, "type": self.type,
                "ui_type": UI_TYPES.get(self.type, "Text"), "is_primary": self.is_primary, "property": None}


@dataclass
class View:
    view_id: str
    view_name: str
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (field name, operator, values)
    conjunction: str = "and"
    order_by: str | None = None  # a field name; its text ascending
    desc: bool = False


@dataclass
class Table:
    table_id: str
    name: str
    fields: list[Field] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # record id -> field name -> value, in order

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.field_name == name), None)

    def view(self, view_id: str) -> View:
        found = next((v for v in self.views if v.view_id == view_id), None)
        if found is None:
            raise Refused(VIEW_NOT_FOUND)
        return found

    def read(self, record_id: str) -> dict[str, Any]:
        """A record's `fields` as a search answers them (§9.5)."""
        shown = {}
        for name, value in self.records[record_id].items():
            column = self.field_named(name)
            if column is not None and value not in (None, "", []):
                shown[name] = [{"type": "text", "text": value}] if column.type == TEXT else value
        return shown

    def text(self, record_id: str, name: str) -> str:
        """A cell as a filter compares it."""
        value = self.records[record_id].get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


@dataclass
class Base:
    app_token: str
    name: str
    tables: dict[str, Table] = field(default_factory=dict)
    access: str = "full"
    writing: int = 0  # batch_update requests being applied now (one at a time is the rule)

    def table(self, table_id: str) -> Table:
        if table_id not in self.tables:
            raise Refused(TABLE_NOT_FOUND)
        return self.tables[table_id]


class Ids:
    """Ids in Feishu's shapes, drawn from a seed."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(f"{seed}-docs")
        self._seq = itertools.count(1)

    def make(self, prefix: str, n: int = 14) -> str:
        chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return prefix + "".join(self.rng.choice(chars) for _ in range(n))


Conditions = Sequence[tuple[str, str, Sequence[str]]]  # (field name, operator, values)


def new_base(ids: Ids, name: str, table_name: str, columns: Sequence[tuple[str, int]],
             rows: Iterable[Mapping[str, Any]] = (), views: Sequence[tuple[str, Conditions]] = ()
             ) -> tuple[Base, Table]:
    """A base of one table: `columns` (name, type; the first is the primary field), `rows` (name ->
    value as written), a grid view of every record and `views` (name, conditions) of its own."""
    base = Base(ids.make("bascn", 20), name)
    table = Table(ids.make("tbl", 13), table_name)
    base.tables[table.table_id] = table
    for i, (column, kind) in enumerate(columns):
        table.fields.append(Field(ids.make("fld", 7), column, kind, is_primary=i == 0))
    table.views.append(View(ids.make("vew", 7), "Grid view"))
    for view_name, conditions in views:
        table.views.append(View(ids.make("vew", 7), view_name,
                                tuple((f, op, tuple(values)) for f, op, values in conditions)))
    for row in rows:
        add_record(ids, table, row)
    return base, table


def add_record(ids: Ids, table: Table, values: Mapping[str, Any]) -> str:
    record_id = ids.make("rec", 10)
    table.records[record_id] = {}
    for name, value in values.items():
        column = table.field_named(name)
        if column is None:
            raise Refused(FIELD_NOT_FOUND, name)
        table.records[record_id][name] = stored(column, value)
    return record_id


def stored(column: Field, value: Any) -> Any:
    """A written value as the field keeps it; Refused(WRONG_TYPE) when it does not fit (§9.5)."""
    if value is None or value == "":
        return None
    kind = column.type
    if kind in (TEXT, SINGLE_SELECT) and isinstance(value, str):
        return value
    if kind == NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)  # a JSON double, as Feishu keeps it
    if kind == NUMBER and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    if kind == MULTI_SELECT and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if kind == DATETIME and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == CHECKBOX and isinstance(value, bool):
        return value
    raise Refused(WRONG_TYPE, f"field {column.field_name!r}: {value!r} does not fit a {UI_TYPES.get(kind)} field")


def _matches(table: Table, record_id: str, conditions: Sequence[tuple[str, str, Sequence[str]]],
             conjunction: str) -> bool:
    results = []
    for name, operator, values in conditions:
        if table.field_named(name) is None:
            raise Refused(FIELD_NOT_FOUND, name)
        text = table.text(record_id, name)
        wanted = [str(v) for v in values]
        if operator == "is":
            results.append(text in wanted)
        elif operator == "isNot":
            results.append(text not in wanted)
        elif operator == "contains":
            results.append(any(w in text for w in wanted))
        elif operator == "doesNotContain":
            results.append(not any(w in text for w in wanted))
        elif operator == "isEmpty":
            results.append(text == "")
        elif operator == "isNotEmpty":
            results.append(text != "")
        else:
            raise Refused(FAIL, f"operator {operator!r}")
    return all(results) if conjunction == "and" else any(results)


def search(table: Table, body: Mapping[str, Any], access: str) -> list[str]:
    """The record ids a search body selects, in order (§9.3): its own filter and sort, else its
    view's (the view is ignored when the body has either), else every record."""
    if access == "hidden":
        return []  # advanced permissions: a successful search with no records (§9.2)
    filter_, sort = body.get("filter"), body.get("sort")
    conditions: Sequence[tuple[str, str, Sequence[str]]] = ()
    conjunction, order_by, desc = "and", None, False
    if filter_ or sort:
        if isinstance(filter_, dict):
            conjunction = str(filter_.get("conjunction") or "and")
            conditions = [(str(c.get("field_name")), str(c.get("operator")), tuple(c.get("value") or ()))
                          for c in filter_.get("conditions") or [] if isinstance(c, dict)]
        if isinstance(sort, list) and sort and isinstance(sort[0], dict):
            order_by, desc = str(sort[0].get("field_name")), bool(sort[0].get("desc"))
    elif body.get("view_id"):
        view = table.view(str(body["view_id"]))
        conditions, conjunction, order_by, desc = view.conditions, view.conjunction, view.order_by, view.desc
    ids = [rid for rid in table.records if not conditions or _matches(table, rid, conditions, conjunction)]
    if order_by is not None:
        ids.sort(key=lambda rid: table.text(rid, order_by), reverse=desc)
    return ids


def check_batch(table: Table, records: Any) -> list[tuple[str, dict[str, Any]]]:
    """A batch_update body's records, each value as its field keeps it; the whole batch refused
    (Refused) if any record or value is wrong: all or nothing (§9.4)."""
    if not isinstance(records, list) or not records:
        raise Refused(FAIL, "records: expected a non-empty list")
    if len(records) > MAX_BATCH:
        raise Refused(TOO_MANY_RECORDS)
    checked = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise Refused(FAIL, "each record needs a record_id and fields")
        record_id = str(record.get("record_id"))
        if record_id not in table.records:
            raise Refused(RECORD_NOT_FOUND, record_id)
        values = {}
        for name, value in record["fields"].items():
            column = table.field_named(name)  # the exact name: spaces and line breaks count (§9.4)
            if column is None:
                raise Refused(FIELD_NOT_FOUND, name)
            values[name] = stored(column, value)
        checked.append((record_id, values))
    return checked


def check_create(table: Table, records: Any) -> list[dict[str, Any]]:
    """A batch_create body's records (`[{"fields": {...}}]`), each value as its field keeps it;
    the whole batch refused if any is wrong: all or nothing, at most 1,000 records."""
    if not isinstance(records, list) or not records:
        raise Refused(FAIL, "records: expected a non-empty list")
    if len(records) > MAX_BATCH:
        raise Refused(TOO_MANY_RECORDS)
    checked = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise Refused(FAIL, "each record needs its fields")
        values = {}
        for name, value in record["fields"].items():
            column = table.field_named(name)
            if column is None:
                raise Refused(FIELD_NOT_FOUND, name)
            values[name] = stored(column, value)
        checked.append(values)
    return checked


def apply_batch(table: Table, checked: Sequence[tuple[str, dict[str, Any]]]) -> None:
    for record_id, values in checked:
        table.records[record_id].update(values)
